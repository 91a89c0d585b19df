/*
 * Model geometry from a HuggingFace config.json, read the way BLIS reads
 * it (sim/latency/config.go at PR #951): text_config fields override the
 * top level, missing integers are 0, KV heads fall back through Falcon's
 * and GLM's names to the attention heads, quantized weight width comes from
 * quantization_config or, failing that, from the model's name.
 */
#ifndef RT_MODEL_H
#define RT_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* The largest size or count a config may give: far above any model's. */
#define MODEL_INT_MAX 2147483647LL

struct model_config {
	int64_t	 num_layers, hidden_dim, vocab_size;
	int64_t	 num_attention_heads, num_kv_heads;
	int64_t	 intermediate_dim;
	int64_t	 num_local_experts, num_experts_per_tok;
	int64_t	 moe_expert_ffn_dim, shared_expert_ffn_dim;
	int64_t	 interleave_moe_layer_step, dense_intermediate_dim;
	int64_t	 head_dim;		/* as given; 0 when absent (unused) */
	double	 bytes_per_param;	/* compute/KV dtype width */
	double	 weight_bytes_per_param; /* 0: same as bytes_per_param */
	char	 hidden_act[32];
};

/*
 * Load path (a config.json).  name is the model's name for the weight-width
 * fallback (BLIS applies it to the HF model id).  On failure returns -1 and
 * writes a message ("file: what") to msg.
 */
int model_load(const char *path, const char *name, struct model_config *m,
    char *msg, size_t msgsz);
/* The same, of a config's text (path for messages). */
int model_parse(const char *text, size_t len, const char *path,
    const char *name, struct model_config *m, char *msg, size_t msgsz);

/*
 * BLIS's ValidateRooflineConfig for the model half, and the geometry a
 * transformer has: KV heads divide the attention heads, the heads divide
 * the hidden size (unless head_dim is given).  0, or -1 with msg.
 */
int model_validate(const struct model_config *m, char *msg, size_t msgsz);

/*
 * Tensor parallelism tp on model m, as BLIS's KVBytesPerToken allows it:
 * KV heads at least tp must be a multiple of it (fewer are replicated),
 * and tp may not exceed the attention heads.  0, or -1 with msg.
 */
int model_check_tp(const struct model_config *m, int64_t tp, char *msg,
    size_t msgsz);

double model_weight_bytes(const struct model_config *m);

/* Weight width implied by a name: "w4a16" -> 0.5, "fp8" -> 1; else 0. */
double model_weight_bytes_from_name(const char *name);

#endif
