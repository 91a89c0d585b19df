/* --outlier-cut: the steps a first fit says are outliers leave the problem. */
#ifndef RT_FIT_CUTS_H
#define RT_FIT_CUTS_H

#include <stddef.h>

#include "problem.h"
#include "solve.h"

/*
 * Keep the steps within k robust scales (median absolute residual /
 * 0.6745) of the fit sol: *idx (allocated, the caller frees it) lists
 * them and pb uses only them.  Returns how many left; the caller refits.
 */
long cuts_outliers(struct fit_problem *pb, const struct fit_solution *sol,
    double k, size_t **idx);

#endif
