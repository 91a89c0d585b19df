#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "model/model.h"
#include "io/numfmt.h"

struct hf {
	const cJSON *top, *text;	/* text: text_config, or NULL */
	const char *path;
	char	*msg;
	size_t	 msgsz;
	int	 bad;
};

/* text_config's fields override the top level (BLIS "pivots" to it). */
static const cJSON *
hf_get(const struct hf *h, const char *key)
{
	const cJSON *v = NULL;

	if (h->text != NULL)
		v = jsonin_field(h->text, key);
	return v != NULL ? v : jsonin_field(h->top, key);
}

/* The first error only, naming the field where it was found. */
static void
hf_bad(struct hf *h, const char *key, const char *what)
{
	if (h->bad)
		return;
	h->bad = 1;
	snprintf(h->msg, h->msgsz, "%s: %s%s %s", h->path,
	    h->text != NULL && jsonin_field(h->text, key) != NULL ?
	    "text_config." : "", key, what);
}

/*
 * A size or count: a whole number from 0 to MODEL_INT_MAX (absent or
 * null is 0, as BLIS reads it).  Anything else is refused, naming the
 * field: a fraction BLIS would truncate, a negative size, a magnitude no
 * model has (and whose products would overflow), a string.
 */
static int64_t
hf_int(struct hf *h, const char *key)
{
	const cJSON *v = hf_get(h, key);
	char what[128], got[64];
	double d;

	if (v == NULL || cJSON_IsNull(v))
		return 0;
	jsonin_describe(v, got, sizeof(got));
	d = cJSON_IsNumber(v) ? v->valuedouble : 0;
	if (!cJSON_IsNumber(v))
		snprintf(what, sizeof(what), "must be a whole number, got %s",
		    got);
	else if (!isfinite(d) || fabs(d) > (double)MODEL_INT_MAX)
		snprintf(what, sizeof(what), "is too large (%s; at most %lld)",
		    got, (long long)MODEL_INT_MAX);
	else if (d < 0)
		snprintf(what, sizeof(what), "must not be negative, got %s", got);
	else if (d != trunc(d))
		snprintf(what, sizeof(what), "must be a whole number, got %s",
		    got);
	else
		return (int64_t)d;
	hf_bad(h, key, what);
	return 0;
}

/* First of the keys with a non-zero value. */
static int64_t
hf_int_first(struct hf *h, const char *const *keys)
{
	int64_t v;

	for (; *keys != NULL; keys++)
		if ((v = hf_int(h, *keys)) != 0)
			return v;
	return 0;
}

static double
dtype_bytes(const char *dtype)
{
	static const struct { const char *name; double bytes; } tab[] = {
		{ "float32", 4 }, { "float16", 2 }, { "bfloat16", 2 },
		{ "int8", 1 }, { "uint8", 1 }, { "fp8", 1 },
		{ "int4", 1 }, { "nf4", 1 },	/* stored in byte containers */
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(dtype, tab[i].name) == 0)
			return tab[i].bytes;
	return 0;
}

/* BLIS takes the first usable group in sorted key order. */
static double
compressed_tensors_bytes(const cJSON *qc)
{
	const cJSON *cg = jsonin_field(qc, "config_groups"), *g, *w, *nb;
	const char *best = NULL;
	double bits = 0;

	if (!cJSON_IsObject(cg))
		return 0;
	cJSON_ArrayForEach(g, cg) {
		w = cJSON_IsObject(g) ? jsonin_field(g, "weights") : NULL;
		nb = cJSON_IsObject(w) ? jsonin_field(w, "num_bits") : NULL;
		if (!cJSON_IsNumber(nb) || !(nb->valuedouble > 0))
			continue;
		if (best == NULL || strcmp(g->string, best) < 0) {
			best = g->string;
			bits = nb->valuedouble;
		}
	}
	return bits / 8.0;
}

/* Weight width from quantization_config; 0 when it says nothing usable. */
static double
quantization_bytes(const cJSON *qc)
{
	const cJSON *bits = jsonin_field(qc, "bits"), *method;
	int64_t b = 0;
	char *end;
	long long l;

	if (cJSON_IsNumber(bits) && isfinite(bits->valuedouble) &&
	    fabs(bits->valuedouble) < 1e15)
		b = (int64_t)bits->valuedouble;
	else if (cJSON_IsString(bits)) {
		errno = 0;
		l = strtoll(bits->valuestring, &end, 10);
		if (*bits->valuestring != '\0' && *end == '\0' && errno == 0)
			b = l;
	}
	if (b > 0)
		return (double)b / 8.0;
	method = jsonin_field(qc, "quant_method");
	if (!cJSON_IsString(method))
		return 0;
	if (strcasecmp(method->valuestring, "fp8") == 0)
		return 1.0;
	if (strcasecmp(method->valuestring, "compressed-tensors") == 0)
		return compressed_tensors_bytes(qc);
	return 0;
}

static int
name_sep(int c, int slash_ok)
{
	return c == '.' || c == '-' || c == '_' || (slash_ok && c == '/');
}

/* Matches BLIS's (?i)(^|[.-_/])w(\d+)a\d+($|[.-_]) and fp8 patterns. */
double
model_weight_bytes_from_name(const char *name)
{
	const char *p, *q, *d;
	long bits;

	for (p = name; *p; p++) {
		if (tolower((unsigned char)*p) != 'w' ||
		    (p > name && !name_sep(p[-1], 1)))
			continue;
		for (q = p + 1; isdigit((unsigned char)*q); q++)
			;
		if (q == p + 1 || q - p > 10 || tolower((unsigned char)*q) != 'a')
			continue;
		for (d = q + 1; isdigit((unsigned char)*d); d++)
			;
		if (d == q + 1 || !(*d == '\0' || name_sep(*d, 0)))
			continue;
		bits = strtol(p + 1, NULL, 10);
		if (bits > 0)
			return (double)bits / 8.0;
		break;
	}
	for (p = name; *p; p++) {
		if (strncasecmp(p, "fp8", 3) != 0 ||
		    (p > name && !name_sep(p[-1], 1)))
			continue;
		if (p[3] == '\0' || name_sep(p[3], 0))
			return 1.0;
	}
	return 0;
}

static void
fill(struct hf *h, const char *name, struct model_config *m)
{
	static const char *const kv_keys[] = { "num_key_value_heads",
	    "num_kv_heads", "multi_query_group_num", NULL };
	static const char *const ffn_keys[] = { "intermediate_size",
	    "ffn_hidden_size", NULL };
	static const char *const expert_keys[] = { "num_routed_experts",
	    "n_routed_experts", "num_experts", NULL };
	const char *const *k;
	const cJSON *v;
	int64_t n, shared;

	memset(m, 0, sizeof(*m));
	m->num_layers = hf_int(h, "num_hidden_layers");
	m->hidden_dim = hf_int(h, "hidden_size");
	m->vocab_size = hf_int(h, "vocab_size");
	m->num_attention_heads = hf_int(h, "num_attention_heads");
	m->num_kv_heads = hf_int_first(h, kv_keys);
	if (m->num_kv_heads == 0)
		m->num_kv_heads = m->num_attention_heads;
	v = hf_get(h, "torch_dtype");
	if (!cJSON_IsString(v))
		v = hf_get(h, "dtype");
	if (cJSON_IsString(v))
		m->bytes_per_param = dtype_bytes(v->valuestring);
	m->intermediate_dim = hf_int_first(h, ffn_keys);
	m->num_local_experts = hf_int(h, "num_local_experts");
	if (m->num_local_experts <= 1)
		for (k = expert_keys; *k != NULL; k++)
			if ((n = hf_int(h, *k)) > 1) {
				m->num_local_experts = n;
				break;
			}
	m->num_experts_per_tok = hf_int(h, "num_experts_per_tok");
	m->moe_expert_ffn_dim = hf_int(h, "moe_intermediate_size");
	if ((shared = hf_int(h, "shared_expert_intermediate_size")) > 0)
		m->shared_expert_ffn_dim = shared;
	else if ((n = hf_int(h, "n_shared_experts")) > 0)
		m->shared_expert_ffn_dim = n * (m->moe_expert_ffn_dim ?
		    m->moe_expert_ffn_dim : m->intermediate_dim);
	v = hf_get(h, "hidden_act");
	if (cJSON_IsString(v))
		snprintf(m->hidden_act, sizeof(m->hidden_act), "%s",
		    v->valuestring);
	v = hf_get(h, "quantization_config");
	if (cJSON_IsObject(v))
		m->weight_bytes_per_param = quantization_bytes(v);
	m->interleave_moe_layer_step = hf_int(h, "interleave_moe_layer_step");
	m->dense_intermediate_dim = hf_int(h, "intermediate_size_mlp");
	m->head_dim = hf_int(h, "head_dim");
	if (m->weight_bytes_per_param == 0 && name != NULL)
		m->weight_bytes_per_param = model_weight_bytes_from_name(name);
}

int
model_parse(const char *text, size_t len, const char *path, const char *name,
    struct model_config *m, char *msg, size_t msgsz)
{
	struct hf h = { .path = path, .msg = msg, .msgsz = msgsz };
	struct errmsg e;
	const cJSON *tc;
	cJSON *doc;

	if ((doc = jsonin_parse_doc(text, len, &e)) == NULL) {
		snprintf(msg, msgsz, "%s: %s", path, e.msg);
		return -1;
	}
	if (!cJSON_IsObject(doc)) {
		snprintf(msg, msgsz, "%s: expected a JSON object", path);
		cJSON_Delete(doc);
		return -1;
	}
	h.top = doc;
	tc = jsonin_field(doc, "text_config");
	h.text = cJSON_IsObject(tc) ? tc : NULL;
	fill(&h, name, m);
	cJSON_Delete(doc);
	if (h.bad)
		return -1;
	if (model_validate(m, msg, msgsz) < 0) {
		char why[256];

		snprintf(why, sizeof(why), "%s", msg);
		snprintf(msg, msgsz, "%s: %s", path, why);
		return -1;
	}
	return 0;
}

int
model_load(const char *path, const char *name, struct model_config *m,
    char *msg, size_t msgsz)
{
	size_t len;
	char *buf;
	int rc;

	if ((buf = jsonin_slurp(path, &len)) == NULL) {
		snprintf(msg, msgsz, "%s: %s", path, strerror(errno));
		return -1;
	}
	rc = model_parse(buf, len, path, name, m, msg, msgsz);
	free(buf);
	return rc;
}

static int
positive_finite(double v)
{
	return v > 0 && isfinite(v);
}

/* Heads split evenly: what every attention layout needs. */
static int
model_validate_geometry(const struct model_config *m, char *msg,
    size_t msgsz)
{
	if (m->num_kv_heads > m->num_attention_heads ||
	    m->num_attention_heads % m->num_kv_heads != 0)
		snprintf(msg, msgsz, "num_key_value_heads (%lld) must divide "
		    "num_attention_heads (%lld)", (long long)m->num_kv_heads,
		    (long long)m->num_attention_heads);
	else if (m->head_dim == 0 &&
	    m->hidden_dim % m->num_attention_heads != 0)
		snprintf(msg, msgsz, "num_attention_heads (%lld) must divide "
		    "hidden_size (%lld) when head_dim is not given",
		    (long long)m->num_attention_heads,
		    (long long)m->hidden_dim);
	else
		return 0;
	return -1;
}

/* The model half of BLIS's ValidateRooflineConfig, in HF field names. */
int
model_validate(const struct model_config *m, char *msg, size_t msgsz)
{
	const double wb = m->weight_bytes_per_param;

	if (m->num_attention_heads <= 0)
		snprintf(msg, msgsz, "num_attention_heads must be > 0, got %lld",
		    (long long)m->num_attention_heads);
	else if (m->num_layers <= 0)
		snprintf(msg, msgsz, "num_hidden_layers must be > 0, got %lld",
		    (long long)m->num_layers);
	else if (m->hidden_dim <= 0)
		snprintf(msg, msgsz, "hidden_size must be > 0, got %lld",
		    (long long)m->hidden_dim);
	else if (!positive_finite(m->bytes_per_param))
		snprintf(msg, msgsz, "torch_dtype (or dtype) missing or not "
		    "one of float32, float16, bfloat16, int8, uint8, fp8, "
		    "int4, nf4");
	else if (m->num_local_experts < 0)
		snprintf(msg, msgsz, "number of experts must be >= 0, got %lld",
		    (long long)m->num_local_experts);
	else if (m->num_local_experts > 1 && m->num_experts_per_tok <= 0)
		snprintf(msg, msgsz, "MoE with %lld experts needs "
		    "num_experts_per_tok > 0", (long long)m->num_local_experts);
	else if (m->num_local_experts > 1 &&
	    m->num_experts_per_tok > m->num_local_experts)
		snprintf(msg, msgsz, "num_experts_per_tok (%lld) exceeds the "
		    "number of experts (%lld)", (long long)m->num_experts_per_tok,
		    (long long)m->num_local_experts);
	else if (m->num_local_experts == 0 && m->num_experts_per_tok > 0)
		snprintf(msg, msgsz, "num_experts_per_tok is %lld but the model "
		    "has no experts", (long long)m->num_experts_per_tok);
	else if (m->moe_expert_ffn_dim < 0)
		snprintf(msg, msgsz, "moe_intermediate_size must be >= 0, got "
		    "%lld", (long long)m->moe_expert_ffn_dim);
	else if (m->shared_expert_ffn_dim < 0)
		snprintf(msg, msgsz, "shared expert size must be >= 0, got %lld",
		    (long long)m->shared_expert_ffn_dim);
	else if (wb != 0 && !positive_finite(wb))
		snprintf(msg, msgsz, "quantized weight width must be positive, "
		    "got %g bytes", wb);
	else
		return model_validate_geometry(m, msg, msgsz);
	return -1;
}

int
model_check_tp(const struct model_config *m, int64_t tp, char *msg,
    size_t msgsz)
{
	if (tp > m->num_attention_heads)
		snprintf(msg, msgsz, "more GPUs than its %lld attention heads "
		    "(num_attention_heads)", (long long)m->num_attention_heads);
	else if (m->num_kv_heads >= tp && m->num_kv_heads % tp != 0)
		snprintf(msg, msgsz, "its %lld KV heads (num_key_value_heads) "
		    "are not a multiple of %lld (BLIS needs them split evenly "
		    "across the GPUs, or fewer than the GPUs, then replicated)",
		    (long long)m->num_kv_heads, (long long)tp);
	else
		return 0;
	return -1;
}

double
model_weight_bytes(const struct model_config *m)
{
	return m->weight_bytes_per_param > 0 ? m->weight_bytes_per_param :
	    m->bytes_per_param;
}
