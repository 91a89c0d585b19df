/*
 * Plots with gnuplot, as SVG and PNG side by side.  gnuplot is optional:
 * without it each function returns -1 and the caller says so once.
 *
 * Nothing a user typed is pasted into gnuplot's commands as code: gnuplot
 * runs in DIR (so the output files are named by our own constant names),
 * and titles and labels go in as quoted strings with their quotes
 * doubled and control characters blanked.  Axes come from the data:
 * ranges padded around what is plotted, ticks chosen for that range
 * and printed in one style (times in µs, ms or s).
 *
 * With ROOFTRACE_PLOT_SCRIPT=1 in the environment, DIR/NAME.gp keeps
 * the gnuplot script (data included): `cd DIR && gnuplot NAME.gp`
 * redraws the plot, and a test can read its ranges.
 */
#ifndef RT_PLOT_H
#define RT_PLOT_H

#include <stddef.h>

/* PNG size, pixels. */
enum { PLOT_W = 900, PLOT_H = 600 };

/* A step's kind, which picks its colour and point shape. */
enum plot_kind { PLOT_PREFILL, PLOT_DECODE, PLOT_MIXED, PLOT_NKIND };

struct plot_axes {
	const char *title;	/* a '\n' starts a second line */
	const char *xlabel, *ylabel;
	int	 xus, yus;	/* values in microseconds: µs, ms, s ticks */
	int	 logx, logy;
	int	 diag;		/* y = x: equal ranges, a square plot */
};

/*
 * Empirical CDFs of predicted and measured values: DIR/NAME.{svg,png}.
 * Non-finite values (a request with nothing measured) are left out; the
 * x axis is ax's, the y axis the fraction of requests.
 */
int plot_cdf(const char *dir, const char *name, const struct plot_axes *ax,
    const double *pred, size_t npred, const double *meas, size_t nmeas);
/*
 * Scatter of y against x, a colour and a shape by step kind (kind[i]),
 * each kind in the key with its count.
 */
int plot_scatter(const char *dir, const char *name,
    const struct plot_axes *ax, const double *x, const double *y,
    const int *kind, size_t n);
/* 1 once gnuplot was found missing or failed: callers warn once. */
int plot_unavailable(void);

#endif
