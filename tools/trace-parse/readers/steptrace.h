/*
 * Step traces of the inference-sim vLLM fork (--step-tracing-enabled):
 * OTLP JSON exports whose spans (scope "vllm.scheduler.step") carry one
 * "step.BATCH_SUMMARY" event per sampled engine step and, in rich mode,
 * one "step.REQUEST_SNAPSHOT" event per running request of the step.
 *
 * Every sampled step becomes one step record.  Its dur_us is the cycle
 * ts_start_ns(N+1) - ts_start_ns(N) when step N+1 was sampled too (the
 * fork's step.duration_us is only the scheduler's own time, sched_us).
 * The cycle needs the next step, so steps wait in a reorder buffer of at
 * most `window` steps, sorted by step id: memory is bounded whatever the
 * length of the trace, and exports that arrive out of order by less than
 * the window are put back in order.  See doc/steptrace.md.
 */
#ifndef RT_STEPTRACE_H
#define RT_STEPTRACE_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"
#include "records/step.h"
#include "readers/readers.h"

#define STEPTRACE_WINDOW	1024	/* steps held for reordering */
#define STEPTRACE_NONE		INT64_MIN	/* an absent integer */

/* One step record, as the emit callback sees it. */
struct steptrace_rec {
	int64_t	 step;			/* step.id */
	int64_t	 ts_us;			/* step.ts_start_ns, rebased */
	int64_t	 dur_us;		/* the cycle, or STEPTRACE_NONE */
	int64_t	 sched_us;		/* step.duration_us */
	int64_t	 n_prefill, prefill_tokens, n_decode, decode_tokens;
	double	 kv_usage;		/* < 0: absent */
	int64_t	 kv_blocks_total;	/* STEPTRACE_NONE: absent */
	int	 composed;		/* the lists below are the step */
	/*
	 * The lists: progress_index is request.num_computed_tokens, tokens
	 * scheduled_tokens_this_step; request_id is valid during the
	 * callback only.
	 */
	struct step_req *prefill, *decode;
	size_t	 n_prefill_reqs, n_decode_reqs;
};

/* What was read and what was left out, for the end-of-run report. */
struct steptrace_stats {
	long	 steps;		/* step records emitted */
	long	 timed;		/* ... with a dur_us */
	long	 composed;	/* ... with their composition */
	long	 orphan_steps;	/* snapshots without a BATCH_SUMMARY */
	long	 orphan_events;	/* ... their REQUEST_SNAPSHOT events */
	long	 incomplete;	/* snapshots that do not add up: dropped */
	long	 unscheduled;	/* running requests with 0 tokens this step */
	long	 lost_cycles;	/* N+1 came after N had been written */
	long	 other_spans;	/* spans without step events */
};

typedef void steptrace_emit_fn(void *ctx, const struct steptrace_rec *r);
/* A malformed event or export; may return (--skip-bad) or exit. */
typedef void steptrace_bad_fn(void *ctx, long line, const char *msg);

struct steptrace_step;

struct steptrace {
	size_t	 window;
	int	 keep_clock;
	steptrace_emit_fn *emit;
	steptrace_bad_fn *bad;
	void	*ctx;
	/* Pending steps, a ring sorted by step id. */
	struct steptrace_step **ring;
	size_t	 head, n;
	struct steptrace_step *spare;	/* free list */
	struct steptrace_step *last;	/* where the last event went */
	int	 have_emitted;
	int64_t	 last_emitted;
	int	 last_timed;		/* it had a summary: it wanted N+1 */
	int	 have_origin;
	int64_t	 origin_ns;
	/* Scratch for the callback's request lists. */
	struct step_req *reqs;
	size_t	 cap_reqs;
	struct steptrace_stats st;
};

/*
 * window: steps held (at least 1; STEPTRACE_WINDOW in trace-parse).
 * keep_clock: ts_us on the trace's monotonic clock; otherwise the first
 * step written is 0.
 */
void steptrace_init(struct steptrace *t, size_t window, int keep_clock,
    steptrace_emit_fn *emit, steptrace_bad_fn *bad, void *ctx);
/* 1 when doc is a step-trace export (the scope or a step event). */
int steptrace_detect(const cJSON *doc);
/* Take one export; line is where it started (0 in a document). */
void steptrace_export(struct steptrace *t, const cJSON *doc, long line);
/* End of the stream: write every step still held (the last: no cycle). */
void steptrace_finish(struct steptrace *t);
void steptrace_free(struct steptrace *t);

void steptrace_stats_add(struct steptrace_stats *sum,
    const struct steptrace_stats *st);
/* One line on standard error for each thing read aside or left out. */
void steptrace_report(const struct steptrace_stats *st);

/* The reader (readers.h): vllm-steps. */
extern const struct reader steptrace_reader;

#endif
