#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"

#include "ttftsteps.h"

/* A copy of a step, kept until every request it times is over. */
struct ttftsteps_hold {
	struct step st;
	char	**ids;		/* the entries' request ids, owned */
	size_t	 nids;
	int	 refs;
	int64_t	 start;
	long	 stepno;
};

void
ttftsteps_open(struct ttftsteps *t, const char *path, int64_t rtt)
{
	memset(t, 0, sizeof(*t));
	t->prev_start = -1;
	t->rtt = rtt;
	if ((t->path = path) == NULL)
		return;
	if ((t->fp = fopen(path, "w")) == NULL)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	jsonout_init(&t->jw, t->fp);
}

static void
copy_list(struct ttftsteps_hold *h, const struct step_req *v, size_t n,
    struct step_req *(*add)(struct step *))
{
	struct step_req *e;
	size_t i;

	for (i = 0; i < n; i++) {
		e = add(&h->st);
		*e = v[i];
		if (v[i].request_id != NULL) {
			h->ids[h->nids] = err_strdup(v[i].request_id);
			e->request_id = h->ids[h->nids++];
		}
	}
}

static struct ttftsteps_hold *
hold_new(const struct step *st, int64_t start, long stepno)
{
	struct ttftsteps_hold *h = err_malloc(sizeof(*h));

	memset(h, 0, sizeof(*h));
	step_init(&h->st);
	h->ids = err_malloc((st->n_prefill + st->n_decode + 1) *
	    sizeof(*h->ids));
	copy_list(h, st->prefill, st->n_prefill, step_add_prefill);
	copy_list(h, st->decode, st->n_decode, step_add_decode);
	h->start = start;
	h->stepno = stepno;
	return h;
}

static void
hold_release(struct ttftsteps_hold *h)
{
	size_t i;

	if (--h->refs > 0)
		return;
	for (i = 0; i < h->nids; i++)
		free(h->ids[i]);
	free(h->ids);
	step_free(&h->st);
	free(h);
}

void
ttftsteps_running(struct ttftsteps *t, const struct step *st,
    const struct replay_entry *e, size_t n, int64_t start, long stepno)
{
	struct ttftsteps_hold *h = NULL;
	const struct replay_result *rr;
	struct life *l;
	size_t i;

	if (t->fp == NULL)
		return;
	for (i = 0; i < n; i++) {
		rr = e[i].rr;
		l = rr->user;
		if (!e[i].first || !e[i].ends_prefill ||
		    rr->arrival_us + rr->delay_us <= t->prev_start ||
		    life_measured_ttft(l, rr->arrival_us) < 0)
			continue;
		if (h == NULL)
			h = hold_new(st, start, stepno);
		h->refs++;
		l->held = h;
	}
	t->prev_start = start;
}

static void
write_step(struct ttftsteps *t, const struct ttftsteps_hold *h,
    const struct replay_result *rr, int64_t ttft, int64_t dur)
{
	struct step_out so;
	cJSON *pass = cJSON_CreateObject();

	if (pass == NULL ||
	    cJSON_AddStringToObject(pass, "request_id", rr->id) == NULL ||
	    cJSON_AddNumberToObject(pass, "ttft_wait_us",
	    (double)(h->start - rr->arrival_us)) == NULL ||
	    cJSON_AddNumberToObject(pass, "measured_ttft_us",
	    (double)ttft) == NULL)
		err_die(EXIT_DATA, "out of memory");
	step_out_init(&so);
	so.pass = pass;
	so.step = h->stepno;
	so.ts_us = h->start;
	so.dur_us = dur;
	so.dur_source = "ttft";
	so.comp = &h->st;
	step_write_json(&t->jw, &so);
	cJSON_Delete(pass);
	t->written++;
}

void
ttftsteps_done(struct ttftsteps *t, const struct replay_result *rr,
    struct life *l)
{
	struct ttftsteps_hold *h = l->held;
	int64_t ttft, around, dur;

	if (h == NULL)
		return;
	l->held = NULL;
	ttft = life_measured_ttft(l, rr->arrival_us);
	/* The predicted TTFT is the wait, the step, the lag and alpha2:
	 * all of it but the step is taken from the measured one. */
	around = (rr->output_tokens > 0 ? rr->ttft_us : rr->e2e_us) -
	    rr->step_us;
	dur = ttft - t->rtt - around;
	t->timed++;
	if (dur > 0)
		write_step(t, h, rr, ttft, dur);
	else
		t->too_short++;
	hold_release(h);
}

void
ttftsteps_close(struct ttftsteps *t)
{
	if (t->fp == NULL)
		return;
	jsonout_free(&t->jw);
	if (ferror(t->fp) | (fclose(t->fp) != 0))
		err_die(EXIT_DATA, "%s: %s", t->path, strerror(errno));
	err_warn("%s: %ld ttft-step%s, of %ld request%s with a measured TTFT "
	    "prefilled whole in the first step after arrival (%ld left out: "
	    "TTFT not longer than the predicted wait, lag and overheads)",
	    t->path, t->written, t->written == 1 ? "" : "s", t->timed,
	    t->timed == 1 ? "" : "s", t->too_short);
}
