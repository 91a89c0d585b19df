#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "model/hardware.h"
#include "io/jsonin.h"

cJSON *
hardware_parse(const char *text, size_t len, const char *path, char *msg,
    size_t msgsz)
{
	struct errmsg e;
	cJSON *doc;

	if ((doc = jsonin_parse_doc(text, len, &e)) == NULL) {
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

cJSON *
hardware_read(const char *path, char *msg, size_t msgsz)
{
	cJSON *doc;
	size_t len;
	char *buf;

	if ((buf = jsonin_slurp(path, &len)) == NULL) {
		snprintf(msg, msgsz, "%s: %s", path, strerror(errno));
		return NULL;
	}
	doc = hardware_parse(buf, len, path, msg, msgsz);
	free(buf);
	return doc;
}

/* ASCII only, whatever the locale: names are identifiers, not prose. */
static int
same_ignoring_case(const char *a, const char *b)
{
	int ca, cb;

	for (;; a++, b++) {
		ca = (unsigned char)*a;
		cb = (unsigned char)*b;
		if (ca >= 'A' && ca <= 'Z')
			ca += 'a' - 'A';
		if (cb >= 'A' && cb <= 'Z')
			cb += 'a' - 'A';
		if (ca != cb)
			return 0;
		if (ca == '\0')
			return 1;
	}
}

const cJSON *
hardware_find(const cJSON *doc, const char *name, int *ambiguous)
{
	const cJSON *c, *hit = NULL;

	*ambiguous = 0;
	if ((c = jsonin_field(doc, name)) != NULL)
		return c;
	cJSON_ArrayForEach(c, doc) {
		if (!same_ignoring_case(c->string, name))
			continue;
		if (hit != NULL) {
			*ambiguous = 1;
			return NULL;
		}
		hit = c;
	}
	return hit;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The names of the entries (objects) of doc, sorted; *n of them. */
static const char **
sorted_names(const cJSON *doc, size_t *n)
{
	const cJSON *c;
	const char **names;
	size_t k = 0;

	cJSON_ArrayForEach(c, doc)
		k++;
	names = err_malloc((k + 1) * sizeof(*names));
	*n = 0;
	cJSON_ArrayForEach(c, doc)
		if (cJSON_IsObject(c))
			names[(*n)++] = c->string;
	qsort(names, *n, sizeof(*names), cmp_str);
	return names;
}

void
hardware_names(const cJSON *doc, char *buf, size_t sz, const char *sep)
{
	const char **names;
	size_t n, i, off = 0, len;
	char more[64];

	names = sorted_names(doc, &n);
	buf[0] = '\0';
	for (i = 0; i < n; i++) {
		len = strlen(names[i]) + (i ? strlen(sep) : 0);
		snprintf(more, sizeof(more), "%s... and %zu more", i ? sep : "",
		    n - i);
		/* Room for this name and, after it, the tail if needed. */
		if (off + len + (i + 1 < n ? strlen(more) : 0) >= sz) {
			if (off + strlen(more) < sz)
				snprintf(buf + off, sz - off, "%s", more);
			break;
		}
		off += (size_t)snprintf(buf + off, sz - off, "%s%s",
		    i ? sep : "", names[i]);
	}
	free(names);
}

void
hardware_list(const cJSON *doc, FILE *fp)
{
	const char **names;
	size_t n, i;

	names = sorted_names(doc, &n);
	for (i = 0; i < n; i++)
		fprintf(fp, "%s\n", names[i]);
	free(names);
}

int
hardware_penalty_ok(double v)
{
	return isfinite(v) && v >= 0 && v <= 1;
}

/*
 * A numeric field; absent is 0, as Go leaves it.  A field BLIS needs
 * (need) is reported missing as such, not as the 0 it would read as.
 */
static int
field(const cJSON *ent, const char *path, const char *name, const char *key,
    int need, double *out, char *msg, size_t msgsz)
{
	const cJSON *v = jsonin_field(ent, key);
	struct errmsg e;
	char where[256];

	*out = 0;
	if (v == NULL) {
		if (!need)
			return 0;
		snprintf(msg, msgsz, "%s: %s.%s is missing (it must be a "
		    "positive number)", path, name, key);
		return -1;
	}
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

/* The entry of doc called name, or NULL with msg set and *rc the cause. */
static const cJSON *
entry_of(const cJSON *doc, const char *path, const char *name,
    enum hw_status *rc, char *msg, size_t msgsz)
{
	const cJSON *ent;
	char known[1024], what[64];
	int amb;

	if ((ent = hardware_find(doc, name, &amb)) == NULL) {
		hardware_names(doc, known, sizeof(known), ", ");
		if (amb)
			snprintf(msg, msgsz, "hardware '%s' matches more than "
			    "one entry of %s ignoring case: give the exact "
			    "name (known: %s)", name, path, known);
		else
			snprintf(msg, msgsz, "unknown hardware '%s' in %s "
			    "(known: %s)", name, path, known);
		*rc = HW_UNKNOWN;
		return NULL;
	}
	if (!cJSON_IsObject(ent)) {
		jsonin_describe(ent, what, sizeof(what));
		snprintf(msg, msgsz, "%s: entry \"%s\" is not an object (got "
		    "%s)", path, ent->string, what);
		*rc = HW_BAD;
		return NULL;
	}
	return ent;
}

static int
fields(const cJSON *ent, const char *path, const char *name,
    struct hw_calib *hw, char *msg, size_t msgsz)
{
	return field(ent, path, name, "TFlopsPeak", 1, &hw->tflops_peak, msg,
	    msgsz) ||
	    field(ent, path, name, "TFlopsFP8", 0, &hw->tflops_fp8, msg, msgsz) ||
	    field(ent, path, name, "BwPeakTBs", 1, &hw->bw_peak_tbs, msg,
	    msgsz) ||
	    field(ent, path, name, "mfuPrefill", 1, &hw->mfu_prefill, msg,
	    msgsz) ||
	    field(ent, path, name, "mfuDecode", 1, &hw->mfu_decode, msg,
	    msgsz) ||
	    field(ent, path, name, "MemoryGiB", 0, &hw->memory_gib, msg,
	    msgsz) ||
	    field(ent, path, name, "mixedBatchPenalty", 0,
	    &hw->mixed_batch_penalty, msg, msgsz) ||
	    field(ent, path, name, "overlapPenalty", 0, &hw->overlap_penalty,
	    msg, msgsz) ||
	    field(ent, path, name, "BwPhysicalTBs", 0, &hw->bw_physical_tbs,
	    msg, msgsz);
}

enum hw_status
hardware_entry(const cJSON *doc, const char *path, const char *name,
    struct hw_calib *hw, char *msg, size_t msgsz)
{
	enum hw_status rc = HW_OK;
	const cJSON *ent;

	if ((ent = entry_of(doc, path, name, &rc, msg, msgsz)) == NULL)
		return rc;
	name = ent->string;	/* canonical from here on */
	if (fields(ent, path, name, hw, msg, msgsz))
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

/* ------------------------------------------------ the rooftrace object */

#define XF(key, bit, member, lo, hi) \
	{ key, bit, offsetof(struct hw_extras, member), lo, hi }

const struct hw_extras_field hardware_extras_fields[] = {
	XF("alpha0_us", HWX_ALPHA0, alpha0_us, -HUGE_VAL, HUGE_VAL),
	XF("alpha1_us_per_token", HWX_ALPHA1, alpha1_us_per_token, -HUGE_VAL,
	    HUGE_VAL),
	XF("alpha2_us", HWX_ALPHA2, alpha2_us, -HUGE_VAL, HUGE_VAL),
	XF("post_decode_us", HWX_POST_DECODE, post_decode_us, -HUGE_VAL,
	    HUGE_VAL),
	XF("output_lag_steps", HWX_OUTPUT_LAG, output_lag_steps, 0, HUGE_VAL),
	XF("prefix_hit_fraction", HWX_PREFIX_HIT, prefix_hit_fraction, 0, 1),
};
const size_t hardware_extras_nfields = sizeof(hardware_extras_fields) /
    sizeof(hardware_extras_fields[0]);

static int
extras_num(const cJSON *v, const struct hw_extras_field *f, const char *where,
    struct hw_extras *x, char *msg, size_t msgsz)
{
	struct errmsg e;
	double d;

	if (jsonin_num(v, where, &d, &e) < 0) {
		snprintf(msg, msgsz, "%s", e.msg);
		return -1;
	}
	if (d < f->lo || d > f->hi) {
		if (f->hi == HUGE_VAL)
			snprintf(msg, msgsz, "%s: must be at least %g, got %g",
			    where, f->lo, d);
		else
			snprintf(msg, msgsz, "%s: must be in [%g, %g], got %g",
			    where, f->lo, f->hi, d);
		return -1;
	}
	*(double *)(void *)((char *)x + f->off) = d;
	x->have |= f->bit;
	return 0;
}

static int
extras_member(const cJSON *v, const char *ename, struct hw_extras *x,
    char *msg, size_t msgsz)
{
	char where[512];
	size_t k;

	snprintf(where, sizeof(where), "%s.rooftrace.%s", ename, v->string);
	for (k = 0; k < hardware_extras_nfields; k++)
		if (strcmp(v->string, hardware_extras_fields[k].key) == 0)
			return extras_num(v, &hardware_extras_fields[k], where,
			    x, msg, msgsz);
	if (strcmp(v->string, "provenance") != 0) {
		snprintf(msg, msgsz, "%s: unknown field (known: alpha0_us, "
		    "alpha1_us_per_token, alpha2_us, post_decode_us, "
		    "output_lag_steps, prefix_hit_fraction, provenance)",
		    where);
		return -1;
	}
	if (!cJSON_IsString(v)) {
		snprintf(msg, msgsz, "%s: expected a string", where);
		return -1;
	}
	if (strlen(v->valuestring) >= sizeof(x->provenance)) {
		snprintf(msg, msgsz, "%s: longer than %d bytes", where,
		    HWX_PROVENANCE_MAX - 1);
		return -1;
	}
	memcpy(x->provenance, v->valuestring, strlen(v->valuestring) + 1);
	x->have |= HWX_PROVENANCE;
	return 0;
}

int
hardware_extras(const cJSON *doc, const char *path, const char *name,
    struct hw_extras *x, char *msg, size_t msgsz)
{
	enum hw_status rc;
	const cJSON *ent, *obj, *v;
	char why[768], what[64];

	memset(x, 0, sizeof(*x));
	if ((ent = entry_of(doc, path, name, &rc, msg, msgsz)) == NULL)
		return -1;
	if ((obj = jsonin_field(ent, "rooftrace")) == NULL)
		return 0;
	if (!cJSON_IsObject(obj)) {
		jsonin_describe(obj, what, sizeof(what));
		snprintf(msg, msgsz, "%s: %s.rooftrace: expected an object, got "
		    "%s", path, ent->string, what);
		return -1;
	}
	cJSON_ArrayForEach(v, obj)
		if (extras_member(v, ent->string, x, why, sizeof(why)) < 0) {
			memset(x, 0, sizeof(*x));
			snprintf(msg, msgsz, "%s: %s", path, why);
			return -1;
		}
	return 1;
}

int
hardware_extras_load(const char *path, const char *name, struct hw_extras *x,
    char *msg, size_t msgsz)
{
	cJSON *doc;
	int rc;

	memset(x, 0, sizeof(*x));
	if ((doc = hardware_read(path, msg, msgsz)) == NULL)
		return -1;
	rc = hardware_extras(doc, path, name, x, msg, msgsz);
	cJSON_Delete(doc);
	return rc;
}
