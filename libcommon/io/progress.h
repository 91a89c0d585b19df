/*
 * Progress on standard error, about once a second, whatever a record's
 * size: the position in the input (a percentage when it is a regular
 * file of known size), the lines read and the records taken.  On when standard error
 * is a terminal, or when ROOFTRACE_PROGRESS=1 (a driver running the
 * program as one stage of several); off with --quiet or
 * ROOFTRACE_PROGRESS=0.  On a terminal a line is redrawn in place and
 * cleared at the end; elsewhere each update is a line of its own.
 * ROOFTRACE_PROGRESS_LABEL names the input in place of its path.
 */
#ifndef RT_PROGRESS_H
#define RT_PROGRESS_H

#include <stdio.h>
#include <sys/types.h>
#include <time.h>

struct progress {
	FILE	*fp;
	off_t	 size;		/* of a regular file; 0: unknown */
	long	 lines, records;
	long	 every, left;	/* records between two looks at the clock */
	struct timespec last, due;
	int	 on, tty, shown;
	const char *name;
};

/*
 * Whether a display of one's own is on, as progress_start decides it;
 * *tty: redraw it in place ("\r", "\033[K") rather than a line an update.
 */
int progress_wanted(int quiet, int *tty);
void progress_start(struct progress *p, FILE *fp, const char *name,
    int quiet);
/* A line read: cheap, for the hot loop. */
void progress_update(struct progress *p);
/*
 * A record taken (input_count's INPUT_OK), counted against the progress
 * started last: a document read whole still shows its records.
 */
void progress_record(void);
void progress_done(struct progress *p);

#endif
