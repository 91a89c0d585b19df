/*
 * Error metrics of a set of predictions against the measured step times,
 * over all steps and by kind (pure prefill, pure decode, mixed by
 * minority-fraction bin) and by regime.
 */
#ifndef RT_FIT_METRICS_H
#define RT_FIT_METRICS_H

#include <stddef.h>

#include "steptime.h"
#include "problem.h"

enum fit_group {
	FIT_G_ALL, FIT_G_PREFILL, FIT_G_DECODE, FIT_G_MIXED,
	FIT_G_BIN0, FIT_G_BIN1, FIT_G_BIN2, FIT_G_BIN3,
	FIT_G_COMPUTE, FIT_G_MEMORY, FIT_NGROUP
};
enum { FIT_NBIN = 4 };

/* Edges of the minority-fraction bins of mixed steps: (lo, hi]. */
extern const double metrics_mf_edges[FIT_NBIN + 1];
extern const char *const metrics_group_names[FIT_NGROUP];

struct fit_metrics {
	size_t	 n;
	double	 mape, median, p90, p99;	/* absolute % error */
	double	 bias;		/* mean signed % error, + = over-predicted */
	double	 r;		/* Pearson, predicted vs measured; NaN if n/a */
};

/*
 * Metrics of the predictions under p (steptime_predict) for every group.
 * tmp holds pb->n doubles of scratch.
 */
void metrics_groups(const struct fit_problem *pb, const struct fit_par *p,
    struct fit_metrics m[FIT_NGROUP], double *tmp);

#endif
