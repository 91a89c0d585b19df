/*
 * The replay's settings a calibrated hardware entry carries beside
 * BLIS's fields, in its "rooftrace" object: alpha0_us,
 * alpha1_us_per_token, alpha2_us, post_decode_us, output_lag_steps,
 * prefix_hit_fraction (each optional; BLIS ignores the object).  Read here
 * with cJSON until libcommon/model has a loader for the whole entry.
 */
#ifndef RT_TRACE_REPLAY_EXTRAS_H
#define RT_TRACE_REPLAY_EXTRAS_H

#include "sched/schedopts.h"

/*
 * Fill what no flag gave (o->given) from entry gpu of path; a missing
 * object changes nothing.  A value of the wrong type or range exits 1.
 */
void extras_apply(const char *path, const char *gpu, struct schedopts *o);

#endif
