/*
 * --measure-prefix-hits STEPS: the fraction of prompt tokens a run's
 * prefix cache served, from a step source beside its requests: the
 * prompt tokens the steps computed against the prompt tokens of the
 * requests that arrived while they ran,
 *
 *	F = 1 - (mean prefill tokens a step record * steps spanned) /
 *	    (input tokens of the requests arriving in the records' span),
 *
 * where the steps spanned are the step numbers' range (a sampled trace
 * records one step in ten: its records stand for all) or else the
 * records' count.  Both sources are taken to count time from the run's
 * start (trace-parse writes the first record at 0).  Recomputed prefills
 * after preemption count as computed, so F is a lower bound there.
 */
#ifndef RT_TRACE_REPLAY_PREFIXHITS_H
#define RT_TRACE_REPLAY_PREFIXHITS_H

#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "io/jsonin.h"
#include "sched/arrivals.h"

/* What the step records say. */
struct prefixhits {
	long	 n;
	double	 computed;		/* prefill tokens over the records */
	int64_t	 first_step, last_step;	/* -1 without step numbers */
	int64_t	 first_ts, last_ts;
};

void prefixhits_init(struct prefixhits *s);
/* One step record; 0, or -1 with e set (counts and times checked). */
int prefixhits_add(struct prefixhits *s, const cJSON *obj, struct errmsg *e);
/* The steps the records stand for: the step numbers' range, or n. */
double prefixhits_spanned(const struct prefixhits *s);

/* Measure, print F on fp and the evidence on standard error. */
void prefixhits_measure(const char *steps, struct arrivals *src, FILE *fp);

#endif
