/*
 * The held-out errors the verdict is earned on: the steps' (eval records
 * against their measured dur_us) and the requests' (trace-replay's JSON
 * report of the held-out requests), and the limits they are held to.
 */
#ifndef CAL_SCORE_H
#define CAL_SCORE_H

#include <stddef.h>

/* The limits, in %: held-out medians and the steps' P90. */
struct score_limits {
	double	 step_median, step_p90, e2e_median, ttft_median;
};

/* 5 % and 12 % for steps, 10 % E2E and 20 % TTFT for requests. */
void score_limits_default(struct score_limits *l);
/* "S,P,E,T" into l; -1 unless four numbers, each above 0. */
int score_limits_parse(struct score_limits *l, const char *arg);

struct step_score {
	long	 n;		/* steps scored */
	long	 excluded;	/* timed but left out: below floor, model's time */
	double	 median, p90;	/* absolute % errors */
};

/* Score the eval records of path; n 0 when none could be. */
void score_steps(const char *path, struct step_score *s);
int score_steps_ok(const struct step_score *s,
    const struct score_limits *l);

struct request_score {
	long	 replayed, scored_ttft, scored_e2e, scored_itl;
	double	 ttft, e2e, itl;	/* median absolute % errors */
	double	 ttft_p99_pred, ttft_p99_meas;
	int	 have_ttft, have_e2e, have_itl;
};

/* Read trace-replay's --json report; -1 with msg when it cannot be. */
int score_requests(const char *path, struct request_score *r, char *msg,
    size_t msgsz);
int score_requests_ok(const struct request_score *r,
    const struct score_limits *l);

#endif
