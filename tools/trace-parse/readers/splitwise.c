#include "readers/splitwise.h"
#include "io/numfmt.h"

const char *const splitwise_columns[] = {
	"model", "hardware", "prompt_size", "batch_size", "token_size",
	"peak_power", "average_power", "prompt_time", "token_time", "e2e_time",
	"tensor_parallel", NULL
};

enum { C_PROMPT = 2, C_BATCH, C_TOKEN, C_PTIME = 7, C_TTIME, C_E2E, C_TP };

int
splitwise_parse(const struct csvrow *row, struct splitwise_rec *r,
    struct errmsg *e)
{
	const char *const *cols = splitwise_columns;
	int64_t e2e;

	if (csvrow_uint(row, C_PROMPT, cols, &r->prompt_size, e) < 0 ||
	    csvrow_uint(row, C_BATCH, cols, &r->batch_size, e) < 0 ||
	    csvrow_uint(row, C_TOKEN, cols, &r->token_size, e) < 0 ||
	    csvrow_decimal(row, C_PTIME, cols, 3, &r->prompt_us, e) < 0 ||
	    csvrow_decimal(row, C_TTIME, cols, 3, &r->token_us, e) < 0 ||
	    csvrow_decimal(row, C_E2E, cols, 3, &e2e, e) < 0 ||
	    csvrow_uint(row, C_TP, cols, &r->tp, e) < 0)
		return -1;
	/* A batch of nothing would be a step of nothing: refuse it. */
	if (r->batch_size == 0 || r->prompt_size == 0 || r->tp == 0) {
		errmsg_set(e, "%s: must be at least 1",
		    r->batch_size == 0 ? "batch_size" :
		    r->prompt_size == 0 ? "prompt_size" : "tensor_parallel");
		return -1;
	}
	/*
	 * A step takes time: 0 (or less than half a microsecond) would pass
	 * here only to stop fit-penalty later.  token_time counts only when
	 * there is a decode step (token_size 2 or more).
	 */
	if (r->prompt_us == 0 || (r->token_us == 0 && r->token_size >= 2)) {
		errmsg_set(e, "%s: a step takes at least 0.001 ms (1 "
		    "microsecond), got \"%.40s\"", r->prompt_us == 0 ?
		    "prompt_time" : "token_time",
		    row->field[r->prompt_us == 0 ? C_PTIME : C_TTIME]);
		return -1;
	}
	if (r->batch_size > 65536) {
		errmsg_set(e, "batch_size: %lld is more than 65536",
		    (long long)r->batch_size);
		return -1;
	}
	/* The step's token total must stay an exact integer. */
	if (r->prompt_size > RT_INT_EXACT_MAX / 2 / r->batch_size ||
	    r->token_size > RT_INT_EXACT_MAX / 2) {
		errmsg_set(e, "prompt_size x batch_size or token_size is too "
		    "large");
		return -1;
	}
	r->model = row->field[0];
	r->hardware = row->field[1];
	return 0;
}

static enum reader_detect
splitwise_detect(const char *line)
{
	return csvrow_is_header(line, splitwise_columns) ? DETECT_YES :
	    DETECT_NO;
}

/*
 * A measured row is two steps: the batch's prefill, and one decode step
 * standing for the whole decode phase.  token_time is the mean over that
 * phase, so the decode step sits at the phase's mean context and is
 * marked estimated.  Decode k (1..token_size-1) starts with
 * prompt_size + k - 1 tokens in the cache; their mean is
 * prompt_size + (token_size - 2) / 2, rounded down.
 */
/* n identical entries of tokens new tokens at progress: a phase's batch. */
static void
fill(struct step_req *(*add)(struct step *), struct step *s, int64_t n,
    int64_t progress, int64_t tokens)
{
	struct step_req *q;
	int64_t i;

	for (i = 0; i < n; i++) {
		q = add(s);
		q->progress_index = progress;
		q->tokens = tokens;
		q->request_id = NULL;
	}
}

/* The composition, reused from row to row. */
static struct step comp;

static int
splitwise_row(struct emit *em, const struct csvrow *row, long lineno,
    struct errmsg *e)
{
	struct splitwise_rec w;
	struct step_out st;

	(void)lineno;
	if (splitwise_parse(row, &w, e) < 0)
		return READER_BAD;
	step_out_init(&st);
	st.step = (int64_t)em->file_records;
	st.dur_us = w.prompt_us;
	st.n_prefill = w.batch_size;
	st.prefill_tokens = w.batch_size * w.prompt_size;
	st.n_decode = st.decode_tokens = 0;
	st.model = w.model;
	st.hardware = w.hardware;
	st.tp = w.tp;
	step_clear(&comp);
	fill(step_add_prefill, &comp, w.batch_size, 0, w.prompt_size);
	st.comp = &comp;
	emit_step(em, &st);
	if (w.token_size < 2)
		return READER_OK;	/* the prefill made the only token */
	st.step = (int64_t)em->file_records;
	st.dur_us = w.token_us;
	st.n_prefill = st.prefill_tokens = 0;
	st.n_decode = st.decode_tokens = w.batch_size;
	step_clear(&comp);
	fill(step_add_decode, &comp, w.batch_size,
	    w.prompt_size + (w.token_size - 2) / 2, 1);
	st.estimated = 1;
	emit_step(em, &st);
	return READER_OK;
}

static void
splitwise_finish(void)
{
	step_free(&comp);
}

const struct reader splitwise_reader = {
	.name = "splitwise",
	.record = "step",
	.kind = "steps",
	.what = "SplitwiseSim measured performance database CSV",
	.detect = splitwise_detect,
	.mode = READ_CSV,
	.columns = splitwise_columns,
	.row = splitwise_row,
	.finish = splitwise_finish,
};
