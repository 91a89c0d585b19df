/*
 * GPU entries of a hardware_config.json, as BLIS's HardwareCalib, with the
 * PR #951 interference penalties.
 */
#ifndef RT_HARDWARE_H
#define RT_HARDWARE_H

#include <stddef.h>

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
enum hw_status { HW_OK = 0, HW_BAD = -1, HW_UNKNOWN = -2,
    HW_BAD_PENALTY = -3 };

/*
 * Entry name of doc into hw, validated as BLIS validates it.  HW_UNKNOWN
 * lists the known entries in msg; HW_BAD_PENALTY is a penalty outside
 * [0, 1], which programs treat like the bad flag value it stands for.
 */
enum hw_status hardware_entry(const cJSON *doc, const char *path,
    const char *name, struct hw_calib *hw, char *msg, size_t msgsz);
/* The entry names, sorted, joined by sep ("A100-80, A100-SXM, H100"). */
void hardware_names(const cJSON *doc, char *buf, size_t sz, const char *sep);

/* A penalty is a finite number in [0, 1]. */
int hardware_penalty_ok(double v);

#endif
