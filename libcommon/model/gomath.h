/*
 * Go's math.Pow, reproduced operation for operation: BLIS computes the
 * MoE expected-expert count with it, and glibc's pow differs in the last
 * bit, which is enough to move a step time across a microsecond.
 */
#ifndef RT_GOMATH_H
#define RT_GOMATH_H

#include <stdint.h>

/* x raised to an integral power n, as Go's math.Pow(x, float64(n)). */
double gomath_pow_int(double x, int64_t n);

#endif
