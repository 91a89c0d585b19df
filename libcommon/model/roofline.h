/*
 * BLIS's roofline step time (sim/latency/roofline.go at PR #951 head
 * fa09485f), bit for bit: the same formulas in the same order of
 * operations, Go's math.Pow, Go's float-to-int truncation.
 */
#ifndef RT_ROOFLINE_H
#define RT_ROOFLINE_H

#include <stdint.h>

#include "model/hardware.h"
#include "model/model.h"
#include "records/step.h"

/* The model's shape as the formulas use it: fixed for a model. */
struct rl_geometry {
	double	 d_model, n_layers, n_heads, n_kv_heads, d_head, d_ff, d_kv;
	int64_t	 moe_layers, dense_layers;
};

struct roofline {
	struct model_config m;
	struct hw_calib hw;
	struct rl_geometry g;
	int	 tp;
	double	 peak_flops, peak_bw;
	double	 floor_bw_ratio;	/* BwPeakTBs / BwPhysicalTBs: 1 without */
};

struct roofline_result {
	int64_t	 pred_us;	/* BLIS's integer, penalties in force */
	double	 compute_us;	/* compute time, no penalty, not truncated */
	double	 memory_us;
	double	 minority_fraction;	/* 0 unless prefill and decode mix */
	int	 compute_bound;	/* penalised compute time exceeds memory */
	/*
	 * compute_us's two parts, prefill tokens at mfuPrefill and decodes
	 * at mfuDecode, each summed in BLIS's order (their sum may differ
	 * from compute_us in the last bit).
	 */
	double	 compute_prefill_us, compute_decode_us;
	/*
	 * The physical floor: MFU 1 and the physical bandwidth, no penalty,
	 * max(cP*mfuPrefill + cD*mfuDecode,
	 *     memory_us*(BwPeakTBs/BwPhysicalTBs)): the ratio first, so that
	 * without BwPhysicalTBs the memory part is memory_us bit for bit.
	 */
	double	 floor_us;
};

void roofline_init(struct roofline *r, const struct model_config *m,
    const struct hw_calib *hw, int tp);
void roofline_eval(const struct roofline *r, const struct step *s,
    struct roofline_result *out);

/* Go's clampToInt64: NaN and overflow go to INT64_MAX. */
int64_t clamp_to_int64(double v);

#endif
