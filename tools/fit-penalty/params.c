#include <math.h>
#include <stdio.h>
#include <string.h>

#include "params.h"
#include "steptime.h"

/* The minority fraction of a mixed step: what b divides compute by. */
static double
part_mixed(const struct fit_step *st)
{
	return st->mixed ? st->mf : 0;
}

/* The shorter side: what o adds. */
static double
part_overlap(const struct fit_step *st)
{
	return fmin(st->compute_us, st->memory_us);
}

static double
part_prefill(const struct fit_step *st)
{
	return st->cp;
}

static double
part_decode(const struct fit_step *st)
{
	return st->cd;
}

static double
part_memory(const struct fit_step *st)
{
	return st->memory_us;
}

/* A step timed by a client's TTFT: what the client offset adds to. */
static double
part_client(const struct fit_step *st)
{
	return st->client;
}

const struct param_row param_table[FIT_NPAR] = {
	[FIT_B] = {
		"mixed_batch_penalty", "b", "mixedBatchPenalty", 0, 1, 0,
		-1, 1.9, PARAM_OBS_STEPS, PARAM_VAR_LINEAR, PARAM_W_RANGE,
		PARAM_SIDE_NONE, PARAM_START_GRID, PARAM_PENALTY | PARAM_DEFAULT,
		part_mixed,
		"b", "mixed steps with a minority", "mixing prefill and decode",
		"compute / (1 - b minority_fraction) on mixed steps"
	},
	[FIT_O] = {
		"overlap_penalty", "o", "overlapPenalty", 0, 1, 0,
		-0.9, 2, PARAM_OBS_STEPS, PARAM_VAR_LINEAR, PARAM_W_RANGE,
		PARAM_SIDE_NONE, PARAM_START_GRID, PARAM_PENALTY | PARAM_DEFAULT,
		part_overlap,
		"o", "steps with compute and memory time",
		"with compute and memory time", "+ o min(compute, memory)"
	},
	[FIT_H] = {
		"overhead_us", "overhead", NULL, 0, INFINITY, 0,
		-INFINITY, INFINITY, PARAM_OBS_STEPS, PARAM_VAR_STEP,
		PARAM_W_STEP, PARAM_SIDE_NONE, PARAM_START_STEP, 0, NULL,
		"overhead", "every step", "", "+ h (us), every step"
	},
	[FIT_S] = {
		"scale", "scale", NULL, 0, INFINITY, 1,
		-INFINITY, INFINITY, PARAM_OBS_STEPS, PARAM_VAR_LOG,
		PARAM_W_ESTIMATE, PARAM_SIDE_NONE, PARAM_START_MEAN,
		PARAM_POSITIVE, NULL, "scale", "every step", "",
		"s (max(c, m) + o min(c, m)), every step"
	},
	[FIT_MP] = {
		"mfu_prefill", "mfu-prefill", "mfuPrefill", 0.02, 1, NAN,
		-INFINITY, INFINITY, PARAM_OBS_STEPS, PARAM_VAR_LOG,
		PARAM_W_ESTIMATE, PARAM_SIDE_COMPUTE, PARAM_START_PRIOR,
		PARAM_ENTRY | PARAM_SPLIT, part_prefill, "mfuPrefill",
		"compute-bound steps with prefill", "with prefill tokens",
		"c = compute_prefill_us mfuP0 / mfuP + ..."
	},
	[FIT_MD] = {
		"mfu_decode", "mfu-decode", "mfuDecode", 0.02, 1, NAN,
		-INFINITY, INFINITY, PARAM_OBS_STEPS, PARAM_VAR_LOG,
		PARAM_W_ESTIMATE, PARAM_SIDE_COMPUTE, PARAM_START_PRIOR,
		PARAM_ENTRY | PARAM_SPLIT, part_decode, "mfuDecode",
		"compute-bound steps with decode", "with decode tokens",
		"c = ... + compute_decode_us mfuD0 / mfuD"
	},
	[FIT_BW] = {
		"bandwidth", "bandwidth", "BwPeakTBs", 0.05, 1, 1,
		-INFINITY, INFINITY, PARAM_OBS_STEPS, PARAM_VAR_LOG,
		PARAM_W_ESTIMATE, PARAM_SIDE_MEMORY, PARAM_START_MEAN_INV,
		PARAM_ENTRY | PARAM_OF_PEAK_BW, part_memory, "bandwidth",
		"memory-bound steps",
		"with memory traffic", "m = memory_us / bandwidth"
	},
	[FIT_C] = {
		"client_offset_us", "client-offset", NULL, 0, INFINITY, 0,
		-INFINITY, INFINITY, PARAM_OBS_STEPS, PARAM_VAR_STEP,
		PARAM_W_STEP, PARAM_SIDE_NONE, PARAM_START_STEP,
		PARAM_AUTO | PARAM_CLIENT, part_client, "client offset",
		"steps timed by a client TTFT", "timed by a client TTFT",
		"+ c (us) on steps timed by a client's TTFT (dur_source "
		"client_ttft or ttft)"
	},
};

void
param_bounds(int k, double *lo, double *hi)
{
	*lo = param_table[k].lo;
	*hi = param_table[k].hi;
}

int
param_index(const char *name, size_t len)
{
	const struct param_row *r;
	int k;

	for (k = 0; k < FIT_NPAR; k++) {
		r = &param_table[k];
		if ((strlen(r->short_name) == len &&
		    strncmp(name, r->short_name, len) == 0) ||
		    (strlen(r->name) == len && strncmp(name, r->name, len) == 0))
			return k;
	}
	return -1;
}

double
param_unit(int k, double h_unit, double x)
{
	switch (param_table[k].var) {
	case PARAM_VAR_STEP:
		return h_unit;
	case PARAM_VAR_LOG:
		return x;
	default:
		return 1;
	}
}

void
param_names(char *buf, size_t sz, unsigned f, int want)
{
	size_t off = 0;
	int k;

	buf[0] = '\0';
	for (k = 0; k < FIT_NPAR && off < sz; k++)
		if (param_is(k, f) == (want != 0))
			off += (size_t)snprintf(buf + off, sz - off, "%s%s",
			    off ? ", " : "", param_table[k].short_name);
}
