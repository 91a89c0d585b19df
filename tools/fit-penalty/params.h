/*
 * The parameters fit-penalty fits, one table row each: the names the
 * report, --fit and --prior use, the hardware entry's field it is
 * written to, its bounds and default, which observations inform it and
 * how it enters the step time.  The options, the solver, the
 * identifiability checks and the report loop over the rows; only the
 * step-time model (steptime.c) names a parameter by its index.
 *
 * A parameter informed by request records (a per-request overhead, a
 * prefix-cache hit fraction) is a row with obs PARAM_OBS_REQUESTS: the
 * step residuals do not depend on it (their derivative is 0), so a fit
 * of steps alone leaves it at its prior.
 */
#ifndef RT_FIT_PARAMS_H
#define RT_FIT_PARAMS_H

#include <stddef.h>

/* The rows, in this order everywhere (vectors, matrices, output). */
enum { FIT_B, FIT_O, FIT_H, FIT_S, FIT_MP, FIT_MD, FIT_BW, FIT_C,
	FIT_NPAR };

struct fit_par {
	double	 v[FIT_NPAR];
};

struct fit_step;

/* What observations inform a parameter. */
enum param_obs { PARAM_OBS_STEPS, PARAM_OBS_REQUESTS };

/*
 * The solver's variable: the parameter itself, in units of the typical
 * step time (an offset in us), or its logarithm (a positive factor).
 */
enum param_var { PARAM_VAR_LINEAR, PARAM_VAR_STEP, PARAM_VAR_LOG };

/* What the width of its 95 % interval is judged against. */
enum param_width { PARAM_W_RANGE, PARAM_W_STEP, PARAM_W_ESTIMATE };

/* Which side of the roofline an entry field scales. */
enum param_side { PARAM_SIDE_NONE, PARAM_SIDE_COMPUTE, PARAM_SIDE_MEMORY };

/*
 * Where the solver starts it: at its prior; on a grid of starts (one
 * solver run each); at 5 % of the typical step; at the factor, or the
 * inverse factor (unless a factor row is fitted), that makes the steps
 * right on (log) average.
 */
enum param_start { PARAM_START_PRIOR, PARAM_START_GRID, PARAM_START_STEP,
	PARAM_START_MEAN, PARAM_START_MEAN_INV };

/* A field of the entry: needs -g, defaults to the entry's value. */
#define PARAM_ENTRY	0x1u
/* A penalty of PR #951: --prior reads it as one. */
#define PARAM_PENALTY	0x2u
/* Needs the compute time of prefill and decode tokens apart. */
#define PARAM_SPLIT	0x4u
/* Its lower bound is exclusive and never reached: no active set. */
#define PARAM_POSITIVE	0x8u
/*
 * A fraction of the entry's BwPeakTBs: reported, and written, times it
 * (in TB/s).
 */
#define PARAM_OF_PEAK_BW 0x10u
/* Fitted unless --fit names others. */
#define PARAM_DEFAULT	0x20u
/*
 * Fitted whenever a step it acts on is used, whatever --fit says, unless
 * --prior holds it: a term without which those steps would bias the rest.
 */
#define PARAM_AUTO	0x40u
/*
 * Not of the step: what a client adds to the times it takes.  No field
 * of the entry holds it, and it needs none.
 */
#define PARAM_CLIENT	0x80u

struct param_row {
	const char *name;	/* the report's key */
	const char *short_name;	/* --fit, --prior */
	const char *hw_field;	/* written as this field of the entry, or NULL */
	double	 lo, hi;	/* bounds */
	double	 prior;		/* default when not fitted; NaN: the entry's */
	double	 dom_lo, dom_hi;	/* where the model is defined (the
					   solver may step past a bound) */
	enum param_obs obs;
	enum param_var var;
	enum param_width width;
	enum param_side side;
	enum param_start start;
	unsigned flags;
	/*
	 * What of step st it acts on (> 0: st informs it), at the entry's
	 * values; NULL when it acts on every step.
	 */
	double	(*part)(const struct fit_step *st);
	const char *noun;	/* in "any NOUN >= X fits them equally" */
	const char *acts_on;	/* "compute-bound steps with prefill" */
	const char *has;	/* "with prefill tokens" */
	const char *enters;	/* how it enters the step time, in words */
};

extern const struct param_row param_table[FIT_NPAR];

/* Whether row k has every flag in f. */
static inline int
param_is(int k, unsigned f)
{
	return (param_table[k].flags & f) == f;
}

/* Bounds of parameter k (hi may be +inf). */
void param_bounds(int k, double *lo, double *hi);

/* The row whose short or report name is name[0..len), or -1. */
int param_index(const char *name, size_t len);

/*
 * The scale a change of parameter k is measured on: 1, the typical step
 * time h_unit, or its value x (a factor).
 */
double param_unit(int k, double h_unit, double x);

/*
 * The short names of the rows that have (want != 0) or lack (want == 0)
 * flag f, joined by ", ", into buf.
 */
void param_names(char *buf, size_t sz, unsigned f, int want);

#endif
