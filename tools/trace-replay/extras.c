#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "io/err.h"
#include "model/hardware.h"

#include "extras.h"

/* The entry named gpu, exactly or else ignoring case. */
static const cJSON *
find_entry(const cJSON *doc, const char *gpu)
{
	const cJSON *e;

	if ((e = cJSON_GetObjectItemCaseSensitive(doc, gpu)) != NULL)
		return e;
	cJSON_ArrayForEach(e, doc)
		if (e->string != NULL && strcasecmp(e->string, gpu) == 0)
			return e;
	return NULL;
}

/* Field key of x as a number in [lo, hi]; 1 if present, -1 if bad. */
static int
field(const char *gpu, const cJSON *x, const char *key, double lo,
    double hi, double *out, char *why, size_t whysz)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo &&
	    v->valuedouble <= hi)) {
		snprintf(why, whysz, "%s.rooftrace.%s: must be a number in "
		    "[%g, %g]", gpu, key, lo, hi);
		return -1;
	}
	*out = v->valuedouble;
	return 1;
}

/* Take field key into *out unless a flag gave it (skip). */
static int
take(const char *gpu, const cJSON *x, const char *key, double lo,
    double hi, double *out, int skip, char *why, size_t whysz)
{
	return skip ? 0 : field(gpu, x, key, lo, hi, out, why, whysz);
}

int
extras_read(const cJSON *doc, const char *gpu, struct schedopts *o,
    char *why, size_t whysz)
{
	const cJSON *entry, *x;
	struct replay_model *m = &o->m;
	double v;
	int rc;

	if ((entry = find_entry(doc, gpu)) == NULL ||
	    (x = cJSON_GetObjectItemCaseSensitive(entry, "rooftrace")) ==
	    NULL || !cJSON_IsObject(x))
		return 0;
	if (take(gpu, x, "alpha0_us", 0, 1e15, &m->alpha0_us,
	    o->given & SCHED_GIVEN_ALPHA, why, whysz) < 0 ||
	    take(gpu, x, "alpha1_us_per_token", 0, 1e15,
	    &m->alpha1_us_per_token, o->given & SCHED_GIVEN_ALPHA, why,
	    whysz) < 0 ||
	    take(gpu, x, "alpha2_us", 0, 1e15, &m->alpha2_us,
	    o->given & SCHED_GIVEN_ALPHA, why, whysz) < 0 ||
	    take(gpu, x, "post_decode_us", 0, 1e15, &m->post_decode_us,
	    o->given & SCHED_GIVEN_POST, why, whysz) < 0)
		return -1;
	if ((rc = take(gpu, x, "output_lag_steps", 0, 64, &v,
	    o->given & SCHED_GIVEN_LAG, why, whysz)) < 0)
		return -1;
	if (rc > 0) {
		if (v != floor(v)) {
			snprintf(why, whysz, "%s.rooftrace.output_lag_steps: "
			    "must be a whole number of steps", gpu);
			return -1;
		}
		m->output_lag = (int64_t)v;
	}
	if ((rc = take(gpu, x, "prefix_hit_fraction", 0, 1, &v,
	    o->given & SCHED_GIVEN_HIT, why, whysz)) < 0)
		return -1;
	if (rc > 0) {
		o->hit_fraction = v;
		o->given |= SCHED_GIVEN_HIT;
	}
	return 0;
}

void
extras_apply(const char *path, const char *gpu, struct schedopts *o)
{
	char msg[512];
	cJSON *doc;
	int rc;

	if (path == NULL || gpu == NULL)
		return;
	if ((doc = hardware_read(path, msg, sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "%s", msg);
	rc = extras_read(doc, gpu, o, msg, sizeof(msg));
	cJSON_Delete(doc);
	if (rc < 0)
		err_die(EXIT_DATA, "%s: %s", path, msg);
}
