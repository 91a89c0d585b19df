#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io/csvout.h"
#include "io/numfmt.h"

void
csvout_init(struct csvw *c, FILE *fp)
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
csvout_str(struct csvw *c, const char *s)
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
csvout_int(struct csvw *c, int64_t v)
{
	char b[NUMFMT_BUFSZ];
	size_t n = numfmt_int(b, v);

	sep(c);
	fwrite(b, 1, n, c->fp);
}

void
csvout_num(struct csvw *c, double v)
{
	char b[NUMFMT_BUFSZ];
	size_t n;

	sep(c);
	if (isfinite(v)) {
		n = numfmt_double(b, v);
		fwrite(b, 1, n, c->fp);
	}
}

void
csvout_empty(struct csvw *c)
{
	sep(c);
}

void
csvout_optstr(struct csvw *c, const char *s)
{
	if (s != NULL)
		csvout_str(c, s);
	else
		csvout_empty(c);
}

void
csvout_endrow(struct csvw *c)
{
	putc('\n', c->fp);
	c->col = 0;
}

void
csvout_header(struct csvw *c, const char *const *names)
{
	for (; *names != NULL; names++)
		csvout_str(c, *names);
	csvout_endrow(c);
}
