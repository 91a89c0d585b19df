/*
 * rooftrace-calibrate: one command from a run's traces to a calibrated
 * hardware entry.  Every option, the model, the GPU and the output are
 * checked before any stage runs.  Then each trace becomes records
 * (trace-parse), the steps are rebuilt (batchify), split in time (the
 * last part held out), predicted (roofline-eval), the entry fitted on the
 * first part (fit-penalty), written, and scored on the held-out steps and
 * requests (roofline-eval, trace-replay): the verdict says what those
 * errors earned.  The stages run from a private directory that is removed
 * whatever happens; a signal is passed on to the running stage.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/err.h"
#include "io/outfile.h"
#include "model/roofline.h"
#include "cal.h"
#include "flow.h"
#include "scan.h"
#include "sources.h"

static const char *const prog_names[NPROG] = {
	"trace-parse", "batchify", "roofline-eval", "fit-penalty",
	"trace-replay"
};

static struct cal cal;

/* Remove dir and what it holds (the private directory is two deep). */
static void
remove_dir(const char *dir, int depth)
{
	char path[PATH_MAX + 300];
	struct dirent *d;
	DIR *dp;

	if ((dp = opendir(dir)) != NULL) {
		while ((d = readdir(dp)) != NULL) {
			if (strcmp(d->d_name, ".") == 0 ||
			    strcmp(d->d_name, "..") == 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, d->d_name);
			if (unlink(path) < 0 && depth > 0)
				remove_dir(path, depth - 1);
		}
		closedir(dp);
	}
	rmdir(dir);
}

/* The private directory goes, whatever happened (after a signal too). */
static void
remove_tmp(void)
{
	if (cal.tmp[0] == '\0')
		return;
	remove_dir(cal.tmp, 1);
	cal.tmp[0] = '\0';
}

static void
make_tmp(void)
{
	const char *base = getenv("TMPDIR");

	if (base == NULL || *base == '\0')
		base = "/tmp";
	err_snprintf(cal.tmp, sizeof(cal.tmp), "%s/rooftrace-calibrate.XXXXXX",
	    base);
	if (mkdtemp(cal.tmp) == NULL) {
		cal.tmp[0] = '\0';
		err_die(EXIT_DATA, "cannot make a private directory in %s: %s",
		    base, strerror(errno));
	}
	atexit(remove_tmp);
}

static void
check_readable(const char *path, const char *what)
{
	struct stat st;

	if (strcmp(path, "-") == 0)
		return;
	if (stat(path, &st) < 0 || access(path, R_OK) < 0)
		err_die(EXIT_DATA, "%s: cannot read the %s: %s", path, what,
		    strerror(errno));
	if (S_ISDIR(st.st_mode))
		err_die(EXIT_DATA, "%s: cannot read the %s: %s", path, what,
		    strerror(EISDIR));
}

static void
check_inputs(void)
{
	const struct cal_opts *o = &cal.o;
	int i, stdin_uses = 0;

	for (i = 0; i < o->ntraces; i++) {
		check_readable(o->traces[i], "trace");
		stdin_uses += strcmp(o->traces[i], "-") == 0;
	}
	if (o->requests != NULL) {
		check_readable(o->requests, "request records");
		stdin_uses += strcmp(o->requests, "-") == 0;
	}
	if (stdin_uses + (o->ntraces == 0) > 1)
		err_usage("standard input can be read once only");
	/*
	 * -o onto a trace or the requests would replace what the run is read
	 * from; onto the starting hardware config it edits it, as fit-penalty
	 * does, and is allowed.
	 */
	outfile_refuse_inputs(o->output, o->traces, o->ntraces);
	if (o->requests != NULL)
		outfile_refuse_inputs(o->output, (char *const *)&o->requests, 1);
}

/* What the stages can do, asked of them; a replay option they lack is
 * a usage error now, not after the fit. */
static void
probe(void)
{
	int i;

	cal.parse_kind = stage_has_option(cal.prog[P_PARSE], "--kind");
	cal.fit_requests = cal_fit_lists(&cal, "--requests");
	if (cal.o.requests_only && !cal.fit_requests)
		err_usage("--fit-requests-only: this fit-penalty (%s) cannot fit "
		    "requests (it has no --requests)", cal.prog[P_FIT]);
	for (i = 0; i < cal.o.nreplay; i++)
		if (!stage_has_option(cal.prog[P_REPLAY], cal.o.replay[i].name))
			err_usage("%s: this trace-replay (%s) does not take it",
			    cal.o.replay[i].name, cal.prog[P_REPLAY]);
}

/*
 * The replay's options and values, checked by trace-replay itself on no
 * input, so that a bad one stops the driver before the long stages.
 */
static void
check_replay_options(void)
{
	struct stage_argv a;
	int st;

	if (cal.o.nreplay == 0)
		return;
	flow_replay_argv(&cal, &a, NULL);
	stage_argv_add(&a, "--summary", "/dev/null", (char *)NULL);
	st = stage_run(&a, "/dev/null", "/dev/null", "/dev/null");
	if (st == 0)
		return;
	/* Again, to show its message. */
	stage_run(&a, "/dev/null", "/dev/null", NULL);
	if (st == EXIT_USAGE)
		exit(EXIT_USAGE);
	err_die(EXIT_DATA, "trace-replay refused the replay options "
	    "(exit %d)", st);
}

static void
check_options(void)
{
	struct roofline rl;
	int i;

	if (cal.o.rl.model == NULL)
		err_usage("-m MODEL is required (see --help)");
	if (cal.o.rl.hardware == NULL)
		err_usage("-g GPU is required (see --help)");
	/* The model, the GPU entry and the TP, as roofline-eval takes them. */
	rlopts_build(&cal.o.rl, &rl);
	snprintf(cal.tp, sizeof(cal.tp), "%lld", (long long)cal.o.rl.tp);
	check_inputs();
	for (i = 0; i < NPROG; i++)
		stage_find(prog_names[i], cal.prog[i], sizeof(cal.prog[i]));
	probe();
	check_replay_options();
}

int
main(int argc, char *argv[])
{
	FILE *out;
	int st;

	err_setprog(argv[0]);
	stage_init(argv[0]);
	opts_parse(&cal.o, argc, argv);
	if (rlopts_list(&cal.o.rl, stdout))
		return 0;
	check_options();
	out = outfile_open(cal.o.output);
	cal.show = !cal.o.quiet && isatty(STDERR_FILENO);
	scan_progress(!cal.o.quiet);
	make_tmp();
	stage_catch_signals(remove_tmp);
	st = flow_run(&cal, out);
	remove_tmp();
	return st;
}
