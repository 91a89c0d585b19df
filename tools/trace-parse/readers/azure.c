#include "azure.h"
#include "csvsplit.h"
#include "datetime.h"

const char *const fmt_azure_columns[] = {
	"TIMESTAMP", "ContextTokens", "GeneratedTokens", NULL
};

int
fmt_azure_row(char *line, size_t len, struct fmt_azure *r, struct jerr *e)
{
	struct tp_csvrow row;

	if (tp_csv_row(line, len, fmt_azure_columns, &row, e) < 0)
		return -1;
	if (tp_datetime_us(row.field[0], &r->ts_us) < 0) {
		jsonin_err(e, "TIMESTAMP: expected \"YYYY-MM-DD HH:MM:SS.fffffff\""
		    ", got \"%.40s\"", row.field[0]);
		return -1;
	}
	if (tp_csv_uint(&row, 1, fmt_azure_columns, &r->input_tokens, e) < 0 ||
	    tp_csv_uint(&row, 2, fmt_azure_columns, &r->output_tokens, e) < 0)
		return -1;
	return 0;
}
