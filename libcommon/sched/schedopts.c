#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/numfmt.h"
#include "sched/schedopts.h"

/* --prefix-cache none|blocks|FRACTION */
static void
prefix_cache(struct sched_config *sc, const char *arg)
{
	if (strcmp(arg, "none") == 0) {
		sc->prefix_cache = SCHED_PREFIX_NONE;
		sc->prefix_fraction = 0;
	} else if (strcmp(arg, "blocks") == 0) {
		sc->prefix_cache = SCHED_PREFIX_FRACTION;
		sc->prefix_fraction = 1;
	} else {
		double f;

		if (numfmt_parse_double(arg, &f) < 0 || f < 0 || f > 1)
			err_usage("--prefix-cache: must be none, blocks or a "
			    "fraction in [0, 1], got '%s'", arg);
		sc->prefix_cache = SCHED_PREFIX_FRACTION;
		sc->prefix_fraction = f;
	}
}

int
schedopts_take(struct sched_config *sc, int c, const char *arg)
{
	const int64_t big = 1LL << 40;

	switch (c) {
	case SCHED_OPT_MAX_SEQS:
		sc->max_num_seqs = cli_opt_int("--max-num-seqs", arg, 1, big);
		break;
	case SCHED_OPT_MAX_TOKENS:
		sc->max_batched_tokens = cli_opt_int("--max-num-batched-tokens",
		    arg, 1, big);
		break;
	case SCHED_OPT_LONG_PREFILL:
		sc->long_prefill_threshold = cli_opt_int(
		    "--long-prefill-token-threshold", arg, 0, big);
		break;
	case SCHED_OPT_KV_BLOCKS:
		sc->kv_blocks = cli_opt_int("--kv-blocks", arg, 1, big);
		break;
	case SCHED_OPT_BLOCK_SIZE:
		sc->block_size = cli_opt_int("--block-size", arg, 1, 1 << 20);
		break;
	case SCHED_OPT_PREFIX_CACHE:
		prefix_cache(sc, arg);
		break;
	case SCHED_OPT_PREFIX_COLD:
		sc->prefix_cold = cli_opt_int("--prefix-cache-cold", arg, 0,
		    big);
		break;
	default:
		return 0;
	}
	return 1;
}

void
schedopts_init(struct schedopts *o)
{
	memset(o, 0, sizeof(*o));
	sched_config_default(&o->sc);
	replay_model_default(&o->m);
}

/* A non-negative number of microseconds below 1e15. */
static double
opt_us(const char *opt, const char *arg)
{
	double v;

	if (numfmt_parse_double(arg, &v) < 0 || !(v >= 0 && v < 1e15))
		err_usage("%s: must be a number of microseconds in [0, 1e15), "
		    "got '%s'", opt, arg);
	return v;
}

/* --alpha-coeffs A0,A1,A2: BLIS's three, comma-separated. */
static void
alpha_coeffs(struct replay_model *m, const char *arg)
{
	double v[3];
	char buf[256], *p, *comma;
	int i;

	if (strlen(arg) >= sizeof(buf))
		err_usage("--alpha-coeffs: too long");
	memcpy(buf, arg, strlen(arg) + 1);
	p = buf;
	for (i = 0; i < 3; i++) {
		comma = strchr(p, ',');
		if ((comma == NULL) != (i == 2))
			err_usage("--alpha-coeffs: must be three numbers "
			    "A0,A1,A2, got '%s'", arg);
		if (comma != NULL)
			*comma = '\0';
		v[i] = opt_us("--alpha-coeffs", p);
		if (comma != NULL)
			p = comma + 1;
	}
	m->alpha0_us = v[0];
	m->alpha1_us_per_token = v[1];
	m->alpha2_us = v[2];
}

int
schedopts_take_replay(struct schedopts *o, int c, const char *arg)
{
	double f;

	switch (c) {
	case SCHED_OPT_OUTPUT_LAG:
		o->m.output_lag = cli_opt_int("--output-lag", arg, 0, 64);
		o->given |= SCHED_GIVEN_LAG;
		return 1;
	case SCHED_OPT_ALPHA:
		alpha_coeffs(&o->m, arg);
		o->given |= SCHED_GIVEN_ALPHA;
		return 1;
	case SCHED_OPT_POST_DECODE:
		o->m.post_decode_us = opt_us("--post-decode-us", arg);
		o->given |= SCHED_GIVEN_POST;
		return 1;
	case SCHED_OPT_HIT_FRACTION:
		if (numfmt_parse_double(arg, &f) < 0 || !(f >= 0 && f <= 1))
			err_usage("--prefix-hit-fraction: must be a fraction "
			    "in [0, 1], got '%s'", arg);
		o->hit_fraction = f;
		o->given |= SCHED_GIVEN_HIT;
		return 1;
	case SCHED_OPT_PREFIX_CACHE:
		o->given |= SCHED_GIVEN_PREFIX_CACHE;
		break;
	}
	return schedopts_take(&o->sc, c, arg);
}

void
schedopts_finish(struct schedopts *o)
{
	if (o->given & SCHED_GIVEN_PREFIX_CACHE)
		return;
	if ((o->given & SCHED_GIVEN_HIT) && o->hit_fraction > 0) {
		o->sc.prefix_cache = SCHED_PREFIX_FRACTION;
		o->sc.prefix_fraction = o->hit_fraction;
	} else {
		o->sc.prefix_cache = SCHED_PREFIX_NONE;
		o->sc.prefix_fraction = 0;
	}
}
