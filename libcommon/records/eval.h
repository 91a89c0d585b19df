/*
 * Eval records (schemas/eval.schema.json): a step record with the
 * roofline's prediction, as roofline-eval writes it.  The writer appends
 * the eval fields to a step record (eval_write_keys).  The reader takes
 * what a fit needs: the model's untruncated compute and memory times, the
 * minority fraction, the kind of step, the measured dur_us when there is
 * one, and the flags that exclude a step.
 */
#ifndef RT_EVAL_H
#define RT_EVAL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "io/csvout.h"
#include "io/jsonin.h"
#include "io/jsonout.h"

enum eval_kind { EVAL_EMPTY, EVAL_PREFILL, EVAL_DECODE, EVAL_MIXED };

struct eval_rec {
	double	 compute_us, memory_us;
	double	 minority_fraction;	/* in [0, 0.5] */
	enum eval_kind kind;		/* from the request counts */
	int64_t	 step;		/* the record's step number, else -1 */
	double	 dur_us;	/* measured; 0 when absent or null */
	int	 has_dur, dummy, estimated;
	/*
	 * Optional (newer roofline-eval): the compute time of the prefill
	 * and of the decode tokens at the entry's MFUs, the physical-floor
	 * flag, and whether dur_us is a vLLM log's engine wait.
	 */
	double	 compute_prefill_us, compute_decode_us;
	int	 has_compute_prefill, has_compute_decode;
	double	 sched_us;	/* the scheduler's time (step traces) */
	int	 has_sched;
	int	 below_floor, engine_wait;
	/*
	 * The physical floor roofline-eval wrote (floor_us), and what dur_us
	 * measures (dur_source; "" when absent, cut to fit).
	 */
	double	 floor_us;
	int	 has_floor;
	char	 dur_source[32];
};

/*
 * Parse one NDJSON line.  0, or -1 with e set: malformed JSON, a missing
 * or mistyped model field, or a dur_us that is not a positive number.
 */
int eval_parse(const char *line, size_t len, struct eval_rec *r,
    struct errmsg *e);
/* The same, parsed into j's memory reused from line to line (faster). */
int eval_parse_with(struct jsonin *j, const char *line, size_t len,
    struct eval_rec *r, struct errmsg *e);

/*
 * The same, with the request lists left unparsed (only whether each is
 * empty is read): most of a step's bytes, and nothing a fit uses.  b is
 * a buffer reused from line to line (zeroed first, freed by the caller).
 * A record cJSON refuses is parsed again whole, for cJSON's own message.
 */
struct eval_buf {
	char	*buf;
	size_t	 cap;
};
int eval_parse_lean(struct jsonin *j, struct eval_buf *b, const char *line,
    size_t len, struct eval_rec *r, struct errmsg *e);

/* The fields the writer appends to a step record, in this order. */
struct eval_fields {
	int64_t	 pred_us;
	double	 compute_us, memory_us, minority_fraction;
	int	 compute_bound;		/* regime "compute", else "memory" */
	double	 compute_prefill_us, compute_decode_us, floor_us;
	int	 below_floor;		/* 1, 0, or -1: no dur_us, left out */
};

/* Their names, NULL-terminated: the eval columns of CSV, in order. */
extern const char *const eval_write_keys[];

/* Whether key is one the writer appends (a record's own is replaced). */
int eval_write_owns(const char *key);

/*
 * Finish a record whose own bytes, without the closing brace, are
 * already written: a comma when it has members, the eval fields, "}\n".
 */
void eval_write_tail(FILE *fp, const struct eval_fields *f, int members);
/* The eval fields as members of the object w is writing. */
void eval_write_json(struct jw *w, const struct eval_fields *f);
/* The eval fields as CSV cells, in eval_write_keys' order. */
void eval_write_csv(struct csvw *c, const struct eval_fields *f);

#endif
