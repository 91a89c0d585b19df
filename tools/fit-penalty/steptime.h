/*
 * fit-penalty's model of a step's time with candidate parameters, from the
 * untruncated compute and memory times roofline-eval writes, so that no
 * model config is needed to try a candidate.  The roofline entry's own
 * fields (mfuPrefill, mfuDecode, BwPeakTBs) rescale the times roofline-eval
 * made with the entry's values (docs: EVALFIELDS, the fit's man page):
 *   c = (cP mfuP0/mfuP + cD mfuD0/mfuD) / (1 - b mf)   [b on mixed steps]
 *   m = memory_us / bw                                  [bw: of BwPeakTBs]
 *   t = s (max(c, m) + o min(c, m)) + h
 */
#ifndef RT_FIT_STEPTIME_H
#define RT_FIT_STEPTIME_H

#include <stdint.h>

#include "params.h"

/*
 * The parameters (params.h): b, o in [0, 1]; h >= 0 in us; s > 0;
 * mfuPrefill and mfuDecode in [0.02, 1]; bw, the effective bandwidth as
 * a fraction of the entry's BwPeakTBs, in [0.05, 1].
 */
/* A step, as far as the fit needs it. */
struct fit_step {
	double	 compute_us, memory_us, mf;
	double	 cp, cd;	/* compute of prefill, decode tokens (us) */
	int	 mixed;		/* has both prefill and decode */
	int	 client;	/* timed by a client's TTFT */
};

/*
 * The entry's MFUs the eval records were made with (1 and 1 when no entry
 * is known: then the MFUs are never fitted).  Set once, before any fit.
 */
void steptime_set_reference(double mfu_prefill, double mfu_decode);
double steptime_reference(int k);

/*
 * Every parameter at its row's default: zero penalties, no overhead,
 * unit scale, the entry's MFUs and its bandwidth: the roofline as
 * shipped.
 */
void steptime_par_zero(struct fit_par *p);

/* The compute and memory times under p, before the overlap. */
void steptime_sides(const struct fit_par *p, const struct fit_step *st,
    double *c, double *m);

/*
 * The step time in us, smooth in every parameter for fitting.  grad (may
 * be NULL) receives d time / d parameter.
 */
double steptime_smooth(const struct fit_par *p, const struct fit_step *st,
    double grad[FIT_NPAR]);

/*
 * The "after" prediction: with no overhead and a scale of 1 (what a
 * hardware_config.json can carry), the time roofline-eval prints with
 * these fields (BLIS's operations in seconds, truncated to an integer;
 * bit-exact when compute_us and memory_us came from it and the MFUs and
 * bandwidth are the entry's), else steptime_smooth.
 */
double steptime_predict(const struct fit_par *p, const struct fit_step *st);

/* Whether the step is compute-bound under p. */
int steptime_compute_bound(const struct fit_par *p, const struct fit_step *st);

#endif
