#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/numfmt.h"

static int
reads_back(const char *s, double v)
{
	return strtod(s, NULL) == v;
}

/* Lay out 16 significant digits with decimal exponent e as %g would. */
static size_t
layout_g16(char *buf, int neg, const char *d, int e)
{
	char *p = buf;
	int i;

	if (neg)
		*p++ = '-';
	if (e < -4 || e >= 16) {
		p += sprintf(p, "%c.%se%c%02d", d[0], d + 1, e < 0 ? '-' : '+',
		    e < 0 ? -e : e);
		return (size_t)(p - buf);
	}
	if (e < 0) {
		p += sprintf(p, "0.");
		for (i = -1; i > e; i--)
			*p++ = '0';
		p += sprintf(p, "%s", d);
		return (size_t)(p - buf);
	}
	for (i = 0; i < 16; i++) {
		if (i == e + 1)
			*p++ = '.';
		*p++ = d[i];
	}
	*p = '\0';
	return (size_t)(p - buf);
}

/*
 * A double needs at most 17 significant digits.  %.15g is shortest
 * whenever a form of 15 digits or fewer exists (the double lies within half
 * a unit of the 15th digit of it).  At 16 digits the nearest decimal may
 * fail where its neighbour toward v succeeds, so try both.
 */
size_t
numfmt_double(char *buf, double v)
{
	char mant[NUMFMT_BUFSZ], digits[17];
	long long m;
	int e;

	if (v == 0)
		return (size_t)snprintf(buf, NUMFMT_BUFSZ, "0");
	if (fabs(v) <= (double)RT_INT_EXACT_MAX && v == trunc(v))
		return numfmt_int(buf, (int64_t)v);
	snprintf(buf, NUMFMT_BUFSZ, "%.15g", v);
	if (reads_back(buf, v))
		return strlen(buf);
	snprintf(buf, NUMFMT_BUFSZ, "%.16g", v);
	if (reads_back(buf, v))
		return strlen(buf);
	snprintf(mant, sizeof(mant), "%.15e", fabs(v));
	e = atoi(strchr(mant, 'e') + 1);
	m = atoll(mant) * 1000000000000000LL + atoll(mant + 2);
	m += fabs(v) > strtod(mant, NULL) ? 1 : -1;
	if (m >= 1000000000000000LL && m < 10000000000000000LL) {
		snprintf(digits, sizeof(digits), "%lld", m);
		layout_g16(buf, v < 0, digits, e);
		if (reads_back(buf, v))
			return strlen(buf);
	}
	snprintf(buf, NUMFMT_BUFSZ, "%.17g", v);
	return strlen(buf);
}

/* Digits by hand: records are mostly integers, and snprintf is slow. */
size_t
numfmt_int(char *buf, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	size_t n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	if (v < 0)
		buf[i++] = '-';
	while (n > 0)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
	return i;
}

int
numfmt_parse_double(const char *s, double *out)
{
	char *end;
	double v;

	if (*s == '\0' || *s == ' ' || *s == '\t')
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*end != '\0' || errno == ERANGE || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int
numfmt_parse_int64(const char *s, int64_t *out)
{
	char *end;
	long long v;

	if (*s == '\0' || *s == ' ' || *s == '\t')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0' || errno == ERANGE)
		return -1;
	*out = v;
	return 0;
}

const char *
numfmt_cell(char *buf, size_t sz, const char *fmt, double v)
{
	if (isfinite(v))
		snprintf(buf, sz, fmt, v);
	else
		snprintf(buf, sz, "-");
	return buf;
}
