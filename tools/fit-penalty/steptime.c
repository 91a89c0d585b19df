#include <math.h>
#include <stdint.h>

#include "steptime.h"
#include "model/roofline.h"

static double ref_mp = 1, ref_md = 1;

void
steptime_set_reference(double mfu_prefill, double mfu_decode)
{
	ref_mp = mfu_prefill;
	ref_md = mfu_decode;
}

double
steptime_reference(int k)
{
	return k == FIT_MP ? ref_mp : k == FIT_MD ? ref_md : 1;
}

void
steptime_par_zero(struct fit_par *p)
{
	int k;

	for (k = 0; k < FIT_NPAR; k++)
		p->v[k] = isnan(param_table[k].prior) ? steptime_reference(k) :
		    param_table[k].prior;
}

/*
 * The compute time before the mixed-batch penalty.  With the entry's own
 * MFUs it is compute_us itself (BLIS's sum, to the last bit).
 */
static double
raw_compute(const struct fit_par *p, const struct fit_step *st)
{
	if (p->v[FIT_MP] == ref_mp && p->v[FIT_MD] == ref_md)
		return st->compute_us;
	return st->cp * (ref_mp / p->v[FIT_MP]) +
	    st->cd * (ref_md / p->v[FIT_MD]);
}

static double
raw_memory(const struct fit_par *p, const struct fit_step *st)
{
	return p->v[FIT_BW] == 1 ? st->memory_us : st->memory_us /
	    p->v[FIT_BW];
}

void
steptime_sides(const struct fit_par *p, const struct fit_step *st,
    double *c, double *m)
{
	*c = raw_compute(p, st);
	if (st->mixed)
		*c /= 1 - p->v[FIT_B] * st->mf;
	*m = raw_memory(p, st);
}

double
steptime_smooth(const struct fit_par *p, const struct fit_step *st,
    double grad[FIT_NPAR])
{
	double b = p->v[FIT_B], o = p->v[FIT_O], s = p->v[FIT_S];
	double den = 1, c0, c, m, hi, lo, dg_dc, dg_dm, dc_db = 0;

	if (st->mixed)
		den = 1 - b * st->mf;
	c0 = raw_compute(p, st);
	c = c0 / den;
	m = raw_memory(p, st);
	if (c > m) {
		hi = c;
		lo = m;
		dg_dc = 1;
		dg_dm = o;
	} else {
		hi = m;
		lo = c;
		dg_dc = o;
		dg_dm = 1;
	}
	if (grad != NULL) {
		if (st->mixed)
			dc_db = c0 * st->mf / (den * den);
		grad[FIT_B] = s * dg_dc * dc_db;
		grad[FIT_O] = s * lo;
		grad[FIT_H] = 1;
		grad[FIT_S] = hi + o * lo;
		grad[FIT_MP] = -s * dg_dc * st->cp * ref_mp /
		    (p->v[FIT_MP] * p->v[FIT_MP] * den);
		grad[FIT_MD] = -s * dg_dc * st->cd * ref_md /
		    (p->v[FIT_MD] * p->v[FIT_MD] * den);
		grad[FIT_BW] = -s * dg_dm * st->memory_us /
		    (p->v[FIT_BW] * p->v[FIT_BW]);
		grad[FIT_C] = st->client;
	}
	if (st->client)
		return s * (hi + o * lo) + p->v[FIT_H] + p->v[FIT_C];
	return s * (hi + o * lo) + p->v[FIT_H];
}

/*
 * The time roofline-eval prints for this step: BLIS's operations
 * (roofline_eval's last lines), in seconds, truncated to an integer.
 * Bit-exact with roofline-eval only when compute_us and memory_us came
 * from it.
 */
static int64_t
blis_us(const struct fit_par *p, const struct fit_step *st)
{
	double compute_s = raw_compute(p, st) / 1e6;
	double memory_s = raw_memory(p, st) / 1e6;
	double b = p->v[FIT_B], o = p->v[FIT_O], hi, lo;

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
		return (double)blis_us(p, st) + (st->client ? p->v[FIT_C] : 0);
	return steptime_smooth(p, st, NULL);
}

int
steptime_compute_bound(const struct fit_par *p, const struct fit_step *st)
{
	double c = raw_compute(p, st);

	if (p->v[FIT_B] > 0 && st->mixed)
		c /= 1 - p->v[FIT_B] * st->mf;
	return c > raw_memory(p, st);
}
