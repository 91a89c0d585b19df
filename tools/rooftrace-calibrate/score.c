#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "io/linereader.h"
#include "io/numfmt.h"
#include "stats/stats.h"
#include "score.h"
#include "stage.h"

static double
num(const cJSON *obj, const char *key)
{
	const cJSON *v = obj != NULL ? jsonin_field(obj, key) : NULL;

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/*
 * A step is scored as fit-penalty fits it: measured (dur_us), not a
 * dummy, not below the physical floor, and timed by something other than
 * the model itself.
 */
static int
score_step(const cJSON *rec, double *ape, int *excluded)
{
	const cJSON *src = jsonin_field(rec, "dur_source");
	double d = num(rec, "dur_us"), p = num(rec, "pred_us");

	*excluded = 0;
	if (!isfinite(d) || d <= 0 || cJSON_IsTrue(jsonin_field(rec, "dummy")))
		return 0;
	if (cJSON_IsTrue(jsonin_field(rec, "below_floor")) || !isfinite(p) ||
	    (cJSON_IsString(src) && (strcmp(src->valuestring, "roofline") == 0
	    || strcmp(src->valuestring, "step_us") == 0))) {
		*excluded = 1;
		return 0;
	}
	*ape = 100 * fabs(p - d) / d;
	return 1;
}

void
score_steps(const char *path, struct step_score *s)
{
	struct linereader lr;
	struct jsonin jin;
	struct errmsg e;
	double *v = NULL, ape;
	size_t n = 0, cap = 0;
	cJSON *rec;
	size_t len;
	char *line;
	int ex;

	memset(s, 0, sizeof(*s));
	s->median = s->p90 = NAN;
	if (linereader_open(&lr, path) < 0)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	jsonin_init(&jin);
	while ((line = linereader_next(&lr, &len)) != NULL) {
		if (linereader_blank(line, len))
			continue;
		if ((rec = jsonin_parse(&jin, line, len, &e)) == NULL)
			err_dieat(EXIT_DATA, lr.name, lr.lineno, "%s", e.msg);
		if ((lr.lineno & 0xfff) == 0)
			stage_poll();
		if (!score_step(rec, &ape, &ex)) {
			s->excluded += ex;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			v = err_realloc(v, cap * sizeof(v[0]));
		}
		v[n++] = ape;
	}
	jsonin_free(&jin);
	linereader_close(&lr);
	s->n = (long)n;
	if (n > 0) {
		s->median = stats_percentile(v, n, 50);
		s->p90 = stats_percentile(v, n, 90);
	}
	free(v);
}

void
score_limits_default(struct score_limits *l)
{
	/* The steps' are fit-penalty's own verdict's, on unseen steps. */
	l->step_median = 5;
	l->step_p90 = 12;
	l->e2e_median = 10;
	l->ttft_median = 20;
}

int
score_limits_parse(struct score_limits *l, const char *arg)
{
	double v[4];
	char buf[256], *p, *comma;
	int i;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return -1;
	for (i = 0, p = buf; i < 4; i++, p = comma + 1) {
		comma = strchr(p, ',');
		if ((comma == NULL) != (i == 3))
			return -1;
		if (comma != NULL)
			*comma = '\0';
		if (numfmt_parse_double(p, &v[i]) < 0 || !(v[i] > 0))
			return -1;
		if (comma == NULL)
			break;
	}
	l->step_median = v[0];
	l->step_p90 = v[1];
	l->e2e_median = v[2];
	l->ttft_median = v[3];
	return 0;
}

int
score_steps_ok(const struct step_score *s, const struct score_limits *l)
{
	return s->n > 0 && s->median <= l->step_median &&
	    s->p90 <= l->step_p90;
}

/* One latency's median error and count; 0 when the report has none. */
static int
score_metric(const cJSON *doc, const char *key, double *median, long *n)
{
	const cJSON *m = jsonin_field(doc, key);
	double v, c;

	m = cJSON_IsObject(m) ? m : NULL;
	v = num(m, "median_ape_pct");
	c = num(m, "n_measured");
	if (!isfinite(c))
		c = num(m, "n");
	*n = isfinite(c) ? (long)c : 0;
	*median = v;
	return isfinite(v) && *n > 0;
}

int
score_requests(const char *path, struct request_score *r, char *msg,
    size_t msgsz)
{
	const cJSON *p99;
	struct errmsg e;
	cJSON *doc;
	size_t len;
	char *text;

	memset(r, 0, sizeof(*r));
	if ((text = jsonin_slurp(path, &len)) == NULL) {
		snprintf(msg, msgsz, "the replay's report: %s", strerror(errno));
		return -1;
	}
	doc = jsonin_parse_doc(text, len, &e);
	free(text);
	if (doc == NULL) {
		snprintf(msg, msgsz, "the replay's report: %s", e.msg);
		return -1;
	}
	r->replayed = isfinite(num(doc, "requests")) ?
	    (long)num(doc, "requests") : 0;
	r->have_ttft = score_metric(doc, "ttft", &r->ttft, &r->scored_ttft);
	r->have_e2e = score_metric(doc, "e2e", &r->e2e, &r->scored_e2e);
	r->have_itl = score_metric(doc, "itl", &r->itl, &r->scored_itl);
	p99 = jsonin_field(doc, "ttft");
	p99 = cJSON_IsObject(p99) ? jsonin_field(p99, "p99") : NULL;
	r->ttft_p99_pred = num(p99, "predicted_us");
	r->ttft_p99_meas = num(p99, "measured_us");
	cJSON_Delete(doc);
	return 0;
}

int
score_requests_ok(const struct request_score *r,
    const struct score_limits *l)
{
	return r->have_e2e && r->e2e <= l->e2e_median &&
	    (!r->have_ttft || r->ttft <= l->ttft_median);
}
