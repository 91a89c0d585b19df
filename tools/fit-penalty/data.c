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

/*
 * A time below FIT_FLOOR_NOISE of the physical floor is not noise around
 * a step time (a timer's noise is a few %: 20 % below is 7 standard
 * deviations at 3 %): it is another quantity.  One at or above it is
 * noise around a step that runs at the floor, and is kept: leaving such
 * steps out keeps the slow half of the noise and biases every estimate.
 * Records without floor_us (older roofline-eval) go by below_floor.
 */
int
data_far_below(const struct eval_rec *r)
{
	return r->below_floor && (!r->has_floor ||
	    r->dur_us < FIT_FLOOR_NOISE * r->floor_us);
}

enum fit_src
data_source(const struct eval_rec *r)
{
	static const char *const model[] = { "roofline", "step_us", NULL };
	static const char *const client[] = { "client_ttft", "ttft", NULL };
	int i;

	for (i = 0; model[i] != NULL; i++)
		if (strcmp(r->dur_source, model[i]) == 0)
			return SRC_MODEL;
	for (i = 0; client[i] != NULL; i++)
		if (strcmp(r->dur_source, client[i]) == 0)
			return SRC_CLIENT;
	return SRC_STEP;
}
