#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "io/err.h"
#include "io/jsonout.h"
#include "io/outfile.h"
#include "records/request.h"
#include "stats/stats.h"
#include "hwconfig.h"
#include "reqreport.h"
#include "reqreplay.h"
#include "report.h"

/* The verdict's limits: BLIS's reported median E2E error, and so on. */
#define LIM_STEP 5.0
#define LIM_E2E 6.7
#define LIM_TTFT 20.0
#define LIM_P99 1.5

struct rq_metrics {
	size_t	 n;
	double	 ttft_ape, e2e_ape, itl_ape;	/* medians of |err| % */
	double	 ttft_bias, e2e_bias;		/* medians of err % */
	double	 ttft_p99_pred, ttft_p99_meas;
	double	 e2e_p50_pred, e2e_p50_meas;
};

struct rq_scores {
	struct rq_metrics fit, held;
	size_t	 steps;
	double	 step_ape, step_bias;
	double	 one_replay_s;
	long	 sim_steps;
};

static double
med(double *v, size_t n)
{
	return n ? stats_percentile(v, n, 50) : NAN;
}

static void
metrics(const struct rq_sched *s, const struct rq_rec *r, size_t a, size_t b,
    const struct rq_par *p, struct rq_metrics *m)
{
	size_t cap = b > a ? b - a : 1, i, nt = 0, ne = 0, ni = 0;
	double *te = err_malloc(cap * sizeof(double));
	double *ts = err_malloc(cap * sizeof(double));
	double *ee = err_malloc(cap * sizeof(double));
	double *es = err_malloc(cap * sizeof(double));
	double *ie = err_malloc(cap * sizeof(double));
	double *tp = err_malloc(cap * sizeof(double));
	double *tm = err_malloc(cap * sizeof(double));
	double *ep = err_malloc(cap * sizeof(double));
	double *em = err_malloc(cap * sizeof(double));
	struct rq_lat l;

	memset(m, 0, sizeof(*m));
	for (i = a; i < b; i++) {
		if (r[i].no_output || s->p[i].l < 0)
			continue;
		rqreplay_latency(s, r, i, p, &l);
		m->n++;
		if (r[i].ttft > 0) {
			ts[nt] = 100 * (l.ttft - r[i].ttft) / r[i].ttft;
			te[nt] = fabs(ts[nt]);
			tp[nt] = l.ttft;
			tm[nt++] = r[i].ttft;
		}
		if (r[i].e2e > 0) {
			es[ne] = 100 * (l.e2e - r[i].e2e) / r[i].e2e;
			ee[ne] = fabs(es[ne]);
			ep[ne] = l.e2e;
			em[ne++] = r[i].e2e;
		}
		if (r[i].itl > 0 && l.itl > 0)
			ie[ni++] = 100 * fabs(l.itl - r[i].itl) / r[i].itl;
	}
	m->ttft_ape = med(te, nt);
	m->ttft_bias = med(ts, nt);
	m->e2e_ape = med(ee, ne);
	m->e2e_bias = med(es, ne);
	m->itl_ape = med(ie, ni);
	m->ttft_p99_pred = nt ? stats_percentile(tp, nt, 99) : NAN;
	m->ttft_p99_meas = nt ? stats_percentile(tm, nt, 99) : NAN;
	m->e2e_p50_pred = med(ep, ne);
	m->e2e_p50_meas = med(em, ne);
	free(te); free(ts); free(ee); free(es); free(ie);
	free(tp); free(tm); free(ep); free(em);
}

static void
step_scores(const struct rq_steps *st, const struct rq_par *p,
    struct rq_scores *sc)
{
	double *e = err_malloc((st->d.n ? st->d.n : 1) * sizeof(double));
	double *b = err_malloc((st->d.n ? st->d.n : 1) * sizeof(double));
	struct fit_step fs;
	size_t i;

	sc->steps = st->d.n;
	for (i = 0; i < st->d.n; i++) {
		data_step(&st->d, i, &fs);
		b[i] = 100 * (steptime_predict(&p->f, &fs) - st->d.dur_us[i]) /
		    st->d.dur_us[i];
		e[i] = fabs(b[i]);
	}
	sc->step_ape = med(e, st->d.n);
	sc->step_bias = med(b, st->d.n);
	free(e);
	free(b);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Replay every request with the estimate: the held-out ones are scored. */
static void
score(const struct rq_data *d, const struct rq_steps *st,
    const struct rqfit_in *in, const struct rqfit_out *out,
    struct rq_scores *sc)
{
	struct rq_sched s;
	double t0 = now_s();

	memset(sc, 0, sizeof(*sc));
	rqreplay_run(&s, d->r, d->n, in->rl, in->sc, &out->est);
	sc->one_replay_s = now_s() - t0;
	sc->sim_steps = (long)s.nsteps;
	metrics(&s, d->r, 0, in->nfit, &out->est, &sc->fit);
	metrics(&s, d->r, in->nfit, d->n, &out->est, &sc->held);
	step_scores(st, &out->est, sc);
	rqreplay_free(&s);
}

/* The set the verdict is earned on: the held-out one when there is one. */
static const struct rq_metrics *
judged(const struct rq_scores *sc)
{
	return sc->held.n > 0 ? &sc->held : &sc->fit;
}

static int
p99_ok(const struct rq_metrics *m)
{
	double r = m->ttft_p99_pred / m->ttft_p99_meas;

	return r <= LIM_P99 && r >= 1 / LIM_P99;
}

static void
verdict(const struct rq_scores *sc, char *buf, size_t sz)
{
	const struct rq_metrics *m = judged(sc);
	const char *on = sc->held.n > 0 ? "held-out" : "fitted (no "
	    "--request-holdout: in-sample)";
	int req = m->e2e_ape <= LIM_E2E && m->ttft_ape <= LIM_TTFT &&
	    p99_ok(m);

	snprintf(buf, sz, "%s for request latencies: on the %zu %s requests "
	    "the median |E2E err| is %.1f %% (limit %.1f %%), |TTFT err| "
	    "%.1f %% (limit %.0f %%), TTFT P99 predicted/measured %.2f "
	    "(limit %.1fx)", req ? "trustworthy" : "not trustworthy", m->n,
	    on, m->e2e_ape, LIM_E2E, m->ttft_ape, LIM_TTFT,
	    m->ttft_p99_pred / m->ttft_p99_meas, LIM_P99);
	if (sc->steps > 0)
		snprintf(buf + strlen(buf), sz - strlen(buf), "; %s for step "
		    "times in-sample: the %zu steps' median |err| is %.1f %% "
		    "(limit %.0f %%; hold steps out to earn it)",
		    sc->step_ape <= LIM_STEP ? "consistent" : "not trustworthy",
		    sc->steps, sc->step_ape, LIM_STEP);
}

static void
runaway(const struct rq_metrics *m, const struct rqfit_out *out)
{
	if (!(m->ttft_p99_pred > 10 * m->ttft_p99_meas))
		return;
	err_warn("the replay's queue runs away (TTFT P99 %.0f us predicted, "
	    "%.0f us measured): the predicted prefill capacity is short; "
	    "the likely cause is the prefix cache (hit fraction %.3g) or "
	    "mfuPrefill (%.3g)", m->ttft_p99_pred, m->ttft_p99_meas,
	    out->est.v[RQ_HIT], out->est.f.v[FIT_MP]);
}

/* --- JSON ------------------------------------------------------------- */

static void
num(cJSON *o, const char *k, double v)
{
	if (isfinite(v))
		cJSON_AddNumberToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *
metrics_json(const struct rq_metrics *m)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddNumberToObject(o, "n", (double)m->n);
	num(o, "ttft_median_ape_pct", m->ttft_ape);
	num(o, "e2e_median_ape_pct", m->e2e_ape);
	num(o, "itl_median_ape_pct", m->itl_ape);
	num(o, "ttft_median_err_pct", m->ttft_bias);
	num(o, "e2e_median_err_pct", m->e2e_bias);
	num(o, "ttft_p99_pred_us", m->ttft_p99_pred);
	num(o, "ttft_p99_meas_us", m->ttft_p99_meas);
	num(o, "e2e_p50_pred_us", m->e2e_p50_pred);
	num(o, "e2e_p50_meas_us", m->e2e_p50_meas);
	return o;
}

/* The value a parameter has in the entry or in the "rooftrace" object. */
static double
field_value(const struct rqfit_out *out, const struct hw_calib *hw, int k)
{
	double x = rp_get(&out->est, k);

	return k == RP_BW ? x * hw->bw_peak_tbs : x;
}

static void
alpha_coeffs(const struct rqfit_out *out, char *buf, size_t sz)
{
	snprintf(buf, sz, "%.6g,%.6g,%.6g", out->est.v[RQ_A0],
	    out->est.v[RQ_POST], out->est.v[RQ_A2]);
}

static cJSON *
params_json(const struct rqfit_out *out, const struct hw_calib *hw)
{
	cJSON *a = cJSON_CreateArray(), *o, *ci;
	int k;

	for (k = 0; k < RP_N; k++) {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "name", rp_row(k)->name);
		cJSON_AddStringToObject(o, "short", rp_row(k)->short_name);
		cJSON_AddStringToObject(o, "field", rp_row(k)->hw_field);
		num(o, "estimate", rp_get(&out->est, k));
		num(o, "field_value", field_value(out, hw, k));
		ci = cJSON_CreateArray();
		cJSON_AddItemToArray(ci, isfinite(out->lo[k]) ?
		    cJSON_CreateNumber(out->lo[k]) : cJSON_CreateNull());
		cJSON_AddItemToArray(ci, isfinite(out->hi[k]) ?
		    cJSON_CreateNumber(out->hi[k]) : cJSON_CreateNull());
		cJSON_AddItemToObject(o, "ci95", ci);
		num(o, "se", out->se[k]);
		cJSON_AddStringToObject(o, "status", rs_names[out->status[k]]);
		if (out->why[k][0] != '\0')
			cJSON_AddStringToObject(o, "why", out->why[k]);
		cJSON_AddStringToObject(o, "informed_by", rp_row(k)->acts_on);
		cJSON_AddStringToObject(o, "enters", rp_row(k)->enters);
		cJSON_AddItemToArray(a, o);
	}
	return a;
}

static cJSON *
report_json(const struct rq_data *d, const struct rq_steps *st,
    const struct rqfit_in *in, const struct rqfit_out *out,
    const struct hw_calib *hw, const struct rq_scores *sc, const char *vd)
{
	cJSON *root = cJSON_CreateObject(), *o;
	char ac[128];
	int g;

	cJSON_AddStringToObject(root, "mode", in->steps != NULL ?
	    "steps+requests" : "requests");
	o = cJSON_AddObjectToObject(root, "requests");
	cJSON_AddNumberToObject(o, "read", (double)d->read);
	cJSON_AddNumberToObject(o, "fitted", (double)in->nfit);
	cJSON_AddNumberToObject(o, "held_out", (double)(d->n - in->nfit));
	cJSON_AddNumberToObject(o, "failed", (double)d->failed);
	cJSON_AddNumberToObject(o, "no_output", (double)d->no_output);
	cJSON_AddNumberToObject(o, "bad", (double)d->bad);
	cJSON_AddNumberToObject(o, "with_cached_tokens",
	    (double)d->has_cached);
	o = cJSON_AddObjectToObject(root, "steps");
	cJSON_AddNumberToObject(o, "read", (double)st->read);
	cJSON_AddNumberToObject(o, "fitted", (double)st->d.n);
	cJSON_AddNumberToObject(o, "excluded", (double)st->excluded);
	num(o, "median_ape_pct", sc->step_ape);
	num(o, "median_err_pct", sc->step_bias);
	cJSON_AddItemToObject(root, "parameters", params_json(out, hw));
	o = cJSON_AddObjectToObject(root, "residuals");
	for (g = 0; g < RG_N; g++) {
		cJSON *r = cJSON_AddObjectToObject(o, rg_names[g]);

		cJSON_AddNumberToObject(r, "n", (double)out->rows[g]);
		num(r, "robust_scale_log", out->gsigma[g]);
	}
	num(root, "condition_number", out->cond);
	alpha_coeffs(out, ac, sizeof(ac));
	cJSON_AddStringToObject(root, "blis_alpha_coeffs", ac);
	cJSON_AddNumberToObject(root, "output_lag_steps", out->est.lag);
	o = cJSON_AddObjectToObject(root, "replays");
	cJSON_AddNumberToObject(o, "count", out->replays);
	cJSON_AddBoolToObject(o, "converged", out->converged);
	num(o, "fit_s", out->total_s);
	num(o, "one_replay_s", sc->one_replay_s);
	num(o, "fit_in_replays", out->total_s / sc->one_replay_s);
	cJSON_AddNumberToObject(o, "steps_simulated", (double)sc->sim_steps);
	cJSON_AddItemToObject(root, "fitted", metrics_json(&sc->fit));
	if (sc->held.n > 0)
		cJSON_AddItemToObject(root, "held_out", metrics_json(&sc->held));
	cJSON_AddStringToObject(root, "verdict", vd);
	return root;
}

/* --- table ------------------------------------------------------------ */

/* A number of the table, or "-" when not measured. */
static void
cell(FILE *fp, int width, int prec, double v)
{
	if (isfinite(v))
		fprintf(fp, " %*.*f", width, prec, v);
	else
		fprintf(fp, " %*s", width, "-");
}

static void
metrics_row(FILE *fp, const char *name, const struct rq_metrics *m)
{
	fprintf(fp, "%-9s %6zu", name, m->n);
	cell(fp, 9, 2, m->ttft_ape);
	cell(fp, 9, 2, m->e2e_ape);
	cell(fp, 9, 2, m->itl_ape);
	cell(fp, 9, 0, m->ttft_p99_pred);
	cell(fp, 9, 0, m->ttft_p99_meas);
	cell(fp, 6, 2, m->ttft_p99_pred / m->ttft_p99_meas);
	fputc('\n', fp);
}

static void
report_table(FILE *fp, const struct rq_data *d, const struct rq_steps *st,
    const struct rqfit_in *in, const struct rqfit_out *out,
    const struct rq_scores *sc, const char *vd)
{
	char ac[128];
	int k;

	fprintf(fp, "%zu requests fitted, %zu held out (%ld read, %ld failed, "
	    "%ld without output); %zu steps fitted\n\n", in->nfit,
	    d->n - in->nfit, d->read, d->failed, d->no_output, st->d.n);
	fprintf(fp, "%-22s %12s %12s %12s  %s\n", "parameter", "estimate",
	    "ci95 low", "ci95 high", "status");
	for (k = 0; k < RP_N; k++) {
		fprintf(fp, "%-22s %12.4g ", rp_row(k)->name,
		    rp_get(&out->est, k));
		if (isfinite(out->lo[k]))
			fprintf(fp, "%12.4g %12.4g", out->lo[k], out->hi[k]);
		else
			fprintf(fp, "%12s %12s", "-", "-");
		fprintf(fp, "  %s\n", rs_names[out->status[k]]);
		if (out->why[k][0] != '\0')
			fprintf(fp, "%61s%s\n", "", out->why[k]);
	}
	alpha_coeffs(out, ac, sizeof(ac));
	fprintf(fp, "\nBLIS trained-physics: --alpha-coeffs %s "
	    "(queueing, post-decode, per token; alpha1 %.4g us a prompt token "
	    "has no place there); output lag %d step%s\n", ac,
	    out->est.v[RQ_A1], out->est.lag, out->est.lag == 1 ? "" : "s");
	fprintf(fp, "%d replays (%s), the fit took %.2f s = %.1f replays of "
	    "all %zu requests (%.3f s each)\n\n", out->replays,
	    out->converged ? "converged" : "not converged", out->total_s,
	    out->total_s / sc->one_replay_s, d->n, sc->one_replay_s);
	fprintf(fp, "%-9s %6s %9s %9s %9s %9s %9s %6s\n", "requests", "n",
	    "TTFT %", "E2E %", "ITL %", "P99 pred", "P99 meas", "ratio");
	metrics_row(fp, "fitted", &sc->fit);
	if (sc->held.n > 0)
		metrics_row(fp, "held-out", &sc->held);
	if (sc->steps > 0)
		fprintf(fp, "steps     %6zu median |err| %.2f %%, median err "
		    "%.2f %%\n", sc->steps, sc->step_ape, sc->step_bias);
	fprintf(fp, "\nverdict: %s\n", vd);
}

/* --- the entry -------------------------------------------------------- */

/*
 * The entry edited by the shared entry editor: the entry's fields the
 * requests determined well, and the "rooftrace" object with the
 * overheads, the lag and the hit fraction, with provenance.
 */
/* The entry's _comment: who calibrated it, on what, and what it holds. */
static char *
request_comment(const struct rq_opts *o, const struct rqfit_out *out,
    const struct rq_data *d, const struct rq_steps *st)
{
	struct { FILE *fp; char *buf; size_t len; } w = { 0 };
	char date[32];
	int k, pass, n;

	if ((w.fp = open_memstream(&w.buf, &w.len)) == NULL)
		err_die(EXIT_DATA, "out of memory");
	report_run_date(date, sizeof(date));
	fprintf(w.fp, "Calibrated by fit-penalty %s on %s from %zu request "
	    "latencies of %s and %zu measured steps.", ROOFTRACE_VERSION,
	    date, d->n, o->source_name != NULL ? o->source_name :
	    o->requests, st->d.n);
	for (pass = 0; pass < 2; pass++) {
		n = 0;
		for (k = 0; k < RP_A0; k++) {
			if (rp_row(k)->hw_field == NULL ||
			    (out->on[k] && out->status[k] == RS_WELL) != !pass)
				continue;
			fprintf(w.fp, "%s %s", n++ == 0 ? (pass == 0 ?
			    " Fitted:" : " Kept at the entry's value:") : ",",
			    rp_row(k)->hw_field);
		}
		if (n > 0)
			fputc('.', w.fp);
	}
	fprintf(w.fp, " The request overheads, the output lag and the "
	    "prefix-cache hit fraction are in \"rooftrace\", which BLIS "
	    "ignores (its trained-physics backend takes the overheads as "
	    "--alpha-coeffs).");
	hwconfig_earlier_comment(w.fp, NULL);
	if (fclose(w.fp) != 0)
		err_die(EXIT_DATA, "out of memory");
	return w.buf;
}

static void
write_entry(const struct rq_opts *o, const struct rqfit_out *out,
    const struct hw_calib *hw, const struct rq_data *d,
    const struct rq_steps *st, const char *hwpath, double bw_phys)
{
	struct hwconfig_edits ed;
	struct hw_extras *x;
	char *comment;
	int k;

	hwconfig_edits_init(&ed);
	for (k = 0; k < RP_A0; k++)
		if (out->on[k] && out->status[k] == RS_WELL)
			hwconfig_edit_num(&ed, rp_row(k)->hw_field,
			    field_value(out, hw, k));
	if (out->on[RP_BW] && out->status[RP_BW] == RS_WELL)
		hwconfig_edit_num(&ed, "BwPhysicalTBs", bw_phys);
	comment = request_comment(o, out, d, st);
	hwconfig_edit_str(&ed, "_comment", comment);
	free(comment);
	x = err_malloc(sizeof(*x));
	memset(x, 0, sizeof(*x));
	x->alpha0_us = out->est.v[RQ_A0];
	x->alpha1_us_per_token = out->est.v[RQ_A1];
	x->alpha2_us = out->est.v[RQ_A2];
	x->post_decode_us = out->est.v[RQ_POST];
	x->output_lag_steps = out->est.lag;
	x->prefix_hit_fraction = out->est.v[RQ_HIT];
	snprintf(x->provenance, sizeof(x->provenance), "fit-penalty "
	    "--requests: %zu requests of %s and %zu measured steps; the hit "
	    "fraction %s", d->n, o->source_name != NULL ? o->source_name :
	    o->requests, st->d.n, out->on[RP_HIT] ?
	    "fitted" : o->hit_given ? "given" :
	    "from the records' cached_tokens");
	x->have = HWX_ALPHA0 | HWX_ALPHA1 | HWX_ALPHA2 | HWX_POST_DECODE |
	    HWX_OUTPUT_LAG | HWX_PREFIX_HIT | HWX_PROVENANCE;
	hwconfig_edit_extras(&ed, x);
	hwconfig_apply(hwpath, o->ro.hardware, o->hw_out, &ed);
	hwconfig_edits_free(&ed);
	free(x);
}

void
rqreport_run(const struct rq_opts *o, const struct rq_data *d,
    const struct rq_steps *st, const struct rqfit_in *in,
    const struct rqfit_out *out, const struct hw_calib *hw,
    const cJSON *doc, const char *hwpath, double bw_phys)
{
	struct rq_scores sc;
	char vd[512], *text;
	cJSON *root;
	FILE *fp;

	(void)doc;
	score(d, st, in, out, &sc);
	runaway(judged(&sc), out);
	verdict(&sc, vd, sizeof(vd));
	if (sc.steps > 0 && sc.step_ape > LIM_STEP)
		err_warn("the steps' median error after the fit is %.1f %% "
		    "(limit %.0f %%)", sc.step_ape, LIM_STEP);
	outfile_hold();
	if (o->hw_out != NULL)
		write_entry(o, out, hw, d, st, hwpath, bw_phys);
	fp = outfile_open(o->co.output);
	if (o->summary)
		report_table(fp, d, st, in, out, &sc, vd);
	else {
		root = report_json(d, st, in, out, hw, &sc, vd);
		if ((text = cJSON_PrintUnformatted(root)) == NULL) {
			err_die(EXIT_DATA, "out of memory");
			return;		/* not reached; for checkers */
		}
		fputs(text, fp);
		fputc('\n', fp);
		free(text);
		cJSON_Delete(root);
	}
	outfile_close(fp);
	outfile_commit();
}

/* --- --simulate ------------------------------------------------------- */

void
rqsim_write(const struct rq_opts *o, const struct rq_data *d,
    const struct roofline *rl, const struct rq_par *p)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	struct request_out ro;
	struct rq_sched s;
	struct rq_lat l;
	struct jw w;
	char id[32];
	FILE *fp;
	size_t i;

	if (rng == NULL)
		err_die(EXIT_DATA, "out of memory");
	gsl_rng_set(rng, o->seed);
	rqreplay_run(&s, d->r, d->n, rl, &o->sc, p);
	fp = outfile_open(o->co.output);
	jsonout_init(&w, fp);
	for (i = 0; i < d->n; i++) {
		rqreplay_latency(&s, d->r, i, p, &l);
		request_out_init(&ro);
		snprintf(id, sizeof(id), "s%zu", i);
		ro.id = id;
		ro.arrival_us = d->r[i].arrival_us;
		ro.input_tokens = d->r[i].input_tokens;
		ro.output_tokens = d->r[i].output_tokens;
		if (d->r[i].cached >= 0)
			ro.cached_tokens = d->r[i].cached;
		ro.ttft_us = llround(l.ttft * exp(gsl_ran_gaussian(rng,
		    o->simulate)));
		ro.e2e_us = llround(l.e2e * exp(gsl_ran_gaussian(rng,
		    o->simulate)));
		if (ro.e2e_us < ro.ttft_us)
			ro.e2e_us = ro.ttft_us;
		request_write_json(&w, &ro);
	}
	jsonout_free(&w);
	outfile_close(fp);
	rqreplay_free(&s);
	gsl_rng_free(rng);
}
