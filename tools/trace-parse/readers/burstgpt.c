#include "readers/burstgpt.h"

const char *const burstgpt_columns[] = {
	"Timestamp", "Model", "Request tokens", "Response tokens",
	"Total tokens", "Log Type", NULL
};

int
burstgpt_parse(const struct csvrow *row, struct burstgpt_rec *r,
    struct jerr *e)
{
	const char *const *cols = burstgpt_columns;
	int64_t total;

	if (csvrow_decimal(row, 0, cols, 6, &r->ts_us, e) < 0 ||
	    csvrow_uint(row, 2, cols, &r->input_tokens, e) < 0 ||
	    csvrow_uint(row, 3, cols, &r->output_tokens, e) < 0 ||
	    csvrow_uint(row, 4, cols, &total, e) < 0)
		return -1;
	if (total != r->input_tokens + r->output_tokens) {
		jsonin_err(e, "Total tokens: %lld is not Request tokens + "
		    "Response tokens (%lld)", (long long)total,
		    (long long)(r->input_tokens + r->output_tokens));
		return -1;
	}
	r->model = row->field[1];
	r->failed = r->output_tokens == 0;
	return 0;
}

static enum reader_detect
burstgpt_detect(const char *line)
{
	return csvrow_is_header(line, burstgpt_columns) ? DETECT_YES :
	    DETECT_NO;
}

static int
burstgpt_row(struct emit *em, const struct csvrow *row, long lineno,
    struct jerr *e)
{
	struct burstgpt_rec b;
	struct request_out q;

	if (burstgpt_parse(row, &b, e) < 0)
		return READER_BAD;
	request_out_init(&q);
	q.arrival_us = emit_rebase(em, b.ts_us);
	q.input_tokens = b.input_tokens;
	q.output_tokens = b.output_tokens;
	q.model = b.model;
	if (b.failed)
		q.error = "failed (0 response tokens)";
	emit_request(em, lineno, &q);
	return READER_OK;
}

const struct reader burstgpt_reader = {
	.name = "burstgpt",
	.record = "request",
	.what = "BurstGPT request log CSV",
	.detect = burstgpt_detect,
	.mode = READ_CSV,
	.columns = burstgpt_columns,
	.row = burstgpt_row,
};
