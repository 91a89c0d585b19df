/*
 * The request-level fit's report (JSON, or --summary's table): the
 * parameter table with intervals and words, the overheads as BLIS's
 * --alpha-coeffs, the errors of the fitted and the held-out requests and
 * of the steps, the replays' cost, the verdict; and the entry written
 * with its "rooftrace" object.
 */
#ifndef RT_FIT_REQREPORT_H
#define RT_FIT_REQREPORT_H

#include <cjson/cJSON.h>

#include "data.h"
#include "io/input.h"
#include "model/hardware.h"
#include "model/rlopts.h"
#include "reqdata.h"
#include "reqfit.h"
#include "sched/sched.h"

struct rq_opts {
	struct rl_opts ro;
	struct sched_config sc;
	struct common_opts co;
	const char *requests, *hw_out;
	int	 want[RP_N];
	int	 lag, hit_given, max_replays, summary, ls;
	int	 fit_given, twins_held;
	double	 prior[RP_N];
	int	 prior_set[RP_N];
	int	 given[RP_N];	/* --alpha-coeffs, --post-decode-us */
	int	 max_iter;	/* solver iterations a round; 0: 25 */
	const char *source_name;	/* the requests' name, for provenance */
	double	 simulate;	/* --simulate's noise */
	int	 simulating;
	unsigned long seed;
	double	 hit, holdout;
	char	*const *files;
	int	 nfiles;
};

struct rq_steps {
	struct fit_data d;
	long	 read, bad, excluded;
};

void rqreport_run(const struct rq_opts *o, const struct rq_data *d,
    const struct rq_steps *st, const struct rqfit_in *in,
    const struct rqfit_out *out, const struct hw_calib *hw,
    const cJSON *doc, const char *hwpath, double bw_phys);

/*
 * --simulate: every request replayed with p, written as a request record
 * whose ttft_us and e2e_us are the replay's times lognormal noise.
 */
void rqsim_write(const struct rq_opts *o, const struct rq_data *d,
    const struct roofline *rl, const struct rq_par *p);

#endif
