#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "data.h"

void
data_init(struct fit_data *d)
{
	memset(d, 0, sizeof(*d));
}

void
data_free(struct fit_data *d)
{
	free(d->compute_us);
	free(d->memory_us);
	free(d->mf);
	free(d->dur_us);
	free(d->cp);
	free(d->cd);
	free(d->sched_us);
	free(d->step);
	free(d->kind);
	free(d->w);
	data_init(d);
}

static void
grow(struct fit_data *d)
{
	size_t cap = d->cap ? d->cap * 2 : 4096;

	d->compute_us = err_realloc(d->compute_us, cap * sizeof(double));
	d->memory_us = err_realloc(d->memory_us, cap * sizeof(double));
	d->mf = err_realloc(d->mf, cap * sizeof(double));
	d->dur_us = err_realloc(d->dur_us, cap * sizeof(double));
	d->cp = err_realloc(d->cp, cap * sizeof(double));
	d->cd = err_realloc(d->cd, cap * sizeof(double));
	d->sched_us = err_realloc(d->sched_us, cap * sizeof(double));
	d->step = err_realloc(d->step, cap * sizeof(int64_t));
	d->kind = err_realloc(d->kind, cap);
	d->cap = cap;
}

void
data_add(struct fit_data *d, const struct eval_rec *r)
{
	size_t i;

	if (d->n == d->cap)
		grow(d);
	i = d->n++;
	d->compute_us[i] = r->compute_us;
	d->memory_us[i] = r->memory_us;
	d->mf[i] = r->minority_fraction;
	d->dur_us[i] = r->dur_us;
	d->cp[i] = r->compute_prefill_us;
	d->cd[i] = r->compute_decode_us;
	d->sched_us[i] = r->has_sched ? r->sched_us : NAN;
	d->step[i] = r->step;
	d->kind[i] = (uint8_t)r->kind;
}
