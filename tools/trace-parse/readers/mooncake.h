/*
 * Mooncake trace JSONL (kvcache-ai/Mooncake FAST'25 traces):
 *   {"timestamp": 0, "input_length": 6758, "output_length": 500,
 *    "hash_ids": [0, 1, 2]}
 * timestamp is the arrival in whole milliseconds.
 */
#ifndef RT_FMT_MOONCAKE_H
#define RT_FMT_MOONCAKE_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"

struct fmt_mooncake {
	int64_t	 ts_us;
	int64_t	 input_tokens, output_tokens;
	int64_t	 n_hash_ids;
};

/* One line; 0, or -1 with e set (column or field path in the message). */
int fmt_mooncake_line(const char *line, size_t len, struct fmt_mooncake *r,
    struct jerr *e);

#endif
