/*
 * The scheduler's options, taken alike by every program that runs it:
 * --max-num-seqs, --max-num-batched-tokens, --long-prefill-token-threshold,
 * --kv-blocks, --block-size, --prefix-cache, --prefix-cache-cold.
 */
#ifndef RT_SCHEDOPTS_H
#define RT_SCHEDOPTS_H

#include <getopt.h>

#include "model/rlopts.h"
#include "sched/sched.h"

enum {
	SCHED_OPT_MAX_SEQS = RL_OPT_NEXT,
	SCHED_OPT_MAX_TOKENS,
	SCHED_OPT_LONG_PREFILL,
	SCHED_OPT_KV_BLOCKS,
	SCHED_OPT_BLOCK_SIZE,
	SCHED_OPT_PREFIX_CACHE,
	SCHED_OPT_PREFIX_COLD,
	SCHED_OPT_NEXT		/* first code free for the program's own */
};

#define SCHED_LONGOPTS \
	{ "max-num-seqs", required_argument, NULL, SCHED_OPT_MAX_SEQS }, \
	{ "max-num-batched-tokens", required_argument, NULL, \
	    SCHED_OPT_MAX_TOKENS }, \
	{ "long-prefill-token-threshold", required_argument, NULL, \
	    SCHED_OPT_LONG_PREFILL }, \
	{ "kv-blocks", required_argument, NULL, SCHED_OPT_KV_BLOCKS }, \
	{ "block-size", required_argument, NULL, SCHED_OPT_BLOCK_SIZE }, \
	{ "prefix-cache", required_argument, NULL, SCHED_OPT_PREFIX_CACHE }, \
	{ "prefix-cache-cold", required_argument, NULL, \
	    SCHED_OPT_PREFIX_COLD }

/* Take option c into sc if it is one of ours; 1 if taken. */
int schedopts_take(struct sched_config *sc, int c, const char *arg);

#endif
