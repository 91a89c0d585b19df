/* libFuzzer: BurstGPT CSV rows (split by libcsv) and the decimal parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/burstgpt.h"
#include "csvrow.h"
#include "decimal.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	static struct csvrow row;
	static int ready;
	struct burstgpt_rec b;
	struct jerr e;
	int64_t v;

	if (!ready) {
		csvrow_init(&row);
		ready = 1;
	}
	if (decimal_str(line, 6, &v) == 0 && v < 0)
		abort();
	if (csvrow_split_as(&row, line, len, burstgpt_columns, &e) == 0 &&
	    burstgpt_parse(&row, &b, &e) == 0 && b.ts_us < 0)
		abort();
}
