/*
 * One run of fit-penalty: the options, the steps read, and the fit with
 * what was measured around it.  main.c fills them in that order; the
 * report writes them.
 */
#ifndef RT_FIT_FIT_H
#define RT_FIT_FIT_H

#include <stddef.h>

#include "data.h"
#include "digest.h"
#include "ident.h"
#include "metrics.h"
#include "problem.h"
#include "validate.h"

/* Why a record read is not a step of the fit. */
enum fit_excl { EX_NO_DUR, EX_DUMMY, EX_ESTIMATED, EX_EMPTY, EX_OUTLIER,
	EX_BELOW_FLOOR, EX_MODEL_TIME, EX_N };

/*
 * Fewer steps than this earn no verdict ("not enough data"), and no
 * diagnosis of the shortest and longest tenths.  The verdict is earned
 * on steps the fit did not see: --holdout's or --kfold's, else
 * FIT_VERDICT_FOLDS-fold cross-validation below FIT_VERDICT_KFOLD_MAX
 * steps, and a random FIT_VERDICT_HOLDOUT of them from there (one more
 * fit, not five: the held-out steps are many enough).
 */
#define FIT_VERDICT_MIN_STEPS 30
#define FIT_VERDICT_FOLDS 5
#define FIT_VERDICT_KFOLD_MAX 1000
#define FIT_VERDICT_HOLDOUT 0.2

struct fit_opts {
	int	 want[FIT_NPAR];
	int	 prior_set[FIT_NPAR];	/* given by --prior */
	struct fit_par prior;
	enum fit_loss loss;
	enum fit_resid resid;
	int	 exact_only, keep_dummy, pretty, max_iter;
	double	 holdout;
	long	 kfold;
	unsigned long seed;
	const char *hw_out, *hw_name, *hw_config, *res_out, *plot_dir;
	const char *source_name;	/* --source-name: the inputs, named */
	double	 outlier_cut;
	int	 summary;	/* --summary: the report as a table */
	int	 nfiles;
	char *const *files;	/* the inputs, for provenance */
	int	 keep_below_floor;
	int	 has_entry;	/* -g: the entry's fields are known */
	double	 bw_peak_tbs, bw_physical_tbs;	/* the entry's */
	long	 sample;	/* --sample N; 0: every step */
};

struct fit_steps {
	struct fit_data d;
	long	 read, bad, excl[EX_N];
	long	 engine_wait, engine_wait_below;	/* vLLM log waits */
	long	 timed;		/* with dur_us and floor_us */
	long	 near_floor;	/* below the floor by noise: kept */
	struct digest sha;	/* of every line read, blank ones too */
	char	 digest[65];
	struct sampler *smp;	/* --sample, else NULL */
};

struct fit_out {
	struct fit_problem pb;
	struct fit_result r;
	struct fit_metrics before[FIT_NGROUP], after[FIT_NGROUP];
	double	 short_resid, long_resid;	/* overhead diagnostic */
	int	 overhead_suspected;
	size_t	 sched_n;	/* steps with sched_us >= half of dur_us */
	double	 sched_err;	/* their median signed % error after */
	size_t	*idx;		/* steps kept by --outlier-cut, or NULL */
	/*
	 * The out-of-sample error the verdict rests on: --holdout's or
	 * --kfold's, else the fit's own folds (own); NULL with too few
	 * steps.
	 */
	const struct fit_validation *heldout;
	struct fit_validation own;
	char	 heldout_err[256];	/* why the own folds failed, or "" */
};

/*
 * Fit what o asks for to the steps in s (counting the outliers cut into
 * s->excl), then the error before and after and the overhead check.
 * Exits 1 with its message when the fit cannot be made.
 */
void fit_run(struct fit_out *f, const struct fit_opts *o,
    struct fit_steps *s);

/*
 * The out-of-sample error of the verdict: v when it was asked for, else
 * the fit's own folds; none with too few steps, or when a fold of its
 * own cannot be fitted (heldout_err says why).
 */
void fit_heldout(struct fit_out *f, const struct fit_opts *o,
    const struct fit_validation *v);
void fit_free(struct fit_out *f);

#endif
