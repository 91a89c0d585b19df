#include <string.h>

#include "datetime.h"

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	/* Shift the year to start in March so the leap day comes last. */
	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at s as a number; -1 if any is not a digit. */
static int
fixed_digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
days_in_month(int y, int m)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : mdays[m - 1];
}

/*
 * A UTC offset at s, to the end: "", "Z", "+HH:MM" or "-HH:MM", as
 * seconds east of UTC.  -1 when malformed.
 */
static int
utc_offset(const char *s, int64_t *off)
{
	int h, m;

	*off = 0;
	if (*s == '\0' || (s[0] == 'Z' && s[1] == '\0'))
		return 0;
	if ((s[0] != '+' && s[0] != '-') || strlen(s) != 6 || s[3] != ':' ||
	    (h = fixed_digits(s + 1, 2)) < 0 ||
	    (m = fixed_digits(s + 4, 2)) < 0 || h > 23 || m > 59)
		return -1;
	*off = (s[0] == '-' ? -1 : 1) * (int64_t)(h * 3600 + m * 60);
	return 0;
}

int
datetime_us(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec;
	int64_t frac = 0, days, off;
	const char *p = s + 19;

	if (strlen(s) < 19 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
		return -1;
	if ((y = fixed_digits(s, 4)) < 0 || (mo = fixed_digits(s + 5, 2)) < 0 ||
	    (d = fixed_digits(s + 8, 2)) < 0 ||
	    (h = fixed_digits(s + 11, 2)) < 0 ||
	    (mi = fixed_digits(s + 14, 2)) < 0 ||
	    (sec = fixed_digits(s + 17, 2)) < 0)
		return -1;
	if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 60)
		return -1;
	if (*p == '.') {
		/* ".ffffff[f...]" as microseconds, half up on the 7th digit. */
		size_t i;
		int up = 0;

		for (i = 0, p++; p[i] >= '0' && p[i] <= '9'; i++) {
			if (i < 6)
				frac = frac * 10 + (p[i] - '0');
			else if (i == 6)
				up = p[i] >= '5';
		}
		if (i == 0 || i > 37)
			return -1;
		p += i;
		for (; i < 6; i++)
			frac *= 10;
		frac += up;
	}
	if (utc_offset(p, &off) < 0)
		return -1;
	days = days_from_civil(y, mo, d);
	*out = (((days * 24 + h) * 60 + mi) * 60 + sec - off) *
	    INT64_C(1000000) + frac;
	return 0;
}
