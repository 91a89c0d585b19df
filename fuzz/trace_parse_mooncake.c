/* libFuzzer: Mooncake JSONL records. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/mooncake.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	struct mooncake_rec m;
	struct jerr e;

	if (mooncake_parse(line, len, &m, &e) == 0 &&
	    (m.ts_us < 0 || m.input_tokens < 0))
		abort();
}
