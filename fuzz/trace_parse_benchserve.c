/* libFuzzer: vllm bench serve result documents. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/benchserve.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct benchserve b;
	struct benchserve_req q;
	struct errmsg e;
	cJSON *doc;

	if ((doc = jsonin_parse_doc((const char *)data, size, &e)) == NULL)
		return 0;
	memset(&q, 0, sizeof(q));
	if (benchserve_open(doc, &b, &e) == 0) {
		size_t i;

		for (i = 0; i < b.n; i++)
			if (benchserve_get(&b, i, &q, &e) == 0 &&
			    q.n_itl > q.cap_itl)
				abort();
	}
	free(q.itl_us);
	cJSON_Delete(doc);
	return 0;
}
