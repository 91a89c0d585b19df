/*
 * The calibration itself, once every option has been checked: records,
 * steps, the split in time, the fit, the entry written, the held-out
 * scores and the verdict.
 */
#ifndef CAL_FLOW_H
#define CAL_FLOW_H

#include <stdio.h>

#include "cal.h"

/*
 * trace-replay's argv: model, GPU, TP, the hardware config (hwcfg, else
 * the user's), the scheduler and replay options.
 */
void flow_replay_argv(const struct cal *c, struct stage_argv *a,
    const char *hwcfg);

/* Run it all; the entry goes to out.  Returns the exit status. */
int flow_run(struct cal *c, FILE *out);

#endif
