/*
 * The request fit's replay: the requests through the scheduler with the
 * step time of fit-penalty's model under candidate parameters, the
 * request overheads with BLIS's semantics and async scheduling's output
 * lag, recording which steps each request spent in, so that the fit can
 * predict its latencies as sums of step times while the schedule is held.
 *
 * Semantics (BLIS's alpha coefficients, vLLM V1's async output):
 *   - a request enters the scheduler's queue alpha0 + alpha1 * input
 *     tokens after it arrives;
 *   - with an output lag of 1, a token computed in step N reaches the
 *     client at the end of step N + 1 when that step follows at once
 *     (else at the end of step N);
 *   - alpha2 is added to the TTFT and to every inter-token gap (E2E
 *     carries it once a token), and post_decode once to the E2E;
 *   - a request without cached_tokens finds the hit fraction of its
 *     prompt cached, in whole blocks (sched_assume_cached).
 */
#ifndef RT_FIT_REQREPLAY_H
#define RT_FIT_REQREPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "model/roofline.h"
#include "reqdata.h"
#include "sched/sched.h"
#include "steptime.h"

/* The request-level parameters beside the step model's. */
enum { RQ_A0, RQ_A1, RQ_A2, RQ_POST, RQ_HIT, RQ_NREQ };

struct rq_par {
	struct fit_par f;	/* b, o, mfuPrefill, mfuDecode, bandwidth */
	double	 v[RQ_NREQ];	/* alpha0, alpha1, alpha2, post, hit */
	int	 lag;		/* output lag in steps: 0 or 1 */
};

/* A request's place in the schedule. */
struct rq_place {
	long	 a;	/* step running when it entered the queue, or -1 */
	double	 rho;	/* the share of step a left then */
	long	 s, f, l;	/* first step run, first token's, last */
	int64_t	 cached;	/* prompt tokens it found cached */
	int64_t	 seq;		/* order of entry into the queue */
};

struct rq_sched {
	size_t	 nsteps, cap;
	struct fit_step *base, *mod;	/* mod: the hit fraction less hd */
	uint8_t	*has_mod;	/* step with a prefill the hit acts on */
	int64_t	*start, *dur;
	uint8_t	*busy_next;	/* the next step starts at this one's end */
	double	 hd;		/* the hit fraction's step (signed) */
	double	 h0;		/* the hit fraction replayed */
	struct rq_place *p;	/* one a request replayed */
	size_t	 n;
	long	 preemptions;
};

/* The step a token computed in step j reaches the client with. */
static inline long
rq_emit(const struct rq_sched *s, int lag, long j)
{
	return lag && (size_t)j + 1 < s->nsteps && s->busy_next[j] ? j + 1 : j;
}

/*
 * Replay r[0..n) through a scheduler configured by sc (its prefix cache
 * replaced by p's hit fraction) with the roofline rl timing the steps
 * under p.  Exits 1 with a message when a request can never fit the KV
 * cache.
 */
void rqreplay_run(struct rq_sched *out, const struct rq_rec *r, size_t n,
    const struct roofline *rl, const struct sched_config *sc,
    const struct rq_par *p);
void rqreplay_free(struct rq_sched *s);

/* Latencies a replay predicts for request i, from its clock (us). */
struct rq_lat {
	double	 ttft, e2e, itl, queue, prefill, decode;
};
void rqreplay_latency(const struct rq_sched *s, const struct rq_rec *r,
    size_t i, const struct rq_par *p, struct rq_lat *out);

#endif
