/*
 * The closing lines of the report: the held-out errors against their
 * limits, and the verdict they earn.
 */
#ifndef CAL_VERDICT_H
#define CAL_VERDICT_H

#include "scan.h"
#include "score.h"

struct verdict_in {
	double	 holdout;
	struct score_limits lim;
	int	 steps_tested, requests_tested;
	const struct split *steps, *requests;	/* NULL: none */
	struct step_score before, after;
	struct request_score req;
	const char *requests_untested;	/* why, when not tested */
};

/* Print the held-out lines and the verdict; 1 when every part earned it. */
int verdict_say(const struct verdict_in *v);

#endif
