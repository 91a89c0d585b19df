/* libFuzzer: Mooncake JSONL records. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/mooncake.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	struct mooncake_rec m, full;
	struct errmsg e, efull;
	int rc = mooncake_parse(line, len, &m, &e);

	if (rc == 0 && (m.ts_us < 0 || m.input_tokens < 0))
		abort();
	/* Leaving hash_ids out changes nothing but the memory it takes. */
	if (mooncake_parse_full(line, len, &full, &efull) != rc ||
	    (rc == 0 ? memcmp(&m, &full, sizeof(m)) != 0 :
	    strcmp(e.msg, efull.msg) != 0))
		abort();
}
