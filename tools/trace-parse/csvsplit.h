/*
 * Split one CSV line (RFC 4180 quoting, no embedded newlines: every trace
 * we read keeps a record on one line, and that keeps line numbers true).
 * Fields are NUL-terminated in place; quotes are removed, "" unescaped.
 */
#ifndef RT_TP_CSVSPLIT_H
#define RT_TP_CSVSPLIT_H

#include <stddef.h>

enum { TP_CSV_MAXFIELDS = 64 };

struct tp_csvrow {
	char	*field[TP_CSV_MAXFIELDS];
	size_t	 n;
};

/*
 * Split line[0..len) (modified in place; line[len] must be writable and
 * is overwritten by a NUL).  0 on success; -1 on an unterminated quote,
 * text after a closing quote, or more than TP_CSV_MAXFIELDS fields, with
 * a message in err (errsz bytes).
 */
int tp_csv_split(char *line, size_t len, struct tp_csvrow *row, char *err,
    size_t errsz);

/* Does the row's header match names (NULL-terminated) exactly? */
int tp_csv_header_is(const struct tp_csvrow *row, const char *const *names);


#include <stdint.h>

#include "io/jsonin.h"

/*
 * Split line and check it has exactly the header's field count; the
 * message names the expected columns.
 */
int tp_csv_row(char *line, size_t len, const char *const *names,
    struct tp_csvrow *row, struct jerr *e);
/* Field i as a whole non-negative number, message naming the column. */
int tp_csv_uint(const struct tp_csvrow *row, size_t i,
    const char *const *names, int64_t *out, struct jerr *e);
/* Field i as a non-negative decimal times 10^scale (see tp_decimal.h). */
int tp_csv_decimal(const struct tp_csvrow *row, size_t i,
    const char *const *names, int scale, int64_t *out, struct jerr *e);
/* Does line start with the header's names joined by commas? */
int tp_csv_is_header(const char *line, const char *const *names);

#endif
