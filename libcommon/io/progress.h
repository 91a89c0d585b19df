/*
 * Progress on standard error, only when it is a terminal and the input a
 * regular file of known size; silent otherwise and with --quiet.
 */
#ifndef RT_PROGRESS_H
#define RT_PROGRESS_H

#include <stdio.h>
#include <sys/types.h>

struct progress {
	FILE	*fp;
	off_t	 size;
	long	 tick;
	int	 on, shown;
	const char *name;
};

void progress_start(struct progress *p, FILE *fp, const char *name,
    int quiet);
void progress_update(struct progress *p);
void progress_done(struct progress *p);

#endif
