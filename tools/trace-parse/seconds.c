#include <math.h>

#include "io/numfmt.h"
#include "seconds.h"

int
seconds_json_us(const cJSON *v, const char *path, int64_t *out,
    struct errmsg *e)
{
	double d;

	if (jsonin_num(v, path, &d, e) < 0)
		return -1;
	if (d < 0) {
		errmsg_set(e, "%s: must not be negative", path);
		return -1;
	}
	if (d * 1e6 > (double)RT_INT_EXACT_MAX) {
		errmsg_set(e, "%s: too large", path);
		return -1;
	}
	*out = llround(d * 1e6);
	return 0;
}
