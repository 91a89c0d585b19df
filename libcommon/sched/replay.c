#include <stdlib.h>

#include "io/err.h"
#include "sched/replay.h"

/* 1 if rec could never run: reported, and skipped or fatal. */
static int
never_fits(const struct sched *s, const struct arrivals_rec *rec,
    int skip_bad)
{
	int64_t need = sched_too_big(s, rec->r.input_tokens,
	    rec->r.output_tokens);

	if (need == 0)
		return 0;
	err_warnat(rec->file, rec->r.line, "request \"%s\" needs %lld KV "
	    "blocks at its longest (%lld tokens), more than --kv-blocks "
	    "%lld: it can never run", rec->r.id, (long long)need,
	    (long long)(rec->r.input_tokens + rec->r.output_tokens - 1),
	    (long long)sched_kv_blocks(s));
	if (!skip_bad)
		exit(EXIT_DATA);
	return 1;
}

/* Queue every request arrived by now. */
static void
admit(struct arrivals *src, struct sched *s, int64_t now,
    const struct replay_hooks *h)
{
	struct arrivals_rec *p, rec;
	struct sched_req *sr;

	while ((p = arrivals_peek(src)) != NULL && p->r.arrival_us <= now) {
		arrivals_pop(src, &rec);
		if (never_fits(s, &rec, src->in.skip_bad))
			arrivals_skipped(src);
		else {
			sr = sched_submit_cached(s, rec.r.id,
			    rec.r.arrival_us, rec.r.input_tokens,
			    rec.r.output_tokens, rec.r.cached_tokens ==
			    REQUEST_ABSENT ? -1 : rec.r.cached_tokens);
			if (h->queued != NULL)
				h->queued(h->ctx, sr, &rec.r);
		}
		request_free(&rec.r);
	}
}

void
replay_run(struct arrivals *src, struct sched *s, const struct replay_hooks *h)
{
	struct arrivals_rec *next;
	struct step st;
	int64_t now = 0, dur;
	int empty = 0;

	step_init(&st);
	for (;;) {
		if (sched_idle(s)) {
			if ((next = arrivals_peek(src)) == NULL)
				break;
			/* Idle: the next step starts when work arrives. */
			if (next->r.arrival_us > now)
				now = next->r.arrival_us;
		}
		admit(src, s, now, h);
		if (sched_idle(s))
			continue;
		sched_form(s, &st);
		if (st.n_prefill + st.n_decode == 0) {
			/* Only after preempting everything; then it runs. */
			if (++empty > 1)
				err_die(EXIT_DATA, "internal error: the "
				    "scheduler made no progress at %lld us",
				    (long long)now);
			continue;
		}
		empty = 0;
		dur = h->step_time(h->ctx, &st);
		h->running(h->ctx, &st, now, dur);
		sched_commit(s);
		now += dur;
		if (h->ran != NULL)
			h->ran(h->ctx, &st, now);
	}
	step_free(&st);
}
