/*
 * One CSV row at a time, split by libcsv (RFC 4180 quoting).  Every trace
 * we read keeps a record on one line, which keeps line numbers true, so a
 * quoted field never spans lines: the caller hands over one line (no
 * terminator; the line reader folded CRLF and dropped the BOM) and gets
 * its fields back, NUL-terminated, quotes removed and "" unescaped.
 * Blanks are data, as the RFC says: "  5" is not 5.
 */
#ifndef RT_CSVROW_H
#define RT_CSVROW_H

#include <stddef.h>
#include <stdint.h>

#include "io/errmsg.h"

/* libcsv's parser stays behind a pointer: only csvrow.c needs <csv.h>. */
struct csv_parser;

enum { CSVROW_MAXFIELDS = 64 };

struct csvrow {
	char	*field[CSVROW_MAXFIELDS];
	size_t	 n;			/* fields in the row */
	/* The parser and the fields' text (reused: no allocation a row). */
	struct csv_parser *p;
	char	*buf;
	size_t	 cap, used;
	size_t	 nseen, text;		/* fields and bytes libcsv gave */
	size_t	 off[CSVROW_MAXFIELDS], len[CSVROW_MAXFIELDS];
	int	 discard, ended;
	/* A header-driven file's own column names (csvrow_keep_names). */
	char	*names[CSVROW_MAXFIELDS];
	size_t	 nnames;
};

void csvrow_init(struct csvrow *r);
void csvrow_free(struct csvrow *r);

/*
 * Split line[0..len).  0 on success; -1 on an unterminated quote, text
 * after a closing quote, more than CSVROW_MAXFIELDS fields or a field
 * holding a NUL character, with the message in e.  libcsv out of memory
 * exits 1 with "out of memory" (never bad data).  The fields stay valid until the next call.
 */
int csvrow_split(struct csvrow *r, const char *line, size_t len,
    struct errmsg *e);
/*
 * Keep the row just split (a header) as the names of the columns that
 * follow, so that csvrow_split's messages name them too.
 */
void csvrow_keep_names(struct csvrow *r);
/*
 * Split line and check it has exactly as many fields as names (a
 * NULL-terminated header); the message gives both counts, and a NUL
 * character's message the column's name.
 */
int csvrow_split_as(struct csvrow *r, const char *line, size_t len,
    const char *const *names, struct errmsg *e);
/* Field i as a whole non-negative number, the message naming its column. */
int csvrow_uint(const struct csvrow *r, size_t i, const char *const *names,
    int64_t *out, struct errmsg *e);
/* Field i as a non-negative decimal times 10^scale (see decimal.h). */
int csvrow_decimal(const struct csvrow *r, size_t i,
    const char *const *names, int scale, int64_t *out, struct errmsg *e);
/* Is line exactly the header's names joined by commas? */
int csvrow_is_header(const char *line, const char *const *names);
/* The header's names joined by commas, into buf (truncated to bufsz). */
void csvrow_header_text(const char *const *names, char *buf, size_t bufsz);

#endif
