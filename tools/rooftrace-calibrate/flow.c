#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/err.h"
#include "io/outfile.h"
#include "flow.h"
#include "score.h"
#include "sources.h"
#include "verdict.h"

struct flow {
	struct source *src;		/* the traces */
	int	 nsrc;
	struct source req;		/* --requests */
	char	 requests[PATH_MAX];	/* the request records; "" none */
	const char *req_name;		/* where they came from, for the fit */
	int	 latencies;		/* they hold measured latencies */
	char	 steps[PATH_MAX];	/* the step records; "" none */
	long	 timed;			/* of them measured */
	char	 hw[PATH_MAX];		/* the fitted hardware_config.json */
	struct split ssplit, rsplit;
	struct verdict_in v;
	int	 replay_failed;
};

/* A file of the private directory, opened or the driver stops. */
static FILE *
flow_open(const char *path, const char *mode)
{
	FILE *fp = fopen(path, mode);

	if (fp == NULL)
		err_die(EXIT_DATA, "cannot open a file of the private "
		    "directory: %s", strerror(errno));
	return fp;
}

static void
flow_concat(const char *to, const char *from, int append)
{
	char buf[65536];
	FILE *in, *out;
	size_t n;

	in = flow_open(from, "r");
	out = flow_open(to, append ? "a" : "w");
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			err_die(EXIT_DATA, "cannot copy records: %s",
			    strerror(errno));
	if (ferror(in) || fclose(out) != 0)
		err_die(EXIT_DATA, "cannot copy records: %s", strerror(errno));
	fclose(in);
}

/* A file of the private directory onto standard error (the report). */
static void
flow_print(const char *path)
{
	char buf[65536];
	FILE *in;
	size_t n;

	if ((in = fopen(path, "r")) == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, stderr);
	fclose(in);
}

/*
 * The options of p that prog takes (prog NULL: all of them); fit: as
 * the request fit lists them.
 */
static void
flow_add_pass(struct stage_argv *a, const struct opts_pass *p, int n,
    const char *prog, int fit)
{
	static const char *const reqhelp[] = { "--requests", "/dev/null",
	    "--help", NULL };
	int i;

	for (i = 0; i < n; i++)
		if (prog == NULL || stage_help_lists(prog, fit ? reqhelp :
		    reqhelp + 2, p[i].name))
			stage_argv_add(a, p[i].name, p[i].value, (char *)NULL);
}

static void
flow_model_argv(const struct cal *c, struct stage_argv *a, const char *hw)
{
	stage_argv_add(a, "-m", c->o.rl.model, "-g", c->o.rl.hardware,
	    "-t", c->tp, (char *)NULL);
	if (hw == NULL)
		hw = c->o.rl.hwconfig;
	if (hw != NULL)
		stage_argv_add(a, "--hardware-config", hw, (char *)NULL);
}

void
flow_replay_argv(const struct cal *c, struct stage_argv *a, const char *hw)
{
	cal_argv(c, a, P_REPLAY);
	flow_model_argv(c, a, hw);
	flow_add_pass(a, c->o.sched, c->o.nsched, NULL, 0);
	flow_add_pass(a, c->o.replay, c->o.nreplay, NULL, 0);
}

/* The traces, and the requests, into records; what each told. */
static void
flow_sources(struct cal *c, struct flow *f)
{
	static char *const stdin_only[] = { "-" };
	char *const *names = c->o.ntraces > 0 ? c->o.traces : stdin_only;
	long records = 0;
	int i;

	f->nsrc = c->o.ntraces > 0 ? c->o.ntraces : 1;
	f->src = err_malloc((size_t)f->nsrc * sizeof(f->src[0]));
	for (i = 0; i < f->nsrc; i++) {
		sources_read(c, names[i], i, c->o.from, &f->src[i]);
		sources_say(&f->src[i]);
		records += f->src[i].sc.records;
	}
	if (records == 0)
		err_die(EXIT_DATA, "the traces hold no records");
	if (c->o.requests == NULL)
		return;
	sources_read(c, c->o.requests, f->nsrc, NULL, &f->req);
	sources_say(&f->req);
	if (f->req.sc.step)
		err_die(EXIT_DATA, "%s: holds %s, not requests (give it as a "
		    "trace)", c->o.requests, scan_kind_names[f->req.kind]);
}

/* The requests: --requests, else the traces that are requests. */
static void
flow_requests(struct cal *c, struct flow *f)
{
	int i, n = 0;

	if (c->o.requests != NULL) {
		f->req_name = c->o.requests;
		err_snprintf(f->requests, sizeof(f->requests), "%s",
		    f->req.records);
		f->latencies = f->req.sc.timed > 0;
		return;
	}
	cal_file(c, f->requests, sizeof(f->requests), "requests");
	for (i = 0; i < f->nsrc; i++)
		if (!f->src[i].sc.step && f->src[i].sc.records > 0) {
			if (n == 0)
				f->req_name = f->src[i].name;
			flow_concat(f->requests, f->src[i].records, n++ > 0);
			f->latencies |= f->src[i].sc.timed > 0;
		}
	if (n == 0)
		f->requests[0] = '\0';
}

/* One trace's steps: as they are, expanded, or rebuilt from token times. */
static int
flow_steps_of(struct cal *c, struct flow *f, const struct source *s,
    const char *out)
{
	char part[PATH_MAX];
	struct stage_argv a;

	if (s->sc.records == 0)
		return 0;
	if (s->kind == KIND_STEPS && s->sc.composed == s->sc.records) {
		flow_concat(out, s->records, 1);
		return 1;
	}
	if (!scan_kind_is_step(s->kind) && s->kind != KIND_TOKEN_TIMES)
		return 0;
	/* Expand passes the steps that have a composition through. */
	cal_argv(c, &a, P_BATCHIFY);
	stage_argv_add(&a, "--mode", s->sc.step ? "expand" : "timestamps",
	    (char *)NULL);
	flow_add_pass(&a, c->o.sched, c->o.nsched, NULL, 0);
	if (s->sc.step && f->requests[0] != '\0')
		stage_argv_add(&a, "--requests", f->requests, (char *)NULL);
	stage_argv_add(&a, "-", (char *)NULL);
	cal_file(c, part, sizeof(part), "steps-part");
	cal_must(c, &a, s->records, part);
	flow_concat(out, part, 1);
	return 1;
}

static void
flow_steps(struct cal *c, struct flow *f)
{
	char fit[PATH_MAX], held[PATH_MAX];
	struct scan sc;
	int i, any = 0;

	cal_file(c, f->steps, sizeof(f->steps), "steps");
	flow_concat(f->steps, "/dev/null", 0);
	for (i = 0; i < f->nsrc; i++)
		any |= flow_steps_of(c, f, &f->src[i], f->steps);
	if (!any) {
		f->steps[0] = '\0';
		return;
	}
	scan_file(&sc, f->steps, 1);
	f->timed = sc.timed;
	if (f->timed > 0) {
		cal_file(c, fit, sizeof(fit), "steps-fit");
		cal_file(c, held, sizeof(held), "steps-held");
		scan_split(&sc, f->steps, c->o.holdout, fit, held, &f->ssplit);
		f->v.steps = &f->ssplit;
	}
	scan_free(&sc);
}

/* Something to fit, or a message saying why there is not. */
static void
flow_fittable(const struct cal *c, const struct flow *f)
{
	if (c->o.requests_only && !f->latencies)
		err_die(EXIT_DATA, "--fit-requests-only: no request has a "
		    "measured latency: nothing to fit");
	if (f->timed > 0)
		return;
	if (f->latencies && c->fit_requests)
		return;
	if (f->latencies)
		err_die(EXIT_DATA, "the traces hold requests with latencies "
		    "but no measured step, and this fit-penalty cannot fit "
		    "requests (it has no --requests): nothing to fit");
	if (f->steps[0] != '\0')
		err_die(EXIT_DATA, "no step of the traces was measured "
		    "(dur_us): nothing to fit");
	err_die(EXIT_DATA, "the traces are request records without measured "
	    "latencies or token times: no step was measured, nothing to fit");
}

static void
flow_eval(struct cal *c, const char *steps, const char *hw, const char *out)
{
	struct stage_argv a;

	cal_argv(c, &a, P_EVAL);
	flow_model_argv(c, &a, hw);
	stage_argv_add(&a, "-", (char *)NULL);
	cal_must(c, &a, steps, out);
}

/* "the traces a.json, b.json and the requests r.ndjson" */
static char *
flow_source_name(const struct cal *c, const struct flow *f)
{
	static char buf[2048];
	size_t off;
	int i;

	off = (size_t)snprintf(buf, sizeof(buf), "the trace%s",
	    f->nsrc > 1 ? "s" : "");
	for (i = 0; i < f->nsrc && off < sizeof(buf); i++)
		off += (size_t)snprintf(buf + off, sizeof(buf) - off, "%s %s",
		    i ? "," : "", strcmp(f->src[i].name, "-") == 0 ?
		    "standard input" : cal_name(f->src[i].name));
	if (c->o.requests != NULL && off < sizeof(buf))
		snprintf(buf + off, sizeof(buf) - off, " and the requests %s",
		    cal_name(c->o.requests));
	return buf;
}

/* fit-penalty on the steps' eval records alone: the whole entry. */
static void
flow_fit_steps_argv(const struct cal *c, const struct flow *f,
    struct stage_argv *a)
{
	stage_argv_add(a, "-g", c->o.rl.hardware, (char *)NULL);
	if (c->o.rl.hwconfig != NULL)
		stage_argv_add(a, "--hardware-config", c->o.rl.hwconfig,
		    (char *)NULL);
	stage_argv_add(a, "--fit", "b,o,mfu-prefill,mfu-decode,bandwidth",
	    "--loss", c->o.loss, "--summary", "--hardware-config-out", f->hw,
	    (char *)NULL);
	if (c->o.max_iter != NULL)
		stage_argv_add(a, "--max-iter", c->o.max_iter, (char *)NULL);
	if (stage_has_option(c->prog[P_FIT], "--source-name"))
		stage_argv_add(a, "--source-name", flow_source_name(c, f),
		    (char *)NULL);
}

/* path made absolute when it names a file or folder, else as it is. */
static const char *
flow_abs(const char *path, char *buf, size_t sz)
{
	char cwd[PATH_MAX];
	struct stat st;

	if (path[0] == '/' || stat(path, &st) < 0 ||
	    getcwd(cwd, sizeof(cwd)) == NULL)
		return path;
	err_snprintf(buf, sz, "%s/%s", cwd, path);
	return buf;
}

/*
 * The first part of the requests, named as their source is, in a folder
 * of their own: the request fit names its file in the entry's
 * provenance, and that name is the user's, not a temporary path.
 */
static void
flow_fit_dir(const struct cal *c, const struct flow *f, char *dir,
    size_t dsz, char *name, size_t nsz)
{
	const char *src = f->req_name != NULL ? f->req_name : "requests";
	char path[PATH_MAX], fit[PATH_MAX];

	cal_file(c, dir, dsz, "fit");
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		err_die(EXIT_DATA, "cannot make a folder in the private "
		    "directory: %s", strerror(errno));
	err_snprintf(name, nsz, "%s", strcmp(src, "-") == 0 ?
	    "standard-input" : cal_name(src));
	err_snprintf(path, sizeof(path), "%s/%s", dir, name);
	cal_file(c, fit, sizeof(fit), "requests-fit");
	flow_concat(path, fit, 0);
}

/*
 * The request-level fit: the model, the scheduler, the first part's
 * requests, and the steps' eval records from standard input when there
 * are some; it fits its own default set (the entry, the overheads, the
 * hit fraction).  The scheduler options go as they are; a replay option
 * or a fit option it does not list is not given.
 */
static void
flow_fit_requests_argv(const struct cal *c, const struct flow *f,
    struct stage_argv *a, const char *reqfit, int with_steps)
{
	static char model[PATH_MAX], hwcfg[PATH_MAX];

	/* It runs in its own folder: paths given as the user gave them. */
	stage_argv_add(a, "-m", flow_abs(c->o.rl.model, model, sizeof(model)),
	    "-g", c->o.rl.hardware, "-t", c->tp, (char *)NULL);
	if (c->o.rl.hwconfig != NULL)
		stage_argv_add(a, "--hardware-config", flow_abs(c->o.rl.hwconfig,
		    hwcfg, sizeof(hwcfg)), (char *)NULL);
	stage_argv_add(a, "--requests", reqfit, "--summary",
	    "--hardware-config-out", f->hw, (char *)NULL);
	flow_add_pass(a, c->o.sched, c->o.nsched, NULL, 0);
	flow_add_pass(a, c->o.replay, c->o.nreplay, c->prog[P_FIT], 1);
	if (cal_fit_lists(c, "--loss") && strcmp(c->o.loss, "cauchy") != 0)
		stage_argv_add(a, "--loss", c->o.loss, (char *)NULL);
	if (c->o.max_iter != NULL && cal_fit_lists(c, "--max-iter"))
		stage_argv_add(a, "--max-iter", c->o.max_iter, (char *)NULL);
	if (cal_fit_lists(c, "--source-name"))
		stage_argv_add(a, "--source-name", flow_source_name(c, f),
		    (char *)NULL);
	/* With --requests, the steps are read only from files named. */
	if (with_steps)
		stage_argv_add(a, "-", (char *)NULL);
}

static void
flow_fit(struct cal *c, struct flow *f)
{
	char evalf[PATH_MAX], steps[PATH_MAX], summary[PATH_MAX];
	char dir[PATH_MAX], reqfit[PATH_MAX];
	struct stage_argv a;
	int with_steps = f->timed > 0 && !c->o.requests_only, with_req;

	with_req = c->fit_requests && f->latencies;
	cal_file(c, evalf, sizeof(evalf), "eval-fit");
	cal_file(c, summary, sizeof(summary), "summary");
	cal_file(c, f->hw, sizeof(f->hw), "hw.json");
	if (with_steps) {
		cal_file(c, steps, sizeof(steps), "steps-fit");
		flow_eval(c, steps, NULL, evalf);
	}
	cal_argv(c, &a, P_FIT);
	if (with_req) {
		flow_fit_dir(c, f, dir, sizeof(dir), reqfit, sizeof(reqfit));
		flow_fit_requests_argv(c, f, &a, reqfit, with_steps);
		a.dir = dir;
	} else
		flow_fit_steps_argv(c, f, &a);
	cal_must(c, &a, with_steps ? evalf : "/dev/null", summary);
	flow_print(summary);
}

/* The entry, written now: whatever the replay does, it is in place. */
static void
flow_write(const struct flow *f, FILE *out)
{
	char buf[65536];
	FILE *in;
	size_t n;

	in = flow_open(f->hw, "r");
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		if (fwrite(buf, 1, n, out) != n)
			break;
	fclose(in);
	outfile_close(out);
}

static void
flow_held_steps(struct cal *c, struct flow *f)
{
	char held[PATH_MAX], ev[PATH_MAX];

	if (f->v.steps == NULL || f->ssplit.held_counted == 0)
		return;
	cal_file(c, held, sizeof(held), "steps-held");
	cal_file(c, ev, sizeof(ev), "eval-held");
	flow_eval(c, held, NULL, ev);
	score_steps(ev, &f->v.before);
	flow_eval(c, held, f->hw, ev);
	score_steps(ev, &f->v.after);
	f->v.steps_tested = 1;
}

static void
flow_split_requests(struct cal *c, struct flow *f)
{
	char fit[PATH_MAX], held[PATH_MAX], all[PATH_MAX];
	struct scan sc;

	cal_file(c, fit, sizeof(fit), "requests-fit");
	cal_file(c, held, sizeof(held), "requests-held");
	cal_file(c, all, sizeof(all), "requests-all");
	scan_file(&sc, f->requests, 0);
	scan_split(&sc, f->requests, c->o.holdout, fit, held, &f->rsplit);
	scan_free(&sc);
	/* The first part, then the held-out one: the replay skips the first. */
	flow_concat(all, fit, 0);
	flow_concat(all, held, 1);
}

static void
flow_replay(struct cal *c, struct flow *f)
{
	char all[PATH_MAX], rep[PATH_MAX], warm[32], msg[512];
	struct stage_argv a;
	int st;

	f->v.requests_untested = "no request with a measured latency";
	if (!f->latencies)
		return;
	f->v.requests = &f->rsplit;
	if (f->rsplit.held == 0) {
		f->v.requests_untested = c->o.holdout > 0 ?
		    "no request held out" : "--holdout 0";
		return;
	}
	cal_file(c, all, sizeof(all), "requests-all");
	cal_file(c, rep, sizeof(rep), "replay");
	snprintf(warm, sizeof(warm), "%ld", f->rsplit.fit);
	flow_replay_argv(c, &a, f->hw);
	stage_argv_add(&a, "--summary", "--json", "--warmup-requests", warm,
	    "-", (char *)NULL);
	st = cal_run(c, &a, all, rep, NULL);
	if (st != 0) {
		err_warn("trace-replay failed (exit %d): the entry is written, "
		    "request latencies not tested", st);
		f->v.requests_untested = "the replay failed";
		f->replay_failed = 1;
		return;
	}
	if (score_requests(rep, &f->v.req, msg, sizeof(msg)) < 0) {
		err_warn("%s", msg);
		f->v.requests_untested = "the replay's report was not read";
		f->replay_failed = 1;
		return;
	}
	f->v.requests_tested = 1;
}

static void
flow_free(struct flow *f)
{
	int i;

	for (i = 0; i < f->nsrc; i++)
		scan_free(&f->src[i].sc);
	free(f->src);
	scan_free(&f->req.sc);
}

int
flow_run(struct cal *c, FILE *out)
{
	struct flow f;
	int earned;

	memset(&f, 0, sizeof(f));
	f.v.holdout = c->o.holdout;
	f.v.lim = c->o.limits;
	flow_sources(c, &f);
	flow_requests(c, &f);
	flow_steps(c, &f);
	flow_fittable(c, &f);
	if (f.requests[0] != '\0')
		flow_split_requests(c, &f);
	stage_poll();
	flow_fit(c, &f);
	flow_write(&f, out);
	flow_held_steps(c, &f);
	flow_replay(c, &f);
	earned = verdict_say(&f.v);
	flow_free(&f);
	if (f.replay_failed)
		return EXIT_DATA;
	return c->o.strict && !earned ? 3 : 0;
}
