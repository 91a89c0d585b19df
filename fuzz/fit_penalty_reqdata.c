/*
 * libFuzzer harness for fit-penalty --requests' reader: each line as a
 * request record with its measured latencies and server spans.
 */
#include <math.h>
#include <stddef.h>
#include <stdlib.h>

#include "io/jsonin.h"
#include "lines.h"
#include "reqdata.h"

static struct jsonin j;
static int ready;

static void
one(char *line, size_t len)
{
	struct rq_rec x;
	struct errmsg e = { "" };
	int failed;

	if (!ready) {
		jsonin_init(&j);
		ready = 1;
	}
	if (rqdata_parse(&j, line, len, &x, &failed, &e) < 0) {
		if (e.msg[0] == '\0')
			abort();	/* every failure says why */
		return;
	}
	if (failed)
		return;
	if (x.input_tokens < 1 || x.output_tokens < 0 ||
	    (x.output_tokens == 0) != x.no_output ||
	    x.cached >= x.input_tokens)
		abort();
	/* A latency is measured (not negative) or absent, never NaN. */
	if (isnan(x.ttft) || isnan(x.e2e) || isnan(x.itl) ||
	    !(x.queue >= 0 || x.queue == RQ_NONE) ||
	    !(x.prefill >= 0 || x.prefill == RQ_NONE) ||
	    !(x.decode >= 0 || x.decode == RQ_NONE))
		abort();
	if (x.no_output && (x.ttft != RQ_NONE || x.e2e != RQ_NONE))
		abort();
}
