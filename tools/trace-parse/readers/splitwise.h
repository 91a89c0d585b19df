/*
 * SplitwiseSim performance database (data/perf_model.csv): real measured
 * prefill and decode times of whole batches, in milliseconds.
 *   model,hardware,prompt_size,batch_size,token_size,peak_power,
 *   average_power,prompt_time,token_time,e2e_time,tensor_parallel
 */
#ifndef RT_FMT_SPLITWISE_H
#define RT_FMT_SPLITWISE_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"

extern const char *const fmt_splitwise_columns[];

struct fmt_splitwise {
	const char *model, *hardware;	/* point into the line */
	int64_t	 prompt_size, batch_size, token_size, tp;
	int64_t	 prompt_us, token_us;	/* from ms, exactly, half up */
};

int fmt_splitwise_row(char *line, size_t len, struct fmt_splitwise *r,
    struct jerr *e);

#endif
