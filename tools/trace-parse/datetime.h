/*
 * Calendar timestamps to integer microseconds, exactly.  Traces carry
 * wall-clock text with no zone or with a UTC offset; without one we read
 * it as UTC, which only matters for --keep-clock output (differences
 * between records are zone-free).
 */
#ifndef RT_DATETIME_H
#define RT_DATETIME_H

#include <stdint.h>

/*
 * "YYYY-MM-DD HH:MM:SS[.f...][Z|+HH:MM|-HH:MM]" (a 'T' also separates)
 * to microseconds since 1970-01-01 00:00:00 UTC, the offset applied (no
 * offset: read as UTC).  Fractional digits beyond the sixth round half up
 * on the seventh (Azure 2023's 100 ns tick: 5-9 round up); Azure 2024
 * writes six and "+00:00", sometimes no fraction.  0 on success, -1 on
 * malformed text or an impossible date.
 */
int datetime_us(const char *s, int64_t *out);

#endif
