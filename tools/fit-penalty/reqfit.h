/*
 * The request-level fit: the entry (b, o, mfuPrefill, mfuDecode,
 * bandwidth), BLIS's request overheads (alpha0, alpha1, alpha2, a
 * post-decode overhead) and the prefix-cache hit fraction, fitted to what
 * users measure (TTFT, E2E, mean ITL, a server's queue, prefill and decode
 * spans), alone or with measured steps.
 *
 * The method: replay the requests with the current parameters,
 * recording which steps each spent in; hold that schedule and fit, by
 * GSL's nonlinear least squares, the latencies as sums of the steps'
 * model times plus the overheads (the hit fraction through each step's
 * composition at a nearby fraction); replay with the new parameters;
 * repeat until the parameters stop moving.  Each kind of residual gets
 * its own robust scale (a TTFT's phase within a step is noise an E2E does
 * not have) and Huber weights.
 */
#ifndef RT_FIT_REQFIT_H
#define RT_FIT_REQFIT_H

#include <stddef.h>

#include "data.h"
#include "params.h"
#include "model/roofline.h"
#include "reqdata.h"
#include "reqreplay.h"
#include "sched/sched.h"

/* Every parameter, in report order. */
enum { RP_B, RP_O, RP_MP, RP_MD, RP_BW, RP_A0, RP_A1, RP_A2, RP_POST,
	RP_HIT, RP_N };

/* Kinds of residual. */
enum { RG_STEP, RG_TTFT, RG_E2E, RG_ITL, RG_QUEUE, RG_PREFILL, RG_DECODE,
	RG_N };

/*
 * Every parameter's row: the step fit's (params.h) for the entry's, the
 * request fit's own for the overheads and the hit fraction.
 */
extern const struct param_row req_param_table[RQ_NREQ];
const struct param_row *rp_row(int k);
extern const char *const rg_names[RG_N];

enum rp_status { RS_NOT_FITTED, RS_WELL, RS_WEAK, RS_NONE, RS_NOT_INFORMED,
	RS_GIVEN };
extern const char *const rs_names[];

struct rqfit_in {
	const struct rq_rec *r;
	size_t	 nreq;		/* requests replayed in the fit */
	size_t	 nfit;		/* of them, the first nfit are fitted */
	const struct fit_data *steps;	/* measured steps, or NULL */
	const struct roofline *rl;
	const struct sched_config *sc;
	int	 on[RP_N];
	struct rq_par prior;	/* start, and value of what is not fitted */
	int	 max_replays;
	int	 progress;	/* a line a replay on standard error */
	int	 tty;		/* ... redrawn in place, cleared at the end */
	int	 huber;	/* Huber weights after the first round */
	int	 max_iter;	/* solver iterations a round; 0: 25 */
};

struct rqfit_out {
	struct rq_par est;
	int	 on[RP_N];
	enum rp_status status[RP_N];
	char	 why[RP_N][160];
	double	 se[RP_N], lo[RP_N], hi[RP_N];
	double	 cond, sigma;
	double	 gsigma[RG_N];	/* each kind's robust scale (log) */
	size_t	 rows[RG_N];
	int	 replays, converged;
	double	 replay_s, total_s;	/* time in replays, in all */
	double	 corr_max;	/* largest |correlation| of two fitted */
	int	 corr_a, corr_b;
};

/* 0, or -1 with msg. */
int rqfit_run(const struct rqfit_in *in, struct rqfit_out *out, char *msg,
    size_t msgsz);

/* Get and set parameter k of p. */
double rp_get(const struct rq_par *p, int k);
void rp_set(struct rq_par *p, int k, double v);

#endif
