#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "model/hardware.h"
#include "io/jsonin.h"

cJSON *
hardware_read(const char *path, char *msg, size_t msgsz)
{
	struct jerr e;
	cJSON *doc;
	size_t len;
	char *buf;

	if ((buf = jsonin_slurp(path, &len)) == NULL) {
		snprintf(msg, msgsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	doc = jsonin_parse_doc(buf, len, &e);
	free(buf);
	if (doc == NULL) {
		snprintf(msg, msgsz, "%s: %s", path, e.msg);
		return NULL;
	}
	if (!cJSON_IsObject(doc)) {
		snprintf(msg, msgsz, "%s: expected a JSON object of GPUs", path);
		cJSON_Delete(doc);
		return NULL;
	}
	return doc;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void
hardware_names(const cJSON *doc, char *buf, size_t sz, const char *sep)
{
	const char *names[256] = { NULL };
	const cJSON *c;
	size_t n = 0, i, off = 0;

	cJSON_ArrayForEach(c, doc) {
		if (n == sizeof(names) / sizeof(names[0]))
			break;
		if (cJSON_IsObject(c))
			names[n++] = c->string;
	}
	qsort(names, n, sizeof(names[0]), cmp_str);
	buf[0] = '\0';
	for (i = 0; i < n && off < sz; i++)
		off += (size_t)snprintf(buf + off, sz - off, "%s%s",
		    i ? sep : "", names[i]);
}

int
hardware_penalty_ok(double v)
{
	return isfinite(v) && v >= 0 && v <= 1;
}

/* A numeric field; absent is 0, as Go leaves it. */
static int
field(const cJSON *ent, const char *path, const char *name, const char *key,
    double *out, char *msg, size_t msgsz)
{
	const cJSON *v = jsonin_field(ent, key);
	struct jerr e;
	char where[128];

	*out = 0;
	if (v == NULL)
		return 0;
	snprintf(where, sizeof(where), "%s.%s", name, key);
	if (jsonin_num(v, where, out, &e) < 0) {
		snprintf(msg, msgsz, "%s: %s", path, e.msg);
		return -1;
	}
	return 0;
}

static int
check(const char *path, const char *name, const char *key, double v,
    int ok, const char *want, char *msg, size_t msgsz)
{
	if (ok)
		return 0;
	snprintf(msg, msgsz, "%s: %s.%s must be %s, got %g", path, name, key,
	    want, v);
	return -1;
}

enum hw_status
hardware_entry(const cJSON *doc, const char *path, const char *name,
    struct hw_calib *hw, char *msg, size_t msgsz)
{
	const cJSON *ent = jsonin_field(doc, name);
	char known[1024];

	if (!cJSON_IsObject(ent)) {
		hardware_names(doc, known, sizeof(known), ", ");
		snprintf(msg, msgsz, "unknown hardware '%s' in %s (known: %s)",
		    name, path, known);
		return HW_UNKNOWN;
	}
	if (field(ent, path, name, "TFlopsPeak", &hw->tflops_peak, msg, msgsz) ||
	    field(ent, path, name, "TFlopsFP8", &hw->tflops_fp8, msg, msgsz) ||
	    field(ent, path, name, "BwPeakTBs", &hw->bw_peak_tbs, msg, msgsz) ||
	    field(ent, path, name, "mfuPrefill", &hw->mfu_prefill, msg, msgsz) ||
	    field(ent, path, name, "mfuDecode", &hw->mfu_decode, msg, msgsz) ||
	    field(ent, path, name, "MemoryGiB", &hw->memory_gib, msg, msgsz) ||
	    field(ent, path, name, "mixedBatchPenalty",
	    &hw->mixed_batch_penalty, msg, msgsz) ||
	    field(ent, path, name, "overlapPenalty", &hw->overlap_penalty, msg,
	    msgsz) ||
	    field(ent, path, name, "BwPhysicalTBs", &hw->bw_physical_tbs, msg,
	    msgsz))
		return HW_BAD;
	if (check(path, name, "TFlopsPeak", hw->tflops_peak,
	    hw->tflops_peak > 0, "a positive number", msg, msgsz) ||
	    check(path, name, "BwPeakTBs", hw->bw_peak_tbs,
	    hw->bw_peak_tbs > 0, "a positive number", msg, msgsz) ||
	    check(path, name, "BwPhysicalTBs", hw->bw_physical_tbs,
	    jsonin_field(ent, "BwPhysicalTBs") == NULL || hw->bw_physical_tbs > 0,
	    "a positive number", msg, msgsz) ||
	    check(path, name, "mfuPrefill", hw->mfu_prefill,
	    hw->mfu_prefill > 0, "a positive number", msg, msgsz) ||
	    check(path, name, "mfuDecode", hw->mfu_decode,
	    hw->mfu_decode > 0, "a positive number", msg, msgsz) ||
	    check(path, name, "MemoryGiB", hw->memory_gib,
	    hw->memory_gib >= 0, "0 or positive", msg, msgsz) ||
	    check(path, name, "TFlopsFP8", hw->tflops_fp8,
	    hw->tflops_fp8 >= 0, "0 or positive", msg, msgsz))
		return HW_BAD;
	if (jsonin_field(ent, "BwPhysicalTBs") == NULL)
		hw->bw_physical_tbs = hw->bw_peak_tbs;
	if (check(path, name, "mixedBatchPenalty", hw->mixed_batch_penalty,
	    hardware_penalty_ok(hw->mixed_batch_penalty), "in [0, 1]", msg,
	    msgsz) ||
	    check(path, name, "overlapPenalty", hw->overlap_penalty,
	    hardware_penalty_ok(hw->overlap_penalty), "in [0, 1]", msg, msgsz))
		return HW_BAD_PENALTY;
	return HW_OK;
}
