#include "burstgpt.h"
#include "csvsplit.h"

const char *const fmt_burstgpt_columns[] = {
	"Timestamp", "Model", "Request tokens", "Response tokens",
	"Total tokens", "Log Type", NULL
};

int
fmt_burstgpt_row(char *line, size_t len, struct fmt_burstgpt *r,
    struct jerr *e)
{
	struct tp_csvrow row;
	int64_t total;

	if (tp_csv_row(line, len, fmt_burstgpt_columns, &row, e) < 0 ||
	    tp_csv_decimal(&row, 0, fmt_burstgpt_columns, 6, &r->ts_us, e) < 0 ||
	    tp_csv_uint(&row, 2, fmt_burstgpt_columns, &r->input_tokens, e) < 0 ||
	    tp_csv_uint(&row, 3, fmt_burstgpt_columns, &r->output_tokens, e) < 0 ||
	    tp_csv_uint(&row, 4, fmt_burstgpt_columns, &total, e) < 0)
		return -1;
	if (total != r->input_tokens + r->output_tokens) {
		jsonin_err(e, "Total tokens: %lld is not Request tokens + "
		    "Response tokens (%lld)", (long long)total,
		    (long long)(r->input_tokens + r->output_tokens));
		return -1;
	}
	r->model = row.field[1];
	r->failed = r->output_tokens == 0;
	return 0;
}
