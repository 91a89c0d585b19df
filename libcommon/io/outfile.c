#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/err.h"
#include "io/outfile.h"

/*
 * The one pending output of the process, so that an exit on bad data
 * removes the temporary file instead of leaving it beside the target.
 */
static struct {
	char	 tmp[PATH_MAX];
	char	 final[PATH_MAX];
	int	 active;
} pending;

static void
remove_pending(void)
{
	if (pending.active)
		unlink(pending.tmp);
	pending.active = 0;
}

FILE *
outfile_open(const char *path)
{
	struct stat st;
	mode_t mask;
	FILE *fp;
	int fd;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	/* /dev/null, a FIFO, a terminal: a rename would replace the node. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if ((fp = fopen(path, "w")) == NULL)
			err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
		snprintf(pending.final, sizeof(pending.final), "%s", path);
		return fp;
	}
	if (snprintf(pending.tmp, sizeof(pending.tmp), "%s.XXXXXX", path) >=
	    (int)sizeof(pending.tmp))
		err_die(EXIT_DATA, "%s: path too long", path);
	snprintf(pending.final, sizeof(pending.final), "%s", path);
	if ((fd = mkstemp(pending.tmp)) < 0)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	mask = umask(0);
	umask(mask);
	fchmod(fd, 0666 & ~mask);
	if ((fp = fdopen(fd, "w")) == NULL) {
		unlink(pending.tmp);
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	}
	pending.active = 1;
	atexit(remove_pending);
	return fp;
}

void
outfile_close(FILE *fp)
{
	const char *name = fp == stdout ? "standard output" : pending.final;
	int bad;

	bad = fflush(fp) != 0 || ferror(fp);
	if (fp != stdout)
		bad |= fclose(fp) != 0;
	if (bad)
		err_die(EXIT_DATA, "%s: write error: %s", name,
		    strerror(errno));
	if (fp != stdout && pending.active) {
		if (rename(pending.tmp, pending.final) < 0)
			err_die(EXIT_DATA, "%s: %s", pending.final, strerror(errno));
		pending.active = 0;
	}
}
