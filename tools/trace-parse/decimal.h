/*
 * Decimal text to scaled integers, without floating point: "10.99" ms
 * becomes 10990 us exactly, and an Azure timestamp's 7th fractional digit
 * never picks up binary rounding error.
 */
#ifndef RT_DECIMAL_H
#define RT_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/*
 * Parse a non-negative decimal "123", "123.", "123.4567" at s (at most
 * len bytes) and return its value times 10^scale, rounded half up on the
 * digits beyond scale (the first dropped digit decides: 5-9 round up).
 * An exponent is not accepted.  *used gets the bytes consumed.
 * 0 on success; -1 when no digits, or the result would exceed 2^53.
 */
int decimal_scaled(const char *s, size_t len, int scale, int64_t *out,
    size_t *used);

/* Same, but the whole NUL-terminated string must be the number. */
int decimal_str(const char *s, int scale, int64_t *out);

/* A whole non-negative integer string ("0", "4808"), up to 2^53. */
int decimal_uint(const char *s, int64_t *out);

#endif
