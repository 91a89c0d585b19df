/*
 * libFuzzer harness for the model config reader (model/model.c): any
 * bytes give a config or a message, never a crash or undefined
 * behaviour; a config accepted holds a geometry a transformer can have,
 * and the roofline evaluates a step of it at every --tp it accepts
 * without overflow.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "model/model.h"
#include "model/roofline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(const struct model_config *m)
{
	const int64_t v[] = { m->num_layers, m->hidden_dim, m->vocab_size,
	    m->num_attention_heads, m->num_kv_heads, m->intermediate_dim,
	    m->num_local_experts, m->num_experts_per_tok,
	    m->moe_expert_ffn_dim, m->interleave_moe_layer_step,
	    m->dense_intermediate_dim, m->head_dim };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (v[i] < 0 || v[i] > MODEL_INT_MAX)
			abort();
	if (m->num_attention_heads <= 0 || m->num_kv_heads <= 0 ||
	    m->num_attention_heads % m->num_kv_heads != 0 ||
	    m->shared_expert_ffn_dim < 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct hw_calib hw = { 989.5, 1979, 3.35, 0.45, 0.30, 80,
	    0.2, 0.1, 3.35 };
	struct step_req pre = { 100, 50, NULL }, dec = { 512, 1, NULL };
	struct step s = { &pre, &dec, 1, 1, 1, 1 };
	struct roofline_result res;
	struct model_config m;
	struct roofline r;
	char msg[1024];
	int64_t tp;

	if (model_parse((const char *)data, size, "fuzz", "fuzz-fp8", &m, msg,
	    sizeof(msg)) < 0) {
		if (msg[0] == '\0')
			abort();	/* a refusal says why */
		return 0;
	}
	check(&m);
	for (tp = 1; tp <= 8; tp *= 2) {
		if (model_check_tp(&m, tp, msg, sizeof(msg)) < 0)
			continue;
		roofline_init(&r, &m, &hw, (int)tp);
		roofline_eval(&r, &s, &res);
	}
	return 0;
}
