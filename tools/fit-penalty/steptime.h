/*
 * fit-penalty's model of a step's time with candidate penalties, from the
 * untruncated compute and memory times roofline-eval writes, so that no
 * model config is needed to try a candidate.
 */
#ifndef RT_FIT_STEPTIME_H
#define RT_FIT_STEPTIME_H

#include <stdint.h>

/* The parameters, in this order everywhere (vectors, matrices, output). */
enum { FIT_B, FIT_O, FIT_H, FIT_S, FIT_NPAR };

extern const char *const steptime_par_names[FIT_NPAR];

struct fit_par {
	double	 v[FIT_NPAR];	/* b, o in [0, 1]; h >= 0 in us; s > 0 */
};

/* A step, as far as the fit needs it. */
struct fit_step {
	double	 compute_us, memory_us, mf;
	int	 mixed;		/* has both prefill and decode */
};

/* Zero penalties, no overhead, unit scale: the roofline as shipped. */
void steptime_par_zero(struct fit_par *p);

/*
 * The step time in us, smooth in every parameter for fitting:
 * s * (max(c', m) + o min(c', m)) + h, c' = c / (1 - b mf) on mixed steps.
 * grad (may be NULL) receives d time / d parameter.
 */
double steptime_smooth(const struct fit_par *p, const struct fit_step *st,
    double grad[FIT_NPAR]);

/*
 * The "after" prediction: with no overhead and a scale of 1 (what a
 * hardware_config.json can carry), the time roofline-eval prints with
 * penalties b and o (BLIS's operations in seconds, truncated to an
 * integer; bit-exact when compute_us and memory_us came from it), else
 * steptime_smooth.
 */
double steptime_predict(const struct fit_par *p, const struct fit_step *st);

/* Whether the step is compute-bound once the mixed-batch penalty applies. */
int steptime_compute_bound(double b, const struct fit_step *st);

#endif
