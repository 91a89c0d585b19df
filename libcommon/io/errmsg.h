/*
 * What a reader found wrong, for its caller to print: readers return it
 * instead of exiting, and the caller, who knows the file and the line,
 * says `prog: file:line: msg`.  Any reader uses it, JSON, CSV or text.
 */
#ifndef RT_ERRMSG_H
#define RT_ERRMSG_H

struct errmsg {
	char	msg[320];
};

/* Set e's message, printf-style (cut to fit). */
void errmsg_set(struct errmsg *e, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
