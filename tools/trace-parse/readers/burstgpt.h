/*
 * BurstGPT (HPMLL/BurstGPT) request log, its columns found by name:
 *   Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type
 *   5,ChatGPT,472,18,490,Conversation log
 * and BurstGPT 2.0 (BurstGPT_3 on):
 *   Timestamp,Session ID,Elapsed time,Model,Request tokens,
 *   Response tokens,Total tokens,Log Type
 *   19440110.0,...
 * Timestamp is seconds from the start of the trace, decimals read exactly.
 * A failed request is logged with 0 response tokens; we keep it and mark
 * it.  Session ID becomes session_id.  Elapsed time is not written: the
 * README documents no unit for it (its schema lists the six columns of
 * the first layout only), so it cannot be a latency in microseconds.
 */
#ifndef RT_BURSTGPT_H
#define RT_BURSTGPT_H

#include <stdint.h>

#include "csvrow.h"
#include "readers/readers.h"

extern const struct reader burstgpt_reader;

/* Where a file's columns are, from its header. */
struct burstgpt_layout {
	char	*names[CSVROW_MAXFIELDS + 1];	/* the header, for messages */
	size_t	 ncol;
	int	 ts, model, req, resp, total, type;
	int	 session, elapsed;		/* -1: not in the file */
};

struct burstgpt_rec {
	int64_t	 ts_us;
	const char *model;		/* points into the row */
	const char *session_id;		/* into the row; NULL: none */
	int64_t	 input_tokens, output_tokens;
	int	 failed;
};

/* The header row to a layout (freed by the next call or _free). */
int burstgpt_layout(struct burstgpt_layout *l, const struct csvrow *hdr,
    struct errmsg *e);
void burstgpt_layout_free(struct burstgpt_layout *l);
/* One data row of layout l; 0, or -1 with e set. */
int burstgpt_parse(const struct burstgpt_layout *l, const struct csvrow *row,
    struct burstgpt_rec *r, struct errmsg *e);

#endif
