/* libFuzzer: ForwardPassMetrics records of every shape, one or an array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/dynamofpm.h"
#include "records.h"

static void
one(const cJSON *rec)
{
	struct dynamofpm_pass p;
	struct errmsg e;

	if (dynamofpm_pass(rec, &p, &e) < 0)
		return;
	/* A pass read is a consistent one. */
	if (p.wall_us < 0 || p.n_prefill > p.prefill_tokens ||
	    p.n_decode > p.decode_kv || p.prefill_var < -1 || p.decode_var < -1)
		abort();
	(void)dynamofpm_idle(&p);
}
