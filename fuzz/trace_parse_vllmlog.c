/* libFuzzer: vLLM iteration log lines: no crash, no overread, and the
 * promises of a parsed record hold (non-negative duration, usage <= 1). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/vllmlog.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	struct vllmlog_iter it;
	char err[200];

	if (vllmlog_parse(line, len, &it, err, sizeof(err)) == VLLMLOG_RECORD &&
	    (it.dur_us < 0 || it.kv_usage > 1 || it.ctx_tokens < 0))
		abort();
}
