#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/err.h"
#include "io/plot.h"

/* Points a series keeps: more add nothing at PLOT_W pixels. */
#define CDF_POINTS	2000
#define SCATTER_POINTS	20000
#define MAX_TICKS	40

/* Set when gnuplot could not run, so later plots are not tried. */
static int missing;

/* Where a plot's commands go: gnuplot, and the kept script. */
struct gp {
	FILE	*pipe, *keep;
	pid_t	 pid;
	struct sigaction saved_pipe;
};

/* An axis: its range and ticks, chosen from the data. */
struct axis {
	double	 lo, hi;
	int	 log, us;
};

static const struct {
	const char *name, *colour;
	int	 shape;
} kinds[PLOT_NKIND] = {
	/* Okabe-Ito colours, told apart in colour blindness and by shape. */
	[PLOT_PREFILL] = { "prefill", "#009E73", 9 },	/* triangles */
	[PLOT_DECODE] = { "decode", "#0072B2", 7 },	/* circles */
	[PLOT_MIXED] = { "mixed", "#D55E00", 5 },	/* squares */
};

int
plot_unavailable(void)
{
	return missing;
}

static void
gp_printf(struct gp *g, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
gp_printf(struct gp *g, const char *fmt, ...)
{
	va_list ap;

	if (g->pipe != NULL) {
		va_start(ap, fmt);
		vfprintf(g->pipe, fmt, ap);
		va_end(ap);
	}
	if (g->keep != NULL) {
		va_start(ap, fmt);
		vfprintf(g->keep, fmt, ap);
		va_end(ap);
	}
}

/*
 * gnuplot in DIR, reading commands from a pipe, its output thrown away
 * (our standard output may be records).  It runs in DIR so that no path
 * of the user's is ever part of its commands.
 */
static FILE *
gp_spawn(const char *dir, pid_t *pid)
{
	FILE *fp;
	int fd[2], null;

	if (pipe(fd) < 0)
		return NULL;
	if ((*pid = fork()) < 0) {
		close(fd[0]);
		close(fd[1]);
		return NULL;
	}
	if (*pid == 0) {
		if (dup2(fd[0], STDIN_FILENO) < 0 || chdir(dir) < 0)
			_exit(126);
		close(fd[0]);
		close(fd[1]);
		if ((null = open("/dev/null", O_WRONLY)) >= 0) {
			dup2(null, STDOUT_FILENO);
			dup2(null, STDERR_FILENO);
		}
		execlp("gnuplot", "gnuplot", (char *)NULL);
		_exit(127);
	}
	close(fd[0]);
	fcntl(fd[1], F_SETFD, FD_CLOEXEC);
	if ((fp = fdopen(fd[1], "w")) == NULL) {
		close(fd[1]);	/* gnuplot reads the end and exits */
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	return fp;
}

/*
 * A gnuplot that fails or exits early leaves the pipe without a reader,
 * and writing to it would raise SIGPIPE and kill the program, report and
 * all.  So SIGPIPE is ignored while the pipe is open (after the fork:
 * gnuplot keeps the default), a write then fails with EPIPE instead, and
 * gp_close counts that as a failure.
 */
static int
gp_open(struct gp *g, const char *dir, const char *name)
{
	struct sigaction ign;
	const char *keep = getenv("ROOFTRACE_PLOT_SCRIPT");
	char *path;

	memset(g, 0, sizeof(*g));
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		err_die(EXIT_DATA, "%s: %s", dir, strerror(errno));
	if (keep != NULL && strcmp(keep, "1") == 0) {
		path = err_malloc(strlen(dir) + strlen(name) + 5);
		sprintf(path, "%s/%s.gp", dir, name);
		/* A plot is never worth the run: say so, draw it anyway. */
		if ((g->keep = fopen(path, "w")) == NULL)
			err_warn("%s: %s", path, strerror(errno));
		free(path);
	}
	if (!missing) {
		memset(&ign, 0, sizeof(ign));
		ign.sa_handler = SIG_IGN;
		sigemptyset(&ign.sa_mask);
		if ((g->pipe = gp_spawn(dir, &g->pid)) == NULL)
			missing = 1;
		else
			sigaction(SIGPIPE, &ign, &g->saved_pipe);
	}
	return g->pipe != NULL || g->keep != NULL ? 0 : -1;
}

/* 0 when gnuplot took every command and exited 0; -1 otherwise. */
static int
gp_close(struct gp *g)
{
	int st, werr;

	if (g->keep != NULL && fclose(g->keep) == EOF)
		err_warn("a plot script: %s", strerror(errno));
	if (g->pipe == NULL)
		return -1;
	werr = fflush(g->pipe) == EOF || ferror(g->pipe);
	fclose(g->pipe);
	while (waitpid(g->pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = -1;
			break;
		}
	sigaction(SIGPIPE, &g->saved_pipe, NULL);
	if (werr || st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		missing = 1;
		return -1;
	}
	return 0;
}

/*
 * A text as a gnuplot string expression: each line single-quoted (where
 * only '' means anything: a quote), lines joined by "\n", control
 * characters as blanks.  The terminals are noenhanced, so _ ^ @ & { }
 * are themselves.
 */
static void
gp_string(struct gp *g, const char *s)
{
	gp_printf(g, "'");
	for (; *s != '\0'; s++) {
		if (*s == '\'')
			gp_printf(g, "''");
		else if (*s == '\n')
			gp_printf(g, "'.\"\\n\".'");
		else if ((unsigned char)*s < ' ' || *s == 0x7f)
			gp_printf(g, " ");
		else
			gp_printf(g, "%c", *s);
	}
	gp_printf(g, "'");
}

static void
gp_set_text(struct gp *g, const char *what, const char *s)
{
	gp_printf(g, "set %s ", what);
	gp_string(g, s);
	gp_printf(g, "\n");
}

/* A tick's label: plain %g, or a time in µs, ms or s. */
static void
tick_label(char *buf, size_t sz, double v, int us)
{
	if (!us)
		snprintf(buf, sz, "%g", v);
	else if (fabs(v) >= 1e6)
		snprintf(buf, sz, "%g s", v / 1e6);
	else if (fabs(v) >= 1e3)
		snprintf(buf, sz, "%g ms", v / 1e3);
	else
		snprintf(buf, sz, "%g µs", v);
}

/* Ticks m·10^k inside [lo, hi], m from mant; their count. */
static int
log_ticks(const struct axis *a, const int *mant, int nm, double *t)
{
	int k, i, n = 0;

	for (k = (int)floor(log10(a->lo)); k <= (int)ceil(log10(a->hi)); k++)
		for (i = 0; i < nm; i++) {
			double v = mant[i] * pow(10, k);

			if (v >= a->lo && v <= a->hi && n < MAX_TICKS)
				t[n++] = v;
		}
	return n;
}

/* 1, 2 or 5 times a power of ten, about span/6. */
static double
nice_step(double span)
{
	double raw = span / 6, p = pow(10, floor(log10(raw))), m = raw / p;

	return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/*
 * A log axis over a decade or more: 1, 2, 5 times powers of ten (only
 * the powers when those are too many).  Anything narrower, log or not:
 * evenly spaced round values, which stay apart on a short log axis too.
 */
static int
axis_ticks(const struct axis *a, double *t)
{
	static const int m125[] = { 1, 2, 5 }, m1[] = { 1 };
	double step, v;
	int n;

	if (a->log && a->hi >= 10 * a->lo) {
		n = log_ticks(a, m125, 3, t);
		if (n > 12)
			n = log_ticks(a, m1, 1, t);
		return n;
	}
	step = nice_step(a->hi - a->lo);
	n = 0;
	for (v = ceil(a->lo / step) * step; v <= a->hi + step * 1e-9 &&
	    n < MAX_TICKS; v += step)
		t[n++] = fabs(v) < step * 1e-9 ? 0 : v;
	return n;
}

static void
gp_axis(struct gp *g, const char *xy, const struct axis *a)
{
	double t[MAX_TICKS];
	char label[48];
	int i, n = axis_ticks(a, t);

	if (a->log)
		gp_printf(g, "set logscale %s\n", xy);
	gp_printf(g, "set %srange [%.9g:%.9g]\nset %stics (", xy, a->lo, a->hi,
	    xy);
	for (i = 0; i < n; i++) {
		tick_label(label, sizeof(label), t[i], a->us);
		gp_printf(g, "%s\"%s\" %.9g", i ? ", " : "", label, t[i]);
	}
	gp_printf(g, ")\n");
}

/* Widen [lo, hi] around the data: 5 % a side, in log space on a log axis. */
static void
axis_pad(struct axis *a)
{
	double span;

	if (!(a->lo <= a->hi)) {	/* nothing plotted */
		a->lo = a->log ? 1 : 0;
		a->hi = a->log ? 10 : 1;
	}
	if (a->log) {
		span = log10(a->hi / a->lo);
		if (span < 0.1)
			span = 0.1;
		a->lo /= pow(10, 0.05 * span);
		a->hi *= pow(10, 0.05 * span);
		return;
	}
	span = a->hi - a->lo;
	if (span <= 0)
		span = a->lo != 0 ? fabs(a->lo) : 1;
	a->lo -= 0.05 * span;
	a->hi += 0.05 * span;
}

/* Can v be drawn on a? (finite; positive on a log axis) */
static int
drawable(const struct axis *a, double v)
{
	return isfinite(v) && (!a->log || v > 0);
}

static void
axis_take(struct axis *a, double v)
{
	if (!drawable(a, v))
		return;
	if (v < a->lo)
		a->lo = v;
	if (v > a->hi)
		a->hi = v;
}

static void
axis_init(struct axis *a, int log, int us)
{
	a->lo = INFINITY;
	a->hi = -INFINITY;
	a->log = log;
	a->us = us;
}

static void
gp_head(struct gp *g, const struct plot_axes *ax)
{
	gp_printf(g, "set encoding utf8\nset grid xtics ytics lt 1 lw 1 lc rgb '#dddddd'\n"
	    "set border lw 1\n");
	gp_set_text(g, "title", ax->title);
	gp_set_text(g, "xlabel", ax->xlabel);
	gp_set_text(g, "ylabel", ax->ylabel);
}

/* The plot commands run twice: once a terminal, files named by us. */
static void
gp_terminals(struct gp *g, const char *name, const char *plot)
{
	gp_printf(g, "set terminal svg size %d,%d dynamic noenhanced "
	    "font 'sans,13'\n", PLOT_W, PLOT_H);
	gp_printf(g, "set output '%s.svg'\n%s\n", name, plot);
	gp_printf(g, "set terminal pngcairo size %d,%d noenhanced "
	    "font 'sans,11'\n", PLOT_W, PLOT_H);
	gp_printf(g, "set output '%s.png'\n%s\nset output\n", name, plot);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * Sorted drawable values of v as a CDF data block, at most CDF_POINTS
 * of them (evenly spaced in rank, the first and last kept); their count.
 */
static size_t
gp_cdf_block(struct gp *g, const char *block, const double *v, size_t n,
    struct axis *x)
{
	double *s = err_malloc((n ? n : 1) * sizeof(*s));
	size_t i, j, k = 0, m;

	for (i = 0; i < n; i++)
		if (drawable(x, v[i]))
			s[k++] = v[i];
	qsort(s, k, sizeof(*s), cmp_double);
	if (k > 0) {
		axis_take(x, s[0]);
		axis_take(x, s[k - 1]);
	}
	gp_printf(g, "$%s << EOD\n", block);
	if (k == 1)
		gp_printf(g, "%.9g 1\n", s[0]);
	else if (k > 1) {
		/* Ranks 0 and k - 1 always among them. */
		m = k > CDF_POINTS ? CDF_POINTS : k;
		/* cppcheck loses k's count through s[k++] above. */
		/* cppcheck-suppress knownConditionTrueFalse */
		for (j = 0; j < m; j++) {
			i = j * (k - 1) / (m - 1);
			gp_printf(g, "%.9g %.9g\n", s[i],
			    (double)(i + 1) / (double)k);
		}
	}
	gp_printf(g, "EOD\n");
	free(s);
	return k;
}

int
plot_cdf(const char *dir, const char *name, const struct plot_axes *ax,
    const double *pred, size_t npred, const double *meas, size_t nmeas)
{
	struct axis x;
	struct gp g;
	size_t np, nm;
	char plot[512];

	axis_init(&x, ax->logx, ax->xus);
	if (npred == 0 || gp_open(&g, dir, name) < 0)
		return -1;
	np = gp_cdf_block(&g, "pred", pred, npred, &x);
	nm = gp_cdf_block(&g, "meas", meas, nmeas, &x);
	axis_pad(&x);
	gp_head(&g, ax);
	gp_axis(&g, "x", &x);
	gp_printf(&g, "set yrange [0:1]\nset ytics 0,0.1,1 format '%%g'\n"
	    "set key bottom right box opaque\n");
	snprintf(plot, sizeof(plot), "plot $pred using 1:2 with steps lw 2.5 "
	    "lc rgb '%s' title 'predicted (%zu)'", kinds[PLOT_DECODE].colour,
	    np);
	if (nm > 0)
		snprintf(plot + strlen(plot), sizeof(plot) - strlen(plot),
		    ", $meas using 1:2 with steps lw 2.5 dt 2 lc rgb '%s' "
		    "title 'measured (%zu)'", kinds[PLOT_MIXED].colour, nm);
	gp_terminals(&g, name, plot);
	return gp_close(&g);
}

/* The points of kind k as data block $kK; how many drawn of how many. */
static void
gp_kind_block(struct gp *g, const double *x, const double *y,
    const int *kind, size_t n, int k, const struct axis *ax,
    const struct axis *ay, size_t *drawn, size_t *total)
{
	size_t i, stride, seen = 0;

	*drawn = *total = 0;
	for (i = 0; i < n; i++)
		if (kind[i] == k && drawable(ax, x[i]) && drawable(ay, y[i]))
			++*total;
	stride = (*total + SCATTER_POINTS - 1) / SCATTER_POINTS;
	gp_printf(g, "$k%d << EOD\n", k);
	for (i = 0; i < n; i++) {
		if (kind[i] != k || !drawable(ax, x[i]) || !drawable(ay, y[i]))
			continue;
		if (seen++ % (stride ? stride : 1) == 0) {
			gp_printf(g, "%.9g %.9g\n", x[i], y[i]);
			++*drawn;
		}
	}
	gp_printf(g, "EOD\n");
}

int
plot_scatter(const char *dir, const char *name, const struct plot_axes *ax,
    const double *x, const double *y, const int *kind, size_t n)
{
	struct axis a, b;
	size_t drawn[PLOT_NKIND], total[PLOT_NKIND], i, off;
	char plot[1024];
	struct gp g;
	int k, any = 0;

	axis_init(&a, ax->logx, ax->xus);
	axis_init(&b, ax->logy, ax->yus);
	if (n == 0 || gp_open(&g, dir, name) < 0)
		return -1;
	for (k = 0; k < PLOT_NKIND; k++)
		gp_kind_block(&g, x, y, kind, n, k, &a, &b, &drawn[k],
		    &total[k]);
	for (i = 0; i < n; i++)
		if (drawable(&a, x[i]) && drawable(&b, y[i])) {
			axis_take(&a, x[i]);
			axis_take(&b, y[i]);
		}
	if (ax->diag) {	/* one range for both: y = x is the diagonal */
		axis_take(&a, b.lo);
		axis_take(&a, b.hi);
		b.lo = a.lo;
		b.hi = a.hi;
	}
	axis_pad(&a);
	axis_pad(&b);
	gp_head(&g, ax);
	gp_axis(&g, "x", &a);
	gp_axis(&g, "y", &b);
	gp_printf(&g, "set key top left box opaque\n%s",
	    ax->diag ? "set size square\n" : "");
	off = (size_t)snprintf(plot, sizeof(plot), "plot");
	for (k = 0; k < PLOT_NKIND && off < sizeof(plot); k++) {
		if (total[k] == 0)
			continue;
		off += (size_t)snprintf(plot + off, sizeof(plot) - off,
		    "%s $k%d using 1:2 with points pt %d ps 0.7 lc rgb '#40%s' "
		    "title '%s (%zu", any++ ? "," : "", k, kinds[k].shape,
		    kinds[k].colour + 1, kinds[k].name, total[k]);
		if (off < sizeof(plot) && drawn[k] < total[k])
			off += (size_t)snprintf(plot + off, sizeof(plot) - off,
			    ", %zu drawn", drawn[k]);
		if (off < sizeof(plot))
			off += (size_t)snprintf(plot + off, sizeof(plot) - off,
			    ")'");
	}
	if (ax->diag && off < sizeof(plot))
		snprintf(plot + off, sizeof(plot) - off, "%s x with lines "
		    "lc rgb 'black' dt 2 lw 1.5 title 'y = x'", any ? "," : "");
	else if (!ax->logy && b.lo < 0 && b.hi > 0 && any && off < sizeof(plot))
		snprintf(plot + off, sizeof(plot) - off, ", 0 with lines "
		    "lc rgb 'black' dt 2 lw 1.5 notitle");	/* no error */
	if (!any && !ax->diag)
		snprintf(plot, sizeof(plot), "plot NaN notitle");
	gp_terminals(&g, name, plot);
	return gp_close(&g);
}
