/* CSV writing (RFC 4180): fields quoted only when they must be. */
#ifndef RT_CSVOUT_H
#define RT_CSVOUT_H

#include <stdint.h>
#include <stdio.h>

struct csvw {
	FILE	*fp;
	int	 col;
};

void csvout_init(struct csvw *c, FILE *fp);
void csvout_str(struct csvw *c, const char *s);
void csvout_int(struct csvw *c, int64_t v);
void csvout_num(struct csvw *c, double v);	/* non-finite: empty */
void csvout_empty(struct csvw *c);
void csvout_optstr(struct csvw *c, const char *s);	/* NULL: empty */
void csvout_endrow(struct csvw *c);
/* A header row from a NULL-terminated list of names. */
void csvout_header(struct csvw *c, const char *const *names);

#endif
