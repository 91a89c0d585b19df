/*
 * The replay: requests in arrival order into the scheduler, steps formed
 * and run one after another on a clock the caller supplies (a step starts
 * when the previous one ends, or when work reaches an idle engine), and
 * what each request's client sees, as vLLM V1 serves it:
 *
 * - Output lag (async scheduling): the engine schedules step N+1 before
 *   it processes step N's output, so a token computed in step N reaches
 *   the client when step N+1 ends.  With lag L, L steps later; when the
 *   engine has nothing to run next, at once.  0 is a synchronous engine.
 * - BLIS's alpha coefficients, with its roofline backend's semantics
 *   (inference-sim sim/latency/latency.go, sim/event.go,
 *   sim/simulator.go): a request enters the scheduler's queue
 *   alpha0 + alpha1 * input_tokens us after it arrives (truncated to
 *   whole us, as BLIS does); every output token costs alpha2 us more,
 *   added to the TTFT and to every inter-token gap, so the k-th token
 *   reaches the client k * alpha2 after the step that made it visible;
 *   a fixed post-decode overhead is added to the E2E of every request
 *   with output (BLIS's trained-physics backend reads its three
 *   coefficients as queueing delay, this post-decode overhead and
 *   alpha2).
 *
 * No I/O and no exit: errors come back as -1 with a sentence in why.
 */
#ifndef RT_REPLAY_H
#define RT_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "records/step.h"
#include "sched/sched.h"

/* How the engine and its server turn steps into what a client sees. */
struct replay_model {
	int64_t	 output_lag;		/* steps; vLLM V1 default 1 */
	double	 alpha0_us;		/* queueing delay, fixed */
	double	 alpha1_us_per_token;	/* queueing delay a prompt token */
	double	 alpha2_us;		/* a token, on TTFT and every gap */
	double	 post_decode_us;	/* once a request with output */
};

/* vLLM V1's: one step of output lag, no overheads. */
void replay_model_default(struct replay_model *m);
/* NULL when usable, else what is wrong. */
const char *replay_model_check(const struct replay_model *m);

/* One request as the caller gives it. */
struct replay_req {
	const char *id;			/* copied */
	int64_t	 arrival_us;
	int64_t	 input_tokens;		/* >= 1 */
	int64_t	 output_tokens;		/* >= 0; 0: a prefill, nothing out */
	int64_t	 cached_tokens;		/* < 0: the scheduler assumes */
	void	*user;			/* the caller's, handed back */
};

/* No value: a request without output has no TTFT. */
#define REPLAY_NONE INT64_MIN

/*
 * What a request lived through, predicted.  TTFT, E2E and the gaps are
 * the client's (lag and overheads in); queue, prefill and decode are the
 * engine's, as vLLM's request span measures them: queue from entering
 * the scheduler to first being scheduled, prefill from then to the
 * first token's output, decode from the first token's output to the
 * last's.
 */
struct replay_result {
	const char *id;
	void	*user;
	int64_t	 arrival_us, input_tokens, output_tokens;
	int64_t	 cached_tokens;		/* from the prefix cache */
	int64_t	 preemptions;
	int64_t	 delay_us;		/* arrival to queue: the alphas */
	int64_t	 queue_us, prefill_us, decode_us;
	int64_t	 ttft_us;		/* REPLAY_NONE without output */
	int64_t	 e2e_us;
	int64_t	 itl_sum_us;		/* over output_tokens - 1 gaps */
	int64_t	 step_us;		/* the step that made the first token
					   (or ended the prefill) */
};

/* Where requests come from, in arrival order. */
struct replay_source {
	void	*ctx;
	/* 1 with the next request in *out, 0 at the end, -1 on error. */
	int	(*next)(void *ctx, struct replay_req *out);
	/*
	 * The request next just gave can never run: it needs need KV
	 * blocks, more than the cache has.  0 to skip it, -1 to stop.  NULL:
	 * stop, with a message in why.
	 */
	int	(*never_fits)(void *ctx, const struct replay_req *rq,
		    int64_t need);
};

/* One request a step ran, as the running hook sees it. */
struct replay_entry {
	const struct replay_result *rr;
	int	 first;			/* scheduled for the first time */
	int	 ends_prefill;		/* its prefill's last chunk */
};

struct replay_hooks {
	void	*ctx;
	/* The step's duration in us, at least 1; -1 on error. */
	int64_t	(*step_time)(void *ctx, const struct step *st);
	/* The step runs from start for dur (may be NULL). */
	void	(*running)(void *ctx, const struct step *st,
		    const struct replay_entry *e, size_t n, int64_t start,
		    int64_t dur);
	/* The k-th token (from 1) reaches the client at t (may be NULL). */
	void	(*token)(void *ctx, const struct replay_result *rr,
		    int64_t k, int64_t t);
	/* The request is over: its last token reached the client. */
	void	(*done)(void *ctx, const struct replay_result *rr);
	/* A request left unfinished by an error: its user (may be NULL). */
	void	(*drop)(void *ctx, void *user);
};

/* What the replay ran. */
struct replay_stats {
	int64_t	 steps, requests, skipped, end_us;
};

/*
 * Replay every request of src through s.  0, or -1 with why (empty when
 * the source has already said what went wrong).
 */
int replay_run(const struct replay_source *src, struct sched *s,
    const struct replay_model *m, const struct replay_hooks *h,
    struct replay_stats *st, char *why, size_t whysz);

/*
 * The same for n requests in an array (in arrival order or not), with a
 * fresh scheduler of configuration c: out[i] is reqs[i]'s result (its id
 * points into reqs).  For a fit that replays in its loop.
 */
int replay_requests(const struct sched_config *c,
    const struct replay_model *m, const struct replay_req *reqs, size_t n,
    int64_t (*step_time)(void *ctx, const struct step *st), void *ctx,
    struct replay_result *out, struct replay_stats *st, char *why,
    size_t whysz);

#endif
