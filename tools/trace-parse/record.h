/*
 * trace-parse's output records (DESIGN.md): request records, and step
 * records in aggregate form (iteration logs) or in full form (measured
 * tables, where every request of a step is known).  One writer for both,
 * NDJSON or CSV.
 */
#ifndef RT_TP_RECORD_H
#define RT_TP_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "io/csvout.h"
#include "io/jsonout.h"

/* An optional integer field that the trace did not carry. */
#define TP_ABSENT INT64_MIN

struct tp_request {
	const char *id;
	int64_t	 arrival_us;
	int64_t	 input_tokens, output_tokens;
	int64_t	 ttft_us, e2e_us, queue_us, prefill_us, decode_us;
	const int64_t *itl_us;		/* NULL: absent */
	size_t	 n_itl;
	const char *error;		/* NULL: the request succeeded */
	const char *model;		/* NULL: unknown */
};

struct tp_step {
	int64_t	 step, ts_us, dur_us;	/* TP_ABSENT when unknown */
	int64_t	 n_prefill, prefill_tokens, n_decode, decode_tokens;
	double	 kv_usage;		/* fraction; < 0 when not logged */
	int	 dummy, estimated;
	const char *model, *hardware;	/* NULL when unknown */
	int64_t	 tp;			/* TP_ABSENT when unknown */
	int64_t	 engine;		/* which engine; TP_ABSENT */
	/*
	 * Full form: n_prefill requests of prefill_len new tokens at
	 * progress 0, and n_decode requests at decode_progress.
	 */
	int	 full;
	int64_t	 prefill_len, decode_progress;
};

enum tp_kind { TP_KIND_NONE, TP_KIND_REQUEST, TP_KIND_STEP };

struct tp_out {
	struct jw jw;
	struct csvw csv;
	int	 csv_mode;
	enum tp_kind kind;	/* of the records written so far */
};

void tp_request_init(struct tp_request *r);
void tp_step_init(struct tp_step *s);

void tp_out_init(struct tp_out *o, FILE *fp, int csv_mode);
void tp_out_free(struct tp_out *o);
/*
 * Write one record.  -1 when CSV output would mix request and step rows
 * under one header (NDJSON mixes them freely).
 */
int tp_out_request(struct tp_out *o, const struct tp_request *r);
int tp_out_step(struct tp_out *o, const struct tp_step *s);

#endif
