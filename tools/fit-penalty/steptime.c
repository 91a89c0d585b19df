#include <math.h>
#include <stdint.h>

#include "steptime.h"
#include "model/roofline.h"

const char *const steptime_par_names[FIT_NPAR] = {
	"mixed_batch_penalty", "overlap_penalty", "overhead_us", "scale"
};

void
steptime_par_zero(struct fit_par *p)
{
	p->v[FIT_B] = 0;
	p->v[FIT_O] = 0;
	p->v[FIT_H] = 0;
	p->v[FIT_S] = 1;
}

double
steptime_smooth(const struct fit_par *p, const struct fit_step *st,
    double grad[FIT_NPAR])
{
	double b = p->v[FIT_B], o = p->v[FIT_O], s = p->v[FIT_S];
	double den = 1, c, m = st->memory_us, hi, lo, dc_db = 0, dg_dc;

	if (st->mixed)
		den = 1 - b * st->mf;
	c = st->compute_us / den;
	if (c > m) {
		hi = c;
		lo = m;
		dg_dc = 1;
	} else {
		hi = m;
		lo = c;
		dg_dc = o;
	}
	if (grad != NULL) {
		if (st->mixed)
			dc_db = st->compute_us * st->mf / (den * den);
		grad[FIT_B] = s * dg_dc * dc_db;
		grad[FIT_O] = s * lo;
		grad[FIT_H] = 1;
		grad[FIT_S] = hi + o * lo;
	}
	return s * (hi + o * lo) + p->v[FIT_H];
}

/*
 * The time roofline-eval prints for this step with penalties b and o:
 * BLIS's operations (roofline_eval's last lines), in seconds, truncated
 * to an integer.  Bit-exact with roofline-eval only when compute_us and
 * memory_us came from it.
 */
static int64_t
blis_us(double b, double o, const struct fit_step *st)
{
	double compute_s = st->compute_us / 1e6;
	double memory_s = st->memory_us / 1e6;
	double hi, lo;

	if (b > 0 && st->mixed)
		compute_s /= 1.0 - b * st->mf;
	hi = compute_s > memory_s ? compute_s : memory_s;
	lo = compute_s < memory_s ? compute_s : memory_s;
	return clamp_to_int64((hi + o * lo) * 1e6);
}

double
steptime_predict(const struct fit_par *p, const struct fit_step *st)
{
	if (p->v[FIT_H] == 0 && p->v[FIT_S] == 1)
		return (double)blis_us(p->v[FIT_B], p->v[FIT_O], st);
	return steptime_smooth(p, st, NULL);
}

int
steptime_compute_bound(double b, const struct fit_step *st)
{
	double c = st->compute_us;

	if (b > 0 && st->mixed)
		c /= 1 - b * st->mf;
	return c > st->memory_us;
}
