/*
 * Calendar timestamps to integer microseconds, exactly.  Traces carry
 * wall-clock text with no zone; we read it as UTC, which only matters for
 * --keep-clock output (differences between records are zone-free).
 */
#ifndef RT_TP_TIME_H
#define RT_TP_TIME_H

#include <stdint.h>

/*
 * "YYYY-MM-DD HH:MM:SS[.f...]" (a 'T' also separates) to microseconds
 * since 1970-01-01 00:00:00 UTC.  Fractional digits beyond the sixth
 * round half up on the seventh (Azure's 100 ns tick: 5-9 round up).
 * 0 on success, -1 on malformed text or an impossible date.
 */
int tp_datetime_us(const char *s, int64_t *out);

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t tp_days_from_civil(int64_t y, int m, int d);

#endif
