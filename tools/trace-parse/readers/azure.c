#include "readers/azure.h"
#include "datetime.h"

const char *const azure_columns[] = {
	"TIMESTAMP", "ContextTokens", "GeneratedTokens", NULL
};

int
azure_parse(const struct csvrow *row, struct azure_rec *r, struct errmsg *e)
{
	if (datetime_us(row->field[0], &r->ts_us) < 0) {
		errmsg_set(e, "TIMESTAMP: expected \"YYYY-MM-DD HH:MM:SS[.fffffff]"
		    "[+HH:MM]\", got \"%.40s\"", row->field[0]);
		return -1;
	}
	if (csvrow_uint(row, 1, azure_columns, &r->input_tokens, e) < 0 ||
	    csvrow_uint(row, 2, azure_columns, &r->output_tokens, e) < 0)
		return -1;
	return 0;
}

static enum reader_detect
azure_detect(const char *line)
{
	return csvrow_is_header(line, azure_columns) ? DETECT_YES : DETECT_NO;
}

static int
azure_row(struct emit *em, const struct csvrow *row, long lineno,
    struct errmsg *e)
{
	struct azure_rec a;
	struct request_out q;

	if (azure_parse(row, &a, e) < 0)
		return READER_BAD;
	request_out_init(&q);
	q.arrival_us = emit_rebase(em, a.ts_us);
	q.input_tokens = a.input_tokens;
	q.output_tokens = a.output_tokens;
	emit_request(em, lineno, &q);
	return READER_OK;
}

const struct reader azure_reader = {
	.name = "azure",
	.record = "request",
	.kind = "requests",
	.what = "Azure LLM inference trace CSV (2023, 2024)",
	.detect = azure_detect,
	.mode = READ_CSV,
	.columns = azure_columns,
	.row = azure_row,
};
