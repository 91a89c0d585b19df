/*
 * The step record (schemas/step.schema.json): what ran in one engine
 * iteration, in BLIS's StepConfig shape (the request lists), or in
 * aggregate form (counts only).  Entries may carry the request_id they
 * belong to.  Read here, and written here, as NDJSON or CSV.
 */
#ifndef RT_STEP_H
#define RT_STEP_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "io/csvout.h"
#include "io/jsonin.h"
#include "io/jsonout.h"

struct step_req {
	int64_t	 progress_index;	/* tokens already in the KV cache */
	int64_t	 tokens;		/* new tokens this step */
	const char *request_id;		/* NULL when unknown; not owned */
};

struct step {
	struct step_req *prefill, *decode;
	size_t	 n_prefill, n_decode;
	size_t	 cap_prefill, cap_decode;
};

void step_init(struct step *s);
void step_clear(struct step *s);
void step_free(struct step *s);
struct step_req *step_add_prefill(struct step *s);
struct step_req *step_add_decode(struct step *s);

/*
 * Fill s from a parsed record.  Both request lists are required; entries
 * need non-negative integer fields, and decodes exactly one new token (the
 * roofline counts one token per decode, so anything else would be silently
 * wrong); request_id, when given, is a string.  The optional step (>= 0),
 * ts_us and dur_us (> 0, or null) are checked when present; integers are
 * below 2^53.  request_id pointers point into obj.  0, or -1 with e set.
 */
int step_from_json(const cJSON *obj, struct step *s, struct errmsg *e);

/*
 * Check a step record's optional integers, in either form: step >= 0,
 * ts_us, dur_us > 0 or null, each below 2^53.  0, or -1 with e set.
 */
int step_times_from_json(const cJSON *obj, struct errmsg *e);

/* Sum of new prefill tokens; -1 if it would overflow 2^53. */
int64_t step_prefill_tokens(const struct step *s);

/* --- writing -------------------------------------------------------- */

/* An optional integer field: left out, or written as null (CSV: empty). */
#define STEP_ABSENT INT64_MIN
#define STEP_NULL (INT64_MIN + 1)

/*
 * A step record to write; the writer owns nothing.  NDJSON fields come
 * in this order, each only when set; pass's fields, when given, come
 * first, less those written after them.
 */
struct step_out {
	const cJSON *pass;		/* an input record passed through */
	/*
	 * pass's bytes as read, up to its closing brace
	 * (jsonin_object_head); NULL: none.  When given and none of pass's
	 * fields is one written after them, they go out unchanged instead
	 * of pass re-serialised.
	 */
	const char *pass_head;
	size_t	 pass_len;
	int	 pass_members;
	int64_t	 step, engine, ts_us, dur_us;	/* STEP_ABSENT, STEP_NULL */
	const char *engine_name;	/* engine as a string; wins over engine */
	const char *dur_source;		/* what dur_us measures; NULL: none */
	int64_t	 sched_us;		/* the scheduler's own time; STEP_ABSENT */
	/* the counts (aggregate form); STEP_ABSENT each */
	int64_t	 n_prefill, prefill_tokens, n_decode, decode_tokens;
	/* their moments (aggregate form); STEP_ABSENT, variances < 0 each */
	int64_t	 prefill_kv_tokens, decode_kv_tokens;
	double	 prefill_len_var, decode_kv_var;
	double	 kv_usage;		/* fraction; < 0: not known */
	int64_t	 kv_blocks_total;	/* the KV pool in blocks; STEP_ABSENT */
	int	 dummy, hidden, estimated;	/* true ones are written */
	const char *estimate;		/* how it was estimated; NULL: none */
	const char *model, *hardware;	/* NULL: unknown */
	int64_t	 tp;			/* STEP_ABSENT */
	const struct step *comp;	/* the request lists; NULL: none */
};

/* Nothing set: every field absent. */
void step_out_init(struct step_out *s);

/* One NDJSON line. */
void step_write_json(struct jw *w, const struct step_out *s);

/*
 * CSV with the columns a program chooses, named as the NDJSON fields
 * (step, engine, ts_us, dur_us, dur_source, sched_us, n_prefill,
 * prefill_tokens, n_decode, decode_tokens, prefill_kv_tokens,
 * prefill_len_var, decode_kv_tokens, decode_kv_var, kv_usage,
 * kv_blocks_total,
 * dummy, hidden, estimated, model, hardware, tp).  Unknown values are
 * empty; a count not given is taken from comp (decode_tokens as n_decode:
 * a decode is one token); a flag is 0 or 1.
 */
enum { STEP_CSV_MAXCOLS = 24 };

struct step_csv {
	struct csvw *c;
	const char *const *names;
	unsigned char col[STEP_CSV_MAXCOLS];
	size_t	 ncol;
};

/* columns: NULL-terminated; a name not listed above is a program bug. */
void step_csv_init(struct step_csv *sc, struct csvw *c,
    const char *const *columns);
void step_csv_header(const struct step_csv *sc);
void step_write_csv(const struct step_csv *sc, const struct step_out *s);

#endif
