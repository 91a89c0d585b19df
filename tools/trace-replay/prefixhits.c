#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "io/linereader.h"
#include "io/numfmt.h"

#include "prefixhits.h"

/* A record's computed prefill tokens, aggregate or explicit. */
static int
prefill_of(const cJSON *obj, double *out, struct errmsg *e)
{
	const cJSON *v, *it, *n;
	int64_t k;

	*out = 0;
	if ((v = jsonin_field(obj, "prefill_tokens")) != NULL) {
		if (jsonin_int(v, "prefill_tokens", 0, RT_INT_EXACT_MAX, &k,
		    e) < 0)
			return -1;
		*out = (double)k;
		return 0;
	}
	if ((v = jsonin_need(obj, "prefill_requests", e)) == NULL ||
	    jsonin_array(v, "prefill_requests", e) < 0)
		return -1;
	cJSON_ArrayForEach(it, v) {
		if ((n = jsonin_need(it, "num_new_prefill_tokens", e)) ==
		    NULL || jsonin_int(n, "num_new_prefill_tokens", 0,
		    RT_INT_EXACT_MAX, &k, e) < 0)
			return -1;
		*out += (double)k;
	}
	return 0;
}

void
prefixhits_init(struct prefixhits *s)
{
	memset(s, 0, sizeof(*s));
	s->first_step = s->last_step = -1;
}

int
prefixhits_add(struct prefixhits *s, const cJSON *obj, struct errmsg *e)
{
	const cJSON *v;
	int64_t ts, step = -1;
	double p;

	if (!cJSON_IsObject(obj)) {
		errmsg_set(e, "expected a step record");
		return -1;
	}
	if ((v = jsonin_need(obj, "ts_us", e)) == NULL ||
	    jsonin_int(v, "ts_us", 0, RT_INT_EXACT_MAX, &ts, e) < 0 ||
	    prefill_of(obj, &p, e) < 0)
		return -1;
	if ((v = jsonin_field(obj, "step")) != NULL &&
	    jsonin_int(v, "step", 0, RT_INT_EXACT_MAX, &step, e) < 0)
		return -1;
	if (s->n == 0) {
		s->first_step = step;
		s->first_ts = ts;
	} else if (step < 0)
		s->first_step = -1;
	s->last_step = step;
	s->last_ts = ts;
	s->computed += p;
	s->n++;
	return 0;
}

double
prefixhits_spanned(const struct prefixhits *s)
{
	if (s->first_step >= 0 && s->last_step >= s->first_step)
		return (double)(s->last_step - s->first_step + 1);
	return (double)s->n;
}

static void
read_steps(const char *path, struct prefixhits *s)
{
	struct linereader lr;
	struct errmsg e;
	cJSON *obj;
	size_t len;
	char *line;

	prefixhits_init(s);
	if (linereader_open(&lr, path) < 0)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	while ((line = linereader_next(&lr, &len)) != NULL) {
		if (linereader_blank(line, len))
			continue;
		if ((obj = jsonin_parse_line(line, len, &e)) == NULL ||
		    prefixhits_add(s, obj, &e) < 0)
			err_dieat(EXIT_DATA, path, lr.lineno, "%s", e.msg);
		cJSON_Delete(obj);
	}
	linereader_close(&lr);
	if (s->n < 2 || s->last_ts <= s->first_ts)
		err_die(EXIT_DATA, "%s: %ld step record%s over %lld us: no "
		    "span to measure the prefix cache over", path, s->n,
		    s->n == 1 ? "" : "s",
		    (long long)(s->n ? s->last_ts - s->first_ts : 0));
}

void
prefixhits_measure(const char *steps, struct arrivals *src, FILE *fp)
{
	struct arrivals_rec rec;
	struct prefixhits s;
	double spanned, computed, prompt = 0, f, secs;
	long nreq = 0;

	read_steps(steps, &s);
	while (arrivals_peek(src) != NULL) {
		arrivals_pop(src, &rec);
		if (rec.r.arrival_us >= s.first_ts &&
		    rec.r.arrival_us <= s.last_ts) {
			prompt += (double)rec.r.input_tokens;
			nreq++;
		}
		request_free(&rec.r);
	}
	spanned = prefixhits_spanned(&s);
	computed = s.computed / (double)s.n * spanned;
	secs = (double)(s.last_ts - s.first_ts) / 1e6;
	if (nreq == 0 || prompt <= 0)
		err_die(EXIT_DATA, "%s: no request arrived in the steps' span "
		    "(%lld to %lld us): nothing to measure against", steps,
		    (long long)s.first_ts, (long long)s.last_ts);
	f = 1 - computed / prompt;
	f = f < 0 ? 0 : f > 1 ? 1 : f;
	err_warn("prefix hits: %ld step records standing for %.0f steps over "
	    "%.2f s computed %.0f prompt tokens a second; the %ld requests "
	    "arriving then brought %.0f a second (%.1f computed a request): "
	    "hit fraction %.4f", s.n, spanned, secs, computed / secs, nreq,
	    prompt / secs, computed / (double)nreq, f);
	fprintf(fp, "%.4f\n", f);
}
