#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/err.h"
#include "io/progress.h"

void
progress_start(struct progress *p, FILE *fp, const char *name, int quiet)
{
	struct stat st;

	p->fp = fp;
	p->name = name;
	p->tick = 0;
	p->shown = 0;
	p->on = !quiet && isatty(STDERR_FILENO) &&
	    fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0;
	p->size = p->on ? st.st_size : 0;
}

void
progress_update(struct progress *p)
{
	off_t at;

	/* Every 64Ki records: cheap enough to leave in the hot loop. */
	if (!p->on || (++p->tick & 0xffff) != 0)
		return;
	if ((at = ftello(p->fp)) < 0)
		return;
	fprintf(stderr, "\r%s: %s: %3d%%", err_prog(), p->name,
	    (int)(100.0 * (double)at / (double)p->size));
	p->shown = 1;
}

void
progress_done(struct progress *p)
{
	if (p->shown)
		fprintf(stderr, "\r\033[K");
	p->shown = 0;
}
