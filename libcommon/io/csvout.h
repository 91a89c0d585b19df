/* CSV writing (RFC 4180): fields quoted only when they must be. */
#ifndef RT_CSVOUT_H
#define RT_CSVOUT_H

#include <stdint.h>
#include <stdio.h>

struct csvw {
	FILE	*fp;
	int	 col;
};

void csv_init(struct csvw *c, FILE *fp);
void csv_str(struct csvw *c, const char *s);
void csv_int(struct csvw *c, int64_t v);
void csv_num(struct csvw *c, double v);	/* non-finite: empty */
void csv_empty(struct csvw *c);
void csv_endrow(struct csvw *c);
/* A header row from a NULL-terminated list of names. */
void csv_header(struct csvw *c, const char *const *names);

#endif
