/*
 * libFuzzer harness for the eval-record reader (records/eval.c) that
 * fit-penalty uses: any bytes as one line must give a record or a
 * message, never a crash, a leak or undefined behaviour, and a record
 * must hold what the fit relies on.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "records/eval.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eval_rec r;
	struct errmsg e;

	if (eval_parse((const char *)data, size, &r, &e) < 0) {
		if (e.msg[0] == '\0')
			abort();	/* a failure must say why */
		return 0;
	}
	if (!(r.compute_us >= 0) || !(r.memory_us >= 0) ||
	    !(r.minority_fraction >= 0 && r.minority_fraction <= 0.5) ||
	    (r.has_dur && !(isfinite(r.dur_us) && r.dur_us > 0)) ||
	    r.kind < EVAL_EMPTY || r.kind > EVAL_MIXED)
		abort();
	return 0;
}
