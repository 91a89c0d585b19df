#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "io/err.h"
#include "csvrow.h"
#include "decimal.h"

/* Strict RFC 4180, except that a quote inside an unquoted field is data. */
#define OPTS	(CSV_STRICT | CSV_STRICT_FINI)

/* No blank is trimmed and no byte ends a row: a row is the line given. */
static int
never(unsigned char c)
{
	(void)c;
	return 0;
}

static void
take_field(void *s, size_t len, void *data)
{
	struct csvrow *r = data;

	if (r->discard)
		return;
	r->text += len;
	if (r->nseen++ >= CSVROW_MAXFIELDS)
		return;
	if (r->used + len + 1 > r->cap) {
		r->cap = 2 * (r->used + len + 1);
		r->buf = err_realloc(r->buf, r->cap);
	}
	memcpy(r->buf + r->used, s, len);
	r->len[r->n] = len;
	r->off[r->n++] = r->used;
	r->used += len;
	r->buf[r->used++] = '\0';
}

/* A row ended inside the line: a CR or LF that libcsv took for its end. */
static void
row_end(int c, void *data)
{
	(void)c;
	((struct csvrow *)data)->ended = 1;
}

void
csvrow_init(struct csvrow *r)
{
	memset(r, 0, sizeof(*r));
	r->p = err_malloc(sizeof(*r->p));
	if (csv_init(r->p, OPTS) != 0)
		err_die(EXIT_DATA, "csv_init: cannot set up the CSV parser");
}

static void
drop_names(struct csvrow *r)
{
	size_t i;

	for (i = 0; i < r->nnames; i++)
		free(r->names[i]);
	r->nnames = 0;
}

void
csvrow_keep_names(struct csvrow *r)
{
	size_t i;

	drop_names(r);
	for (i = 0; i < r->n; i++)
		r->names[i] = err_strdup(r->field[i]);
	r->nnames = r->n;
}

void
csvrow_free(struct csvrow *r)
{
	drop_names(r);
	csv_free(r->p);
	free(r->p);
	free(r->buf);
	r->p = NULL;
	r->buf = NULL;
}

/* End the row, leaving the parser ready for the next line. */
static int
finish(struct csvrow *r)
{
	int rc = csv_fini(r->p, take_field, NULL, r);

	if (rc != 0 && csv_error(r->p) == CSV_ENOMEM)
		err_die(EXIT_DATA, "out of memory");
	if (rc != 0) {
		/* An open quote: csv_fini keeps its state; drop it. */
		r->discard = 1;
		csv_set_opts(r->p, OPTS & ~CSV_STRICT_FINI);
		(void)csv_fini(r->p, take_field, NULL, r);
		csv_set_opts(r->p, OPTS);
	}
	return rc;
}

static int
fail(struct csvrow *r, struct errmsg *e, const char *what)
{
	size_t k = r->nseen + 1;

	if (k > CSVROW_MAXFIELDS)
		errmsg_set(e, "more than %d fields", CSVROW_MAXFIELDS);
	else
		errmsg_set(e, "field %zu: %s", k, what);
	r->discard = 1;
	(void)finish(r);
	return -1;
}

/* One pass of libcsv over the line, with blanks and line ends as set. */
static int
parse(struct csvrow *r, const char *line, size_t len, struct errmsg *e)
{
	size_t at = 0;

	r->n = r->used = r->nseen = r->text = 0;
	r->discard = r->ended = 0;
	while ((at += csv_parse(r->p, line + at, len - at, take_field,
	    row_end, r)) < len) {
		/* libcsv's field buffer could not grow: not bad data. */
		if (csv_error(r->p) == CSV_ENOMEM)
			err_die(EXIT_DATA, "out of memory");
		/* A closing quote followed by more text: not RFC 4180. */
		if (line[at] != '"')
			return fail(r, e, "text after the closing quote");
		/* A quote inside an unquoted field: keep it, as data. */
		csv_set_opts(r->p, OPTS & ~CSV_STRICT);
		at += csv_parse(r->p, line + at, 1, take_field, row_end, r);
		csv_set_opts(r->p, OPTS);
	}
	if (finish(r) != 0)
		return fail(r, e, "unterminated quoted field");
	return 0;
}

/*
 * The fields are C strings, which a NUL would cut short (1, NUL, 2 read
 * as 1): a field holding one is refused, named by its column.
 */
static int
nul_check(const struct csvrow *r, const char *const *names, struct errmsg *e)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		if (memchr(r->field[i], '\0', r->len[i]) == NULL)
			continue;
		if (names != NULL)
			errmsg_set(e, "%s: contains a NUL character", names[i]);
		else if (i < r->nnames)
			errmsg_set(e, "%s: contains a NUL character",
			    r->names[i]);
		else
			errmsg_set(e, "field %zu: contains a NUL character",
			    i + 1);
		return -1;
	}
	return 0;
}

/*
 * libcsv's own tests of blanks and line ends are inline, ours (never())
 * are called through a pointer for every byte; so a line without quotes
 * is read with libcsv's first.  They give our fields unless libcsv
 * trimmed a blank at a field's edge or took a CR or LF for a row's end,
 * and then the text it kept is short or its row callback ran: the line
 * is read again, our way.
 */
static int
fields(struct csvrow *r, const char *line, size_t len, struct errmsg *e)
{
	size_t i;
	int ours = memchr(line, '"', len) != NULL;

	if (!ours) {
		csv_set_space_func(r->p, NULL);
		csv_set_term_func(r->p, NULL);
		ours = parse(r, line, len, e) < 0 || r->ended ||
		    r->text + r->nseen != len + 1;
	}
	if (ours) {
		csv_set_space_func(r->p, never);
		csv_set_term_func(r->p, never);
		if (parse(r, line, len, e) < 0)
			return -1;
	}
	if (r->nseen > CSVROW_MAXFIELDS) {
		errmsg_set(e, "more than %d fields", CSVROW_MAXFIELDS);
		return -1;
	}
	for (i = 0; i < r->n; i++)
		r->field[i] = r->buf + r->off[i];
	return 0;
}

int
csvrow_split(struct csvrow *r, const char *line, size_t len, struct errmsg *e)
{
	if (fields(r, line, len, e) < 0)
		return -1;
	return nul_check(r, NULL, e);
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
csvrow_split_as(struct csvrow *r, const char *line, size_t len,
    const char *const *names, struct errmsg *e)
{
	size_t want = count_names(names);

	if (fields(r, line, len, e) < 0)
		return -1;
	if (r->n != want) {
		errmsg_set(e, "expected %zu fields, got %zu", want, r->n);
		return -1;
	}
	return nul_check(r, names, e);
}

/* Why text is not a non-negative number, for the message. */
static void
bad_number(const struct csvrow *r, size_t i, const char *const *names,
    const char *what, struct errmsg *e)
{
	const char *s = r->field[i];

	if (*s == '\0')
		errmsg_set(e, "%s: empty field", names[i]);
	else if (*s == '-')
		errmsg_set(e, "%s: must not be negative, got \"%.40s\"",
		    names[i], s);
	else
		errmsg_set(e, "%s: expected %s, got \"%.40s\"", names[i], what,
		    s);
}

int
csvrow_uint(const struct csvrow *r, size_t i, const char *const *names,
    int64_t *out, struct errmsg *e)
{
	if (decimal_uint(r->field[i], out) < 0) {
		bad_number(r, i, names, "a whole number", e);
		return -1;
	}
	return 0;
}

int
csvrow_decimal(const struct csvrow *r, size_t i, const char *const *names,
    int scale, int64_t *out, struct errmsg *e)
{
	if (decimal_str(r->field[i], scale, out) < 0) {
		bad_number(r, i, names, "a decimal number", e);
		return -1;
	}
	return 0;
}

int
csvrow_is_header(const char *line, const char *const *names)
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

void
csvrow_header_text(const char *const *names, char *buf, size_t bufsz)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; names[i] != NULL; i++) {
		if (i > 0)
			strncat(buf, ",", bufsz - strlen(buf) - 1);
		strncat(buf, names[i], bufsz - strlen(buf) - 1);
	}
}
