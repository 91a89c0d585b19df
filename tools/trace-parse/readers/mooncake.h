/*
 * Mooncake trace JSONL (kvcache-ai/Mooncake FAST'25 traces):
 *   {"timestamp": 0, "input_length": 6758, "output_length": 500,
 *    "hash_ids": [0, 1, 2]}
 * timestamp is the arrival in whole milliseconds.
 */
#ifndef RT_MOONCAKE_H
#define RT_MOONCAKE_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"
#include "readers/readers.h"

extern const struct reader mooncake_reader;

struct mooncake_rec {
	int64_t	 ts_us;
	int64_t	 input_tokens, output_tokens;
	int64_t	 n_hash_ids;
};

/* One line; 0, or -1 with e set (column or field path in the message). */
int mooncake_parse(const char *line, size_t len, struct mooncake_rec *r,
    struct errmsg *e);
/*
 * The same, hash_ids parsed by cJSON with the rest (mooncake_parse leaves
 * a plain array of numbers out, counted): for the fuzz harness, which
 * checks that both say the same.
 */
int mooncake_parse_full(const char *line, size_t len, struct mooncake_rec *r,
    struct errmsg *e);

#endif
