/*
 * A vLLM-style continuous-batching scheduler, after BLIS's batch formation
 * (sim/batch_formation.go at fa09485f): running requests first, in the
 * order they were admitted, a prefill chunk or one decode token each; the
 * token budget left goes to waiting requests' prefills in arrival order;
 * chunked prefill; a cap on running sequences; KV blocks with preemption
 * of the most recently admitted request.
 *
 * Convention: the step that computes a request's last prefill chunk emits
 * its first output token, and each decode step emits one more, so a
 * request with O output tokens decodes O - 1 times.  A request with no
 * output (aborted, or a prefill alone) leaves when its prefill is done.
 *
 * Preemption recomputes, as vLLM does: the evicted request loses its KV
 * cache and, when readmitted, prefills its input plus the tokens it had
 * already generated; it does not generate them again.
 *
 * Prefix caching: a request may come with part of its prompt already in
 * the cache (cached tokens, a whole number of blocks in vLLM).  Its
 * prefill starts there: progress (the attention context) starts at the
 * cached count and only the rest is prefilled, taking token budget and
 * compute; its KV blocks cover the whole context, cached part included
 * (the cache's sharing of one prefix between requests is not modelled:
 * KV use is counted high).  A preempted request keeps its cached prefix.
 * Where the caller does not know a request's cached tokens, the
 * configuration's assumption gives them (sched_assume_cached): we have
 * no token ids, so which prompts share a prefix is assumed, not known.
 *
 * No I/O and no clock: the caller submits requests that have arrived,
 * forms a step, times it, and commits it.
 */
#ifndef RT_SCHED_H
#define RT_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "records/step.h"

/* What a request without its own cached count is assumed to find. */
enum sched_prefix {
	SCHED_PREFIX_NONE,	/* nothing cached */
	SCHED_PREFIX_FRACTION	/* prefix_fraction of the prompt, whole blocks */
};

struct sched_config {
	int64_t	 max_num_seqs;		/* running requests, default 256 */
	int64_t	 max_batched_tokens;	/* tokens a step, default 2048 */
	int64_t	 long_prefill_threshold; /* chunk cap; 0 is none */
	int64_t	 kv_blocks;		/* 0: unlimited KV cache */
	int64_t	 block_size;		/* tokens a KV block, default 16 */
	enum sched_prefix prefix_cache;	/* default none */
	double	 prefix_fraction;	/* in [0, 1]; "blocks" is 1 */
	int64_t	 prefix_cold;		/* the first N requests: none cached */
};

struct sched_req {
	char	*id;			/* owned by the scheduler */
	int64_t	 arrival_us;
	int64_t	 input_tokens, output_tokens;
	int64_t	 progress;		/* tokens in the KV cache */
	int64_t	 cached;		/* prompt tokens from the prefix cache */
	int64_t	 prefill_len;		/* tokens to prefill before decoding */
	int64_t	 generated;		/* output tokens emitted */
	int64_t	 blocks;		/* KV blocks held */
	int64_t	 new_tokens;		/* scheduled in the step being formed */
	int64_t	 preemptions;
	void	*user;			/* the caller's */
};

struct sched;

void sched_config_default(struct sched_config *c);
/* NULL with a message in why when the configuration is unusable. */
struct sched *sched_new(const struct sched_config *c, char *why,
    size_t whysz);
void sched_free(struct sched *s);

/*
 * KV blocks a request needs at its largest (input + output - 1 tokens in
 * the cache); 0 when it fits, else that number, and it must not be
 * submitted: it could never run.
 */
int64_t sched_too_big(const struct sched *s, int64_t input_tokens,
    int64_t output_tokens);

/* Queue an arrived request (input >= 1, output >= 0); the id is copied. */
struct sched_req *sched_submit(struct sched *s, const char *id,
    int64_t arrival_us, int64_t input_tokens, int64_t output_tokens);
/*
 * The same with cached_tokens of its prompt in the prefix cache
 * (0 <= cached_tokens < input_tokens), or, when cached_tokens < 0, as many
 * as the configuration assumes.  sched_submit is this with -1.  NULL when
 * the counts are out of range (nothing is queued).
 */
struct sched_req *sched_submit_cached(struct sched *s, const char *id,
    int64_t arrival_us, int64_t input_tokens, int64_t output_tokens,
    int64_t cached_tokens);
/*
 * The configuration's assumption for a prompt of input_tokens: none, or
 * the fraction f of its tokens in whole blocks, to the nearest block
 * (vLLM's cache hits only on full blocks of an identical prefix, and a
 * measured hit fraction is a mean, so rounding down would bias it), at
 * most every full block before the last token (vLLM always computes that
 * one): min(round(f I / B) B, floor((I - 1) / B) B).  With f = 1
 * ("blocks") that is every full block but the last partial one.  The
 * first prefix_cold requests submitted find the cache cold (0).
 */
int64_t sched_assume_cached(const struct sched_config *c, int64_t seq,
    int64_t input_tokens);

/* The running requests, in admission order (those with new_tokens > 0
 * after sched_form are the step's). */
size_t sched_nrunning(const struct sched *s);
struct sched_req *sched_running(const struct sched *s, size_t i);

/* No request running or waiting. */
int sched_idle(const struct sched *s);
int64_t sched_kv_blocks(const struct sched *s);	/* capacity; 0 unlimited */

/*
 * Form the next step into st (cleared first).  Entries' request_id point
 * into the scheduler and stay valid until the next sched_form.  The step
 * may be empty only after every running request was preempted.
 */
void sched_form(struct sched *s, struct step *st);

/*
 * Run the formed step: advance progress, emit tokens, retire finished
 * requests.  They are listed by sched_done until the next sched_form.
 */
void sched_commit(struct sched *s);
size_t sched_ndone(const struct sched *s);
const struct sched_req *sched_done(const struct sched *s, size_t i);

#endif
