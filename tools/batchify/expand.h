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

struct expand_agg {
	int64_t	 n_prefill, prefill_tokens, n_decode;
	double	 kv_usage;		/* fraction in [0, 1]; < 0: unknown */
	int64_t	 kv_blocks;		/* kv_blocks_total; 0: unknown */
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
/* Compose one step; entries carry no request_id. */
void expand_step(struct expand *x, const struct expand_agg *a,
    struct step *out);

/* Follow a step whose composition is exact (it ran as given). */
void expand_observe(struct expand *x, const struct step *st);

/*
 * Read an aggregate step: n_prefill, prefill_tokens, n_decode (whole
 * numbers), decode_tokens when present (must equal n_decode), kv_usage
 * when present (a fraction), kv_blocks_total when present (at least 1).
 * 0, or -1 with e set.
 */
int expand_agg_from_json(const cJSON *obj, struct expand_agg *a,
    struct jerr *e);

#endif
