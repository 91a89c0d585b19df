/*
 * SplitwiseSim performance database (data/perf_model.csv): real measured
 * prefill and decode times of whole batches, in milliseconds.
 *   model,hardware,prompt_size,batch_size,token_size,peak_power,
 *   average_power,prompt_time,token_time,e2e_time,tensor_parallel
 */
#ifndef RT_SPLITWISE_H
#define RT_SPLITWISE_H

#include <stdint.h>

#include "csvrow.h"
#include "readers/readers.h"

extern const struct reader splitwise_reader;
extern const char *const splitwise_columns[];

struct splitwise_rec {
	const char *model, *hardware;	/* point into the row */
	int64_t	 prompt_size, batch_size, token_size, tp;
	int64_t	 prompt_us, token_us;	/* from ms, exactly, half up */
};

/* One data row, split as splitwise_columns; 0, or -1 with e set. */
int splitwise_parse(const struct csvrow *row, struct splitwise_rec *r,
    struct errmsg *e);

#endif
