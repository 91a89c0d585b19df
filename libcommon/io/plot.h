/*
 * Plots with gnuplot, as SVG and PNG side by side.  gnuplot is optional:
 * without it each function returns -1 and the caller says so once.
 */
#ifndef RT_PLOT_H
#define RT_PLOT_H

#include <stddef.h>

/* PNG size, pixels. */
enum { PLOT_W = 900, PLOT_H = 600 };

/*
 * Empirical CDFs of predicted and measured values: DIR/NAME.{svg,png}.
 * Non-finite values (a request with nothing measured) are left out.
 */
int plot_cdf(const char *dir, const char *name, const char *title,
    const double *pred, size_t npred, const double *meas, size_t nmeas);
/*
 * Scatter of y against x, points coloured by group (0..ngroups-1, named
 * by labels); log-log when logxy, with the y = x diagonal when diag.
 */
int plot_scatter(const char *dir, const char *name, const char *title,
    const char *xlabel, const char *ylabel, const double *x, const double *y,
    const int *group, const char *const *labels, int ngroups, size_t n,
    int logxy, int diag);
/* 1 once gnuplot was found missing or failed: callers warn once. */
int plot_unavailable(void);

#endif
