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
	static const char hdr[] = "Timestamp,Session ID,Elapsed time,Model,"
	    "Request tokens,Response tokens,Total tokens,Log Type";
	static struct csvrow row;
	static struct burstgpt_layout l;
	static int ready;
	struct burstgpt_rec b;
	struct errmsg e;
	int64_t v;

	if (!ready) {
		csvrow_init(&row);
		if (csvrow_split(&row, hdr, sizeof(hdr) - 1, &e) < 0 ||
		    burstgpt_layout(&l, &row, &e) < 0)
			abort();
		ready = 1;
	}
	if (decimal_str(line, 6, &v) == 0 && v < 0)
		abort();
	if (csvrow_split(&row, line, len, &e) == 0 &&
	    burstgpt_parse(&l, &row, &b, &e) == 0 && b.ts_us < 0)
		abort();
}
