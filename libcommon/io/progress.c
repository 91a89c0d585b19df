#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/err.h"
#include "io/progress.h"

/* The progress records are counted against: the one started last. */
static struct progress *current;

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static int
forced(void)
{
	const char *s = getenv("ROOFTRACE_PROGRESS");

	return s == NULL || *s == '\0' ? -1 : strcmp(s, "0") != 0;
}

int
progress_wanted(int quiet, int *tty)
{
	int f = forced();

	*tty = isatty(STDERR_FILENO);
	return !quiet && (f == -1 ? *tty : f);
}

void
progress_start(struct progress *p, FILE *fp, const char *name, int quiet)
{
	const char *label = getenv("ROOFTRACE_PROGRESS_LABEL");
	struct stat st;
	int f = forced();

	memset(p, 0, sizeof(*p));
	p->fp = fp;
	p->name = label != NULL && *label != '\0' ? label : name;
	p->tty = isatty(STDERR_FILENO);
	p->on = !quiet && (f == -1 ? p->tty : f);
	if (p->on && fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode))
		p->size = st.st_size;
	p->every = p->left = 16;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	p->due = p->last;
	p->due.tv_sec += 1;
	current = p;
}

static void
show(struct progress *p)
{
	off_t at;

	fprintf(stderr, "%s%s: %s:", p->tty ? "\r" : "", err_prog(), p->name);
	if (p->size > 0 && (at = ftello(p->fp)) >= 0)
		fprintf(stderr, " %3d%%,", (int)(100.0 * (double)at /
		    (double)p->size));
	fprintf(stderr, " %ld line%s read", p->lines, p->lines == 1 ? "" : "s");
	if (p->records > 0 && p->records != p->lines)
		fprintf(stderr, ", %ld record%s", p->records,
		    p->records == 1 ? "" : "s");
	fputs(p->tty ? "\033[K" : "\n", stderr);
	p->shown = 1;
}

/*
 * The clock is read every `every` calls, and `every` adapts so that a
 * look comes every few milliseconds: many small records or few large
 * ones, an update is never much later than its second.
 */
static void
tick(struct progress *p)
{
	struct timespec now;
	double dt;

	p->left = p->every;
	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = since(&p->last, &now);
	p->last = now;
	if (dt > 0.02 && p->every > 1)
		p->every /= 2;
	else if (dt < 0.002 && p->every < 4096)
		p->every *= 2;
	if (since(&p->due, &now) >= 0) {
		show(p);
		p->due = now;
		p->due.tv_sec += 1;
	}
}

void
progress_update(struct progress *p)
{
	p->lines++;
	if (p->on && --p->left <= 0)
		tick(p);
}

void
progress_record(void)
{
	if (current == NULL)
		return;
	current->records++;
	if (current->on && --current->left <= 0)
		tick(current);
}

void
progress_done(struct progress *p)
{
	if (p->shown && p->tty)
		fputs("\r\033[K", stderr);
	p->shown = 0;
	if (current == p)
		current = NULL;
}
