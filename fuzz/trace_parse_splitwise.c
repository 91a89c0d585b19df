/* libFuzzer: SplitwiseSim performance database rows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/splitwise.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	struct fmt_splitwise w;
	struct jerr e;

	if (fmt_splitwise_row(line, len, &w, &e) == 0 &&
	    (w.batch_size < 1 || w.batch_size > 65536 || w.prompt_us < 0))
		abort();
}
