#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "cal.h"

void
cal_file(const struct cal *c, char *buf, size_t sz, const char *name)
{
	err_snprintf(buf, sz, "%s/%s", c->tmp, name);
}

void
cal_argv(const struct cal *c, struct stage_argv *a, enum cal_prog p)
{
	stage_argv_init(a, c->prog[p]);
	if (c->o.quiet)
		stage_argv_add(a, "-q", (char *)NULL);
}

const char *
cal_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s != NULL ? s + 1 : path;
}

int
cal_run(struct cal *c, struct stage_argv *a, const char *in,
    const char *out, const char *err)
{
	const char *name = cal_name(a->v[0]);
	int st;

	/* The stage's own progress, when it has one, writes over this. */
	if (c->show)
		fprintf(stderr, "\r\033[K%s: running %s", err_prog(), name);
	st = stage_run(a, in, out, err);
	if (c->show)
		fprintf(stderr, "\r\033[K");
	if (st == STAGE_NOT_RUN)
		err_warn("%s: could not be run", a->v[0]);
	return st;
}

void
cal_must(struct cal *c, struct stage_argv *a, const char *in,
    const char *out)
{
	int st = cal_run(c, a, in, out, NULL);

	if (st != 0)
		err_die(EXIT_DATA, "%s failed (exit %d); stopped",
		    cal_name(a->v[0]), st);
}

int
cal_fit_lists(const struct cal *c, const char *opt)
{
	/* The request fit's help: what fit-penalty --requests takes. */
	static const char *const args[] = { "--requests", "/dev/null",
	    "--help", NULL };

	return stage_help_lists(c->prog[P_FIT], args, opt);
}
