/* libFuzzer: SplitwiseSim performance database rows, split by libcsv. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/splitwise.h"
#include "csvrow.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	static struct csvrow row;
	static int ready;
	struct splitwise_rec w;
	struct errmsg e;
	size_t i;

	if (!ready) {
		csvrow_init(&row);
		ready = 1;
	}
	if (csvrow_split_as(&row, line, len, splitwise_columns, &e) != 0)
		return;
	/* No field is cut by a NUL: a row with one is refused. */
	for (i = 0; i < row.n; i++)
		if (strlen(row.field[i]) != row.len[i])
			abort();
	/* No step of no time. */
	if (splitwise_parse(&row, &w, &e) == 0 &&
	    (w.batch_size < 1 || w.batch_size > 65536 || w.prompt_us < 1 ||
	    (w.token_size >= 2 && w.token_us < 1)))
		abort();
}
