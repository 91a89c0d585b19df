/*
 * The steps a fit uses, stored compactly in columns: what the fit reads,
 * in doubles (33 bytes a step); the compute split only when the entry's
 * MFUs may move, the step numbers only for --residuals, the scheduler's
 * time as one bit (at least half the cycle) computed once.
 */
#ifndef RT_FIT_DATA_H
#define RT_FIT_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "records/eval.h"
#include "steptime.h"

struct fit_data {
	size_t	 n, cap;
	double	*compute_us, *memory_us, *mf, *dur_us;
	double	*cp, *cd;	/* prefill, decode tokens' compute; or NULL */
	uint8_t	*sched_half;	/* bit i: sched_us >= half of dur_us */
	int64_t	*step;		/* or NULL */
	uint8_t	*kind;		/* enum eval_kind */
	uint8_t	*client;	/* bit i: timed by a client's TTFT */
	double	*w;		/* --sample's weights (mean 1), else NULL */
	int	 keep_split, keep_step;	/* store cp, cd; step */
};

/* What a step's time is, by its dur_source. */
enum fit_src { SRC_STEP, SRC_CLIENT, SRC_MODEL };

/*
 * Below this fraction of the physical floor a time is not noise around a
 * step time; at or above it, it is kept.
 */
#define FIT_FLOOR_NOISE 0.8

/* What r's time measures: a step, a client's TTFT, the model's own. */
enum fit_src data_source(const struct eval_rec *r);
/* r's time is too far below the floor to be a step time. */
int data_far_below(const struct eval_rec *r);

/* Empty; keep_split and keep_step say which optional columns to store. */
void data_init(struct fit_data *d, int keep_split, int keep_step);
void data_free(struct fit_data *d);
/* Add r; client: its time is a client's TTFT. */
void data_add(struct fit_data *d, const struct eval_rec *r, int client);

/* Step i as the model takes it. */
static inline void
data_step(const struct fit_data *d, size_t i, struct fit_step *st)
{
	st->compute_us = d->compute_us[i];
	st->memory_us = d->memory_us[i];
	st->mf = d->mf[i];
	st->cp = d->cp != NULL ? d->cp[i] : 0;
	st->cd = d->cd != NULL ? d->cd[i] : 0;
	st->mixed = d->kind[i] == EVAL_MIXED;
	st->client = d->client[i / 8] >> (i % 8) & 1;
}

/* Whether step i's scheduler took at least half its cycle. */
static inline int
data_sched_half(const struct fit_data *d, size_t i)
{
	return d->sched_half[i / 8] >> (i % 8) & 1;
}

#endif
