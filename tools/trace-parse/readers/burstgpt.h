/*
 * BurstGPT (HPMLL/BurstGPT) request log:
 *   Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
 *   5,ChatGPT,472,18,490,Conversation log
 * Timestamp is seconds from the start of the trace.  A failed request is
 * logged with 0 response tokens; we keep it and mark it.
 */
#ifndef RT_FMT_BURSTGPT_H
#define RT_FMT_BURSTGPT_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"

extern const char *const fmt_burstgpt_columns[];

struct fmt_burstgpt {
	int64_t	 ts_us;
	const char *model;	/* points into the line */
	int64_t	 input_tokens, output_tokens;
	int	 failed;
};

int fmt_burstgpt_row(char *line, size_t len, struct fmt_burstgpt *r,
    struct jerr *e);

#endif
