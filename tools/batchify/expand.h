/*
 * batchify's expand mode: explicit compositions for aggregate steps (an
 * iteration log's counts: n_prefill, prefill_tokens, n_decode), whose
 * counts match the log exactly and whose contexts are estimated by
 * following the running population:
 *
 *  - prefill tokens are shared evenly among the step's prefill entries;
 *    when the step filled its token budget, its last prefill entry is
 *    taken to continue in the next step (from where it stopped), and the
 *    others to have finished;
 *  - a finished prefill joins the decoders in the next step with its
 *    prefilled length as context; every decoder's context grows by one
 *    a step;
 *  - when the log has fewer decodes than the population, the oldest
 *    decoders are taken to have finished; when it has more (a log that
 *    starts mid-run), new ones get the mean prefilled length seen so far
 *    (fallback_context before any);
 *  - given the request trace of the same run (expand_set_requests),
 *    prefill entries are its requests in arrival order, each taking what
 *    it still needs (the last entry takes the rest), and decoders leave
 *    after their known output length, or, when the log says fewer,
 *    those with the fewest decodes left;
 *  - with kv_usage and the KV capacity (the configuration's, else the
 *    record's kv_blocks_total), decode contexts are scaled so that the
 *    tokens in the cache match kv_usage;
 *  - moments, where the record has them, replace the estimate of what
 *    they describe: n prefill lengths with the record's sum and variance
 *    (k of them high and n - k low), prefill contexts shared evenly to
 *    the record's sum, decode contexts with its sum and variance.  The
 *    roofline sees a step through sums of lengths, of their squares, of
 *    contexts, and of lengths times contexts: the first three are then
 *    exact (up to whole numbers), the last is taken as if lengths and
 *    contexts were unrelated;
 *  - a step whose composition is known exactly (it has the request lists)
 *    is not estimated: the caller passes it through and shows it to the
 *    estimator (expand_observe), whose decoders become that step's, one
 *    token further on, and whose prefill entries finish or carry over as
 *    in an estimated step (without --requests).
 *
 * No I/O.
 */
#ifndef RT_EXPAND_H
#define RT_EXPAND_H

#include <stdint.h>

#include <cjson/cJSON.h>

#include "io/jsonin.h"
#include "sched/sched.h"
#include "records/step.h"

/*
 * The moments some engines record (Dynamo/SGLang forward-pass metrics,
 * TensorRT-LLM iteration stats); each < 0 when the record has none.
 */
struct expand_moments {
	int64_t	 prefill_kv;	/* prefill_kv_tokens: cached before the pass */
	double	 prefill_var;	/* prefill_len_var: of the new-token counts */
	int64_t	 decode_kv;	/* decode_kv_tokens: the decoders' contexts */
	double	 decode_var;	/* decode_kv_var */
};

struct expand_agg {
	int64_t	 n_prefill, prefill_tokens, n_decode;
	double	 kv_usage;		/* fraction in [0, 1]; < 0: unknown */
	int64_t	 kv_blocks;		/* kv_blocks_total; 0: unknown */
	struct expand_moments m;
};

/* How a step's composition was estimated. */
enum expand_method {
	EXPAND_POPULATION,	/* followed from step to step */
	EXPAND_REQUESTS,	/* followed, with the run's request trace */
	EXPAND_MOMENTS,		/* from the record's own moments */
	EXPAND_MIXED		/* moments for part of it, followed for the rest */
};

struct expand;

struct expand *expand_new(const struct sched_config *c,
    int64_t fallback_context);
void expand_free(struct expand *x);

/* Next request of the run in arrival order; 0 when there is none. */
typedef int (*expand_reqfn)(void *ctx, int64_t *input_tokens,
    int64_t *output_tokens);
void expand_set_requests(struct expand *x, expand_reqfn fn,
    void *ctx);
/*
 * Compose one step; entries carry no request_id.  Returns how: where the
 * record has moments they decide (expand_moments), else the population.
 */
enum expand_method expand_step(struct expand *x, const struct expand_agg *a,
    struct step *out);
/* The method's name, as records carry it in "estimate". */
const char *expand_method_name(enum expand_method m);

/* Follow a step whose composition is exact (it ran as given). */
void expand_observe(struct expand *x, const struct step *st);

/*
 * Read an aggregate step: n_prefill, prefill_tokens, n_decode (whole
 * numbers), decode_tokens when present (must equal n_decode), kv_usage
 * when present (a fraction), kv_blocks_total when present (at least 1),
 * and the moments when present: prefill_kv_tokens, decode_kv_tokens
 * (whole numbers, 0 without requests of that kind), prefill_len_var,
 * decode_kv_var (finite, not negative).
 * 0, or -1 with e set.
 */
int expand_agg_from_json(const cJSON *obj, struct expand_agg *a,
    struct errmsg *e);

#endif
