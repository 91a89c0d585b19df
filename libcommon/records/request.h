/*
 * The request record (DESIGN.md): one request of a request-level trace,
 * with its arrival, token counts and, when measured, the time of every
 * output token.
 */
#ifndef RT_REQUEST_H
#define RT_REQUEST_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "io/jsonin.h"

/* Longest request_id kept, in bytes; longer ones are refused. */
enum { REQUEST_ID_MAX = 256 };

struct request {
	char	*id;			/* owned */
	int64_t	 arrival_us;
	int64_t	 input_tokens;		/* >= 1 */
	int64_t	 output_tokens;		/* >= 1 */
	int64_t	*token_us;		/* output_tokens times, or NULL */
	int	 failed;		/* the trace marked it with "error" */
	long	 line;			/* input line, for messages */
};

enum {
	REQ_NEED_TIMES = 1	/* ttft_us and itl_us are required */
};

/*
 * Fill r from a parsed record.  A numeric request_id is kept as its
 * decimal text.  With REQ_NEED_TIMES, the per-token times are rebuilt as
 * arrival_us + ttft_us + the running sum of itl_us (rounded to whole
 * microseconds); itl_us must hold output_tokens - 1 gaps.  A record with a
 * non-null "error" is marked failed and its counts are not checked.
 * 0, or -1 with e set; r owns nothing on failure.
 */
int request_from_json(const cJSON *obj, int flags, struct request *r,
    struct jerr *e);
void request_free(struct request *r);

#endif
