/*
 * trace-replay's state, shared by its main loop (main.c) and its report
 * (report.c).
 */
#ifndef RT_TRACE_REPLAY_RUN_H
#define RT_TRACE_REPLAY_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "io/input.h"
#include "io/jsonout.h"
#include "model/rlopts.h"
#include "model/roofline.h"
#include "ptrmap.h"
#include "sched/sched.h"

struct opts {
	struct rl_opts ro;
	struct sched_config sc;
	struct common_opts co;
	int64_t	 window, warm_up, rtt;
	int	 strict, summary, json, tokens;
	const char *plotdir, *ttft_steps;
};

/* What one request lived through, predicted and measured. */
struct life {
	uint64_t seq;		/* arrival order: the order of output */
	char	*id;
	int64_t	 arrival_us, input_tokens, output_tokens;
	int64_t	 first_run_us, first_token_us, last_token_us, seen;
	int64_t	*gaps;		/* predicted inter-token gaps */
	int64_t	*measured;	/* measured token times, or NULL */
	/* without token times: what was measured, else REQUEST_ABSENT */
	int64_t	 meas_ttft, meas_e2e;
	int64_t	 cached;	/* prompt tokens from the prefix cache */
	int	 cached_given;	/* the record said how many */
};

/*
 * Records leave in arrival order although requests finish out of it: a
 * finished record waits here until every earlier one is out.  Memory is
 * bounded by the requests in flight.
 */
struct reorder {
	char	**line;		/* line[i] is seq base + i, or NULL */
	size_t	 cap, head;
	uint64_t base;
};

/* One metric's predicted and measured values over the requests. */
struct series {
	double	*pred, *meas;
	size_t	 n, cap;
};

enum { M_TTFT, M_ITL, M_E2E, NMETRIC };
extern const char *const metric_names[NMETRIC];

struct run {
	struct opts *o;
	struct roofline rl;
	struct sched *s;
	struct ptrmap lives;	/* scheduler id pointer -> struct life */
	FILE	*out;
	struct jw jw;		/* writes one record into a memory stream */
	struct reorder ro;
	uint64_t admitted;
	struct series m[NMETRIC];
	long	 requests, failed, skipped, steps;
	int64_t	 prev_start;	/* the last step's start; -1 before any */
	FILE	*ttft_fp;	/* --ttft-steps */
	struct jw ttft_jw;
	long	 ttft_written, ttft_short, ttft_timed;
};

#endif
