/*
 * vLLM iteration log lines (--enable-logging-iteration-details):
 *   ... INFO 12-22 21:44:40 [core.py:349] Iteration(515): 0 context
 *   requests, 0 context tokens, 20 generation requests, 20 generation
 *   tokens, iteration elapsed time: 10.99 ms
 * with, in other releases, an "Engine 000: " prefix, a ", GPU KV cache
 * usage: 12.5%" suffix and a "(dummy)" marker.  Everything else in the
 * log is another line, for the caller to count.
 */
#ifndef RT_VLLMLOG_H
#define RT_VLLMLOG_H

#include <stddef.h>
#include <stdint.h>

#include "readers/readers.h"

extern const struct reader vllmlog_reader;

struct vllmlog_iter {
	int64_t	 iter;
	int64_t	 ctx_reqs, ctx_tokens, gen_reqs, gen_tokens;
	int64_t	 dur_us;
	double	 kv_usage;	/* fraction in [0, 1]; < 0 when not logged */
	int	 dummy;
	int64_t	 clock_s;	/* log clock, s since Jan 1; < 0 if none */
	int64_t	 engine;	/* "Engine 001:" or "EngineCore_DP1"; -1 */
};

enum { VLLMLOG_OTHER = 0, VLLMLOG_RECORD = 1, VLLMLOG_BAD = -1 };

/*
 * Classify and parse one line (NUL-terminated at line[len]).  FMT_RECORD
 * with *it filled, FMT_OTHER for any other log line, FMT_BAD for a line
 * that is an iteration line but malformed (message in err).
 */
int vllmlog_parse(const char *line, size_t len, struct vllmlog_iter *it,
    char *err, size_t errsz);

#endif
