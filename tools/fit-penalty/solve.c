#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multilarge_nlinear.h>
#include <gsl/gsl_statistics_double.h>

#include "io/err.h"
#include "solve.h"

enum { MAX_ITER = 200, MAX_ROUNDS = 100 };

/* Huber's and Cauchy's usual tuning constants (95 % efficiency). */
static const double huber_k = 1.345, cauchy_c = 2.3849;

/* What the GSL callbacks see. */
struct ctx {
	const struct fit_problem *pb;
	const double *w;		/* robust weights or NULL */
	int	 map[FIT_NPAR];		/* internal index -> parameter */
	size_t	 p;
	size_t	 nr;			/* ridge rows: the first nr of ... */
	int	 rmap[FIT_NPAR];	/* ... these internal indices */
	struct fit_par base;		/* values of the held parameters */
};

/*
 * The solver's variables: the penalties as they are, the overhead in
 * units of the typical step, the scale as its log (it is never near 0).
 * Bounds are kept by an active set (run_box), not by a change of
 * variable: a change of variable flattens the cost at the bound and the
 * trust region crawls there for hundreds of iterations.
 */
static double
to_ext(const struct ctx *c, int k, double u, double *dx)
{
	switch (param_table[k].var) {
	case PARAM_VAR_LOG:
		*dx = exp(u);
		return exp(u);
	case PARAM_VAR_STEP:
		*dx = c->pb->h_unit;
		return c->pb->h_unit * u;
	default:
		*dx = 1;
		return u;
	}
}

static double
to_int(const struct ctx *c, int k, double x)
{
	switch (param_table[k].var) {
	case PARAM_VAR_LOG:
		return log(x);
	case PARAM_VAR_STEP:
		return x / c->pb->h_unit;
	default:
		return x;
	}
}

/*
 * Where the model is defined, a little beyond the bounds so the solver
 * may step over one (1 - b mf > 0 needs b < 2, mf <= 0.5): each row's
 * domain, where it has one.
 */
static int
in_domain(const struct fit_par *p)
{
	const struct param_row *r;
	int k;

	for (k = 0; k < FIT_NPAR; k++) {
		r = &param_table[k];
		if (isinf(r->dom_lo) && isinf(r->dom_hi))
			continue;
		if (!(p->v[k] > r->dom_lo && p->v[k] < r->dom_hi))
			return 0;
	}
	return 1;
}

static void
unpack(const struct ctx *c, const gsl_vector *u, struct fit_par *par,
    double dx[FIT_NPAR])
{
	size_t j;

	*par = c->base;
	for (j = 0; j < c->p; j++)
		par->v[c->map[j]] = to_ext(c, c->map[j],
		    gsl_vector_get(u, j), &dx[j]);
}

static double
sqrt_w(const struct ctx *c, size_t k)
{
	return c->w != NULL ? sqrt(c->w[k]) : 1;
}

static int
cb_f(const gsl_vector *u, void *vc, gsl_vector *f)
{
	const struct ctx *c = vc;
	struct fit_par par;
	double dx[FIT_NPAR], r;
	size_t k;

	unpack(c, u, &par, dx);
	for (k = 0; k < c->pb->n; k++) {
		r = problem_residual(c->pb, problem_step(c->pb, k), &par, NULL);
		/*
		 * Outside the model's domain (a negative time): a residual
		 * so large that the trust region rejects the step.
		 */
		if (!in_domain(&par) || !isfinite(r))
			r = 1e3;
		gsl_vector_set(f, k, sqrt_w(c, k) * r);
	}
	for (k = 0; k < c->nr; k++)
		gsl_vector_set(f, c->pb->n + k, problem_ridge(c->pb,
		    c->map[c->rmap[k]], &par));
	return GSL_SUCCESS;
}

/* One row of the Jacobian in the internal variables. */
static void
jrow(const struct ctx *c, size_t k, const struct fit_par *par,
    const double dx[FIT_NPAR], double row[FIT_NPAR])
{
	double dres[FIT_NPAR], sw = sqrt_w(c, k);
	size_t j;

	problem_residual(c->pb, problem_step(c->pb, k), par, dres);
	for (j = 0; j < c->p; j++)
		row[j] = sw * dres[c->map[j]] * dx[j];
}

static int
cb_df(CBLAS_TRANSPOSE_t trans, const gsl_vector *u, const gsl_vector *in,
    void *vc, gsl_vector *v, gsl_matrix *jtj)
{
	const struct ctx *c = vc;
	struct fit_par par;
	double dx[FIT_NPAR], row[FIT_NPAR], acc[FIT_NPAR] = { 0 }, s;
	double a[FIT_NPAR][FIT_NPAR] = { { 0 } };
	size_t k, i, j;

	unpack(c, u, &par, dx);
	for (k = 0; k < c->pb->n; k++) {
		jrow(c, k, &par, dx, row);
		if (v != NULL && trans == CblasTrans) {
			for (j = 0; j < c->p; j++)
				acc[j] += row[j] * gsl_vector_get(in, k);
		} else if (v != NULL) {
			for (s = 0, j = 0; j < c->p; j++)
				s += row[j] * gsl_vector_get(in, j);
			gsl_vector_set(v, k, s);
		}
		if (jtj != NULL)
			for (i = 0; i < c->p; i++)
				for (j = 0; j <= i; j++)
					a[i][j] += row[i] * row[j];
	}
	for (k = 0; k < c->nr; k++) {
		j = (size_t)c->rmap[k];
		if (v != NULL && trans == CblasTrans)
			acc[j] += PROBLEM_RIDGE_W * gsl_vector_get(in,
			    c->pb->n + k);
		else if (v != NULL)
			gsl_vector_set(v, c->pb->n + k, PROBLEM_RIDGE_W *
			    gsl_vector_get(in, j));
		a[j][j] += PROBLEM_RIDGE_W * PROBLEM_RIDGE_W;
	}
	if (v != NULL && trans == CblasTrans)
		for (j = 0; j < c->p; j++)
			gsl_vector_set(v, j, acc[j]);
	if (jtj != NULL)
		for (i = 0; i < c->p; i++)
			for (j = 0; j <= i; j++) {
				gsl_matrix_set(jtj, i, j, a[i][j]);
				gsl_matrix_set(jtj, j, i, a[i][j]);
			}
	return GSL_SUCCESS;
}

/* Weighted cost of p (w may be NULL): sum w r^2 / 2. */
static double
cost_of(const struct fit_problem *pb, const double *w,
    const struct fit_par *p)
{
	double sum = 0, r;
	size_t k;
	int i;

	for (k = 0; k < pb->n; k++) {
		r = problem_residual(pb, problem_step(pb, k), p, NULL);
		sum += (w != NULL ? w[k] : 1) * r * r;
	}
	for (i = 0; i < FIT_NPAR; i++)
		if (problem_ridged(pb, i)) {
			r = problem_ridge(pb, i, p);
			sum += r * r;
		}
	return sum / 2;
}

static const char *
gsl_why(int status)
{
	switch (status) {
	case GSL_EMAXITER:
		return "still moving when the iteration limit was reached "
		    "(--max-iter)";
	case GSL_EDOM:
		return "a candidate gave a non-finite residual";
	default:
		return gsl_strerror(status);
	}
}

/* Largest change, each parameter on its own scale. */
static double
max_change(const struct fit_problem *pb, const struct fit_par *a,
    const struct fit_par *b)
{
	double m = 0;
	int k;

	for (k = 0; k < FIT_NPAR; k++)
		m = fmax(m, fabs(a->v[k] - b->v[k]) / param_unit(k, pb->h_unit,
		    a->v[k]));
	return m;
}

/* Half the squared norm of the solver's current residual vector. */
static double
ws_cost(const gsl_multilarge_nlinear_workspace *w)
{
	double dot;

	if (gsl_blas_ddot(gsl_multilarge_nlinear_residual(w),
	    gsl_multilarge_nlinear_residual(w), &dot) != GSL_SUCCESS)
		return NAN;	/* never "settled": NaN compares false */
	return dot / 2;
}

/*
 * GSL's driver loop with two changes.  A first iteration without
 * progress is success: the start is already the optimum to working
 * precision (a reweighting round starts there); GSL's driver calls that
 * GSL_EMAXITER.  And besides GSL's tests on the solver's variables, the
 * fit settling is convergence: three steps in a row that each move every
 * parameter by less than 1e-10 on its own scale, or lower the cost by
 * less than 1e-12 of itself.  Near a bound the solver can creep on
 * long after nothing that matters moves.
 */
static int
drive(const struct ctx *c, gsl_multilarge_nlinear_workspace *w,
    size_t *iters)
{
	const size_t max_iter = c->pb->max_iter > 0 ? (size_t)c->pb->max_iter :
	    MAX_ITER;
	struct fit_par prev, cur;
	double dx[FIT_NPAR], cost, pcost = ws_cost(w);
	size_t it;
	int st, info, still = 0;

	unpack(c, gsl_multilarge_nlinear_position(w), &prev, dx);
	for (it = 0; it < max_iter; it++) {
		st = gsl_multilarge_nlinear_iterate(w);
		if (st == GSL_ENOPROG)
			break;
		if (st != GSL_SUCCESS)
			return st;
		st = gsl_multilarge_nlinear_test(1e-8, 1e-8, 0, &info, w);
		if (st != GSL_CONTINUE)
			break;
		unpack(c, gsl_multilarge_nlinear_position(w), &cur, dx);
		cost = ws_cost(w);
		if (max_change(c->pb, &prev, &cur) < 1e-10 ||
		    pcost - cost < 1e-12 * pcost)
			still++;
		else
			still = 0;
		prev = cur;
		pcost = cost;
		if (still == 3) {
			st = GSL_SUCCESS;
			break;
		}
	}
	*iters += it;
	if (it == max_iter)
		return GSL_EMAXITER;
	return st == GSL_ENOPROG ? GSL_SUCCESS : st;
}

/* One trust-region run from start; 0, or -1 with msg. */
static int
run(struct ctx *c, const struct fit_par *start, struct fit_par *out,
    size_t *iters, char *msg, size_t msgsz)
{
	gsl_multilarge_nlinear_parameters prm =
	    gsl_multilarge_nlinear_default_parameters();
	gsl_multilarge_nlinear_fdf fdf;
	gsl_multilarge_nlinear_workspace *w;
	gsl_vector *u;
	double dx[FIT_NPAR];
	size_t j;
	int st;

	memset(&fdf, 0, sizeof(fdf));
	fdf.f = cb_f;
	fdf.df = cb_df;
	fdf.n = c->pb->n + c->nr;
	fdf.p = c->p;
	fdf.params = c;
	prm.trs = gsl_multilarge_nlinear_trs_lm;
	if ((w = gsl_multilarge_nlinear_alloc(gsl_multilarge_nlinear_trust,
	    &prm, c->pb->n + c->nr, c->p)) == NULL ||
	    (u = gsl_vector_alloc(c->p)) == NULL)
		err_die(EXIT_DATA, "out of memory for the solver");
	for (j = 0; j < c->p; j++)
		gsl_vector_set(u, j, to_int(c, c->map[j],
		    start->v[c->map[j]]));
	st = gsl_multilarge_nlinear_init(u, &fdf, w);
	if (st == GSL_SUCCESS)
		st = drive(c, w, iters);
	if (st == GSL_SUCCESS)
		unpack(c, gsl_multilarge_nlinear_position(w), out, dx);
	else
		snprintf(msg, msgsz, "fit did not converge: %s", gsl_why(st));
	gsl_vector_free(u);
	gsl_multilarge_nlinear_free(w);
	return st == GSL_SUCCESS ? 0 : -1;
}

static void
ctx_init(struct ctx *c, const struct fit_problem *pb, const double *w,
    const int on[FIT_NPAR])
{
	int k;

	memset(c, 0, sizeof(*c));
	c->pb = pb;
	c->w = w;
	c->base = pb->prior;
	for (k = 0; k < FIT_NPAR; k++)
		if (on[k]) {
			if (problem_ridged(pb, k))
				c->rmap[c->nr++] = (int)c->p;
			c->map[c->p++] = k;
		}
}

/* The mean log ratio of measured to predicted step time under p. */
static double
mean_log_ratio(const struct fit_problem *pb, const struct fit_par *p)
{
	struct fit_step s;
	double mean = 0;
	size_t k;

	for (k = 0; k < pb->n; k++) {
		data_step(pb->d, problem_step(pb, k), &s);
		mean += log(pb->d->dur_us[problem_step(pb, k)] /
		    steptime_smooth(p, &s, NULL));
	}
	return mean;
}

/* Whether a fitted row starts the way start says. */
static int
any_start(const int on[FIT_NPAR], enum param_start start)
{
	int k;

	for (k = 0; k < FIT_NPAR; k++)
		if (on[k] && param_table[k].start == start)
			return 1;
	return 0;
}

/*
 * Starting points: the roofline as shipped, the middle of the box and a
 * far corner (the grid rows at 0.05, 0.5, 0.9), each with the scale set
 * to the geometric mean ratio of measured to predicted so that every
 * start is on the right order (or, without a scale, the bandwidth).
 */
static void
starts(const struct fit_problem *pb, const int on[FIT_NPAR],
    struct fit_par st[FIT_STARTS])
{
	static const double grid[FIT_STARTS] = { 0.05, 0.5, 0.9 };
	struct fit_par p = pb->prior, q;
	double lo, hi;
	int i, k;

	for (k = 0; k < FIT_NPAR; k++)
		if (on[k] && param_table[k].start == PARAM_START_MEAN) {
			q = p;
			q.v[k] = 1;
			p.v[k] = exp(mean_log_ratio(pb, &q) / (double)pb->n);
		}
	for (k = 0; k < FIT_NPAR; k++)
		if (on[k] && param_table[k].start == PARAM_START_MEAN_INV &&
		    !any_start(on, PARAM_START_MEAN)) {
			param_bounds(k, &lo, &hi);
			p.v[k] = fmin(fmax(p.v[k] * exp(-mean_log_ratio(pb,
			    &p) / (double)pb->n), lo), hi);
		}
	for (k = 0; k < FIT_NPAR; k++)
		if (on[k] && param_table[k].start == PARAM_START_STEP)
			p.v[k] = 0.05 * pb->h_unit;
	for (i = 0; i < FIT_STARTS; i++) {
		st[i] = p;
		for (k = 0; k < FIT_NPAR; k++)
			if (on[k] && param_table[k].start == PARAM_START_GRID)
				st[i].v[k] = grid[i];
	}
}

/*
 * The worst bound violation among the fitted parameters, each on its own
 * scale: its index, with *at the bound it crossed; -1 when none.
 */
static int
violation(const struct fit_problem *pb, const int act[FIT_NPAR],
    const struct fit_par *x, double *at)
{
	double v, lo, hi, unit, worst = 0;
	int k, which = -1;

	for (k = 0; k < FIT_NPAR; k++) {
		if (!act[k] || param_is(k, PARAM_POSITIVE))
			continue;
		param_bounds(k, &lo, &hi);
		unit = param_unit(k, pb->h_unit, x->v[k]);
		if (x->v[k] < lo) {
			v = (lo - x->v[k]) / unit;
			if (v > worst) {
				worst = v;
				which = k;
				*at = lo;
			}
		} else if (x->v[k] > hi) {
			v = (x->v[k] - hi) / unit;
			if (v > worst) {
				worst = v;
				which = k;
				*at = hi;
			}
		}
	}
	return which;
}

static void
clamp_box(struct fit_par *x)
{
	double lo, hi;
	int k;

	for (k = 0; k < FIT_NPAR; k++)
		if (!param_is(k, PARAM_POSITIVE)) {
			param_bounds(k, &lo, &hi);
			x->v[k] = fmin(fmax(x->v[k], lo), hi);
		}
}

/*
 * A parameter held at a bound whose cost would fall if it went back
 * inside (beyond noise: 1e-8 of the cost per unit of the parameter's
 * own scale), or -1.  The gradient is sum w r dr/dx.
 */
static int
wants_inside(const struct fit_problem *pb, const double *w,
    const int bound[FIT_NPAR], const struct fit_par *p)
{
	double g[FIT_NPAR] = { 0 }, dres[FIT_NPAR], r, cost = 0, unit;
	size_t i;
	int k;

	for (i = 0; i < pb->n; i++) {
		r = problem_residual(pb, problem_step(pb, i), p, dres);
		cost += (w != NULL ? w[i] : 1) * r * r / 2;
		for (k = 0; k < FIT_NPAR; k++)
			g[k] += (w != NULL ? w[i] : 1) * r * dres[k];
	}
	for (k = 0; k < FIT_NPAR; k++)
		if (problem_ridged(pb, k)) {
			r = problem_ridge(pb, k, p);
			cost += r * r / 2;
			g[k] += r * PROBLEM_RIDGE_W / p->v[k];
		}
	for (k = 0; k < FIT_NPAR; k++) {
		unit = param_unit(k, pb->h_unit, p->v[k]);
		if (bound[k] * g[k] * unit > 1e-8 * cost)
			return k;
	}
	return -1;
}

/*
 * A fit within the bounds by an active set: fit freely; if a parameter
 * left its interval, hold the worst one at the bound it crossed and fit
 * the rest again; when none is out, release a held one the cost would
 * have back inside (a few times at most, lest it cycle).  bound[] says
 * which ended held, and where.
 */
static int
run_box(const struct fit_problem *pb, const double *w,
    const int on[FIT_NPAR], const struct fit_par *start,
    struct fit_par *out, int bound[FIT_NPAR], size_t *iters, char *msg,
    size_t msgsz)
{
	struct fit_problem q = *pb;
	struct fit_par x = *start;
	struct ctx c;
	int act[FIT_NPAR], k, releases = 0;
	double at, lo, hi;

	memcpy(act, on, sizeof(act));
	memset(bound, 0, sizeof(int) * FIT_NPAR);
	for (;;) {
		ctx_init(&c, &q, w, act);
		clamp_box(&x);
		if (c.p == 0) {
			*out = q.prior;
		} else {
			if (run(&c, &x, out, iters, msg, msgsz) < 0)
				return -1;
			if ((k = violation(pb, act, out, &at)) >= 0) {
				act[k] = 0;
				q.prior.v[k] = at;
				param_bounds(k, &lo, &hi);
				bound[k] = at == lo ? -1 : 1;
				x = *out;
				x.v[k] = at;
				continue;
			}
		}
		if (releases == FIT_NPAR ||
		    (k = wants_inside(pb, w, bound, out)) < 0)
			return 0;
		releases++;
		act[k] = 1;
		bound[k] = 0;
		x = *out;
	}
}

/* Least squares (weighted by w) from every start; keep the best. */
static int
multistart(const struct fit_problem *pb, const double *w,
    const int on[FIT_NPAR], struct fit_solution *sol, char *msg,
    size_t msgsz)
{
	struct fit_par st[FIT_STARTS], end[FIT_STARTS];
	double cost[FIT_STARTS], best = INFINITY;
	int i, nstart, bound[FIT_NPAR];

	starts(pb, on, st);
	/* Without a grid row to fit (a penalty), one start settles it. */
	nstart = any_start(on, PARAM_START_GRID) ? FIT_STARTS : 1;
	if (pb->warm != NULL) {
		st[0] = *pb->warm;
		nstart = 1;
	}
	for (i = 0; i < nstart; i++) {
		if (run_box(pb, w, on, &st[i], &end[i], bound,
		    &sol->iterations, msg, msgsz) < 0)
			return -1;
		cost[i] = cost_of(pb, w, &end[i]);
		if (cost[i] < best) {
			best = cost[i];
			sol->est = end[i];
			memcpy(sol->bound, bound, sizeof(bound));
		}
	}
	sol->starts = (size_t)nstart;
	sol->starts_agree = 0;
	for (i = 0; i < nstart; i++)
		if (cost[i] <= best + 1e-6 * fmax(best, 1e-300))
			sol->starts_agree++;
	sol->cost = best;
	return 0;
}

/* psi(u) / u: the weight a residual of u robust scales gets. */
static double
robust_weight(enum fit_loss loss, double u)
{
	double a = fabs(u);

	if (loss == FIT_LOSS_HUBER)
		return a <= huber_k ? 1 : huber_k / a;
	return 1 / (1 + (u / cauchy_c) * (u / cauchy_c));
}

/* Residual scale: median absolute residual / 0.6745, as in MAD. */
static double
robust_scale(const struct fit_problem *pb, const struct fit_par *p,
    double *tmp)
{
	size_t k;

	for (k = 0; k < pb->n; k++)
		tmp[k] = fabs(problem_residual(pb, problem_step(pb, k), p,
		    NULL));
	return gsl_stats_median(tmp, 1, pb->n) / 0.6744897501960817;
}

/*
 * Iteratively reweighted least squares from the plain fit: weights from
 * the residuals, refit, until the estimate stops moving.  A parameter
 * the steps cannot see (a penalty with no compute-bound step to act on)
 * may drift within the solver's tolerance for ever while nothing else
 * moves: when the rounds run out with the weights and the cost still,
 * the reweighting is at its fixed point all the same.
 */
static int
irls(const struct fit_problem *pb, const int on[FIT_NPAR],
    struct fit_solution *sol, char *msg, size_t msgsz)
{
	struct fit_par prev;
	double *tmp, sc, wmove = INFINITY, cost = NAN, last = NAN, w;
	size_t k;

	sol->w = err_malloc(pb->n * sizeof(double));
	tmp = err_malloc(pb->n * sizeof(double));
	for (sol->rounds = 1; sol->rounds <= MAX_ROUNDS; sol->rounds++) {
		if ((sc = robust_scale(pb, &sol->est, tmp)) <= 0)
			sc = 1e-12;
		sol->robust_scale = sc;
		for (k = 0, wmove = 0; k < pb->n; k++) {
			w = robust_weight(pb->loss, problem_residual(pb,
			    problem_step(pb, k), &sol->est, NULL) / sc);
			if (sol->rounds > 1)
				wmove = fmax(wmove, fabs(w - sol->w[k]));
			sol->w[k] = w;
		}
		prev = sol->est;
		if (run_box(pb, sol->w, on, &prev, &sol->est, sol->bound,
		    &sol->iterations, msg, msgsz) < 0)
			break;
		if (max_change(pb, &prev, &sol->est) < 1e-8) {
			free(tmp);
			sol->cost = cost_of(pb, sol->w, &sol->est);
			return 0;
		}
		last = cost;
		cost = cost_of(pb, sol->w, &sol->est);
	}
	free(tmp);
	if (sol->rounds > MAX_ROUNDS && wmove < 1e-9 &&
	    fabs(cost - last) <= 1e-12 * fabs(cost)) {
		sol->rounds = MAX_ROUNDS;
		sol->cost = cost;
		return 0;
	}
	if (sol->rounds > MAX_ROUNDS)
		snprintf(msg, msgsz, "fit did not converge: robust "
		    "reweighting still moving after %d rounds", MAX_ROUNDS);
	return -1;
}

/*
 * The global check: the cost on an 11 x 11 grid of the grid rows (b,
 * o), the other parameters at their estimate.  A grid point below the
 * optimum would mean the trust region found a local minimum.
 */
static double
grid_check(const struct fit_problem *pb, const struct fit_solution *sol)
{
	struct fit_par p = sol->est;
	double best = INFINITY;
	int g[2] = { -1, -1 }, ng = 0, i, j, k, ni, nj;

	for (k = 0; k < FIT_NPAR && ng < 2; k++)
		if (param_table[k].start == PARAM_START_GRID)
			g[ng++] = k;
	ni = g[0] >= 0 && sol->on[g[0]] ? 10 : 0;
	nj = g[1] >= 0 && sol->on[g[1]] ? 10 : 0;
	if (ni == 0 && nj == 0)
		return sol->cost;
	for (i = 0; i <= ni; i++)
		for (j = 0; j <= nj; j++) {
			if (ni > 0)
				p.v[g[0]] = i / 10.0;
			if (nj > 0)
				p.v[g[1]] = j / 10.0;
			best = fmin(best, cost_of(pb, sol->w, &p));
		}
	return best;
}

int
solve_fit(const struct fit_problem *pb, const int on[FIT_NPAR],
    struct fit_solution *sol, char *msg, size_t msgsz)
{
	int k, any = 0;

	memset(sol, 0, sizeof(*sol));
	for (k = 0; k < FIT_NPAR; k++)
		any |= sol->on[k] = on[k];
	sol->est = pb->prior;
	if (!any) {
		sol->cost = sol->grid_cost = cost_of(pb, NULL, &sol->est);
		return 0;
	}
	if (multistart(pb, NULL, on, sol, msg, msgsz) < 0)
		return -1;
	if (pb->loss != FIT_LOSS_LS && irls(pb, on, sol, msg, msgsz) < 0)
		return -1;
	sol->cost = cost_of(pb, sol->w, &sol->est);
	sol->grid_cost = grid_check(pb, sol);
	return 0;
}

void
solve_free(struct fit_solution *sol)
{
	free(sol->w);
	sol->w = NULL;
}
