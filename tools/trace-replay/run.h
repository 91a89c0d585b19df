/*
 * trace-replay's state, shared by its main loop (main.c), its modules
 * and its report (report.c).
 */
#ifndef RT_TRACE_REPLAY_RUN_H
#define RT_TRACE_REPLAY_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "io/input.h"
#include "io/jsonout.h"
#include "model/rlopts.h"
#include "model/roofline.h"
#include "sched/schedopts.h"

#include "reorder.h"
#include "ttftsteps.h"

struct opts {
	struct rl_opts rl;
	struct schedopts so;
	struct common_opts co;
	int64_t	 window, warm_up, rtt;
	int	 strict, summary, json, tokens;
	const char *plotdir, *ttft_steps, *measure_hits;
};

/* One metric's predicted and measured values over the requests. */
struct series {
	double	*pred, *meas;
	size_t	 n, cap;
};

/* The metrics compared: the client's, then a server span's. */
enum { M_TTFT, M_ITL, M_E2E, M_QUEUE, M_PREFILL, M_DECODE, NMETRIC };
extern const char *const metric_names[NMETRIC];

void series_add(struct series *s, double pred, double meas);

/*
 * Predicted and measured TTFTs of the first and of the latest requests
 * that finished (WATCH each), to tell a replay whose queue ran away.
 */
enum { WATCH = 256 };

struct watch {
	double	 first_pred[WATCH], first_meas[WATCH];
	double	 last_pred[WATCH], last_meas[WATCH];
	size_t	 nfirst, nlast, pos;
};

struct run {
	struct opts *o;
	struct roofline rl;
	FILE	*out;
	struct jw jw;		/* writes one record into a memory stream */
	struct reorder order;	/* records out in arrival order */
	uint64_t admitted;
	struct series m[NMETRIC];
	long	 requests, failed, skipped, steps;
	long	 no_output;	/* output_tokens 0: replayed, not scored */
	long	 chunked;	/* itl_us with fewer gaps than tokens */
	int	 runaway;	/* the replay's queue ran away */
	struct watch watch;
	struct ttftsteps ts;	/* --ttft-steps */
};

#endif
