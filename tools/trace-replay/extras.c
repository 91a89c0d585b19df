#include <math.h>
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

/* Field key of x as a number in [lo, hi]; 1 if present. */
static int
field(const char *path, const char *gpu, const cJSON *x, const char *key,
    double lo, double hi, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(x, key);

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	if (!cJSON_IsNumber(v) || !(v->valuedouble >= lo &&
	    v->valuedouble <= hi))
		err_die(EXIT_DATA, "%s: %s.rooftrace.%s: must be a number in "
		    "[%g, %g]", path, gpu, key, lo, hi);
	*out = v->valuedouble;
	return 1;
}

void
extras_apply(const char *path, const char *gpu, struct schedopts *o)
{
	const cJSON *entry, *x;
	struct replay_model *m = &o->m;
	char msg[512];
	cJSON *doc;
	double v;

	if (path == NULL || gpu == NULL)
		return;
	if ((doc = hardware_read(path, msg, sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "%s", msg);
	if ((entry = find_entry(doc, gpu)) == NULL ||
	    (x = cJSON_GetObjectItemCaseSensitive(entry, "rooftrace")) ==
	    NULL || !cJSON_IsObject(x)) {
		cJSON_Delete(doc);
		return;
	}
	if (!(o->given & SCHED_GIVEN_ALPHA)) {
		field(path, gpu, x, "alpha0_us", 0, 1e15, &m->alpha0_us);
		field(path, gpu, x, "alpha1_us_per_token", 0, 1e15,
		    &m->alpha1_us_per_token);
		field(path, gpu, x, "alpha2_us", 0, 1e15, &m->alpha2_us);
	}
	if (!(o->given & SCHED_GIVEN_POST))
		field(path, gpu, x, "post_decode_us", 0, 1e15,
		    &m->post_decode_us);
	if (!(o->given & SCHED_GIVEN_LAG) &&
	    field(path, gpu, x, "output_lag_steps", 0, 64, &v)) {
		if (v != floor(v))
			err_die(EXIT_DATA, "%s: %s.rooftrace.output_lag_steps: "
			    "must be a whole number of steps", path, gpu);
		m->output_lag = (int64_t)v;
	}
	if (!(o->given & SCHED_GIVEN_HIT) &&
	    field(path, gpu, x, "prefix_hit_fraction", 0, 1, &v)) {
		o->hit_fraction = v;
		o->given |= SCHED_GIVEN_HIT;
	}
	cJSON_Delete(doc);
}
