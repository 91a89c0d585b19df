#include <string.h>

#include "io/numfmt.h"
#include "decimal.h"

static int
isdig(char c)
{
	return c >= '0' && c <= '9';
}

/* Append one digit to *v; -1 when it would pass the exact-integer limit. */
static int
push_digit(int64_t *v, char c)
{
	if (*v > (RT_INT_EXACT_MAX - 9) / 10)
		return -1;
	*v = *v * 10 + (c - '0');
	return 0;
}

int
decimal_scaled(const char *s, size_t len, int scale, int64_t *out,
    size_t *used)
{
	int64_t v = 0;
	size_t i = 0;
	int kept = 0, digits = 0, roundup = 0;

	for (; i < len && isdig(s[i]); i++, digits++)
		if (push_digit(&v, s[i]) < 0)
			return -1;
	if (i < len && s[i] == '.') {
		for (i++; i < len && isdig(s[i]); i++, digits++) {
			if (kept < scale) {
				if (push_digit(&v, s[i]) < 0)
					return -1;
				kept++;
			} else if (kept == scale) {
				/* First dropped digit: half up. */
				roundup = s[i] >= '5';
				kept++;
			}
		}
	}
	if (digits == 0)
		return -1;
	for (; kept < scale; kept++)
		if (push_digit(&v, '0') < 0)
			return -1;
	if (roundup && ++v > RT_INT_EXACT_MAX)
		return -1;
	*out = v;
	if (used != NULL)
		*used = i;
	return 0;
}

int
decimal_str(const char *s, int scale, int64_t *out)
{
	size_t len = strlen(s), used;

	if (decimal_scaled(s, len, scale, out, &used) < 0 || used != len)
		return -1;
	return 0;
}

int
decimal_uint(const char *s, int64_t *out)
{
	int64_t v = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++)
		if (!isdig(*s) || push_digit(&v, *s) < 0)
			return -1;
	*out = v;
	return 0;
}
