#include <math.h>
#include <stdint.h>

#include "model/gomath.h"

static int
is_odd(int64_t n)
{
	return (n & 1) != 0;
}

/* Squaring the mantissa and carrying the exponent apart, as Go does. */
static double
pow_frexp(double x, int64_t y)
{
	uint64_t i = (uint64_t)(y < 0 ? -y : y);
	double a1 = 1.0, x1;
	long ae = 0, xe;
	int e;

	x1 = frexp(x, &e);
	xe = e;
	for (; i != 0; i >>= 1) {
		if (xe < -(1L << 12) || (1L << 12) < xe) {
			ae += xe;
			break;
		}
		if (i & 1) {
			a1 *= x1;
			ae += xe;
		}
		x1 *= x1;
		xe *= 2;	/* Go shifts; in C that is undefined for xe < 0 */
		if (x1 < .5) {
			x1 += x1;
			xe--;
		}
	}
	if (y < 0) {
		a1 = 1 / a1;
		ae = -ae;
	}
	if (ae > 100000)
		ae = 100000;
	if (ae < -100000)
		ae = -100000;
	return ldexp(a1, (int)ae);
}

double
gomath_pow_int(double x, int64_t y)
{
	if (y == 0 || x == 1)
		return 1;
	if (isnan(x))
		return NAN;
	if (x == 0) {
		if (y < 0)
			return is_odd(y) ? copysign(INFINITY, x) : INFINITY;
		return is_odd(y) ? x : 0;
	}
	if (isinf(x)) {
		if (x < 0)
			return gomath_pow_int(1 / x, -y);
		return y < 0 ? 0 : INFINITY;
	}
	if (y == 1)
		return x;
	return pow_frexp(x, y);
}
