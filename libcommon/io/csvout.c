#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/csvout.h"
#include "io/numfmt.h"

void
csv_init(struct csvw *c, FILE *fp)
{
	c->fp = fp;
	c->col = 0;
}

static void
sep(struct csvw *c)
{
	if (c->col++ > 0)
		putc(',', c->fp);
}

void
csv_str(struct csvw *c, const char *s)
{
	const char *p;

	sep(c);
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, c->fp);
		return;
	}
	putc('"', c->fp);
	for (p = s; *p; p++) {
		if (*p == '"')
			putc('"', c->fp);
		putc(*p, c->fp);
	}
	putc('"', c->fp);
}

void
csv_int(struct csvw *c, int64_t v)
{
	char b[NUMFMT_BUFSZ];
	size_t n = fmt_int(b, v);

	sep(c);
	fwrite(b, 1, n, c->fp);
}

void
csv_num(struct csvw *c, double v)
{
	char b[NUMFMT_BUFSZ];
	size_t n;

	sep(c);
	if (isfinite(v)) {
		n = fmt_double(b, v);
		fwrite(b, 1, n, c->fp);
	}
}

void
csv_empty(struct csvw *c)
{
	sep(c);
}

void
csv_endrow(struct csvw *c)
{
	putc('\n', c->fp);
	c->col = 0;
}

void
csv_header(struct csvw *c, const char *const *names)
{
	for (; *names != NULL; names++)
		csv_str(c, *names);
	csv_endrow(c);
}
