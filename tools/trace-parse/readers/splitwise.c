#include "splitwise.h"
#include "io/numfmt.h"
#include "csvsplit.h"

const char *const fmt_splitwise_columns[] = {
	"model", "hardware", "prompt_size", "batch_size", "token_size",
	"peak_power", "average_power", "prompt_time", "token_time", "e2e_time",
	"tensor_parallel", NULL
};

enum { C_PROMPT = 2, C_BATCH, C_TOKEN, C_PTIME = 7, C_TTIME, C_E2E, C_TP };

int
fmt_splitwise_row(char *line, size_t len, struct fmt_splitwise *r,
    struct jerr *e)
{
	const char *const *cols = fmt_splitwise_columns;
	struct tp_csvrow row;
	int64_t e2e;

	if (tp_csv_row(line, len, cols, &row, e) < 0 ||
	    tp_csv_uint(&row, C_PROMPT, cols, &r->prompt_size, e) < 0 ||
	    tp_csv_uint(&row, C_BATCH, cols, &r->batch_size, e) < 0 ||
	    tp_csv_uint(&row, C_TOKEN, cols, &r->token_size, e) < 0 ||
	    tp_csv_decimal(&row, C_PTIME, cols, 3, &r->prompt_us, e) < 0 ||
	    tp_csv_decimal(&row, C_TTIME, cols, 3, &r->token_us, e) < 0 ||
	    tp_csv_decimal(&row, C_E2E, cols, 3, &e2e, e) < 0 ||
	    tp_csv_uint(&row, C_TP, cols, &r->tp, e) < 0)
		return -1;
	/* A batch of nothing would be a step of nothing: refuse it. */
	if (r->batch_size == 0 || r->prompt_size == 0 || r->tp == 0) {
		jsonin_err(e, "%s: must be at least 1",
		    r->batch_size == 0 ? "batch_size" :
		    r->prompt_size == 0 ? "prompt_size" : "tensor_parallel");
		return -1;
	}
	if (r->batch_size > 65536) {
		jsonin_err(e, "batch_size: %lld is more than 65536",
		    (long long)r->batch_size);
		return -1;
	}
	/* The step's token total must stay an exact integer. */
	if (r->prompt_size > RT_INT_EXACT_MAX / 2 / r->batch_size ||
	    r->token_size > RT_INT_EXACT_MAX / 2) {
		jsonin_err(e, "prompt_size x batch_size or token_size is too "
		    "large");
		return -1;
	}
	r->model = row.field[0];
	r->hardware = row.field[1];
	return 0;
}
