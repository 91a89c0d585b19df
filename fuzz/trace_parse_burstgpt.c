/* libFuzzer: BurstGPT CSV rows and the exact decimal parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/burstgpt.h"
#include "decimal.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	struct fmt_burstgpt b;
	struct jerr e;
	int64_t v;

	if (tp_decimal_str(line, 6, &v) == 0 && v < 0)
		abort();
	if (fmt_burstgpt_row(line, len, &b, &e) == 0 && b.ts_us < 0)
		abort();
}
