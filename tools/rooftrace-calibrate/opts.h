/*
 * rooftrace-calibrate's options: taken, checked as values, and kept as
 * the words each stage is to be given.
 */
#ifndef CAL_OPTS_H
#define CAL_OPTS_H

#include "model/rlopts.h"
#include "score.h"

enum { OPTS_MAX_PASS = 24 };

/* An option passed on to the stages that take it, with its value. */
struct opts_pass {
	const char *name;	/* "--kv-blocks" */
	const char *value;
};

struct cal_opts {
	struct rl_opts rl;	/* -m -g -t --hardware-config, lists */
	const char *from, *requests, *output, *loss;
	const char *max_iter;	/* fit-penalty's, NULL: its default */
	double	 holdout;
	struct score_limits limits;	/* the held-out verdict's */
	int	 strict, quiet;
	int	 requests_only;	/* steps scored, never fitted */
	/* Scheduler options: batchify, trace-replay, a request fit. */
	struct opts_pass sched[OPTS_MAX_PASS];
	int	 nsched;
	/* Replay options: trace-replay (and a request fit that lists them). */
	struct opts_pass replay[OPTS_MAX_PASS];
	int	 nreplay;
	char	*const *traces;	/* none: standard input */
	int	 ntraces;
};

/* Parse argv; usage errors exit 2, --help and --version exit 0. */
void opts_parse(struct cal_opts *o, int argc, char *argv[]);

#endif
