/*
 * --sample N: a stratified random sample of at most N usable steps, in
 * memory bounded by N whatever the input's length.  Strata: step kind
 * (prefill, decode, mixed) x minority-fraction bin (the report's mixed
 * bins; one bin for unmixed steps) x regime (compute- or memory-bound at
 * the entry's values).  Each stratum keeps the steps of smallest random
 * key (a reservoir: uniform within the stratum); the budget is split in
 * proportion to count x information (mixed steps inform the mixed-batch
 * penalty, more so the larger their minority fraction), with a minimum
 * per non-empty stratum.  Each kept step weighs stratum count / kept
 * count, so that the weighted fit is unbiased for the whole input.
 * Deterministic for a given seed.
 */
#ifndef RT_SAMPLE_H
#define RT_SAMPLE_H

#include <stddef.h>
#include <stdint.h>

#include "records/eval.h"
#include "data.h"

#define SAMPLE_NKIND 3
#define SAMPLE_NBIN 4
#define SAMPLE_NSTRATA (SAMPLE_NKIND * SAMPLE_NBIN * 2)

struct sample_row;

struct sampler {
	size_t	 budget, n, cap;
	struct sample_row *rows;
	uint64_t seed, seq;
	long	 seen[SAMPLE_NSTRATA], kept[SAMPLE_NSTRATA];
	double	 tau[SAMPLE_NSTRATA];	/* keys at or above are dropped */
	double	 weight[SAMPLE_NSTRATA];	/* seen / kept */
	long	 total_seen, total_kept;
};

void sample_init(struct sampler *s, size_t budget, unsigned long seed);
/* Offer one usable step (client: timed by a client's TTFT). */
void sample_add(struct sampler *s, const struct eval_rec *r, int client);
/*
 * The sample into d (in input order) with each step's weight, normalised
 * to a mean of 1 over the kept steps (so that standard errors are those of
 * the sample's size); frees the rows.
 */
void sample_finish(struct sampler *s, struct fit_data *d);
/* Stratum k's kind ("prefill", "decode", "mixed"), bin and regime. */
const char *sample_kind_name(int k);
int sample_bin(int k);
const char *sample_regime_name(int k);

#endif
