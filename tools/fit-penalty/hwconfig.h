/*
 * --hardware-config-out: a hardware_config.json as it was, byte for byte,
 * but for one entry's edited values: the two penalties, and, when the
 * entry's own fields were fitted, mfuPrefill, mfuDecode, BwPeakTBs (the
 * effective bandwidth), BwPhysicalTBs (the physical peak) and a _comment
 * with the provenance.
 */
#ifndef RT_FIT_HWCONFIG_H
#define RT_FIT_HWCONFIG_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fit.h"
#include "model/hardware.h"

/*
 * Load the config (config, or the installed one when NULL; its path into
 * path) and check that it has the entry name, before any fitting: the
 * entry into hw, its BwPhysicalTBs (else its BwPeakTBs) into *bw_phys.
 * An unknown entry is bad usage (exit 2); an unreadable file exits 1.
 */
cJSON *hwconfig_load(const char *config, const char *name, char *path,
    size_t sz, struct hw_calib *hw, double *bw_phys);

/*
 * Write the config at path to out with the entry name edited from the
 * fit.  A fitted scale or overhead has no field there: says so on stderr.
 */
void hwconfig_write(const char *path, const char *name, const char *out,
    const struct fit_opts *o, const struct fit_steps *s,
    const struct fit_out *f);

#endif
