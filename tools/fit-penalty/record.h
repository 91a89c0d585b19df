/*
 * One eval record (roofline-eval output) as fit-penalty reads it: the
 * model's compute and memory times, the minority fraction, the measured
 * dur_us when there is one, and the flags that exclude a step.
 */
#ifndef RT_FIT_RECORD_H
#define RT_FIT_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "steptime.h"
#include "io/jsonin.h"

enum fit_kind { FIT_EMPTY, FIT_PREFILL, FIT_DECODE, FIT_MIXED };

struct fit_rec {
	struct fit_step st;
	enum fit_kind kind;
	int64_t	 step;		/* the record's step number, else -1 */
	double	 dur_us;	/* measured; 0 when absent or null */
	int	 has_dur, dummy, estimated;
};

/*
 * Parse one NDJSON line.  0, or -1 with e set: malformed JSON, a missing
 * or mistyped model field, or a dur_us that is not a positive number.
 */
int fit_rec_parse(const char *line, size_t len, struct fit_rec *r,
    struct jerr *e);

#endif
