#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/err.h"
#include "stage.h"

/* SIGPIPE too: a reader of the report that went away ends the run. */
static const int stage_sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
enum { NSIGS = sizeof(stage_sigs) / sizeof(stage_sigs[0]) };

static char own_dir[PATH_MAX];
static volatile sig_atomic_t got_sig;
static volatile sig_atomic_t child_pid;
static struct sigaction saved[NSIGS];
static int caught[NSIGS];
static void (*at_signal)(void);

static int
stage_executable(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
	    access(path, X_OK) == 0;
}

/* The folder of PATH's first executable prog, into dir; 0 or -1. */
static int
stage_path_dir(const char *prog, char *dir, size_t sz)
{
	const char *path = getenv("PATH"), *p, *colon;
	char buf[PATH_MAX];
	size_t n;

	if (path == NULL)
		return -1;
	for (p = path; ; p = colon + 1) {
		colon = strchr(p, ':');
		n = colon != NULL ? (size_t)(colon - p) : strlen(p);
		err_snprintf(dir, sz, "%.*s", (int)(n > 0 ? n : 1),
		    n > 0 ? p : ".");
		err_snprintf(buf, sizeof(buf), "%s/%s", dir, prog);
		if (stage_executable(buf))
			return 0;
		if (colon == NULL)
			return -1;
	}
}

/*
 * The driver's own folder, as a shell would see it: argv0's folder, or
 * where PATH found it; the executable's real place as a last resort.
 */
void
stage_init(const char *argv0)
{
	char exe[PATH_MAX];
	const char *slash;
	ssize_t n;

	own_dir[0] = '\0';
	if (argv0 != NULL && (slash = strrchr(argv0, '/')) != NULL) {
		/*
		 * Made absolute (not resolved: links stay as laid out), since
		 * some stages run in a folder of their own.
		 */
		if (argv0[0] != '/' && getcwd(exe, sizeof(exe)) != NULL)
			err_snprintf(own_dir, sizeof(own_dir), "%s/%.*s", exe,
			    (int)(slash - argv0), argv0);
		else
			err_snprintf(own_dir, sizeof(own_dir), "%.*s",
			    (int)(slash - argv0), argv0);
		if (own_dir[0] == '\0')
			err_snprintf(own_dir, sizeof(own_dir), "/");
		return;
	}
	if (argv0 != NULL && stage_path_dir(argv0, own_dir,
	    sizeof(own_dir)) == 0)
		return;
	own_dir[0] = '\0';
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return;
	exe[n] = '\0';
	if ((slash = strrchr(exe, '/')) != NULL)
		err_snprintf(own_dir, sizeof(own_dir), "%.*s",
		    (int)(slash - exe), exe);
}

void
stage_find(const char *prog, char *buf, size_t sz)
{
	char dir[PATH_MAX];

	if (own_dir[0] != '\0') {
		err_snprintf(buf, sz, "%s/%s", own_dir, prog);
		if (stage_executable(buf))
			return;
	}
	if (stage_path_dir(prog, dir, sizeof(dir)) == 0) {
		err_snprintf(buf, sz, "%s/%s", dir, prog);
		return;
	}
	err_die(EXIT_DATA, "cannot find %s next to %s (%s) or in PATH",
	    prog, err_prog(), own_dir[0] != '\0' ? own_dir : "unknown");
}

/* Async-signal-safe: note the signal, pass it on to the stage. */
static void
stage_on_signal(int sig)
{
	got_sig = sig;
	if (child_pid > 0)
		kill((pid_t)child_pid, sig);
}

void
stage_catch_signals(void (*cleanup)(void))
{
	struct sigaction sa;
	int k;

	at_signal = cleanup;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = stage_on_signal;
	sigemptyset(&sa.sa_mask);
	for (k = 0; k < NSIGS; k++)
		sigaddset(&sa.sa_mask, stage_sigs[k]);
	for (k = 0; k < NSIGS; k++) {
		/* A signal ignored when we started stays ignored. */
		if (sigaction(stage_sigs[k], NULL, &saved[k]) < 0 ||
		    saved[k].sa_handler == SIG_IGN)
			continue;
		sigaction(stage_sigs[k], &sa, NULL);
		caught[k] = 1;
	}
}

static void
stage_block(sigset_t *old)
{
	sigset_t set;
	int k;

	sigemptyset(&set);
	for (k = 0; k < NSIGS; k++)
		sigaddset(&set, stage_sigs[k]);
	sigprocmask(SIG_BLOCK, &set, old);
}

/*
 * Clean up, then die of the signal through the handler that was there
 * before ours (the output writer's removes its temporary file and
 * re-raises), so that the exit status is the signal's.
 */
static _Noreturn void
stage_die(void)
{
	sigset_t none;
	int sig = got_sig, k;

	if (at_signal != NULL)
		at_signal();
	for (k = 0; k < NSIGS; k++)
		if (caught[k])
			sigaction(stage_sigs[k], &saved[k], NULL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	kill(getpid(), sig);
	/* Only if that handler returned: the default action, then exit. */
	signal(sig, SIG_DFL);
	kill(getpid(), sig);
	_exit(128 + sig);
}

void
stage_poll(void)
{
	if (got_sig)
		stage_die();
}

static int
stage_redirect(const char *path, int fd, int flags)
{
	int f;

	if (path == NULL)
		return 0;
	if ((f = open(path, flags, 0600)) < 0)
		return -1;
	if (f != fd) {
		if (dup2(f, fd) < 0)
			return -1;
		close(f);
	}
	return 0;
}

/* In the child: signals as the driver found them, streams, exec. */
static _Noreturn void
stage_child(const struct stage_argv *a, const char *in, const char *out,
    const char *err, const sigset_t *mask)
{
	int k;

	for (k = 0; k < NSIGS; k++)
		if (caught[k])
			sigaction(stage_sigs[k], &saved[k], NULL);
	/* The output writer's handler is not ours to run in the stage. */
	for (k = 0; k < NSIGS; k++)
		if (caught[k] && saved[k].sa_handler != SIG_DFL)
			signal(stage_sigs[k], SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	if (stage_redirect(in, STDIN_FILENO, O_RDONLY) < 0 ||
	    stage_redirect(out, STDOUT_FILENO, O_WRONLY | O_CREAT | O_TRUNC) < 0 ||
	    stage_redirect(err, STDERR_FILENO, O_WRONLY | O_CREAT | O_TRUNC) < 0)
		_exit(126);
	if (a->dir != NULL && chdir(a->dir) < 0)
		_exit(126);
	execv(a->v[0], a->v);
	_exit(127);
}

int
stage_run(const struct stage_argv *a, const char *in, const char *out,
    const char *err)
{
	sigset_t old;
	pid_t pid;
	int st;

	stage_block(&old);
	if (got_sig)
		stage_die();
	if ((pid = fork()) < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		return STAGE_NOT_RUN;
	}
	if (pid == 0)
		stage_child(a, in, out, err, &old);
	child_pid = pid;
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			child_pid = 0;
			return STAGE_NOT_RUN;
		}
	child_pid = 0;
	if (got_sig)
		stage_die();
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	if (WIFEXITED(st)) {
		if (WEXITSTATUS(st) == 127 || WEXITSTATUS(st) == 126)
			return STAGE_NOT_RUN;
		return WEXITSTATUS(st);
	}
	return STAGE_NOT_RUN;
}

/* An option as --help lists it: the name, then a blank, '=' or ','. */
static int
stage_lists(const char *text, const char *opt)
{
	const char *p = text;
	size_t n = strlen(opt);

	while ((p = strstr(p, opt)) != NULL) {
		if ((p == text || p[-1] == ' ' || p[-1] == '[' ||
		    p[-1] == '\t') && (p[n] == ' ' || p[n] == '=' ||
		    p[n] == ',' || p[n] == '\n' || p[n] == ']' ||
		    p[n] == '\0'))
			return 1;
		p += n;
	}
	return 0;
}

/* The help texts asked for so far, by the command that printed them. */
enum { HELP_CACHE = 4, HELP_MAX = 32768 };
static struct help {
	char	 key[PATH_MAX + 64];
	char	 text[HELP_MAX];
} helps[HELP_CACHE];
static int nhelps;

/* What prog args... prints on standard output (its errors dropped). */
static void
stage_capture(char *const argv[], char *text, size_t sz)
{
	int fds[2], st, null;
	size_t len = 0;
	ssize_t got;
	pid_t pid;

	text[0] = '\0';
	if (pipe(fds) < 0)
		return;
	if ((pid = fork()) < 0) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		close(fds[0]);
		close(fds[1]);
		if ((null = open("/dev/null", O_RDWR)) >= 0) {
			dup2(null, STDERR_FILENO);
			dup2(null, STDIN_FILENO);
		}
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	while (len < sz - 1 && ((got = read(fds[0], text + len,
	    sz - 1 - len)) > 0 || (got < 0 && errno == EINTR)))
		if (got > 0)
			len += (size_t)got;
	text[len] = '\0';
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
}

int
stage_help_lists(const char *prog, const char *const *args, const char *opt)
{
	char key[PATH_MAX + 64];
	struct stage_argv a;
	struct help *h;
	int i;

	stage_argv_init(&a, prog);
	err_snprintf(key, sizeof(key), "%s", prog);
	for (i = 0; args[i] != NULL; i++) {
		stage_argv_add(&a, args[i], (char *)NULL);
		err_snprintf(key + strlen(key), sizeof(key) - strlen(key),
		    " %s", args[i]);
	}
	for (i = 0; i < nhelps; i++)
		if (strcmp(helps[i].key, key) == 0)
			return stage_lists(helps[i].text, opt);
	h = &helps[nhelps < HELP_CACHE ? nhelps++ : HELP_CACHE - 1];
	err_snprintf(h->key, sizeof(h->key), "%s", key);
	stage_capture(a.v, h->text, sizeof(h->text));
	return stage_lists(h->text, opt);
}

int
stage_has_option(const char *prog, const char *opt)
{
	static const char *const help[] = { "--help", NULL };

	return stage_help_lists(prog, help, opt);
}

void
stage_argv_init(struct stage_argv *a, const char *prog)
{
	a->n = 0;
	a->v[0] = NULL;
	a->dir = NULL;
	stage_argv_add(a, prog, (char *)NULL);
}

void
stage_argv_add(struct stage_argv *a, ...)
{
	const char *w;
	va_list ap;

	va_start(ap, a);
	while ((w = va_arg(ap, const char *)) != NULL) {
		if (a->n == STAGE_MAXARGS)
			err_die(EXIT_DATA, "internal error: too many arguments");
		a->v[a->n++] = (char *)w;
	}
	va_end(ap);
	a->v[a->n] = NULL;
}
