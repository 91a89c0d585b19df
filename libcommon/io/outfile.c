#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/err.h"
#include "io/outfile.h"

/*
 * The outputs of the process not yet in place.  The signal handler reads
 * tmp and active only: tmp is written before active is set, with the
 * signals blocked, so the handler never sees a half-written name.
 */
struct pending {
	char	 tmp[PATH_MAX];		/* the temporary file */
	char	 final[PATH_MAX];	/* the file it replaces, links followed */
	char	 shown[PATH_MAX];	/* the path as given, for messages */
	FILE	*fp;			/* NULL: slot free */
	volatile sig_atomic_t active;	/* tmp exists and is ours to remove */
	int	 inplace;		/* written in place: no tmp */
	int	 closed;		/* closed, waiting for outfile_commit */
};

static struct pending pend[OUTFILE_MAX];
static int held, installed;

static const int catch_sigs[] = { SIGINT, SIGTERM, SIGHUP };
enum { NSIGS = sizeof(catch_sigs) / sizeof(catch_sigs[0]) };

static void
remove_pending(void)
{
	int i;

	for (i = 0; i < OUTFILE_MAX; i++)
		if (pend[i].active) {
			unlink(pend[i].tmp);
			pend[i].active = 0;
		}
}

/* Async-signal-safe: unlink, then die of the same signal. */
static void
on_signal(int sig)
{
	int i;

	for (i = 0; i < OUTFILE_MAX; i++)
		if (pend[i].active)
			unlink(pend[i].tmp);
	signal(sig, SIG_DFL);
	raise(sig);	/* delivered when the handler returns */
}

static void
block_signals(sigset_t *old)
{
	sigset_t set;
	int k;

	sigemptyset(&set);
	for (k = 0; k < NSIGS; k++)
		sigaddset(&set, catch_sigs[k]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/* Once: cleanup at exit and on a signal (one ignored stays ignored). */
static void
install(void)
{
	struct sigaction sa, old;
	int k;

	if (installed)
		return;
	installed = 1;
	atexit(remove_pending);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	for (k = 0; k < NSIGS; k++)
		sigaddset(&sa.sa_mask, catch_sigs[k]);
	for (k = 0; k < NSIGS; k++) {
		if (sigaction(catch_sigs[k], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		sigaction(catch_sigs[k], &sa, NULL);
	}
}

static void
copy_path(char *dst, const char *src, const char *shown)
{
	if (snprintf(dst, PATH_MAX, "%s", src) >= PATH_MAX)
		err_die(EXIT_DATA, "%s: path too long", shown);
}

/*
 * Follow symbolic links from path, as open(2) would, to the file that
 * is to be replaced (it may not exist yet: a dangling link is followed
 * too).  A relative link is read from the link's folder.
 */
static void
resolve(const char *path, char *out)
{
	char link[PATH_MAX], next[PATH_MAX];
	const char *slash;
	struct stat st;
	int hops;

	copy_path(out, path, path);
	for (hops = 0; hops < 40; hops++) {
		if (lstat(out, &st) < 0 || !S_ISLNK(st.st_mode))
			return;
		/* Zeroed first: readlink does not terminate the name. */
		memset(link, 0, sizeof(link));
		if (readlink(out, link, sizeof(link) - 1) < 0)
			err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
		slash = strrchr(out, '/');
		if (link[0] == '/' || slash == NULL)
			copy_path(next, link, path);
		else if (snprintf(next, sizeof(next), "%.*s/%s",
		    (int)(slash - out), out, link) >= (int)sizeof(next))
			err_die(EXIT_DATA, "%s: path too long", path);
		memcpy(out, next, sizeof(next));
	}
	err_die(EXIT_DATA, "%s: %s", path, strerror(ELOOP));
}

static struct pending *
slot_new(const char *path)
{
	int i;

	for (i = 0; i < OUTFILE_MAX; i++)
		if (pend[i].fp == NULL && !pend[i].active)
			break;
	if (i == OUTFILE_MAX)
		err_die(EXIT_DATA, "%s: too many outputs at once", path);
	memset(&pend[i], 0, sizeof(pend[i]));
	copy_path(pend[i].shown, path, path);
	return &pend[i];
}

static struct pending *
slot_of(FILE *fp)
{
	int i;

	for (i = 0; i < OUTFILE_MAX; i++)
		if (pend[i].fp == fp)
			return &pend[i];
	return NULL;
}

FILE *
outfile_open(const char *path)
{
	struct pending *p;
	struct stat st;
	sigset_t old;
	mode_t mode;
	int fd, saved;

	if (path == NULL || strcmp(path, "-") == 0)
		return stdout;
	p = slot_new(path);
	resolve(path, p->final);
	if (stat(p->final, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/null, a FIFO, a terminal: a rename would replace it. */
		if ((p->fp = fopen(p->final, "w")) == NULL)
			err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
		p->inplace = 1;
		return p->fp;
	}
	if (stat(p->final, &st) == 0) {
		/*
		 * A file nobody may write is one the user protected: root's
		 * rename would replace it anyway, so it is refused here.
		 */
		if ((st.st_mode & 0222) == 0)
			err_die(EXIT_DATA, "%s: is read-only (mode %04o); "
			    "not replaced", path, (unsigned)(st.st_mode & 07777));
		mode = st.st_mode & 07777;
	} else {
		mode = umask(0);
		umask(mode);
		mode = 0666 & ~mode;
	}
	if (strlen(p->final) + sizeof(".XXXXXX") > sizeof(p->tmp))
		err_die(EXIT_DATA, "%s: path too long", path);
	memcpy(p->tmp, p->final, strlen(p->final));
	memcpy(p->tmp + strlen(p->final), ".XXXXXX", sizeof(".XXXXXX"));
	install();
	block_signals(&old);
	fd = mkstemp(p->tmp);
	saved = errno;
	if (fd >= 0)
		p->active = 1;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0)
		err_die(EXIT_DATA, "%s: %s", path, strerror(saved));
	if (fchmod(fd, mode) < 0 || (p->fp = fdopen(fd, "w")) == NULL)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	return p->fp;
}

void
outfile_refuse_inputs(const char *path, char *const *inputs, int n)
{
	struct stat out, in;
	int i;

	if (path == NULL || strcmp(path, "-") == 0 || stat(path, &out) < 0)
		return;
	for (i = 0; i < n; i++)
		if (strcmp(inputs[i], "-") != 0 && stat(inputs[i], &in) == 0 &&
		    in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
			if (strcmp(path, inputs[i]) == 0)
				err_die(EXIT_USAGE, "%s: is also an input; "
				    "not replaced", path);
			err_die(EXIT_USAGE, "%s: is the same file as the "
			    "input %s; not replaced", path, inputs[i]);
		}
}

static void
rename_into_place(struct pending *p)
{
	if (rename(p->tmp, p->final) < 0)
		err_die(EXIT_DATA, "%s: %s", p->shown, strerror(errno));
	p->active = 0;
	p->closed = 0;
}

void
outfile_close(FILE *fp)
{
	struct pending *p = fp == stdout ? NULL : slot_of(fp);
	const char *name = p != NULL ? p->shown : "standard output";
	int bad;

	bad = fflush(fp) != 0 || ferror(fp);
	if (p != NULL && !bad && !p->inplace)
		bad = fsync(fileno(fp)) != 0;
	if (fp != stdout) {
		bad |= fclose(fp) != 0;
		if (p != NULL)
			p->fp = NULL;
	}
	if (bad)
		err_die(EXIT_DATA, "%s: write error: %s", name,
		    strerror(errno));
	if (p == NULL || p->inplace)
		return;
	p->closed = 1;
	if (!held)
		rename_into_place(p);
}

void
outfile_hold(void)
{
	held = 1;
}

void
outfile_commit(void)
{
	int i;

	for (i = 0; i < OUTFILE_MAX; i++)
		if (pend[i].fp != NULL && !pend[i].inplace)
			err_die(EXIT_DATA, "internal error: %s: committed "
			    "before it was closed", pend[i].shown);
	for (i = 0; i < OUTFILE_MAX; i++)
		if (pend[i].active && pend[i].closed)
			rename_into_place(&pend[i]);
	held = 0;
}
