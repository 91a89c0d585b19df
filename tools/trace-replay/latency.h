/*
 * A request's latencies, predicted (from the replay's result and the
 * gaps trace-replay kept) or measured (from its record), and their
 * fields in an output record.
 */
#ifndef RT_TRACE_REPLAY_LATENCY_H
#define RT_TRACE_REPLAY_LATENCY_H

#include <stdint.h>

#include "io/jsonout.h"
#include "sched/replay.h"

#include "life.h"

/* Which latencies a struct lat holds. */
enum {
	LAT_TTFT = 1, LAT_E2E = 2, LAT_ITL = 4, LAT_QUEUE = 8,
	LAT_PREFILL = 16, LAT_DECODE = 32
};

struct lat {
	int	 has;
	int64_t	 ttft, e2e, queue, prefill, decode;
	double	 itl_mean, itl_p99;
};

/* Predicted: TTFT and E2E as the client sees them, plus rtt. */
void lat_predicted(struct lat *p, const struct replay_result *rr,
    const struct life *l, int64_t rtt);
/* Measured: all three from token times, else each as given. */
void lat_measured(struct lat *m, const struct replay_result *rr,
    const struct life *l);
/*
 * The client's latencies with prefix before each key; queue_us,
 * prefill_us and decode_us only where also says.
 */
void lat_write(struct jw *w, const char *prefix, const struct lat *x,
    int also);

#endif
