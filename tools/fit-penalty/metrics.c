#include <math.h>
#include <string.h>

#include "stats/stats.h"
#include "records/eval.h"
#include "metrics.h"

const double metrics_mf_edges[FIT_NBIN + 1] = { 0, 0.05, 0.1, 0.2, 0.5 };
const char *const metrics_group_names[FIT_NGROUP] = {
	"all", "prefill", "decode", "mixed", "mixed_bin0", "mixed_bin1",
	"mixed_bin2", "mixed_bin3", "compute", "memory"
};

static int
member(const struct fit_data *d, size_t i, enum fit_group g,
    const struct fit_par *p)
{
	struct fit_step st;
	int bin;

	switch (g) {
	case FIT_G_ALL:
		return 1;
	case FIT_G_PREFILL:
		return d->kind[i] == EVAL_PREFILL;
	case FIT_G_DECODE:
		return d->kind[i] == EVAL_DECODE;
	case FIT_G_MIXED:
		return d->kind[i] == EVAL_MIXED;
	case FIT_G_COMPUTE:
	case FIT_G_MEMORY:
		data_step(d, i, &st);
		return steptime_compute_bound(p, &st) == (g == FIT_G_COMPUTE);
	default:
		bin = (int)g - FIT_G_BIN0;
		return d->kind[i] == EVAL_MIXED &&
		    (d->mf[i] > metrics_mf_edges[bin] || bin == 0) &&
		    d->mf[i] <= metrics_mf_edges[bin + 1];
	}
}

static void
one_group(const struct fit_problem *pb, const struct fit_par *p,
    enum fit_group g, struct fit_metrics *m, double *tmp)
{
	struct fit_step st;
	struct stats_acc a;
	double pred, meas;
	size_t k, i;

	stats_acc_init(&a);
	memset(m, 0, sizeof(*m));
	for (k = 0; k < pb->n; k++) {
		i = problem_step(pb, k);
		if (!member(pb->d, i, g, p))
			continue;
		data_step(pb->d, i, &st);
		pred = steptime_predict(p, &st);
		meas = pb->d->dur_us[i];
		tmp[a.n] = fabs(pred - meas) / meas * 100;
		stats_acc_add(&a, pred, meas);
	}
	m->n = a.n;
	m->mape = stats_acc_mape(&a);
	m->bias = stats_acc_bias(&a);
	m->r = stats_acc_pearson(&a);
	m->median = stats_percentile(tmp, a.n, 50);
	m->p90 = stats_percentile(tmp, a.n, 90);
	m->p99 = stats_percentile(tmp, a.n, 99);
}

void
metrics_groups(const struct fit_problem *pb, const struct fit_par *p,
    struct fit_metrics m[FIT_NGROUP], double *tmp)
{
	int g;

	for (g = 0; g < FIT_NGROUP; g++)
		one_group(pb, p, (enum fit_group)g, &m[g], tmp);
}
