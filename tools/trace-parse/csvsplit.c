#include <stdio.h>
#include <string.h>

#include "csvsplit.h"
#include "decimal.h"

/* One quoted field starting after its opening quote; returns end or NULL. */
static char *
unquote(char *p, const char *end, char **dst_end)
{
	char *dst = p;

	for (; p < end; p++) {
		if (*p != '"') {
			*dst++ = *p;
			continue;
		}
		if (p + 1 < end && p[1] == '"') {
			*dst++ = '"';
			p++;
			continue;
		}
		*dst_end = dst;
		return p + 1;
	}
	return NULL;
}

int
tp_csv_split(char *line, size_t len, struct tp_csvrow *row, char *err,
    size_t errsz)
{
	char *p = line, *end = line + len, *fend;

	row->n = 0;
	for (;;) {
		if (row->n == TP_CSV_MAXFIELDS) {
			snprintf(err, errsz, "more than %d fields",
			    TP_CSV_MAXFIELDS);
			return -1;
		}
		row->field[row->n++] = p;
		if (p < end && *p == '"') {
			row->field[row->n - 1] = p + 1;
			if ((p = unquote(p + 1, end, &fend)) == NULL) {
				snprintf(err, errsz, "field %zu: unterminated "
				    "quoted field", row->n);
				return -1;
			}
			if (p < end && *p != ',') {
				snprintf(err, errsz, "field %zu: text after "
				    "the closing quote", row->n);
				return -1;
			}
		} else {
			while (p < end && *p != ',')
				p++;
			fend = p;
		}
		if (p == end) {
			*fend = '\0';
			return 0;
		}
		*fend = '\0';
		p++;
	}
}

int
tp_csv_header_is(const struct tp_csvrow *row, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (i >= row->n || strcmp(row->field[i], names[i]) != 0)
			return 0;
	return i == row->n;
}

static size_t
count_names(const char *const *names)
{
	size_t n = 0;

	while (names[n] != NULL)
		n++;
	return n;
}

int
tp_csv_row(char *line, size_t len, const char *const *names,
    struct tp_csvrow *row, struct jerr *e)
{
	size_t want = count_names(names);

	if (tp_csv_split(line, len, row, e->msg, sizeof(e->msg)) < 0)
		return -1;
	if (row->n != want) {
		jsonin_err(e, "expected %zu fields, got %zu", want, row->n);
		return -1;
	}
	return 0;
}

/* Why text is not a non-negative number, for the message. */
static void
bad_number(const struct tp_csvrow *row, size_t i, const char *const *names,
    const char *what, struct jerr *e)
{
	const char *s = row->field[i];

	if (*s == '\0')
		jsonin_err(e, "%s: empty field", names[i]);
	else if (*s == '-')
		jsonin_err(e, "%s: must not be negative, got \"%.40s\"",
		    names[i], s);
	else
		jsonin_err(e, "%s: expected %s, got \"%.40s\"", names[i], what,
		    s);
}

int
tp_csv_uint(const struct tp_csvrow *row, size_t i, const char *const *names,
    int64_t *out, struct jerr *e)
{
	if (tp_uint_str(row->field[i], out) < 0) {
		bad_number(row, i, names, "a whole number", e);
		return -1;
	}
	return 0;
}

int
tp_csv_decimal(const struct tp_csvrow *row, size_t i,
    const char *const *names, int scale, int64_t *out, struct jerr *e)
{
	if (tp_decimal_str(row->field[i], scale, out) < 0) {
		bad_number(row, i, names, "a decimal number", e);
		return -1;
	}
	return 0;
}

int
tp_csv_is_header(const char *line, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		size_t n = strlen(names[i]);

		if (i > 0 && *line++ != ',')
			return 0;
		if (strncmp(line, names[i], n) != 0)
			return 0;
		line += n;
	}
	return *line == '\0';
}
