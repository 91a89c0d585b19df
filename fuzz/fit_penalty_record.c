/*
 * libFuzzer harness for fit-penalty's eval-record reader: any bytes as
 * one line must give a record or a message, never a crash, a leak or
 * undefined behaviour, and a record must hold what the fit relies on.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "record.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fit_rec r;
	struct jerr e;

	if (fit_rec_parse((const char *)data, size, &r, &e) < 0) {
		if (e.msg[0] == '\0')
			abort();	/* a failure must say why */
		return 0;
	}
	if (!(r.st.compute_us >= 0) || !(r.st.memory_us >= 0) ||
	    !(r.st.mf >= 0 && r.st.mf <= 0.5) ||
	    (r.has_dur && !(isfinite(r.dur_us) && r.dur_us > 0)) ||
	    r.st.mixed != (r.kind == FIT_MIXED))
		abort();
	return 0;
}
