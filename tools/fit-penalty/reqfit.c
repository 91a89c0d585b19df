#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_matrix.h>
#include <gsl/gsl_multifit_nlinear.h>
#include <gsl/gsl_vector.h>

#include "io/err.h"
#include "stats/stats.h"
#include "reqfit.h"

/*
 * The request fit's own rows, in the step fit's table format: informed by
 * request records, written to the entry's "rooftrace" object.
 */
const struct param_row req_param_table[RQ_NREQ] = {
	[RQ_A0] = {
		"alpha0_us", "alpha0", "rooftrace.alpha0_us", 0, INFINITY, 0,
		0, INFINITY, PARAM_OBS_REQUESTS, PARAM_VAR_LINEAR,
		PARAM_W_ESTIMATE, PARAM_SIDE_NONE, PARAM_START_PRIOR, 0, NULL,
		"alpha0", "TTFT, E2E (queue spans)", "",
		"the request enters the queue alpha0 + alpha1 I after arrival"
	},
	[RQ_A1] = {
		"alpha1_us_per_token", "alpha1", "rooftrace.alpha1_us_per_token",
		0, INFINITY, 0, 0, INFINITY, PARAM_OBS_REQUESTS,
		PARAM_VAR_LINEAR, PARAM_W_ESTIMATE, PARAM_SIDE_NONE,
		PARAM_START_PRIOR, 0, NULL, "alpha1",
		"TTFT against prompt length", "",
		"queue entry: alpha1 a prompt token"
	},
	[RQ_A2] = {
		"alpha2_us", "alpha2", "rooftrace.alpha2_us", 0, INFINITY, 0,
		0, INFINITY, PARAM_OBS_REQUESTS, PARAM_VAR_LINEAR,
		PARAM_W_ESTIMATE, PARAM_SIDE_NONE, PARAM_START_PRIOR, 0, NULL,
		"alpha2", "token times (ITL), decode spans", "",
		"on the TTFT and every inter-token gap"
	},
	[RQ_POST] = {
		"post_decode_us", "post-decode", "rooftrace.post_decode_us", 0,
		INFINITY, 0, 0, INFINITY, PARAM_OBS_REQUESTS, PARAM_VAR_LINEAR,
		PARAM_W_ESTIMATE, PARAM_SIDE_NONE, PARAM_START_PRIOR, 0, NULL,
		"post-decode", "E2E less the last token (decode spans)", "",
		"once on the E2E"
	},
	[RQ_HIT] = {
		"prefix_hit_fraction", "hit", "rooftrace.prefix_hit_fraction",
		0, 1, 0, 0, 1, PARAM_OBS_REQUESTS, PARAM_VAR_LINEAR,
		PARAM_W_RANGE, PARAM_SIDE_COMPUTE, PARAM_START_PRIOR, 0, NULL,
		"hit", "prefill work: TTFTs, step times, the queue", "",
		"the prompt share cached, in whole blocks: less prefill"
	},
};

/* Scale of the solver's variable x = unit u^2 of an unbounded row. */
static const double rq_unit[RQ_NREQ] = { 1000, 1, 100, 1000, 1 };

const char *const rg_names[RG_N] = { "step", "ttft", "e2e", "itl", "queue",
	"prefill", "decode" };

const char *const rs_names[] = { "not fitted", "well determined",
	"weakly determined", "not identifiable", "not informed", "given" };

static const int fit_index[RP_N] = { FIT_B, FIT_O, FIT_MP, FIT_MD, FIT_BW,
	-1, -1, -1, -1, -1 };

const struct param_row *
rp_row(int k)
{
	return k < RP_A0 ? &param_table[fit_index[k]] :
	    &req_param_table[k - RP_A0];
}

double
rp_get(const struct rq_par *p, int k)
{
	return k < RP_A0 ? p->f.v[fit_index[k]] : p->v[k - RP_A0];
}

void
rp_set(struct rq_par *p, int k, double v)
{
	if (k < RP_A0)
		p->f.v[fit_index[k]] = v;
	else
		p->v[k - RP_A0] = v;
}

/* --- the problem on one schedule -------------------------------------- */

struct rrow {
	int	 g;
	size_t	 i;	/* request, or step of in->steps */
	double	 meas;
};

struct rprob {
	const struct rqfit_in *in;
	const struct rq_sched *s;
	struct rrow *row;
	size_t	 n;
	int	 idx[RP_N], np;	/* fitted parameters, in u */
	struct rq_par base;	/* values of the others */
	double	 gw[RG_N];	/* 1 / scale^2 a kind */
	double	*hw;		/* Huber weights a row */
	double	 qscale;	/* the queue span's scale, us */
	double	*P, *G;		/* prefix sums of step times, gradients */
};

static double
meas_of(const struct rq_rec *r, int g)
{
	switch (g) {
	case RG_TTFT:	return r->ttft;
	case RG_E2E:	return r->e2e;
	case RG_ITL:	return r->output_tokens > 1 ? r->itl : RQ_NONE;
	case RG_QUEUE:	return r->queue;
	case RG_PREFILL: return r->prefill;
	default:	return r->output_tokens > 1 ? r->decode : RQ_NONE;
	}
}

static void
add_row(struct rprob *pb, size_t *cap, int g, size_t i, double meas)
{
	if (pb->n == *cap) {
		*cap = *cap ? 2 * *cap : 4096;
		pb->row = err_realloc(pb->row, *cap * sizeof(*pb->row));
	}
	pb->row[pb->n].g = g;
	pb->row[pb->n].i = i;
	pb->row[pb->n].meas = meas;
	pb->n++;
}

static void
build_rows(struct rprob *pb)
{
	const struct rqfit_in *in = pb->in;
	size_t i, cap = 0;
	double m;
	int g;

	pb->n = 0;
	if (in->steps != NULL)
		for (i = 0; i < in->steps->n; i++)
			add_row(pb, &cap, RG_STEP, i, in->steps->dur_us[i]);
	for (i = 0; i < in->nfit; i++) {
		if (in->r[i].no_output || pb->s->p[i].l < 0)
			continue;
		for (g = RG_TTFT; g < RG_N; g++) {
			m = meas_of(&in->r[i], g);
			if (g == RG_QUEUE ? m >= 0 : m > 0)
				add_row(pb, &cap, g, i, m);
		}
	}
	pb->hw = err_realloc(pb->hw, (pb->n ? pb->n : 1) * sizeof(double));
	for (i = 0; i < pb->n; i++)
		pb->hw[i] = 1;
}

/* x (every parameter) from the fitted ones' u. */
static double
to_x(int k, double u, double *dxdu)
{
	const struct param_row *t = rp_row(k);
	double s = sin(u), c = cos(u);

	if (isfinite(t->hi)) {
		*dxdu = (t->hi - t->lo) * 2 * s * c;
		return t->lo + (t->hi - t->lo) * s * s;
	}
	*dxdu = 2 * rq_unit[k - RP_A0] * u;
	return rq_unit[k - RP_A0] * u * u;
}

static double
to_u(int k, double x)
{
	const struct param_row *t = rp_row(k);
	double f;

	if (isfinite(t->hi)) {
		f = (x - t->lo) / (t->hi - t->lo);
		f = fmin(fmax(f, 1e-3), 1 - 1e-3);
		return asin(sqrt(f));
	}
	return sqrt(fmax(x, 0.01 * rq_unit[k - RP_A0]) / rq_unit[k - RP_A0]);
}

static void
params_of(const struct rprob *pb, const gsl_vector *u, struct rq_par *p,
    double dxdu[RP_N])
{
	int j, k;

	*p = pb->base;
	for (j = 0; j < pb->np; j++) {
		k = pb->idx[j];
		rp_set(p, k, to_x(k, gsl_vector_get(u, (size_t)j), &dxdu[k]));
	}
}

/* Step times and their gradients, summed: P[j], G[j * RP_N + k]. */
static void
prefix_sums(struct rprob *pb, const struct rq_par *p)
{
	const struct rq_sched *s = pb->s;
	double gb[FIT_NPAR], gm[FIT_NPAR], lam, tb, tm, t, g;
	size_t j;
	int k;

	lam = (s->h0 - p->v[RQ_HIT]) / s->hd;
	pb->P[0] = 0;
	for (k = 0; k < RP_N; k++)
		pb->G[k] = 0;
	for (j = 0; j < s->nsteps; j++) {
		tb = steptime_smooth(&p->f, &s->base[j], gb);
		tm = tb;
		if (s->has_mod[j])
			tm = steptime_smooth(&p->f, &s->mod[j], gm);
		else
			memcpy(gm, gb, sizeof(gm));
		t = tb + lam * (tm - tb);
		pb->P[j + 1] = pb->P[j] + t;
		for (k = 0; k < RP_N; k++) {
			if (k < RP_A0)
				g = gb[fit_index[k]] + lam *
				    (gm[fit_index[k]] - gb[fit_index[k]]);
			else
				g = k == RP_HIT ? -(tm - tb) / s->hd : 0;
			pb->G[(j + 1) * RP_N + k] = pb->G[j * RP_N + k] + g;
		}
	}
}

/* Sum of step times a..b (none when b < a), its gradient into d. */
static double
span_sum(const struct rprob *pb, long a, long b, double d[RP_N])
{
	int k;

	if (b < a) {
		for (k = 0; k < RP_N; k++)
			d[k] = 0;
		return 0;
	}
	for (k = 0; k < RP_N; k++)
		d[k] = pb->G[(size_t)(b + 1) * RP_N + k] -
		    pb->G[(size_t)a * RP_N + k];
	return pb->P[b + 1] - pb->P[a];
}

static void
axpy(double *y, double a, const double *x)
{
	int k;

	for (k = 0; k < RP_N; k++)
		y[k] += a * x[k];
}

/* The wait from queue entry to the first step run. */
static double
wait_of(const struct rprob *pb, const struct rq_place *pl, double d[RP_N])
{
	double w, dt[RP_N];
	int k;

	for (k = 0; k < RP_N; k++)
		d[k] = 0;
	if (pl->a < 0)
		return 0;
	w = span_sum(pb, pl->a + 1, pl->s - 1, d);
	w += pl->rho * span_sum(pb, pl->a, pl->a, dt);
	axpy(d, pl->rho, dt);
	return w;
}

/* Predicted value of row rw under p; its gradient in every x into d. */
static double
predict(const struct rprob *pb, const struct rrow *rw, const struct rq_par *p,
    double d[RP_N])
{
	const struct rq_sched *s = pb->s;
	const struct rq_rec *r;
	const struct rq_place *pl;
	struct fit_step st;
	double v, w, dw[RP_N], dt[RP_N], o, gf[FIT_NPAR];
	long ef, el;
	int k;

	if (rw->g == RG_STEP) {
		data_step(pb->in->steps, rw->i, &st);
		v = steptime_smooth(&p->f, &st, gf);
		for (k = 0; k < RP_N; k++)
			d[k] = k < RP_A0 ? gf[fit_index[k]] : 0;
		return v;
	}
	r = &pb->in->r[rw->i];
	pl = &s->p[rw->i];
	o = (double)r->output_tokens;
	ef = rq_emit(s, p->lag, pl->f);
	el = rq_emit(s, p->lag, pl->l);
	switch (rw->g) {
	case RG_TTFT:
	case RG_E2E:
		w = wait_of(pb, pl, dw);
		v = w + span_sum(pb, pl->s, rw->g == RG_TTFT ? ef : el, dt);
		axpy(dt, 1, dw);
		memcpy(d, dt, sizeof(dt));
		v += p->v[RQ_A0] + p->v[RQ_A1] * (double)r->input_tokens;
		d[RP_A0] = 1;
		d[RP_A1] = (double)r->input_tokens;
		if (rw->g == RG_TTFT) {
			v += p->v[RQ_A2];
			d[RP_A2] = 1;
		} else {
			v += o * p->v[RQ_A2] + p->v[RQ_POST];
			d[RP_A2] = o;
			d[RP_POST] = 1;
		}
		return v;
	case RG_ITL:
		v = span_sum(pb, ef + 1, el, d) / (o - 1);
		for (k = 0; k < RP_N; k++)
			d[k] /= o - 1;
		d[RP_A2] = 1;
		return v + p->v[RQ_A2];
	case RG_QUEUE:
		return wait_of(pb, pl, d);
	case RG_PREFILL:
		return span_sum(pb, pl->s, pl->f, d);
	default:
		return span_sum(pb, pl->f + 1, pl->l, d);
	}
}

/* The residual of a row, unweighted, and d residual / d x. */
static double
resid(const struct rprob *pb, const struct rrow *rw, const struct rq_par *p,
    double d[RP_N])
{
	double v = predict(pb, rw, p, d), f;
	int k;

	if (rw->g == RG_QUEUE) {
		for (k = 0; k < RP_N; k++)
			d[k] /= pb->qscale;
		return (v - rw->meas) / pb->qscale;
	}
	v = fmax(v, 1);
	f = 1 / v;
	for (k = 0; k < RP_N; k++)
		d[k] *= f;
	return log(v / rw->meas);
}

static int
f_fn(const gsl_vector *u, void *ctx, gsl_vector *f)
{
	struct rprob *pb = ctx;
	struct rq_par p;
	double dxdu[RP_N], d[RP_N];
	size_t i;

	params_of(pb, u, &p, dxdu);
	prefix_sums(pb, &p);
	for (i = 0; i < pb->n; i++)
		gsl_vector_set(f, i, sqrt(pb->gw[pb->row[i].g] * pb->hw[i]) *
		    resid(pb, &pb->row[i], &p, d));
	return GSL_SUCCESS;
}

static int
df_fn(const gsl_vector *u, void *ctx, gsl_matrix *J)
{
	struct rprob *pb = ctx;
	struct rq_par p;
	double dxdu[RP_N], d[RP_N], w;
	size_t i;
	int j;

	params_of(pb, u, &p, dxdu);
	prefix_sums(pb, &p);
	for (i = 0; i < pb->n; i++) {
		w = sqrt(pb->gw[pb->row[i].g] * pb->hw[i]);
		(void)resid(pb, &pb->row[i], &p, d);
		for (j = 0; j < pb->np; j++)
			gsl_matrix_set(J, i, (size_t)j, w * d[pb->idx[j]] *
			    dxdu[pb->idx[j]]);
	}
	return GSL_SUCCESS;
}

/* Robust scale a kind and Huber weights, at p. */
static void
reweight(struct rprob *pb, const struct rq_par *p, struct rqfit_out *out,
    int huber)
{
	double *v[RG_N], d[RP_N], r, *all;
	size_t n[RG_N] = { 0 }, i;
	int g;

	prefix_sums(pb, p);
	all = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	for (g = 0; g < RG_N; g++)
		v[g] = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	for (i = 0; i < pb->n; i++) {
		all[i] = resid(pb, &pb->row[i], p, d);
		g = pb->row[i].g;
		v[g][n[g]++] = all[i];
	}
	for (g = 0; g < RG_N; g++) {
		double med, *a = v[g];
		size_t k;

		out->rows[g] = n[g];
		if (n[g] == 0) {
			pb->gw[g] = 0;
			out->gsigma[g] = NAN;
			continue;
		}
		med = stats_percentile(a, n[g], 50);
		for (k = 0; k < n[g]; k++)
			a[k] = fabs(a[k] - med);
		out->gsigma[g] = fmax(1.4826 * stats_percentile(a, n[g], 50),
		    1e-4);
		pb->gw[g] = 1 / (out->gsigma[g] * out->gsigma[g]);
	}
	for (i = 0; i < pb->n; i++) {
		r = fabs(all[i]) / out->gsigma[pb->row[i].g];
		pb->hw[i] = huber && r > 1.345 ? 1.345 / r : 1;
	}
	for (g = 0; g < RG_N; g++)
		free(v[g]);
	free(all);
}

static int
solve(struct rprob *pb, struct rq_par *p, char *msg, size_t msgsz)
{
	gsl_multifit_nlinear_parameters fp =
	    gsl_multifit_nlinear_default_parameters();
	gsl_multifit_nlinear_fdf fdf;
	gsl_multifit_nlinear_workspace *w;
	gsl_vector *u;
	double dxdu[RP_N];
	int j, info, st;

	if (pb->np == 0 || pb->n <= (size_t)pb->np)
		return 0;
	fdf.f = f_fn;
	fdf.df = df_fn;
	fdf.fvv = NULL;
	fdf.n = pb->n;
	fdf.p = (size_t)pb->np;
	fdf.params = pb;
	fp.scale = gsl_multifit_nlinear_scale_more;
	w = gsl_multifit_nlinear_alloc(gsl_multifit_nlinear_trust, &fp, pb->n,
	    (size_t)pb->np);
	u = gsl_vector_alloc((size_t)pb->np);
	if (w == NULL || u == NULL)
		err_die(EXIT_DATA, "out of memory");
	for (j = 0; j < pb->np; j++)
		gsl_vector_set(u, (size_t)j, to_u(pb->idx[j],
		    rp_get(p, pb->idx[j])));
	gsl_multifit_nlinear_init(u, &fdf, w);
	st = gsl_multifit_nlinear_driver(pb->in->max_iter > 0 ?
	    (size_t)pb->in->max_iter : 25, 1e-6, 1e-6, 1e-8, NULL, NULL,
	    &info, w);
	if (st != GSL_SUCCESS && st != GSL_EMAXITER) {
		snprintf(msg, msgsz, "the request fit's solver failed: %s",
		    gsl_strerror(st));
		gsl_vector_free(u);
		gsl_multifit_nlinear_free(w);
		return -1;
	}
	params_of(pb, gsl_multifit_nlinear_position(w), p, dxdu);
	if (getenv("RQDEBUG"))
		fprintf(stderr, "solve: %zu iterations, nf %zu, njev %zu, info %d\n",
		    gsl_multifit_nlinear_niter(w), fdf.nevalf, fdf.nevaldf, info);
	gsl_vector_free(u);
	gsl_multifit_nlinear_free(w);
	return 0;
}

static void
set_fitted(struct rprob *pb, const int on[RP_N], const struct rq_par *p)
{
	int k;

	pb->np = 0;
	pb->base = *p;
	for (k = 0; k < RP_N; k++)
		if (on[k])
			pb->idx[pb->np++] = k;
}

/* IRLS rounds on one schedule. */
static int
fit_schedule(struct rprob *pb, const int on[RP_N], struct rq_par *p,
    struct rqfit_out *out, char *msg, size_t msgsz)
{
	int round;

	build_rows(pb);
	set_fitted(pb, on, p);
	for (round = 0; round < 2; round++) {
		reweight(pb, p, out, round > 0 && pb->in->huber);
		if (solve(pb, p, msg, msgsz) < 0)
			return -1;
	}
	reweight(pb, p, out, pb->in->huber);
	return 0;
}

/*
 * How far the latencies moved from old to p on one schedule: the median
 * relative change of the requests' predictions.  The schedule has stopped
 * changing when a new replay does not move them.
 */
static double
pred_move(struct rprob *pb, const struct rq_par *old, const struct rq_par *p)
{
	double *a = err_malloc((pb->n ? pb->n : 1) * sizeof(double));
	double d[RP_N], m;
	size_t i, n = 0;

	prefix_sums(pb, old);
	for (i = 0; i < pb->n; i++)
		if (pb->row[i].g != RG_STEP && pb->row[i].g != RG_QUEUE)
			a[n++] = predict(pb, &pb->row[i], old, d);
	prefix_sums(pb, p);
	for (n = 0, i = 0; i < pb->n; i++)
		if (pb->row[i].g != RG_STEP && pb->row[i].g != RG_QUEUE) {
			a[n] = fabs(predict(pb, &pb->row[i], p, d) / a[n] - 1);
			n++;
		}
	m = n ? stats_percentile(a, n, 50) : 0;
	free(a);
	return m;
}

/* The scale a parameter's move is judged on. */
static double
move_scale(int k, double x)
{
	const struct param_row *t = rp_row(k);

	if (isfinite(t->hi))
		return k == RP_MP || k == RP_MD || k == RP_BW ? fmax(x, 0.02) :
		    1;
	return fmax(fabs(x), rq_unit[k - RP_A0]);
}

/* Largest relative move, and the hit fraction's step held to 0.25. */
static double
damp(const struct rq_par *old, struct rq_par *p, const int on[RP_N])
{
	double mv = 0, d;
	int k;

	for (k = 0; k < RP_N; k++) {
		if (!on[k])
			continue;
		d = rp_get(p, k) - rp_get(old, k);
		if (k == RP_HIT && fabs(d) > 0.25)
			rp_set(p, k, rp_get(old, k) + copysign(0.25, d));
		mv = fmax(mv, fabs(d) / move_scale(k, rp_get(old, k)));
	}
	return mv;
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void
replay(const struct rqfit_in *in, struct rq_sched *s, const struct rq_par *p,
    struct rqfit_out *out)
{
	double t0 = now_s();

	rqreplay_free(s);
	rqreplay_run(s, in->r, in->nreq, in->rl, in->sc, p);
	out->replays++;
	out->replay_s += now_s() - t0;
}

/* --- uncertainty ------------------------------------------------------ */

/*
 * J'WJ in x at p over the fitted parameters; 0, or -1 when a direction is
 * unseen (the parameter most in it into *blind).
 */
static int
uncertainty(struct rprob *pb, const struct rq_par *p, struct rqfit_out *out,
    int *blind)
{
	size_t np = (size_t)pb->np, i, a, b;
	gsl_matrix *A = gsl_matrix_calloc(np, np), *C, *V;
	gsl_vector *ev;
	gsl_eigen_symmv_workspace *ew;
	double d[RP_N], w, r, ssr = 0, lmin, lmax, best;
	size_t imin;
	int ok;

	*blind = -1;
	out->cond = NAN;
	prefix_sums(pb, p);
	for (i = 0; i < pb->n; i++) {
		w = pb->gw[pb->row[i].g] * pb->hw[i];
		r = resid(pb, &pb->row[i], p, d);
		ssr += w * r * r;
		for (a = 0; a < np; a++)
			for (b = 0; b < np; b++)
				*gsl_matrix_ptr(A, a, b) += w *
				    d[pb->idx[a]] * d[pb->idx[b]];
	}
	out->sigma = pb->n > np ? sqrt(ssr / (double)(pb->n - np)) : NAN;
	for (a = 0; a < RP_N; a++)
		out->se[a] = out->lo[a] = out->hi[a] = NAN;
	for (a = 0; a < np; a++)
		if (!(gsl_matrix_get(A, a, a) > 0)) {
			/* No row moves with it at all. */
			*blind = pb->idx[a];
			out->cond = INFINITY;
			gsl_matrix_free(A);
			return -1;
		}
	C = gsl_matrix_alloc(np, np);
	for (a = 0; a < np; a++)
		for (b = 0; b < np; b++)
			gsl_matrix_set(C, a, b, gsl_matrix_get(A, a, b) /
			    sqrt(gsl_matrix_get(A, a, a) *
			    gsl_matrix_get(A, b, b)));
	V = gsl_matrix_alloc(np, np);
	ev = gsl_vector_alloc(np);
	ew = gsl_eigen_symmv_alloc(np);
	gsl_eigen_symmv(C, ev, V, ew);
	gsl_eigen_symmv_free(ew);
	lmin = gsl_vector_min(ev);
	lmax = gsl_vector_max(ev);
	imin = gsl_vector_min_index(ev);
	out->cond = lmin > 0 ? sqrt(lmax / lmin) : INFINITY;
	ok = out->cond <= 1e6;
	if (!ok) {
		for (best = -1, a = 0; a < np; a++)
			if (fabs(gsl_matrix_get(V, a, imin)) > best) {
				best = fabs(gsl_matrix_get(V, a, imin));
				*blind = pb->idx[a];
			}
	} else {
		gsl_permutation *pm = gsl_permutation_alloc(np);
		gsl_matrix *inv = gsl_matrix_alloc(np, np);
		int sg;

		gsl_linalg_LU_decomp(A, pm, &sg);
		gsl_linalg_LU_invert(A, pm, inv);
		out->corr_max = 0;
		for (a = 0; a < np; a++) {
			int k = pb->idx[a];
			const struct param_row *t = rp_row(k);
			double x = rp_get(p, k);

			out->se[k] = out->sigma * sqrt(gsl_matrix_get(inv, a, a));
			out->lo[k] = fmax(x - 1.959963984540054 * out->se[k],
			    t->lo);
			out->hi[k] = fmin(x + 1.959963984540054 * out->se[k],
			    t->hi);
			for (b = 0; b < a; b++) {
				double c = gsl_matrix_get(inv, a, b) /
				    sqrt(gsl_matrix_get(inv, a, a) *
				    gsl_matrix_get(inv, b, b));

				if (fabs(c) > out->corr_max) {
					out->corr_max = fabs(c);
					out->corr_a = k;
					out->corr_b = pb->idx[b];
				}
			}
		}
		gsl_matrix_free(inv);
		gsl_permutation_free(pm);
	}
	gsl_vector_free(ev);
	gsl_matrix_free(V);
	gsl_matrix_free(C);
	gsl_matrix_free(A);
	return ok ? 0 : -1;
}

/* What a parameter's interval is judged against. */
static double
judge_unit(const struct rqfit_in *in, int k, double x)
{
	double *v = err_malloc((in->nfit ? in->nfit : 1) * sizeof(double));
	double u = 1;
	size_t i, n = 0;

	if (k == RP_MP || k == RP_MD || k == RP_BW)
		u = x;
	else if (k >= RP_A0 && k != RP_HIT) {
		for (i = 0; i < in->nfit; i++)
			if (in->r[i].ttft > 0)
				v[n++] = k == RP_A1 ? in->r[i].ttft /
				    (double)in->r[i].input_tokens :
				    k == RP_A2 && in->r[i].output_tokens > 1 &&
				    in->r[i].e2e > 0 ? (in->r[i].e2e -
				    in->r[i].ttft) / (double)(in->r[i]
				    .output_tokens - 1) : in->r[i].ttft;
		u = n ? stats_percentile(v, n, 50) : 1;
	}
	free(v);
	return u;
}

static void
describe(const struct rqfit_in *in, struct rqfit_out *out, int k)
{
	double x = rp_get(&out->est, k), u = judge_unit(in, k, x);
	double share = (out->hi[k] - out->lo[k]) / u;

	out->status[k] = share > 0.2 ? RS_WEAK : RS_WELL;
	snprintf(out->why[k], sizeof(out->why[k]), "the 95 %% interval "
	    "[%.4g, %.4g] is %.1f %% of %s", out->lo[k], out->hi[k],
	    100 * share, k == RP_MP || k == RP_MD || k == RP_BW ?
	    "the estimate" : k == RP_A0 || k == RP_POST ? "the median TTFT" :
	    k == RP_A1 ? "the median TTFT a prompt token" : k == RP_A2 ?
	    "the median inter-token gap" : "its range");
}

/* Whether entry field k acts on step st under p (as ident.c counts). */
static int
acts_on(int k, const struct rq_par *p, const struct fit_step *st)
{
	int cb = steptime_compute_bound(&p->f, st);

	switch (k) {
	case RP_MP:	return st->cp > 0 && (cb || p->f.v[FIT_O] > 0);
	case RP_MD:	return st->cd > 0 && (cb || p->f.v[FIT_O] > 0);
	case RP_BW:	return st->memory_us > 0 && (!cb || p->f.v[FIT_O] > 0);
	default:	return st->mixed && st->mf > 0 && cb;
	}
}

/*
 * An entry field that acts on none of the replayed or measured steps at p
 * cannot be seen by the requests: held at the entry's value, and said so.
 */
static void
hold_uninformed(const struct rqfit_in *in, const struct rq_sched *s,
    const struct rq_par *p, struct rqfit_out *out)
{
	static const int ks[4] = { RP_B, RP_MP, RP_MD, RP_BW };
	static const char *const what[4] = { "compute-bound mixed",
		"compute-bound with prefill", "compute-bound with decode",
		"memory-bound" };
	struct fit_step st;
	size_t j, n;
	int i;

	for (i = 0; i < 4; i++) {
		if (!out->on[ks[i]])
			continue;
		for (n = 0, j = 0; j < s->nsteps; j++)
			n += acts_on(ks[i], p, &s->base[j]);
		for (j = 0; in->steps != NULL && j < in->steps->n; j++) {
			data_step(in->steps, j, &st);
			n += acts_on(ks[i], p, &st);
		}
		if (n > 0)
			continue;
		out->on[ks[i]] = 0;
		out->status[ks[i]] = RS_NOT_INFORMED;
		snprintf(out->why[ks[i]], sizeof(out->why[ks[i]]), "not "
		    "informed: 0 of %zu replayed steps are %s: the entry's "
		    "%.4g kept", s->nsteps, what[i], rp_get(p, ks[i]));
	}
}

static void
hold(struct rqfit_out *out, struct rq_par *p, const struct rq_par *prior,
    int k, enum rp_status st, const char *what)
{
	char was[160];

	snprintf(was, sizeof(was), "%s", out->why[k]);
	out->on[k] = 0;
	out->status[k] = st;
	if (st == RS_NONE)
		snprintf(out->why[k], sizeof(out->why[k]), "%s (condition "
		    "number %.3g): held at %.4g", what, out->cond,
		    rp_get(prior, k));
	else
		snprintf(out->why[k], sizeof(out->why[k]), "%s: %.110s: the "
		    "entry's %.4g kept", what, was, rp_get(prior, k));
	rp_set(p, k, rp_get(prior, k));
}

/* An MFU or the bandwidth at a bound: it absorbs what the model lacks. */
static int
at_bound(int k, double x)
{
	const struct param_row *t = rp_row(k);

	return x - t->lo < 1e-3 * (t->hi - t->lo) ||
	    t->hi - x < 1e-3 * (t->hi - t->lo);
}

/*
 * The entry's field the requests know least, when its interval is wider
 * than a fifth of the estimate (b, o: of [0, 1]): a weak field is not
 * written, and it would steer the replay where the data never went.
 * -1 when every fitted field is well determined.
 */
static int
weak_field(const struct rqfit_in *in, struct rqfit_out *out,
    const struct rq_par *p)
{
	double share, worst = 0.2;
	int k, w = -1;

	out->est = *p;
	for (k = RP_B; k <= RP_BW; k++) {
		if (!out->on[k])
			continue;
		describe(in, out, k);
		if (k >= RP_MP && at_bound(k, rp_get(p, k))) {
			snprintf(out->why[k], sizeof(out->why[k]), "at its %s "
			    "bound %g, where the requests push it",
			    rp_get(p, k) > 0.5 ? "upper" : "lower",
			    rp_get(p, k) > 0.5 ? rp_row(k)->hi :
			    rp_row(k)->lo);
			return k;
		}
		share = (out->hi[k] - out->lo[k]) / (k <= RP_O ? 1 :
		    rp_get(p, k));
		if (share > worst) {
			worst = share;
			w = k;
		}
	}
	return w;
}

int
rqfit_run(const struct rqfit_in *in, struct rqfit_out *out, char *msg,
    size_t msgsz)
{
	struct rprob pb;
	struct rq_sched s;
	struct rq_par p, old;
	double t0 = now_s(), mv, pm;
	int k, blind, rep;

	memset(out, 0, sizeof(*out));
	memset(&pb, 0, sizeof(pb));
	memset(&s, 0, sizeof(s));
	memcpy(out->on, in->on, sizeof(out->on));
	for (k = 0; k < RP_N; k++) {
		out->se[k] = out->lo[k] = out->hi[k] = NAN;
		out->status[k] = RS_NOT_FITTED;
	}
	pb.in = in;
	pb.s = &s;
	pb.qscale = fmax(judge_unit(in, RP_A0, 0), 1);
	p = in->prior;
	replay(in, &s, &p, out);
	hold_uninformed(in, &s, &p, out);
	for (rep = 0;;) {
		pb.P = err_realloc(pb.P, (s.nsteps + 1) * sizeof(double));
		pb.G = err_realloc(pb.G, (s.nsteps + 1) * RP_N *
		    sizeof(double));
		old = p;
		if (fit_schedule(&pb, out->on, &p, out, msg, msgsz) < 0)
			goto fail;
		mv = damp(&old, &p, out->on);
		pm = pred_move(&pb, &old, &p);
		if (in->progress)
			fprintf(stderr, "%sfit-penalty: replay %d: %zu steps, "
			    "largest move %.3g, latencies moved %.3g %%%s",
			    in->tty ? "\r" : "", out->replays, s.nsteps, mv,
			    100 * pm, in->tty ? "\033[K" : "\n");
		out->converged = mv < 2e-3 || pm < 1e-3;
		if (!out->converged && ++rep < in->max_replays) {
			replay(in, &s, &p, out);
			continue;
		}
		/*
		 * The schedule no longer moves the latencies: the statistics
		 * on it.  A parameter the requests cannot see is held, and the
		 * rest fitted again.
		 */
		reweight(&pb, &p, out, in->huber);
		if (uncertainty(&pb, &p, out, &blind) < 0 && blind >= 0)
			hold(out, &p, &in->prior, blind, RS_NONE, "the requests "
			    "cannot tell it from the other parameters");
		else if ((blind = weak_field(in, out, &p)) >= 0)
			hold(out, &p, &in->prior, blind, RS_NOT_INFORMED,
			    "not informed");
		else
			break;
		rep = 0;
	}
	if (in->progress && in->tty)
		fputs("\r\033[K", stderr);
	out->est = p;
	for (k = 0; k < RP_N; k++)
		if (out->on[k])
			describe(in, out, k);
	rqreplay_free(&s);
	free(pb.row);
	free(pb.hw);
	free(pb.P);
	free(pb.G);
	out->total_s = now_s() - t0;
	return 0;
fail:
	rqreplay_free(&s);
	free(pb.row);
	free(pb.hw);
	free(pb.P);
	free(pb.G);
	return -1;
}
