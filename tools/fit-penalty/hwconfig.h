/*
 * --hardware-config-out: a hardware_config.json as it was, byte for byte,
 * but for one entry's edited members: the two penalties, and, when the
 * entry's own fields were fitted, mfuPrefill, mfuDecode, BwPeakTBs (the
 * effective bandwidth), BwPhysicalTBs (the physical peak) and a _comment
 * with the provenance; and the "rooftrace" object a request fit writes.
 *
 * The file is read as JSON (cJSON), and the text edited by entrytext.c:
 * every byte outside the edited values is copied as it is (other
 * entries, unknown fields such as BLIS's IntraNodeBwGBps, comments,
 * escapes, a byte-order mark, the layout), and the result is parsed
 * again and compared, member by member, with what was meant before it
 * replaces anything.
 *
 * Editing a file in place (--hardware-config F --hardware-config-out F)
 * locks it (flock) from the moment it is read again until the program
 * exits, after the rename: concurrent fits of other entries of one file
 * each add their edit to what the others wrote; a fit whose own entry
 * changed since it was first read is refused, nothing written.
 */
#ifndef RT_FIT_HWCONFIG_H
#define RT_FIT_HWCONFIG_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "fit.h"
#include "model/hardware.h"

/*
 * Load the config (config, or the installed one when NULL; its path into
 * path) and check that it has the entry name (any case), before any
 * fitting: the entry into hw, its BwPhysicalTBs (else its BwPeakTBs) into
 * *bw_phys.  The text and the entry are kept for the edit.  An unknown
 * entry is bad usage (exit 2); an unreadable file exits 1.
 */
cJSON *hwconfig_load(const char *config, const char *name, char *path,
    size_t sz, struct hw_calib *hw, double *bw_phys);

/*
 * Before any work: exit 2 when two outputs (-o, --residuals,
 * --hardware-config-out; NULL when not given, "-" the standard output)
 * name one file, or when -o or --residuals names the config read
 * (hwconfig, NULL for the installed one).
 */
void hwconfig_check_outputs(const char *report, const char *residuals,
    const char *hwout, const char *hwconfig);

/* ---------------------------------------------------- edits, generic */

enum { HWCONFIG_MAXEDIT = 16 };

struct hwconfig_edits {
	struct {
		const char *key;
		char	*text;		/* the value as JSON */
		double	 num;		/* a number: an equal one keeps its bytes */
		int	 is_num;
	} e[HWCONFIG_MAXEDIT];
	size_t	 n;
	int	 has_extras;
	struct hw_extras extras;	/* merged into "rooftrace" */
};

void hwconfig_edits_init(struct hwconfig_edits *ed);
void hwconfig_edit_num(struct hwconfig_edits *ed, const char *key,
    double v);
void hwconfig_edit_str(struct hwconfig_edits *ed, const char *key,
    const char *v);
/*
 * Set the fields of x->have in the entry's "rooftrace" object (created
 * when absent); the object's other fields keep their values.
 */
void hwconfig_edit_extras(struct hwconfig_edits *ed,
    const struct hw_extras *x);
void hwconfig_edits_free(struct hwconfig_edits *ed);

/*
 * Write the config loaded from path by hwconfig_load to out ("-": the
 * standard output) with the entry name edited; exits 1 when it cannot.
 * The output goes through outfile_open (held outputs wait for
 * outfile_commit).  Once a file a run: every edit of it goes into one
 * struct hwconfig_edits (a fit's and a request fit's rooftrace object
 * together), else an internal error.
 */
void hwconfig_apply(const char *path, const char *name, const char *out,
    const struct hwconfig_edits *ed);

/* The config with the entry's "rooftrace" object set from x. */
void hwconfig_write_extras(const char *path, const char *name,
    const char *out, const struct hw_extras *x);

/*
 * Add the fit's edits to ed: the penalties and, when entry fields were
 * fitted, the MFUs, bandwidths and a _comment with the provenance.  A
 * fitted scale or overhead has no field there: says so on stderr (out
 * names the file).
 */
/*
 * " Earlier comment: ..." on fp: earlier, else the loaded entry's
 * _comment, unless it is one of ours (a calibration replaces it).
 */
void hwconfig_earlier_comment(FILE *fp, const char *earlier);
void hwconfig_fit_edits(struct hwconfig_edits *ed, const char *out,
    const struct fit_opts *o, const struct fit_steps *s,
    const struct fit_out *f);

/* The config with the entry edited from the fit (the edits, applied). */
void hwconfig_write(const char *path, const char *name, const char *out,
    const struct fit_opts *o, const struct fit_steps *s,
    const struct fit_out *f);

#endif
