/*
 * What a fit minimises: which steps, which parameters are free, the
 * residual form and the loss.  Shared by the solver and the uncertainty
 * code so that both see the same residuals.
 */
#ifndef RT_FIT_PROBLEM_H
#define RT_FIT_PROBLEM_H

#include <stddef.h>

#include "data.h"
#include "steptime.h"

enum fit_resid { FIT_RESID_LOG, FIT_RESID_REL };
enum fit_loss { FIT_LOSS_LS, FIT_LOSS_HUBER, FIT_LOSS_CAUCHY };

struct fit_problem {
	const struct fit_data *d;
	const size_t *idx;	/* steps used: idx[0..n), or all when NULL */
	size_t	 n;
	int	 want[FIT_NPAR];	/* asked for by --fit */
	struct fit_par prior;	/* value of a parameter left unfitted */
	struct fit_par anchor;	/* where the ridge pulls the entry's fields */
	enum fit_resid resid;
	enum fit_loss loss;
	double	 h_unit;	/* typical step time, us: the overhead's scale */
	int	 max_iter;	/* solver iterations a run; 0: the default */
	/*
	 * One start from here instead of several (a refit of part of the
	 * steps, near this estimate of all of them), or NULL.
	 */
	const struct fit_par *warm;
};

static inline size_t
problem_step(const struct fit_problem *pb, size_t k)
{
	return pb->idx != NULL ? pb->idx[k] : k;
}

/*
 * Every step of d, nothing fitted, residual log, loss ls; the overhead's
 * scale the median measured step time.  The caller sets the rest.
 */
void problem_init(struct fit_problem *pb, const struct fit_data *d);

/*
 * Residual of step i (data index) under p: log(pred / measured) or
 * (pred - measured) / measured.  dres (may be NULL) gets d residual /
 * d parameter.
 */
double problem_residual(const struct fit_problem *pb, size_t i,
    const struct fit_par *p, double dres[FIT_NPAR]);

/*
 * The ridge that holds the entry's fields (mfu-prefill, mfu-decode,
 * bandwidth) at the entry's values where the steps cannot see them: one
 * residual row a fitted field, RIDGE_W (log x - log anchor), the size of a
 * step's residual of 1 % for a factor of 2.  It matters only in flat
 * directions: against hundreds of steps it moves an informed field by
 * about 1e-6 of itself.
 */
#define PROBLEM_RIDGE_W (0.01 / 0.6931471805599453)
int problem_ridged(const struct fit_problem *pb, int k);
double problem_ridge(const struct fit_problem *pb, int k,
    const struct fit_par *p);

#endif
