/*
 * trace-replay's report: per metric the predicted and measured
 * percentiles, MAPE, median APE and Pearson r (--summary, as a table or
 * with --json as JSON beside BLIS's calibrate report shape), and the
 * CDF plots (--plot).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/jsonout.h"
#include "io/numfmt.h"
#include "io/plot.h"
#include "stats/stats.h"

#include "report.h"
#include "run.h"


const char *const metric_names[NMETRIC] = { "ttft", "itl", "e2e", "queue",
    "prefill", "decode" };

void
series_add(struct series *s, double pred, double meas)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 1024;
		s->pred = err_realloc(s->pred, s->cap * sizeof(*s->pred));
		s->meas = err_realloc(s->meas, s->cap * sizeof(*s->meas));
	}
	s->pred[s->n] = pred;
	s->meas[s->n] = meas;
	s->n++;
}

struct summary {
	size_t	 n, n_measured;
	double	 mape, median_ape, r, pred[4], meas[4];
};

static const double pcts[4] = { 50, 90, 95, 99 };

/* Percentiles of v[0..n) into out[4], on a copy. */
static void
percentiles(const double *v, size_t n, double out[4])
{
	double *tmp;
	int i;

	for (i = 0; i < 4; i++)
		out[i] = NAN;
	if (n == 0)
		return;
	tmp = err_malloc(n * sizeof(*tmp));
	for (i = 0; i < 4; i++) {
		memcpy(tmp, v, n * sizeof(*tmp));
		out[i] = stats_percentile(tmp, n, pcts[i]);
	}
	free(tmp);
}

/* Median of |pred - meas| / meas in %, over meas > 0; NaN with none. */
static double
median_ape(const double *p, const double *m, size_t n)
{
	double *v = err_malloc((n ? n : 1) * sizeof(*v)), med;
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (m[i] > 0)
			v[k++] = 100.0 * fabs(p[i] - m[i]) / m[i];
	med = k ? stats_percentile(v, k, 50) : NAN;
	free(v);
	return med;
}

/* Predicted over every request; errors over those with measurements. */
static void
summarize(const struct series *s, struct summary *out)
{
	double *p = err_malloc((s->n ? s->n : 1) * sizeof(*p));
	double *m = err_malloc((s->n ? s->n : 1) * sizeof(*m));
	size_t i, k = 0;

	for (i = 0; i < s->n; i++)
		if (isfinite(s->meas[i])) {
			p[k] = s->pred[i];
			m[k++] = s->meas[i];
		}
	out->n = s->n;
	out->n_measured = k;
	out->mape = stats_mape(p, m, k);
	out->median_ape = median_ape(p, m, k);
	out->r = stats_pearson(p, m, k);
	percentiles(s->pred, s->n, out->pred);
	percentiles(m, k, out->meas);
	free(p);
	free(m);
}

/* --- a queue that runs away ------------------------------------------- */

void
report_watch(struct watch *w, double pred, double meas)
{
	if (w->nfirst < WATCH) {
		w->first_pred[w->nfirst] = pred;
		w->first_meas[w->nfirst++] = meas;
	}
	w->last_pred[w->pos] = pred;
	w->last_meas[w->pos] = meas;
	w->pos = (w->pos + 1) % WATCH;
	if (w->nlast < WATCH)
		w->nlast++;
}

static double
median_of(const double *v, size_t n)
{
	double *tmp, m;

	if (n == 0)
		return NAN;
	tmp = err_malloc(n * sizeof(*tmp));
	memcpy(tmp, v, n * sizeof(*tmp));
	m = stats_percentile(tmp, n, 50);
	free(tmp);
	return m;
}

/* "53 ms", "37.2 s" */
static const char *
dur_text(char *buf, size_t sz, double us)
{
	if (us >= 1e6)
		snprintf(buf, sz, "%.1f s", us / 1e6);
	else
		snprintf(buf, sz, "%.0f ms", us / 1e3);
	return buf;
}

/*
 * The latest requests wait ten times what they measured, over a second,
 * and four times what the first ones were predicted to: the replayed
 * engine fell behind where the real one did not.
 */
static void
check_runaway(struct run *r)
{
	const struct watch *w = &r->watch;
	double lp, lm, fp;
	char a[32], b[32], c[32];

	if (w->nlast < WATCH || w->nfirst < WATCH)
		return;
	lp = median_of(w->last_pred, w->nlast);
	lm = median_of(w->last_meas, w->nlast);
	fp = median_of(w->first_pred, w->nfirst);
	if (!(lp > 10 * lm && lp > 1e6 && lp > 4 * fp))
		return;
	r->runaway = 1;
	err_warn("the replay's queue runs away: the last %d requests wait a "
	    "median %s for their first token against %s measured (the "
	    "first %d: %s predicted); the replayed engine falls behind where "
	    "the real one kept up.  Likely causes: prefill capacity (the "
	    "prompt tokens each step computes; mfuPrefill, "
	    "--max-num-batched-tokens) or a prefix cache the replay does "
	    "not see (cached_tokens, --prefix-hit-fraction, "
	    "--measure-prefix-hits).  This replay's errors measure that, not "
	    "the calibration", WATCH, dur_text(a, sizeof(a), lp),
	    dur_text(b, sizeof(b), lm), WATCH, dur_text(c, sizeof(c), fp));
}

void
report_counts(struct run *r)
{
	if (r->no_output > 0)
		err_warn("%ld request%s without output (output_tokens 0: a "
		    "prefill that produced nothing) replayed, not scored",
		    r->no_output, r->no_output == 1 ? "" : "s");
	if (r->chunked > 0)
		err_warn("%ld request%s with fewer itl_us gaps than output "
		    "tokens (several tokens a chunk): TTFT and E2E compared, "
		    "not ITL", r->chunked, r->chunked == 1 ? "" : "s");
	check_runaway(r);
}

static double
rel_err(double pred, double meas)
{
	return meas > 0 ? 100.0 * (pred - meas) / meas : NAN;
}

/*
 * BLIS's calibrate report (inference-sim, sim/workload/calibrate.go),
 * field for field, over the requests with both a prediction and a
 * measurement ("matched pairs"): BLIS's real is our measured, its sim our
 * predicted.  As there, errors are sim - real, percent errors and MAPE
 * are fractions, percentiles are linear between order statistics, r is 0
 * below 3 pairs or when a side is constant, and the quality rating takes
 * BLIS's thresholds.
 */
struct blis_cmp {
	size_t	 n;
	double	 real_mean, sim_mean, real_p[4], sim_p[4];
	double	 mape, r;
	const char *bias, *quality;
};

static const char *
blis_quality(double mape, double r)
{
	if (mape < 0.10 && r > 0.95)
		return "excellent";
	if (mape < 0.20 && r > 0.85)
		return "good";
	if (mape < 0.35 && r > 0.70)
		return "fair";
	return "poor";
}

static void
blis_compare(const struct series *s, struct blis_cmp *c)
{
	double *p = err_malloc((s->n ? s->n : 1) * sizeof(*p));
	double *m = err_malloc((s->n ? s->n : 1) * sizeof(*m));
	double ape = 0, bias = 0;
	size_t i, k = 0, nape = 0;

	for (i = 0; i < s->n; i++)
		if (isfinite(s->meas[i])) {
			p[k] = s->pred[i];
			m[k++] = s->meas[i];
		}
	memset(c, 0, sizeof(*c));
	c->n = k;
	c->real_mean = stats_mean(m, k);
	c->sim_mean = stats_mean(p, k);
	for (i = 0; i < k; i++) {
		if (m[i] == 0)
			continue;
		ape += fabs(m[i] - p[i]) / m[i];
		bias += p[i] - m[i];
		nape++;
	}
	c->mape = nape ? ape / (double)nape : 0;
	c->bias = !nape ? "" : bias > 0 ? "over-predict" : bias < 0 ?
	    "under-predict" : "neutral";
	c->r = k >= 3 ? stats_pearson(p, m, k) : 0;
	if (!isfinite(c->r))
		c->r = 0;
	c->quality = blis_quality(c->mape, c->r);
	percentiles(m, k, c->real_p);
	percentiles(p, k, c->sim_p);
	free(p);
	free(m);
}

/* real_X, sim_X, X_error, X_percent_error */
static void
blis_agg(struct jw *w, const char *x, double real, double sim)
{
	char key[64];

	snprintf(key, sizeof(key), "real_%s", x);
	jsonout_knum(w, key, real);
	snprintf(key, sizeof(key), "sim_%s", x);
	jsonout_knum(w, key, sim);
	snprintf(key, sizeof(key), "%s_error", x);
	jsonout_knum(w, key, sim - real);
	snprintf(key, sizeof(key), "%s_percent_error", x);
	jsonout_knum(w, key, real > 0 ? fabs(sim - real) / real : 0);
}

static void
blis_metric(struct jw *w, const struct blis_cmp *c)
{
	static const char *const pn[4] = { "p50", "p90", "p95", "p99" };
	int i;

	jsonout_obj(w);
	jsonout_key(w, "workload_level");
	jsonout_obj(w);
	blis_agg(w, "mean", c->real_mean, c->sim_mean);
	blis_agg(w, "median", c->real_p[0], c->sim_p[0]);
	for (i = 0; i < 4; i++)
		blis_agg(w, pn[i], c->real_p[i], c->sim_p[i]);
	jsonout_obj_end(w);
	jsonout_key(w, "request_level");
	jsonout_obj(w);
	jsonout_knum(w, "mape", c->mape);
	jsonout_knum(w, "pearson_r", c->r);
	jsonout_kstr(w, "bias_direction", c->bias);
	jsonout_kstr(w, "quality", c->quality);
	jsonout_obj_end(w);
	jsonout_kint(w, "count", (int64_t)c->n);
	jsonout_obj_end(w);
}

/* "calibrate": BLIS's CalibrationReport, its trace_info and metrics. */
static void
report_calibrate(const struct run *r, struct jw *w)
{
	static const int order[] = { M_TTFT, M_E2E, M_ITL };
	struct blis_cmp c[NMETRIC];
	size_t i, matched = 0;
	int64_t excluded = r->o->warm_up < r->requests ? r->o->warm_up :
	    r->requests;

	for (i = 0; i < NMETRIC; i++) {
		blis_compare(&r->m[i], &c[i]);
		if (i != M_ITL && c[i].n > matched)
			matched = c[i].n;
	}
	jsonout_key(w, "calibrate");
	jsonout_obj(w);
	jsonout_key(w, "trace_info");
	jsonout_obj(w);
	jsonout_kint(w, "num_requests", r->requests);
	jsonout_kint(w, "warm_up_excluded", excluded);
	jsonout_kint(w, "matched_pairs", (int64_t)matched);
	jsonout_kint(w, "token_mismatches", 0);
	jsonout_obj_end(w);
	jsonout_key(w, "metrics");
	jsonout_obj(w);
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (c[order[i]].n == 0)
			continue;
		jsonout_key(w, metric_names[order[i]]);
		blis_metric(w, &c[order[i]]);
	}
	jsonout_obj_end(w);
	jsonout_obj_end(w);
}

void
report_json(const struct run *r, FILE *fp)
{
	struct summary sm;
	struct jw w;
	char key[32];
	int m, i;

	jsonout_init(&w, fp);
	w.pretty = 1;
	jsonout_obj(&w);
	jsonout_kint(&w, "requests", r->requests);
	jsonout_kint(&w, "steps", r->steps);
	jsonout_kint(&w, "failed_not_replayed", r->failed);
	jsonout_kint(&w, "skipped", r->skipped);
	jsonout_kint(&w, "without_output", r->no_output);
	jsonout_kint(&w, "itl_not_compared", r->chunked);
	jsonout_key(&w, "queue_runs_away");
	jsonout_bool(&w, r->runaway);
	for (m = 0; m < NMETRIC; m++) {
		summarize(&r->m[m], &sm);
		if (m >= M_QUEUE && sm.n_measured == 0)
			continue;
		jsonout_key(&w, metric_names[m]);
		jsonout_obj(&w);
		jsonout_kint(&w, "n", (int64_t)sm.n);
		jsonout_kint(&w, "n_measured", (int64_t)sm.n_measured);
		jsonout_knum(&w, "mape_pct", sm.mape);
		jsonout_knum(&w, "median_ape_pct", sm.median_ape);
		jsonout_knum(&w, "pearson_r", sm.r);
		for (i = 0; i < 4; i++) {
			snprintf(key, sizeof(key), "p%g", pcts[i]);
			jsonout_key(&w, key);
			jsonout_obj(&w);
			jsonout_knum(&w, "predicted_us", sm.pred[i]);
			jsonout_knum(&w, "measured_us", sm.meas[i]);
			jsonout_knum(&w, "rel_err_pct", rel_err(sm.pred[i],
			    sm.meas[i]));
			jsonout_obj_end(&w);
		}
		jsonout_obj_end(&w);
	}
	report_calibrate(r, &w);
	jsonout_obj_end(&w);
	jsonout_endline(&w);
	jsonout_free(&w);
}

void
report_table(const struct run *r, FILE *fp)
{
	struct summary sm;
	char a[32], b[32], c[32], d[32];
	size_t measured = 0;
	int m, i, wide = 5;

	fprintf(fp, "%ld requests replayed in %ld steps", r->requests,
	    r->steps);
	if (r->failed > 0)
		fprintf(fp, "; %ld failed requests not replayed", r->failed);
	if (r->skipped > 0)
		fprintf(fp, "; %ld skipped", r->skipped);
	if (r->no_output > 0)
		fprintf(fp, "; %ld without output, not scored", r->no_output);
	if (r->o->warm_up > 0)
		fprintf(fp, "; the first %lld left out of the report",
		    (long long)(r->o->warm_up < r->requests ? r->o->warm_up :
		    r->requests));
	/* Nothing replayed: no table of percentiles of nothing. */
	if (r->requests == 0) {
		fprintf(fp, "\n\nno requests: nothing to compare\n");
		return;
	}
	/* The server span's names are longer: wider only with them. */
	for (m = M_QUEUE; m < NMETRIC; m++)
		for (i = 0; i < (int)r->m[m].n; i++)
			if (isfinite(r->m[m].meas[i])) {
				wide = 7;
				break;
			}
	fprintf(fp, "\n\n%-*s %6s %8s %7s  %-4s %12s %12s %8s\n", wide, "",
	    "n", "MAPE %", "r", "pct", "predicted", "measured", "err %");
	for (m = 0; m < NMETRIC; m++) {
		summarize(&r->m[m], &sm);
		if (m >= M_QUEUE && sm.n_measured == 0)
			continue;
		measured += sm.n_measured;
		for (i = 0; i < 4; i++) {
			if (i == 0)
				fprintf(fp, "%-*s %6zu %8s %7s", wide,
				    metric_names[m], sm.n, numfmt_cell(a,
				    sizeof(a), "%.2f", sm.mape), numfmt_cell(b,
				    sizeof(b), "%.4f", sm.r));
			else
				fprintf(fp, "%-*s %6s %8s %7s", wide, "", "",
				    "", "");
			fprintf(fp, "  P%-3g %12.0f %12s %8s\n", pcts[i],
			    sm.pred[i], numfmt_cell(c, sizeof(c), "%.0f", sm.meas[i]),
			    numfmt_cell(d, sizeof(d), "%.2f", rel_err(sm.pred[i],
			    sm.meas[i])));
		}
	}
	if (measured == 0)
		fprintf(fp, "\n(no measured latencies in the input: nothing "
		    "to compare)\n");
	if (r->runaway)
		fprintf(fp, "\n(the replay's queue runs away: see standard "
		    "error; these errors are not a calibration result)\n");
}

/* The plots' second title line: what was replayed, on what. */
static void
plot_subtitle(const struct run *r, char *buf, size_t sz)
{
	const struct opts *o = r->o;
	size_t off;

	off = (size_t)snprintf(buf, sz, "%s on %s, TP %lld, entry %s; "
	    "prefix cache ", o->rl.model, o->rl.hardware, (long long)o->rl.tp,
	    o->rl.hwconfig != NULL ? o->rl.hwconfig : "shipped");
	if (off < sz && o->so.sc.prefix_cache == SCHED_PREFIX_NONE)
		off += (size_t)snprintf(buf + off, sz - off, "none");
	else if (off < sz && o->so.sc.prefix_fraction == 1)
		off += (size_t)snprintf(buf + off, sz - off, "blocks");
	else if (off < sz)
		off += (size_t)snprintf(buf + off, sz - off, "%g of a prompt",
		    o->so.sc.prefix_fraction);
	if (off < sz && o->warm_up > 0)
		snprintf(buf + off, sz - off, "; first %lld requests left out",
		    (long long)o->warm_up);
}

void
report_plots(const struct run *r, const char *dir)
{
	static const int which[] = { M_TTFT, M_E2E };
	struct plot_axes ax;
	char sub[512], title[640];
	size_t i;

	plot_subtitle(r, sub, sizeof(sub));
	for (i = 0; i < sizeof(which) / sizeof(which[0]); i++) {
		const struct series *s = &r->m[which[i]];

		snprintf(title, sizeof(title), "%s, predicted and measured: "
		    "CDF over requests\n%s", which[i] == M_TTFT ?
		    "Time to first token" : "End-to-end latency", sub);
		memset(&ax, 0, sizeof(ax));
		ax.title = title;
		ax.xlabel = which[i] == M_TTFT ? "time to first token" :
		    "end-to-end latency";
		ax.ylabel = "fraction of requests";
		ax.xus = ax.logx = 1;
		if (plot_cdf(dir, metric_names[which[i]], &ax, s->pred,
		    s->n, s->meas, s->n) < 0 && plot_unavailable()) {
			err_warn("no plots: gnuplot is not installed or "
			    "failed");
			return;
		}
	}
}
