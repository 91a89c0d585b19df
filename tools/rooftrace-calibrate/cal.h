/*
 * The driver's state, shared by its steps: the options, where the stage
 * programs are and what they can do, the private directory, and running a
 * stage with its name on the progress line.
 */
#ifndef CAL_CAL_H
#define CAL_CAL_H

#include <limits.h>
#include <stddef.h>

#include "opts.h"
#include "stage.h"

enum cal_prog { P_PARSE, P_BATCHIFY, P_EVAL, P_FIT, P_REPLAY, NPROG };

struct cal {
	struct cal_opts o;
	char	 prog[NPROG][PATH_MAX];
	char	 tmp[PATH_MAX];		/* private directory; "" before */
	char	 tp[24];		/* -t as the stages are given it */
	int	 parse_kind;		/* trace-parse --kind */
	int	 fit_requests;		/* fit-penalty --requests */
	int	 show;			/* progress line on standard error */
};

/* A file of the private directory: buf = tmp/name. */
void cal_file(const struct cal *c, char *buf, size_t sz, const char *name);

/* argv of stage p, with -q when quiet. */
void cal_argv(const struct cal *c, struct stage_argv *a, enum cal_prog p);

/*
 * Run a stage, its name on the progress line meanwhile.  Returns the
 * stage's exit status (STAGE_NOT_RUN said as a message here).
 */
int cal_run(struct cal *c, struct stage_argv *a, const char *in,
    const char *out, const char *err);
/* cal_run, and on failure "PROG failed (exit N); stopped", exit 1. */
void cal_must(struct cal *c, struct stage_argv *a, const char *in,
    const char *out);

/* Does fit-penalty's request fit list opt (its --requests help)? */
int cal_fit_lists(const struct cal *c, const char *opt);

/* The stage's name: the last part of argv[0]. */
const char *cal_name(const char *path);

#endif
