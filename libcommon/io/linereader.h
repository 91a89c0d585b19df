/*
 * Line reader: one line at a time from a file or standard input ("-"),
 * any length, with the final newline optional, "\r\n" folded to "\n" and a
 * UTF-8 byte-order mark dropped from the first line.
 */
#ifndef RT_LINEREADER_H
#define RT_LINEREADER_H

#include <stdio.h>
#include <sys/types.h>

struct linereader {
	FILE	*fp;
	const char *name;	/* for messages: the path, or "-" */
	char	*buf;
	size_t	 cap;
	long	 lineno;	/* number of the line last returned */
	int	 owned;		/* fp was opened here and is closed here */
};

/* Open path ("-" or NULL is standard input); 0 on success, -1 with errno. */
int linereader_open(struct linereader *lr, const char *path);
/* Wrap an open stream without taking ownership. */
void linereader_init(struct linereader *lr, FILE *fp, const char *name);
/*
 * Next line without its terminator; NULL at end of input or on error
 * (tell them apart with linereader_error).  *len excludes the terminator.
 */
char *linereader_next(struct linereader *lr, size_t *len);
int linereader_error(const struct linereader *lr);
void linereader_close(struct linereader *lr);

/* True when the line holds only blanks (space, tab). */
int linereader_blank(const char *line, size_t len);

#endif
