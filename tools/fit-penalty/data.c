#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "data.h"

void
data_init(struct fit_data *d, int keep_split, int keep_step)
{
	memset(d, 0, sizeof(*d));
	d->keep_split = keep_split;
	d->keep_step = keep_step;
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
	free(d->sched_half);
	free(d->client);
	free(d->step);
	free(d->kind);
	free(d->w);
	data_init(d, 0, 0);
}

static void
grow(struct fit_data *d)
{
	size_t cap = d->cap ? d->cap * 2 : 4096;

	d->compute_us = err_realloc(d->compute_us, cap * sizeof(double));
	d->memory_us = err_realloc(d->memory_us, cap * sizeof(double));
	d->mf = err_realloc(d->mf, cap * sizeof(double));
	d->dur_us = err_realloc(d->dur_us, cap * sizeof(double));
	if (d->keep_split) {
		d->cp = err_realloc(d->cp, cap * sizeof(double));
		d->cd = err_realloc(d->cd, cap * sizeof(double));
	}
	d->sched_half = err_realloc(d->sched_half, cap / 8);
	memset(d->sched_half + d->cap / 8, 0, (cap - d->cap) / 8);
	d->client = err_realloc(d->client, cap / 8);
	memset(d->client + d->cap / 8, 0, (cap - d->cap) / 8);
	if (d->keep_step)
		d->step = err_realloc(d->step, cap * sizeof(int64_t));
	d->kind = err_realloc(d->kind, cap);
	d->cap = cap;
}

void
data_add(struct fit_data *d, const struct eval_rec *r, int client)
{
	size_t i;

	if (d->n == d->cap)
		grow(d);
	i = d->n++;
	d->compute_us[i] = r->compute_us;
	d->memory_us[i] = r->memory_us;
	d->mf[i] = r->minority_fraction;
	d->dur_us[i] = r->dur_us;
	if (d->keep_split) {
		d->cp[i] = r->compute_prefill_us;
		d->cd[i] = r->compute_decode_us;
	}
	if (r->has_sched && r->sched_us >= 0.5 * r->dur_us)
		d->sched_half[i / 8] |= (uint8_t)(1u << (i % 8));
	if (client)
		d->client[i / 8] |= (uint8_t)(1u << (i % 8));
	if (d->keep_step)
		d->step[i] = r->step;
	d->kind[i] = (uint8_t)r->kind;
}
