/*
 * Azure LLM inference trace (2023 and 2024 releases):
 *   TIMESTAMP,ContextTokens,GeneratedTokens
 *   2023-11-16 18:17:03.9799600,4808,10
 * CRLF and a missing final newline are the line reader's business.
 */
#ifndef RT_FMT_AZURE_H
#define RT_FMT_AZURE_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"

extern const char *const fmt_azure_columns[];

struct fmt_azure {
	int64_t	 ts_us;		/* since 1970, the text read as UTC */
	int64_t	 input_tokens, output_tokens;
};

/* One data row (modified in place); 0, or -1 with e set. */
int fmt_azure_row(char *line, size_t len, struct fmt_azure *r,
    struct jerr *e);

#endif
