/* libFuzzer: OTLP JSON exports, walked span by span to the end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/otel.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct otel_iter it;
	struct otel_span sp;
	struct errmsg e;
	cJSON *doc;
	long other = 0, n = 0;
	int rc;

	if ((doc = jsonin_parse_doc((const char *)data, size, &e)) == NULL)
		return 0;
	otel_begin(&it, doc);
	while ((rc = otel_next(&it, doc, &sp, &other, &e)) != 0)
		if (++n > 1000000 || (rc == 1 && sp.id == NULL))
			abort();	/* it must end, and spans have ids */
	cJSON_Delete(doc);
	return 0;
}
