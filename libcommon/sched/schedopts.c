#include <stdint.h>

#include "io/cli.h"
#include "sched/schedopts.h"

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
	default:
		return 0;
	}
	return 1;
}
