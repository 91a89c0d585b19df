/*
 * TensorRT-LLM iteration statistics: trtllm-serve's /metrics returns a
 * JSON array of per-iteration records and empties its queue on each
 * read, so a file holds one or many arrays one after another (polls
 * appended), or one record a line.  Keys in any order; unset optional
 * fields are null.
 *   {"iter":154,"iterLatencyMS":14.21,"timestamp":"05-14-2026 10:21:07.1",
 *    "inflightBatchingStats":{"numContextRequests":1,"numCtxTokens":1536,
 *      "numCtxKvTokens":512,"numGenRequests":31,"numGenKvTokens":24576,..},
 *    "kvCacheStats":{"maxNumBlocks":..,"usedNumBlocks":..,..},
 *    "attentionDpRank":0,"prevDeviceStepTimeMS":6.98,
 *    "gpuForwardTimeMS":6.41,"schedulerMode":"overlap",..}
 * prevDeviceStepTimeMS lags by one loop: record N carries the GPU time
 * of iteration N-1, so an iteration's own time is the next record's.
 */
#ifndef RT_TRTLLM_H
#define RT_TRTLLM_H

#include <stdint.h>

#include "readers/readers.h"

extern const struct reader trtllm_reader;

struct trtllm_iter {
	int64_t	 iter, rank;
	int64_t	 ts_us;			/* -1: no timestamp */
	int64_t	 prev_dev_us, gpu_fwd_us;	/* -1: null or absent */
	int64_t	 n_ctx, ctx_tokens, ctx_kv;	/* ctx_kv -1: unknown */
	int64_t	 n_gen, gen_kv;			/* gen_kv -1: unknown */
	int64_t	 kv_max, kv_used;		/* -1: unknown */
	int	 overlap;			/* schedulerMode "overlap" */
};

/* One record to it: 0, or -1 with e set (the message names the field). */
int trtllm_parse(const cJSON *rec, struct trtllm_iter *it, struct errmsg *e);

#endif
