/*
 * libFuzzer harness for the hardware config reader (model/hardware.c):
 * any bytes give a config or a message; every entry, found by its name in
 * any case, gives its calibration and its rooftrace object or a message
 * naming it, never a crash or undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "model/hardware.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *null;
	struct hw_extras x;
	struct hw_calib hw;
	const cJSON *c;
	char msg[1200], names[256];
	cJSON *doc;
	int n = 0;

	if (null == NULL && (null = fopen("/dev/null", "w")) == NULL)
		abort();
	msg[0] = '\0';
	if ((doc = hardware_parse((const char *)data, size, "fuzz", msg,
	    sizeof(msg))) == NULL) {
		if (msg[0] == '\0')
			abort();
		return 0;
	}
	hardware_names(doc, names, sizeof(names), ", ");
	hardware_list(doc, null);
	cJSON_ArrayForEach(c, doc) {
		if (++n > 64)
			break;
		msg[0] = '\0';
		if (hardware_entry(doc, "fuzz", c->string, &hw, msg,
		    sizeof(msg)) == HW_OK) {
			if (!(hw.tflops_peak > 0 && hw.bw_peak_tbs > 0 &&
			    hw.mfu_prefill > 0 && hw.mfu_decode > 0 &&
			    hw.bw_physical_tbs > 0 &&
			    hardware_penalty_ok(hw.overlap_penalty)))
				abort();
		} else if (msg[0] == '\0')
			abort();
		msg[0] = '\0';
		if (hardware_extras(doc, "fuzz", c->string, &x, msg,
		    sizeof(msg)) < 0 && msg[0] == '\0')
			abort();
	}
	cJSON_Delete(doc);
	return 0;
}
