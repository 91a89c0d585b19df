/*
 * Azure LLM inference trace (2023 and 2024 releases):
 *   TIMESTAMP,ContextTokens,GeneratedTokens
 *   2023-11-16 18:17:03.9799600,4808,10
 * CRLF, a BOM and a missing final newline are the line reader's business.
 */
#ifndef RT_AZURE_H
#define RT_AZURE_H

#include <stdint.h>

#include "csvrow.h"
#include "readers/readers.h"

extern const struct reader azure_reader;
extern const char *const azure_columns[];

struct azure_rec {
	int64_t	 ts_us;		/* since 1970, the text read as UTC */
	int64_t	 input_tokens, output_tokens;
};

/* One data row, split as azure_columns; 0, or -1 with e set. */
int azure_parse(const struct csvrow *row, struct azure_rec *r,
    struct errmsg *e);

#endif
