/*
 * ForwardPassMetrics (FPM v1), one record per forward pass, as NVIDIA
 * Dynamo (vLLM, SGLang workers) and SGLang publish them.  Three files
 * hold them:
 *   Dynamo's --fpm-trace JSONL (often .jsonl.gz):
 *     {"timestamp":1250,"event":{"schema":"dynamo.fpm.trace.v1",
 *      "observed_at_unix_ms":..,"fpm":{FPM}}}
 *   Dynamo's exporter NDJSON:
 *     {"namespace":..,"publisher_id":..,"published_at_ms":..,
 *      "metrics":{FPM}}
 *   a benchmark JSON document: an array of any of these (or of bare FPM
 *   objects), or an object whose array members hold them.
 * FPM: {"version":1,"worker_id":"4192","dp_rank":0,"counter_id":42,
 *   "wall_time":0.025,"scheduled_requests":{"num_prefill_requests":2,
 *   "sum_prefill_tokens":256,"var_prefill_length":100.0,
 *   "sum_prefill_kv_tokens":64,"num_decode_requests":3,
 *   "sum_decode_kv_tokens":1024,"var_decode_kv_tokens":50.0},
 *   "queued_requests":{..}}
 */
#ifndef RT_DYNAMOFPM_H
#define RT_DYNAMOFPM_H

#include <stdint.h>

#include "readers/readers.h"

extern const struct reader dynamofpm_reader;

struct dynamofpm_pass {
	const char *worker;		/* points into the record */
	int64_t	 dp_rank, counter;	/* -1 when absent */
	int64_t	 ts_ms;			/* -1 when the file gives none */
	int64_t	 wall_us;
	int64_t	 n_prefill, prefill_tokens, prefill_kv;
	int64_t	 n_decode, decode_kv;
	double	 prefill_var, decode_var;	/* -1 when absent */
};

/*
 * One record of any of the three shapes to a pass: 0, or -1 with e set
 * (the message gives the JSON path).
 */
int dynamofpm_pass(const cJSON *rec, struct dynamofpm_pass *p,
    struct errmsg *e);
/* Whether the pass scheduled nothing: an idle heartbeat. */
int dynamofpm_idle(const struct dynamofpm_pass *p);

#endif
