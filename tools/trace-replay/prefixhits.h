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

#include "sched/arrivals.h"

/* Measure, print F on fp and the evidence on standard error. */
void prefixhits_measure(const char *steps, struct arrivals *src, FILE *fp);

#endif
