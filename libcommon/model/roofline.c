/*
 * Every expression below keeps the operand order of BLIS's Go source:
 * floating-point addition and multiplication are not associative, and the
 * reference integers depend on the last bit.  Build with -ffp-contract=off
 * so that no multiply-add is fused (Go on amd64 fuses none).
 */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "model/gomath.h"
#include "model/roofline.h"

/* BLIS's mlpMatrixCount: up + down, for every activation. */
static const double mlp_matrices = 2;

/* math.Max and math.Min for the finite, non-negative values seen here. */
static double
go_max(double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	return a > b ? a : b;
}

static double
go_min(double a, double b)
{
	if (isnan(a) || isnan(b))
		return NAN;
	return a < b ? a : b;
}

int64_t
clamp_to_int64(double v)
{
	if (isnan(v) || v >= 9223372036854775808.0)
		return INT64_MAX;
	if (v < -9223372036854775808.0)
		return INT64_MIN;
	return (int64_t)v;
}

static void
geometry(const struct model_config *c, struct rl_geometry *g)
{
	int64_t layers = c->num_layers;

	g->d_model = (double)c->hidden_dim;
	g->n_layers = (double)c->num_layers;
	g->n_heads = (double)c->num_attention_heads;
	g->n_kv_heads = (double)c->num_kv_heads;
	if (g->n_kv_heads == 0)
		g->n_kv_heads = g->n_heads;
	g->d_head = g->d_model / g->n_heads;
	g->d_ff = 4.0 * g->d_model;
	if (c->intermediate_dim > 0)
		g->d_ff = (double)c->intermediate_dim;
	g->d_kv = g->n_kv_heads * g->d_head;

	/* Interleaved MoE (Scout): step 1 alternates MoE and dense layers. */
	g->moe_layers = 0;
	g->dense_layers = layers;
	if (c->interleave_moe_layer_step > 0 && c->num_local_experts > 1) {
		g->moe_layers = layers / (c->interleave_moe_layer_step + 1);
		g->dense_layers = layers - g->moe_layers;
	} else if (c->num_local_experts > 1) {
		g->moe_layers = layers;
		g->dense_layers = 0;
	}
}

static double
moe_ffn(const struct model_config *c, const struct rl_geometry *g)
{
	return c->moe_expert_ffn_dim > 0 ? (double)c->moe_expert_ffn_dim :
	    g->d_ff;
}

static double
dense_ffn(const struct model_config *c, const struct rl_geometry *g)
{
	return c->dense_intermediate_dim > 0 ?
	    (double)c->dense_intermediate_dim : g->d_ff;
}

/* calculateTransformerFlops(..., true, true)["total"] */
static double
flops(const struct model_config *c, const struct rl_geometry *g, int64_t seq,
    int64_t new_tokens)
{
	const double d = g->d_model, nl = g->n_layers, nh = g->n_heads;
	const double seq_len = (double)seq, new_t = (double)new_tokens;
	double qkv, proj, gemm, sram, eff_ctx, attn, rope, vec, mlp;

	qkv = 2 * new_t * (d * d + 2 * d * g->d_kv);
	proj = 2 * new_t * d * d;
	gemm = (qkv + proj) * nl;

	/* FlashAttention: new tokens see half of each other on average. */
	eff_ctx = seq_len;
	if (new_t > 1)
		eff_ctx = seq_len + (new_t - 1) / 2.0;
	attn = 4 * nh * new_t * eff_ctx * g->d_head;
	rope = 2 * new_t * d;
	vec = 5 * nh * new_t * eff_ctx + rope;
	gemm += attn * nl;
	sram = vec * nl;

	if (g->moe_layers > 0) {
		mlp = 2 * new_t * (mlp_matrices * d * moe_ffn(c, g)) *
		    (double)c->num_experts_per_tok;
		gemm += mlp * (double)g->moe_layers;
	}
	if (g->dense_layers > 0) {
		mlp = 2 * new_t * (mlp_matrices * d * dense_ffn(c, g));
		gemm += mlp * (double)g->dense_layers;
	}
	return gemm + sram;
}

/*
 * calculateMemoryAccessBytes: total and model_weights.  BLIS sums the map
 * in sorted key order (activations_tokens, kv_cache_access,
 * kv_cache_growth, model_weights), then subtracts the weights again; the
 * rounding of that round trip is part of the reference values.
 */
static void
memory(const struct model_config *c, const struct rl_geometry *g, int64_t seq,
    int64_t new_tokens, int with_kv, double *total, double *weights)
{
	const double d = g->d_model, nl = g->n_layers;
	const double seq_f = (double)seq, new_t = (double)new_tokens;
	const double bpp = c->bytes_per_param;
	double attn_w, moe_w = 0, dense_w = 0, per_layer, n, k, p, n_eff;
	double kv_per_token, act, sum;

	attn_w = d * (d + 2 * g->d_kv) + (d * d);
	if (g->moe_layers > 0) {
		per_layer = mlp_matrices * d * moe_ffn(c, g);
		/* Expected distinct experts hit by B tokens routed uniformly. */
		n = (double)c->num_local_experts;
		k = (double)c->num_experts_per_tok;
		p = (n - k) / n;
		n_eff = n * (1.0 - gomath_pow_int(p, new_tokens));
		moe_w = per_layer * n_eff * (double)g->moe_layers;
	}
	if (g->dense_layers > 0) {
		per_layer = mlp_matrices * d * dense_ffn(c, g);
		dense_w = per_layer * (double)g->dense_layers;
	}
	*weights = ((attn_w * nl) + (moe_w + dense_w)) * model_weight_bytes(c);

	act = nl * d * bpp * new_t;
	sum = 0;
	sum += act;
	if (with_kv) {
		kv_per_token = 2 * nl * g->n_kv_heads * g->d_head * bpp;
		sum += kv_per_token * seq_f;		/* kv_cache_access */
		sum += kv_per_token * new_t;		/* kv_cache_growth */
	}
	sum += *weights;
	*total = sum;
}

void
roofline_init(struct roofline *r, const struct model_config *m,
    const struct hw_calib *hw, int tp)
{
	memset(r, 0, sizeof(*r));
	r->m = *m;
	r->hw = *hw;
	r->tp = tp;
	geometry(m, &r->g);
	/* Exactly one byte per weight runs on FP8 tensor cores where present. */
	r->peak_flops = hw->tflops_peak * 1e12;
	if (model_weight_bytes(m) == 1.0 && hw->tflops_fp8 > 0)
		r->peak_flops = hw->tflops_fp8 * 1e12;
	r->peak_bw = hw->bw_peak_tbs * 1e12;
	/* A calibration built by hand may leave it 0: the peak, then. */
	if (!(r->hw.bw_physical_tbs > 0))
		r->hw.bw_physical_tbs = hw->bw_peak_tbs;
	r->floor_bw_ratio = r->hw.bw_peak_tbs / r->hw.bw_physical_tbs;
}

static double
minority_fraction(const struct step *s)
{
	double prefill = 0, decode, pf;
	size_t i;

	if (s->n_prefill == 0 || s->n_decode == 0)
		return 0;
	for (i = 0; i < s->n_prefill; i++)
		prefill += (double)s->prefill[i].tokens;
	decode = (double)s->n_decode;
	pf = prefill / (prefill + decode);
	return go_min(pf, 1 - pf);
}

void
roofline_eval(const struct roofline *r, const struct step *s,
    struct roofline_result *out)
{
	const struct model_config *c = &r->m;
	const double tpf = (double)r->tp;
	const struct rl_geometry *g = &r->g;
	double compute_s = 0, dyn_bytes = 0, f, total, weights, memory_s;
	double prefill_s, decode_s = 0, term;
	int64_t new_tokens;
	size_t i;

	memset(out, 0, sizeof(*out));
	if (s->n_prefill == 0 && s->n_decode == 0)
		return;
	new_tokens = 0;
	for (i = 0; i < s->n_prefill; i++) {
		const struct step_req *q = &s->prefill[i];

		f = flops(c, g, q->progress_index, q->tokens);
		compute_s += f / tpf / (r->peak_flops * r->hw.mfu_prefill);
		memory(c, g, q->progress_index, q->tokens, 1, &total, &weights);
		dyn_bytes += (total - weights) / tpf;
		new_tokens += q->tokens;
	}
	prefill_s = compute_s;	/* BLIS's sum so far: the prefill part */
	for (i = 0; i < s->n_decode; i++) {
		const struct step_req *q = &s->decode[i];

		f = flops(c, g, q->progress_index, 1);
		term = f / tpf / (r->peak_flops * r->hw.mfu_decode);
		compute_s += term;
		decode_s += term;
		memory(c, g, q->progress_index, 1, 1, &total, &weights);
		dyn_bytes += (total - weights) / tpf;
	}
	new_tokens += (int64_t)s->n_decode;
	out->compute_us = compute_s * 1e6;
	out->compute_prefill_us = prefill_s * 1e6;
	out->compute_decode_us = decode_s * 1e6;
	out->minority_fraction = minority_fraction(s);

	if (r->hw.mixed_batch_penalty > 0 && s->n_prefill > 0 &&
	    s->n_decode > 0)
		compute_s /= 1.0 - r->hw.mixed_batch_penalty *
		    out->minority_fraction;

	/* Weights stream once per step, for all tokens together. */
	memory(c, g, 0, new_tokens, 0, &total, &weights);
	memory_s = (weights / tpf + dyn_bytes) / r->peak_bw;
	out->memory_us = memory_s * 1e6;
	out->compute_bound = compute_s > memory_s;
	out->floor_us = go_max(out->compute_prefill_us * r->hw.mfu_prefill +
	    out->compute_decode_us * r->hw.mfu_decode,
	    out->memory_us * r->floor_bw_ratio);
	out->pred_us = clamp_to_int64((go_max(compute_s, memory_s) +
	    r->hw.overlap_penalty * go_min(compute_s, memory_s)) * 1e6);
}
