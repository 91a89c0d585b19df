/*
 * What fit-penalty writes: the report (one JSON object, schemas/
 * fit.schema.json), the per-step residuals (--residuals) and the plots
 * (--plot).
 */
#ifndef RT_FIT_REPORT_H
#define RT_FIT_REPORT_H

#include <stdio.h>

#include "fit.h"
#include "validate.h"

/* The report on fp; files[0..nfiles) are the inputs (none: "-"). */
void report_write(FILE *fp, const struct fit_opts *o,
    const struct fit_steps *in, const struct fit_out *f,
    const struct fit_validation *v, int nfiles, char *const *files);

/* The report as a table (--summary). */
void report_summary(FILE *fp, const struct fit_opts *o,
    const struct fit_steps *in, const struct fit_out *f,
    const struct fit_validation *v);

/* The run's date (ISO 8601, UTC), or SOURCE_DATE_EPOCH's. */
void report_run_date(char *buf, size_t sz);

/* One NDJSON line a step used: measured, predicted before and after. */
void report_residuals(const char *path, const struct fit_out *f);

/*
 * Measured against predicted step time (log-log, by step kind) and the
 * residual against the minority fraction of mixed steps, into dir.  No
 * gnuplot costs one warning.
 */
void report_plots(const char *dir, const struct fit_out *f,
    const struct fit_opts *o);

#endif
