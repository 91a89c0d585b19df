#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "stats/stats.h"

#include "latency.h"

/* Mean and P99 of n gaps; 0 with none. */
static void
gap_stats(const int64_t *gaps, int64_t n, double *mean, double *p99)
{
	double *v;
	int64_t i;

	*mean = *p99 = 0;
	if (n <= 0)
		return;
	v = err_malloc((size_t)n * sizeof(*v));
	for (i = 0; i < n; i++)
		v[i] = (double)gaps[i];
	*mean = stats_mean(v, (size_t)n);
	*p99 = stats_percentile(v, (size_t)n, 99);
	free(v);
}

void
lat_predicted(struct lat *p, const struct replay_result *rr,
    const struct life *l, int64_t rtt)
{
	memset(p, 0, sizeof(*p));
	p->has = LAT_E2E | LAT_QUEUE | LAT_PREFILL;
	p->queue = rr->queue_us;
	p->prefill = rr->prefill_us;
	p->e2e = rr->e2e_us + rtt;
	if (rr->output_tokens == 0)
		return;
	p->has |= LAT_TTFT | LAT_ITL | LAT_DECODE;
	p->ttft = rr->ttft_us + rtt;
	p->decode = rr->decode_us;
	gap_stats(l->gaps, rr->output_tokens - 1, &p->itl_mean, &p->itl_p99);
}

static void
take(struct lat *m, int bit, int64_t *dst, int64_t v)
{
	if (v == REQUEST_ABSENT)
		return;
	m->has |= bit;
	*dst = v;
}

void
lat_measured(struct lat *m, const struct replay_result *rr,
    const struct life *l)
{
	int64_t *mg, i, n = rr->output_tokens;

	memset(m, 0, sizeof(*m));
	take(m, LAT_QUEUE, &m->queue, l->meas_queue);
	take(m, LAT_PREFILL, &m->prefill, l->meas_prefill);
	take(m, LAT_DECODE, &m->decode, l->meas_decode);
	if (l->measured == NULL) {
		take(m, LAT_TTFT, &m->ttft, l->meas_ttft);
		take(m, LAT_E2E, &m->e2e, l->meas_e2e);
		return;
	}
	m->has |= LAT_TTFT | LAT_E2E | LAT_ITL;
	m->ttft = l->measured[0] - rr->arrival_us;
	m->e2e = l->measured[n - 1] - rr->arrival_us;
	mg = err_malloc((size_t)n * sizeof(*mg));
	for (i = 1; i < n; i++)
		mg[i - 1] = l->measured[i] - l->measured[i - 1];
	gap_stats(mg, n - 1, &m->itl_mean, &m->itl_p99);
	free(mg);
}

void
lat_write(struct jw *w, const char *prefix, const struct lat *x, int also)
{
	char key[64];

	if (x->has & LAT_TTFT) {
		snprintf(key, sizeof(key), "%sttft_us", prefix);
		jsonout_kint(w, key, x->ttft);
	}
	if (x->has & LAT_ITL) {
		snprintf(key, sizeof(key), "%sitl_mean_us", prefix);
		jsonout_knum(w, key, x->itl_mean);
		snprintf(key, sizeof(key), "%sitl_p99_us", prefix);
		jsonout_knum(w, key, x->itl_p99);
	}
	if (x->has & LAT_E2E) {
		snprintf(key, sizeof(key), "%se2e_us", prefix);
		jsonout_kint(w, key, x->e2e);
	}
	if (x->has & also & LAT_QUEUE) {
		snprintf(key, sizeof(key), "%squeue_us", prefix);
		jsonout_kint(w, key, x->queue);
	}
	if (x->has & also & LAT_PREFILL) {
		snprintf(key, sizeof(key), "%sprefill_us", prefix);
		jsonout_kint(w, key, x->prefill);
	}
	if (x->has & also & LAT_DECODE) {
		snprintf(key, sizeof(key), "%sdecode_us", prefix);
		jsonout_kint(w, key, x->decode);
	}
}
