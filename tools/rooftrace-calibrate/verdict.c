#include <math.h>
#include <stdio.h>

#include "verdict.h"

static void
verdict_steps(const struct verdict_in *v)
{
	const struct step_score *a = &v->after;

	fprintf(stderr, "held-out steps: %ld of %ld timed", v->steps->held_counted,
	    v->steps->fit_counted + v->steps->held_counted);
	if (a->excluded > 0)
		fprintf(stderr, " (%ld below the floor or not measured, "
		    "not scored)", a->excluded);
	if (a->n == 0) {
		fprintf(stderr, ": none to score\n");
		return;
	}
	fprintf(stderr, ": median error %.1f %%, P90 %.1f %% (the starting "
	    "entry: %.1f %%, %.1f %%; limits %g %%, %g %%)\n", a->median,
	    a->p90, v->before.median, v->before.p90, v->lim.step_median,
	    v->lim.step_p90);
}

static void
verdict_requests(const struct verdict_in *v)
{
	const struct request_score *r = &v->req;

	fprintf(stderr, "held-out requests: %ld of %ld", v->requests->held,
	    v->requests->fit + v->requests->held);
	if (!r->have_e2e && !r->have_ttft) {
		fprintf(stderr, ": no measured latency to score\n");
		return;
	}
	fprintf(stderr, ": median |TTFT err| ");
	if (r->have_ttft)
		fprintf(stderr, "%.1f %%", r->ttft);
	else
		fprintf(stderr, "-");
	fprintf(stderr, ", |E2E err| ");
	if (r->have_e2e)
		fprintf(stderr, "%.1f %%", r->e2e);
	else
		fprintf(stderr, "-");
	if (r->have_itl)
		fprintf(stderr, ", |ITL err| %.1f %%", r->itl);
	if (isfinite(r->ttft_p99_pred) && isfinite(r->ttft_p99_meas) &&
	    r->ttft_p99_meas > 0)
		fprintf(stderr, "; TTFT P99 predicted/measured %.2f",
		    r->ttft_p99_pred / r->ttft_p99_meas);
	fprintf(stderr, " (limits |E2E err| %g %%, |TTFT err| %g %%)\n",
	    v->lim.e2e_median, v->lim.ttft_median);
}

/* "trustworthy for step times" or "not trustworthy for ...: why". */
static int
verdict_part(int tested, int ok, const char *what, const char *why,
    int first)
{
	fprintf(stderr, "%s", first ? "" : "; ");
	if (!tested)
		fprintf(stderr, "%s not tested (%s)", what, why);
	else
		fprintf(stderr, "%s %s", ok ? "trustworthy for" :
		    "not trustworthy for", what);
	return tested && ok;
}

int
verdict_say(const struct verdict_in *v)
{
	int sok = 0, rok = 0, all;
	char why[128];

	fprintf(stderr, "\nheld out: ");
	if (v->holdout > 0)
		fprintf(stderr, "the last %g %% in time (steps by ts_us, "
		    "requests by arrival_us)\n", 100 * v->holdout);
	else
		fprintf(stderr, "nothing (--holdout 0)\n");
	if (v->steps_tested && v->steps != NULL)
		verdict_steps(v);
	if (v->requests_tested && v->requests != NULL)
		verdict_requests(v);
	fprintf(stderr, "held-out verdict: ");
	snprintf(why, sizeof(why), "%s", v->holdout > 0 ?
	    "no held-out step was measured" : "--holdout 0");
	sok = verdict_part(v->steps_tested && v->after.n > 0,
	    score_steps_ok(&v->after, &v->lim), "step times", why, 1);
	snprintf(why, sizeof(why), "%s", v->requests_untested != NULL ?
	    v->requests_untested : "no held-out latency");
	rok = verdict_part(v->requests_tested && (v->req.have_e2e ||
	    v->req.have_ttft), score_requests_ok(&v->req, &v->lim),
	    "request latencies", why, 0);
	fprintf(stderr, "\n");
	/* Earned: every part the inputs could test was tested and passed. */
	all = (v->steps == NULL || sok) && (v->requests == NULL || rok) &&
	    (v->steps != NULL || v->requests != NULL);
	return all;
}
