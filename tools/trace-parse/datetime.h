/*
 * Calendar timestamps to integer microseconds, exactly.  Traces carry
 * wall-clock text with no zone; we read it as UTC, which only matters for
 * --keep-clock output (differences between records are zone-free).
 */
#ifndef RT_DATETIME_H
#define RT_DATETIME_H

#include <stdint.h>

/*
 * "YYYY-MM-DD HH:MM:SS[.f...]" (a 'T' also separates) to microseconds
 * since 1970-01-01 00:00:00 UTC.  Fractional digits beyond the sixth
 * round half up on the seventh (Azure's 100 ns tick: 5-9 round up).
 * 0 on success, -1 on malformed text or an impossible date.
 */
int datetime_us(const char *s, int64_t *out);

#endif
