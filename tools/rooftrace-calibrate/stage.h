/*
 * The stage programs (trace-parse, batchify, roofline-eval, fit-penalty,
 * trace-replay): found next to the driver's own executable, else in PATH;
 * run one at a time with fork and exec, their standard streams redirected
 * to files of the driver's private directory.  SIGINT, SIGTERM, SIGHUP
 * and SIGPIPE sent to the driver are forwarded to the running stage; once it has
 * ended, the driver cleans up and dies of the same signal.
 */
#ifndef CAL_STAGE_H
#define CAL_STAGE_H

#include <limits.h>

enum { STAGE_NOT_RUN = -1 };

/* Where the stages are looked for first: the directory of argv0. */
void stage_init(const char *argv0);
/* Full path of prog into buf, or exit 1 saying where it was looked for. */
void stage_find(const char *prog, char *buf, size_t sz);

/*
 * From now on the signals are caught and forwarded; cleanup runs before
 * the driver dies of one.  Call after outfile_open: its handler (which
 * removes a pending output) is the one the driver dies through.
 */
void stage_catch_signals(void (*cleanup)(void));

/* An argument vector under construction. */
enum { STAGE_MAXARGS = 96 };
struct stage_argv {
	char	*v[STAGE_MAXARGS + 1];
	int	 n;
	const char *dir;	/* run in this directory; NULL: ours */
};

void stage_argv_init(struct stage_argv *a, const char *prog);
/* Append the words (a NULL ends them); exits 1 past STAGE_MAXARGS. */
void stage_argv_add(struct stage_argv *a, ...);

/*
 * Between stages: when the driver was sent a signal, clean up and die of
 * it now (the driver's own long loops call it now and then).
 */
void stage_poll(void);

/*
 * Run a->v[0] (a full path) with a->v.  in: standard input from this file
 * (NULL: the driver's own); out, err: standard output and error to these
 * files (NULL: the driver's own).  Returns the exit status, 128 + N when
 * the stage died of signal N, or STAGE_NOT_RUN when it could not start.
 * Does not return when the driver was sent a signal meanwhile.
 */
int stage_run(const struct stage_argv *a, const char *in, const char *out,
    const char *err);

/* Does prog (a full path) list option opt ("--kind") in its --help? */
int stage_has_option(const char *prog, const char *opt);
/* The same in what "prog args..." prints (args ends with a NULL). */
int stage_help_lists(const char *prog, const char *const *args,
    const char *opt);

#endif
