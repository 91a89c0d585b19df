/*
 * Out-of-sample error: a seeded holdout split or K-fold cross-validation,
 * each fold fitted on the steps outside it and measured on those in it.
 */
#ifndef RT_FIT_VALIDATE_H
#define RT_FIT_VALIDATE_H

#include <stddef.h>

#include "problem.h"
#include "metrics.h"

struct fit_fold {
	size_t	 n_train, n_test;
	struct fit_par est;
	struct fit_metrics test[FIT_NGROUP];
};

struct fit_validation {
	const char *method;	/* "holdout", "kfold", or NULL for none */
	long	 k;		/* folds (1 for a holdout) */
	struct fit_fold *folds;
	/*
	 * Every test step pooled: the count, the median and P90 absolute %
	 * error and the mean signed % error of the predictions made by a
	 * fit that did not see it.
	 */
	size_t	 n_test;
	double	 median_ape, p90_ape, bias;
	double	*ape;		/* scratch: n_test absolute % errors */
};

/*
 * Holdout when holdout > 0, else K-fold when kfold > 0, else nothing;
 * the parameters in on[] are fitted.  0, or -1 with msg.
 */
int validate_run(const struct fit_problem *pb, const int on[FIT_NPAR],
    double holdout, long kfold, unsigned long seed, struct fit_validation *v,
    char *msg, size_t msgsz);
void validate_free(struct fit_validation *v);

#endif
