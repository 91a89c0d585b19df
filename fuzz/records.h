/*
 * For libFuzzer harnesses of record readers: the input as one JSON
 * document, each record of it (the document, or each element of an
 * array) passed to the harness's own one(rec).  Included once, by one
 * harness file.
 */
#ifndef RT_FUZZ_RECORDS_H
#define RT_FUZZ_RECORDS_H

#include <stdint.h>

#include "io/jsonin.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void one(const cJSON *rec);

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

#endif
