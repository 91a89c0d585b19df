/*
 * --hardware-config-out: a hardware_config.json as it was but for one
 * entry's two penalties, the fitted ones.
 */
#ifndef RT_FIT_HWCONFIG_H
#define RT_FIT_HWCONFIG_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "steptime.h"

/*
 * Load the config to edit (config, or the installed one when NULL; its
 * path into path) and check that it has the entry name, before any
 * fitting.  An unknown entry is bad usage (exit 2); an unreadable file
 * exits 1.
 */
cJSON *hwconfig_load(const char *config, const char *name, char *path,
    size_t sz);

/*
 * Write doc to out with the entry name's penalties set from est.  A
 * fitted scale or overhead has no field there: says so on stderr.
 */
void hwconfig_write(cJSON *doc, const char *name, const char *out,
    const struct fit_par *est);

#endif
