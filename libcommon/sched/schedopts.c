#include <stdint.h>
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
