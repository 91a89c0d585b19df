/* Seconds held in a JSON double (Python wrote them) to whole microseconds. */
#ifndef RT_SECONDS_H
#define RT_SECONDS_H

#include <stdint.h>

#include "io/jsonin.h"

/*
 * v (seconds, a non-negative JSON number) to microseconds, rounded to
 * nearest.  The text is gone once cJSON holds a double, and the writer
 * already rounded to binary, so this is as exact as the file allows.
 */
int seconds_json_us(const cJSON *v, const char *path, int64_t *out,
    struct errmsg *e);

#endif
