/*
 * The steps a fit uses, stored compactly (65 bytes a step, in columns) so
 * that a million steps fit in memory beside GSL's few vectors.
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
	double	*cp, *cd;	/* prefill, decode tokens' compute; 0: absent */
	double	*sched_us;	/* the scheduler's time; NaN if absent */
	int64_t	*step;
	uint8_t	*kind;		/* enum eval_kind */
	double	*w;		/* --sample's weights (mean 1), else NULL */
};

void data_init(struct fit_data *d);
void data_free(struct fit_data *d);
void data_add(struct fit_data *d, const struct eval_rec *r);

/* Step i as the model takes it. */
static inline void
data_step(const struct fit_data *d, size_t i, struct fit_step *st)
{
	st->compute_us = d->compute_us[i];
	st->memory_us = d->memory_us[i];
	st->mf = d->mf[i];
	st->cp = d->cp[i];
	st->cd = d->cd[i];
	st->mixed = d->kind[i] == EVAL_MIXED;
}

#endif
