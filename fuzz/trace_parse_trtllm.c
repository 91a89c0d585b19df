/* libFuzzer: TensorRT-LLM iteration records, one or a /metrics array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/trtllm.h"
#include "records.h"

static void
one(const cJSON *rec)
{
	struct trtllm_iter it;
	struct errmsg e;

	if (trtllm_parse(rec, &it, &e) < 0)
		return;
	/* What it read is what a step record may hold. */
	if (it.iter < 0 || it.rank < 0 || it.rank > 4096 ||
	    it.n_ctx > it.ctx_tokens || it.prev_dev_us == 0 ||
	    it.gpu_fwd_us == 0 || (it.kv_max >= 0 && it.kv_used > it.kv_max))
		abort();
}
