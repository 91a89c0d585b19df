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

/* Why a record read is not a step of the fit. */
enum fit_excl { EX_NO_DUR, EX_DUMMY, EX_ESTIMATED, EX_EMPTY, EX_OUTLIER,
	EX_BELOW_FLOOR, EX_N };

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
};

/*
 * Fit what o asks for to the steps in s (counting the outliers cut into
 * s->excl), then the error before and after and the overhead check.
 * Exits 1 with its message when the fit cannot be made.
 */
void fit_run(struct fit_out *f, const struct fit_opts *o,
    struct fit_steps *s);
void fit_free(struct fit_out *f);

#endif
