/*
 * GPU entries of a hardware_config.json, as BLIS's HardwareCalib, with the
 * PR #951 interference penalties, and the replay calibration rooftrace
 * keeps beside them in the entry's own "rooftrace" object.
 */
#ifndef RT_HARDWARE_H
#define RT_HARDWARE_H

#include <stddef.h>
#include <stdio.h>

#include <cjson/cJSON.h>

struct hw_calib {
	double	 tflops_peak, tflops_fp8, bw_peak_tbs;
	double	 mfu_prefill, mfu_decode, memory_gib;
	double	 mixed_batch_penalty, overlap_penalty;
	/*
	 * BwPhysicalTBs: the GPU's physical peak bandwidth when BwPeakTBs is
	 * an effective, fitted one (BLIS ignores the field); hardware_entry sets it
	 * to bw_peak_tbs when the entry has none.  Only the floor uses it.
	 */
	double	 bw_physical_tbs;
};

/* Parse a hardware_config.json; NULL with msg set on failure. */
cJSON *hardware_read(const char *path, char *msg, size_t msgsz);
/* The same, of its text (path for messages). */
cJSON *hardware_parse(const char *text, size_t len, const char *path,
    char *msg, size_t msgsz);
enum hw_status { HW_OK = 0, HW_BAD = -1, HW_UNKNOWN = -2,
    HW_BAD_PENALTY = -3 };

/*
 * The member of doc named name: the one spelled exactly so, else the one
 * spelled so ignoring case ("h100" finds "H100").  NULL when none does,
 * or when two do ignoring case and none exactly (*ambiguous is then 1).
 * Its key (->string) is the canonical name, for messages.
 */
const cJSON *hardware_find(const cJSON *doc, const char *name, int *ambiguous);

/*
 * Entry name of doc into hw, validated as BLIS validates it.  HW_UNKNOWN
 * lists the known entries in msg; HW_BAD_PENALTY is a penalty outside
 * [0, 1], which programs treat like the bad flag value it stands for.
 */
enum hw_status hardware_entry(const cJSON *doc, const char *path,
    const char *name, struct hw_calib *hw, char *msg, size_t msgsz);
/*
 * The entry names, sorted, joined by sep ("A100-80, A100-SXM, H100"); a
 * list too long for buf ends "... and N more".
 */
void hardware_names(const cJSON *doc, char *buf, size_t sz, const char *sep);
/* Every entry name, sorted, one a line. */
void hardware_list(const cJSON *doc, FILE *fp);

/* A penalty is a finite number in [0, 1]. */
int hardware_penalty_ok(double v);

/*
 * The entry's "rooftrace" object: what a replay needs beyond BLIS's
 * fields, fitted from request latencies (BLIS ignores it).  have says
 * which fields the object holds (HWX_ bits); the others are 0.
 */
enum {
	HWX_ALPHA0 = 1 << 0, HWX_ALPHA1 = 1 << 1, HWX_ALPHA2 = 1 << 2,
	HWX_POST_DECODE = 1 << 3, HWX_OUTPUT_LAG = 1 << 4,
	HWX_PREFIX_HIT = 1 << 5, HWX_PROVENANCE = 1 << 6
};
enum { HWX_PROVENANCE_MAX = 4096 };

struct hw_extras {
	double	 alpha0_us;		/* per-request constant */
	double	 alpha1_us_per_token;	/* per prompt token */
	double	 alpha2_us;		/* per output token */
	double	 post_decode_us;	/* after the last decode step */
	double	 output_lag_steps;	/* steps from compute to the client */
	double	 prefix_hit_fraction;	/* prompt served by the prefix cache */
	char	 provenance[HWX_PROVENANCE_MAX];
	unsigned have;
};

/* The numeric fields, in the order they are written. */
struct hw_extras_field {
	const char *key;
	unsigned bit;
	size_t	 off;		/* of the double in struct hw_extras */
	double	 lo, hi;	/* allowed range, ends included */
};
extern const struct hw_extras_field hardware_extras_fields[];
extern const size_t hardware_extras_nfields;

/*
 * The "rooftrace" object of entry name (matched as hardware_find does) of
 * doc into x.  1 when the entry has one, 0 when it has none (x cleared),
 * -1 with msg set ("path: H100.rooftrace.alpha0_us: ...") when the
 * entry is unknown or the object holds a bad or unknown field.
 */
int hardware_extras(const cJSON *doc, const char *path, const char *name,
    struct hw_extras *x, char *msg, size_t msgsz);
/* hardware_extras on the file at path (trace-replay --hardware-config). */
int hardware_extras_load(const char *path, const char *name,
    struct hw_extras *x, char *msg, size_t msgsz);

#endif
