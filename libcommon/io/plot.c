#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "io/err.h"
#include "io/plot.h"

/* Set when gnuplot could not run, so later plots are not tried. */
static int missing;
/* SIGPIPE's disposition while a gnuplot pipe is open. */
static struct sigaction saved_pipe;

int
plot_unavailable(void)
{
	return missing;
}

/*
 * gnuplot reads the commands from a pipe.  A gnuplot that fails or exits
 * early leaves the pipe without a reader, and writing to it would raise
 * SIGPIPE and kill the program, report and all.  So SIGPIPE is ignored
 * from popen to pclose (after popen: gnuplot keeps the default), a write
 * then fails with EPIPE instead, and gp_close counts that as a failure.
 */
static FILE *
gp_open(const char *dir)
{
	struct sigaction ign;
	FILE *gp;

	if (missing)
		return NULL;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		err_die(EXIT_DATA, "%s: %s", dir, strerror(errno));
	/* Quiet: a missing gnuplot is reported once by the caller. */
	if ((gp = popen("exec gnuplot 2>/dev/null", "w")) == NULL) {
		missing = 1;
		return NULL;
	}
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGPIPE, &ign, &saved_pipe);
	return gp;
}

/* 0 when gnuplot took every command and exited 0; -1 otherwise. */
static int
gp_close(FILE *gp)
{
	int st, werr;

	if (gp == NULL)
		return -1;
	werr = fflush(gp) == EOF || ferror(gp);
	st = pclose(gp);
	sigaction(SIGPIPE, &saved_pipe, NULL);
	if (werr || st == -1 || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		missing = 1;
		return -1;
	}
	return 0;
}

/* The plot commands run twice: once a terminal. */
static void
gp_terminals(FILE *gp, const char *dir, const char *name, const char *plot)
{
	fprintf(gp, "set terminal svg size %d,%d dynamic\n", PLOT_W, PLOT_H);
	fprintf(gp, "set output '%s/%s.svg'\n%s\n", dir, name, plot);
	fprintf(gp, "set terminal pngcairo size %d,%d\n", PLOT_W, PLOT_H);
	fprintf(gp, "set output '%s/%s.png'\n%s\nset output\n", dir, name,
	    plot);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Sorted finite values of v as a CDF data block; their count. */
static size_t
gp_cdf_block(FILE *gp, const char *block, const double *v, size_t n)
{
	double *s = err_malloc((n ? n : 1) * sizeof(*s));
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (isfinite(v[i]))
			s[k++] = v[i];
	qsort(s, k, sizeof(*s), cmp_double);
	fprintf(gp, "$%s << EOD\n", block);
	for (i = 0; i < k; i++)
		fprintf(gp, "%.17g %.17g\n", s[i], (double)(i + 1) / (double)k);
	fprintf(gp, "EOD\n");
	free(s);
	return k;
}

int
plot_cdf(const char *dir, const char *name, const char *title,
    const double *pred, size_t npred, const double *meas, size_t nmeas)
{
	FILE *gp;
	size_t have_meas;

	if (npred == 0 || (gp = gp_open(dir)) == NULL)
		return -1;
	gp_cdf_block(gp, "pred", pred, npred);
	have_meas = gp_cdf_block(gp, "meas", meas, nmeas);
	fprintf(gp, "set title '%s'\nset xlabel 'microseconds'\n"
	    "set ylabel 'fraction of requests'\nset key bottom right\n"
	    "set grid\nset logscale x\n", title);
	gp_terminals(gp, dir, name, have_meas ?
	    "plot $pred using 1:2 with steps lw 2 title 'predicted', "
	    "$meas using 1:2 with steps lw 2 title 'measured'" :
	    "plot $pred using 1:2 with steps lw 2 title 'predicted'");
	return gp_close(gp);
}

int
plot_scatter(const char *dir, const char *name, const char *title,
    const char *xlabel, const char *ylabel, const double *x, const double *y,
    const int *group, const char *const *labels, int ngroups, size_t n,
    int logxy, int diag)
{
	char plot[2048];
	size_t i, off;
	int g;
	FILE *gp;

	if (n == 0 || (gp = gp_open(dir)) == NULL)
		return -1;
	for (g = 0; g < ngroups; g++) {
		fprintf(gp, "$g%d << EOD\n", g);
		for (i = 0; i < n; i++)
			if (group[i] == g && isfinite(x[i]) && isfinite(y[i]))
				fprintf(gp, "%.17g %.17g\n", x[i], y[i]);
		fprintf(gp, "EOD\n");
	}
	fprintf(gp, "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\n"
	    "set grid\nset key top left\n%s", title, xlabel, ylabel,
	    logxy ? "set logscale xy\n" : "");
	off = (size_t)snprintf(plot, sizeof(plot), "plot ");
	for (g = 0; g < ngroups && off < sizeof(plot); g++)
		off += (size_t)snprintf(plot + off, sizeof(plot) - off,
		    "%s$g%d using 1:2 with points pt 7 ps 0.4 title '%s'",
		    g ? ", " : "", g, labels[g]);
	if (diag && off < sizeof(plot))
		snprintf(plot + off, sizeof(plot) - off,
		    ", x with lines lc 'black' dt 2 title 'y = x'");
	gp_terminals(gp, dir, name, plot);
	return gp_close(gp);
}
