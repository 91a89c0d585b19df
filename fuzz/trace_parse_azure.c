/*
 * libFuzzer: lines split by libcsv (csvrow), as Azure CSV rows; detection
 * and the exact timestamp parser.  A split row keeps its promises: at
 * most CSVROW_MAXFIELDS fields, no more text than the line had.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/azure.h"
#include "readers/readers.h"
#include "csvrow.h"
#include "datetime.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	static struct csvrow row;
	static int ready;
	enum reader_detect how;
	struct azure_rec a;
	struct errmsg e;
	size_t i, total = 0;
	int64_t us;

	if (!ready) {
		csvrow_init(&row);
		ready = 1;
	}
	(void)readers_detect(line, &how);
	(void)datetime_us(line, &us);
	if (csvrow_split(&row, line, len, &e) == 0) {
		if (row.n > CSVROW_MAXFIELDS)
			abort();
		for (i = 0; i < row.n; i++)
			total += strlen(row.field[i]);
		if (total > len)
			abort();
	}
	if (csvrow_split_as(&row, line, len, azure_columns, &e) == 0 &&
	    azure_parse(&row, &a, &e) == 0 &&
	    (a.input_tokens < 0 || a.output_tokens < 0))
		abort();
}
