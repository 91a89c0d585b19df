/*
 * libFuzzer harness for the hardware entry's "rooftrace" object
 * (trace-replay's extras.c): any document, parsed as a config file is;
 * what is taken must be in range, and a refusal must say why.
 */
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "io/jsonin.h"
#include "sched/schedopts.h"

#include "extras.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schedopts o;
	struct errmsg e;
	char why[512];
	cJSON *doc;

	if ((doc = jsonin_parse_doc((const char *)data, size, &e)) == NULL)
		return 0;
	schedopts_init(&o);
	why[0] = '\0';
	if (extras_read(doc, "H100", &o, why, sizeof(why)) < 0) {
		if (why[0] == '\0')
			abort();
	} else if (replay_model_check(&o.m) != NULL ||
	    !(o.hit_fraction >= 0 && o.hit_fraction <= 1))
		abort();
	cJSON_Delete(doc);
	return 0;
}
