/*
 * The scheduler's options, taken alike by every program that runs it:
 * --max-num-seqs, --max-num-batched-tokens, --long-prefill-token-threshold,
 * --kv-blocks, --block-size, --prefix-cache, --prefix-cache-cold; and the
 * replay's (sched/replay.h) for programs that say what a client sees:
 * --output-lag, --alpha-coeffs, --post-decode-us, --prefix-hit-fraction.
 */
#ifndef RT_SCHEDOPTS_H
#define RT_SCHEDOPTS_H

#include <getopt.h>

#include "model/rlopts.h"
#include "sched/replay.h"
#include "sched/sched.h"

enum {
	SCHED_OPT_MAX_SEQS = RL_OPT_NEXT,
	SCHED_OPT_MAX_TOKENS,
	SCHED_OPT_LONG_PREFILL,
	SCHED_OPT_KV_BLOCKS,
	SCHED_OPT_BLOCK_SIZE,
	SCHED_OPT_PREFIX_CACHE,
	SCHED_OPT_PREFIX_COLD,
	SCHED_OPT_OUTPUT_LAG,
	SCHED_OPT_ALPHA,
	SCHED_OPT_POST_DECODE,
	SCHED_OPT_HIT_FRACTION,
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

#define SCHED_REPLAY_LONGOPTS \
	{ "output-lag", required_argument, NULL, SCHED_OPT_OUTPUT_LAG }, \
	{ "alpha-coeffs", required_argument, NULL, SCHED_OPT_ALPHA }, \
	{ "post-decode-us", required_argument, NULL, SCHED_OPT_POST_DECODE }, \
	{ "prefix-hit-fraction", required_argument, NULL, \
	    SCHED_OPT_HIT_FRACTION }

/* Which of the replay's settings a flag gave (an entry fills the rest). */
enum {
	SCHED_GIVEN_LAG = 1, SCHED_GIVEN_ALPHA = 2, SCHED_GIVEN_POST = 4,
	SCHED_GIVEN_HIT = 8, SCHED_GIVEN_PREFIX_CACHE = 16
};

struct schedopts {
	struct sched_config sc;
	struct replay_model m;
	double	 hit_fraction;	/* --prefix-hit-fraction */
	unsigned given;		/* SCHED_GIVEN_* */
};

/* The defaults: sched_config_default, replay_model_default. */
void schedopts_init(struct schedopts *o);
/* Take option c into sc if it is one of ours; 1 if taken. */
int schedopts_take(struct sched_config *sc, int c, const char *arg);
/* The same, with the replay's options too. */
int schedopts_take_replay(struct schedopts *o, int c, const char *arg);
/*
 * The prefix cache the replay assumes: --prefix-cache when given, else
 * the hit fraction (--prefix-hit-fraction, or an entry's put in
 * o->hit_fraction with SCHED_GIVEN_HIT), else none.
 */
void schedopts_finish(struct schedopts *o);

#endif
