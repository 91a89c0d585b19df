/*
 * Identifiability: which parameters the steps can inform at all, fitting
 * only those, and saying in words and numbers how well each is known.  A
 * parameter the data cannot see is held at its prior, never reported as
 * a confident number.
 */
#ifndef RT_FIT_IDENT_H
#define RT_FIT_IDENT_H

#include <stddef.h>

#include "problem.h"
#include "solve.h"
#include "uncert.h"

enum fit_id { FIT_ID_NOT_FITTED, FIT_ID_WELL, FIT_ID_WEAK, FIT_ID_NONE,
	FIT_ID_NOT_INFORMED, FIT_ID_MISFIT };

/* One-sided 5 % point of the score test that a bound holds back the data. */
#define IDENT_Z_MISFIT 1.6448536269514722

/*
 * A parameter that acts on fewer steps than this is not informed (a
 * nuisance term such as the client offset excepted), and a field of the
 * entry whose 95 % interval spans more than IDENT_SPAN_MAX of its range
 * is not informed either: the entry's value is kept.
 */
#define IDENT_MIN_STEPS 10
#define IDENT_SPAN_MAX 0.5

extern const char *const ident_names[];

struct fit_ident {
	enum fit_id status[FIT_NPAR];
	char	 why[FIT_NPAR][200];
	size_t	 mixed;			/* mixed steps */
	size_t	 mixed_informative;	/* ... with a minority */
	size_t	 mixed_compute;		/* ... compute-bound at the estimate */
	size_t	 overlap_informative;	/* steps with min(c, m) > 0 */
	double	 mf_q[5];	/* min, p10, median, p90, max over mixed */
	/*
	 * The entry's fields: steps the field acts on at the estimate
	 * (compute-bound ones with prefill or decode tokens, memory-bound
	 * ones), of the steps that have what it scales; and for a field not
	 * informed, the value beyond which the steps cannot see it.
	 */
	size_t	 acts[FIT_NPAR], has[FIT_NPAR];
	size_t	 informs[FIT_NPAR];	/* steps it acts on (has_part) */
	double	 limit[FIT_NPAR];
	/*
	 * A parameter held at a bound: the score test's z that the data
	 * push it past the bound, and the misfit it absorbs: the median
	 * absolute % error the fit leaves on the steps it acts on.
	 */
	double	 bound_z[FIT_NPAR], misfit_pct[FIT_NPAR];
	/*
	 * A field of the entry held at the entry's value because the fit
	 * put it at a bound: which (-1 lower, 1 upper, else 0); its
	 * bound_z and misfit_pct are those of that fit.
	 */
	int	 held_bound[FIT_NPAR];
};

struct fit_result {
	struct fit_solution sol;
	struct fit_uncert un;
	struct fit_ident id;
};

/*
 * Fit the parameters pb->want asks for that the data can tell, holding
 * the others at pb->prior.  0, or -1 with msg when the solver fails.
 */
int ident_fit(const struct fit_problem *pb, struct fit_result *r,
    char *msg, size_t msgsz);
void ident_result_free(struct fit_result *r);

#endif
