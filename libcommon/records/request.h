/*
 * The request record (schemas/request.schema.json): one request of a
 * request-level trace, with its arrival, token counts and, when measured,
 * the time of every output token.  Read here, and written here, as NDJSON
 * or CSV.
 */
#ifndef RT_REQUEST_H
#define RT_REQUEST_H

#include <stdint.h>

#include <stddef.h>

#include <cjson/cJSON.h>

#include "io/csvout.h"
#include "io/jsonin.h"
#include "io/jsonout.h"

/* Longest request_id kept, in bytes; longer ones are refused. */
enum { REQUEST_ID_MAX = 256 };

struct request {
	char	*id;			/* owned */
	int64_t	 arrival_us;
	int64_t	 input_tokens;		/* >= 1 */
	int64_t	 output_tokens;		/* >= 1 (>= 0: REQ_ZERO_OUTPUT) */
	int64_t	*token_us;		/* output_tokens times, or NULL */
	/* REQ_MEASURED: the measured latencies given, else REQUEST_ABSENT */
	int64_t	 ttft_us, e2e_us;
	int64_t	 queue_us, prefill_us, decode_us;	/* a server's span */
	/* itl_us had fewer gaps than output_tokens - 1 (several tokens a
	 * chunk): no token times, ttft_us and e2e_us kept */
	int	 itl_chunked;
	/* prompt tokens served from a prefix cache; REQUEST_ABSENT if not
	 * given (0 <= cached_tokens < input_tokens) */
	int64_t	 cached_tokens;
	int	 failed;		/* the trace marked it with "error" */
	long	 line;			/* input line, for messages */
};

enum {
	REQ_NEED_TIMES = 1,	/* ttft_us and itl_us are required */
	REQ_MEASURED = 2,	/* whatever was measured, each optional */
	REQ_ZERO_OUTPUT = 4	/* output_tokens may be 0 (a bare prefill) */
};

/* An optional integer field that is not known: left out. */
#define REQUEST_ABSENT INT64_MIN

/*
 * Fill r from a parsed record.  A numeric request_id is kept as its
 * decimal text.  With REQ_NEED_TIMES, the per-token times are rebuilt as
 * arrival_us + ttft_us + the running sum of itl_us (rounded to whole
 * microseconds); itl_us must hold output_tokens - 1 gaps.  With
 * REQ_MEASURED (which wins over REQ_NEED_TIMES) each of ttft_us, e2e_us
 * and itl_us is read when present, and queue_us, prefill_us and decode_us
 * (a server span's): ttft_us and e2e_us into their fields, and the token
 * times as above when itl_us is there too (itl_us without ttft_us is
 * refused; fewer gaps than output_tokens - 1 keeps no token times and
 * sets itl_chunked, the E2E then the last gap's end when not given).  cached_tokens is read whenever present.  A record
 * with a non-null "error" is marked failed and its counts are not
 * checked.
 * 0, or -1 with e set; r owns nothing on failure.
 */
int request_from_json(const cJSON *obj, int flags, struct request *r,
    struct errmsg *e);
void request_free(struct request *r);

/* --- writing -------------------------------------------------------- */

/* A request record to write; the writer owns nothing. */
struct request_out {
	const char *id;
	int64_t	 arrival_us;
	int64_t	 input_tokens, output_tokens;
	/* REQUEST_ABSENT when unknown */
	int64_t	 cached_tokens;		/* after output_tokens */
	int64_t	 ttft_us, e2e_us, queue_us, prefill_us, decode_us;
	/* engine-side span times; V0 engines' last three */
	int64_t	 inference_us, scheduler_us, model_forward_us,
		 model_execute_us;
	const int64_t *itl_us;		/* n_itl gaps; NULL: absent */
	size_t	 n_itl;
	/* gaps between streamed chunks holding several tokens each, kept
	 * instead of itl_us (NULL: absent) */
	const int64_t *chunk_itl_us;
	size_t	 n_chunk_itl;
	const char *error;		/* NULL: the request succeeded */
	const char *model;		/* NULL: unknown */
	const char *session_id;		/* the trace's conversation; NULL */
};

/* Every optional field absent. */
void request_out_init(struct request_out *r);

/* One NDJSON line, fields in the schema's order, absent ones left out. */
void request_write_json(struct jw *w, const struct request_out *r);

/*
 * A record that extends the request record (trace-replay's): open it
 * with the four required fields (and cached_tokens when known), add the caller's own with jw, and end
 * the line with request_json_close.
 */
void request_json_open(struct jw *w, const struct request_out *r);
void request_json_close(struct jw *w);

/*
 * CSV: the header, and one row a record (unknown fields empty; no itl_us,
 * chunk_itl_us, cached_tokens or session_id).
 */
void request_csv_header(struct csvw *c);
void request_write_csv(struct csvw *c, const struct request_out *r);

#endif
