/*
 * trace-parse's output records (schemas/request.schema.json and
 * schemas/step.schema.json): request records, and step records in
 * aggregate form (iteration logs) or in full form (measured tables, where
 * every request of a step is known).  One writer for both, NDJSON or CSV.
 * Its whole interface is the two record structs, their _init functions,
 * and record_out_{init,request,step,free}.
 */
#ifndef RT_RECORD_H
#define RT_RECORD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "io/csvout.h"
#include "io/jsonout.h"

/* An optional integer field that the trace did not carry. */
#define RECORD_ABSENT INT64_MIN

struct record_request {
	const char *id;
	int64_t	 arrival_us;
	int64_t	 input_tokens, output_tokens;
	int64_t	 ttft_us, e2e_us, queue_us, prefill_us, decode_us;
	const int64_t *itl_us;		/* NULL: absent */
	size_t	 n_itl;
	const char *error;		/* NULL: the request succeeded */
	const char *model;		/* NULL: unknown */
};

struct record_step {
	int64_t	 step, ts_us, dur_us;	/* RECORD_ABSENT when unknown */
	int64_t	 n_prefill, prefill_tokens, n_decode, decode_tokens;
	double	 kv_usage;		/* fraction; < 0 when not logged */
	int	 dummy, estimated;
	const char *model, *hardware;	/* NULL when unknown */
	int64_t	 tp;			/* RECORD_ABSENT when unknown */
	int64_t	 engine;		/* which engine; RECORD_ABSENT */
	/*
	 * Full form: n_prefill requests of prefill_len new tokens at
	 * progress 0, and n_decode requests at decode_progress.
	 */
	int	 full;
	int64_t	 prefill_len, decode_progress;
};

/* The writer's state: use it only through the functions below. */
struct record_out {
	struct jw jw;
	struct csvw csv;
	int	 csv_mode;
	int	 kind;		/* of the records written so far */
};

void record_request_init(struct record_request *r);
void record_step_init(struct record_step *s);

void record_out_init(struct record_out *o, FILE *fp, int csv_mode);
void record_out_free(struct record_out *o);
/*
 * Write one record.  -1 when CSV output would mix request and step rows
 * under one header (NDJSON mixes them freely).
 */
int record_out_request(struct record_out *o, const struct record_request *r);
int record_out_step(struct record_out *o, const struct record_step *s);

#endif
