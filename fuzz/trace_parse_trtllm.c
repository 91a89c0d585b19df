/* libFuzzer: TensorRT-LLM iteration records, one or a /metrics array. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/trtllm.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

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

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const cJSON *rec;
	struct errmsg e;
	cJSON *doc;

	if ((doc = jsonin_parse_doc((const char *)data, size, &e)) == NULL)
		return 0;
	if (cJSON_IsArray(doc))
		for (rec = doc->child; rec != NULL; rec = rec->next)
			one(rec);
	else
		one(doc);
	cJSON_Delete(doc);
	return 0;
}
