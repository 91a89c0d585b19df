/*
 * BurstGPT (HPMLL/BurstGPT) request log:
 *   Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
 *   5,ChatGPT,472,18,490,Conversation log
 * Timestamp is seconds from the start of the trace.  A failed request is
 * logged with 0 response tokens; we keep it and mark it.
 */
#ifndef RT_BURSTGPT_H
#define RT_BURSTGPT_H

#include <stdint.h>

#include "csvrow.h"
#include "readers/readers.h"

extern const struct reader burstgpt_reader;
extern const char *const burstgpt_columns[];

struct burstgpt_rec {
	int64_t	 ts_us;
	const char *model;	/* points into the row */
	int64_t	 input_tokens, output_tokens;
	int	 failed;
};

/* One data row, split as burstgpt_columns; 0, or -1 with e set. */
int burstgpt_parse(const struct csvrow *row, struct burstgpt_rec *r,
    struct jerr *e);

#endif
