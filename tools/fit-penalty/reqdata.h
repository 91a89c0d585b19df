/*
 * The request records a request-level fit reads: what each request
 * measured (TTFT, E2E, mean ITL from token times, and a server's queue,
 * prefill and decode spans), kept in arrival order in memory, since the
 * fit replays them many times.
 */
#ifndef RT_FIT_REQDATA_H
#define RT_FIT_REQDATA_H

#include <stddef.h>
#include <stdint.h>

#include "io/input.h"
#include "io/jsonin.h"

/* A measured latency that is not known. */
#define RQ_NONE (-1.0)

struct rq_rec {
	int64_t	 arrival_us, input_tokens, output_tokens;
	int64_t	 cached;	/* prompt tokens from the prefix cache, or -1 */
	double	 ttft, e2e, itl;	/* us, or RQ_NONE */
	double	 queue, prefill, decode;	/* a server's spans, or RQ_NONE */
	int	 no_output;	/* output_tokens 0: a prefill alone, not scored */
	long	 seq;		/* reading order: ties keep it */
};

struct rq_data {
	struct rq_rec *r;
	size_t	 n, cap;
	long	 read, bad, failed, no_output;
	long	 has_cached;	/* records that gave cached_tokens */
	long	 has[6];	/* ttft, e2e, itl, queue, prefill, decode */
};

/*
 * One record of line[0..len) into x: 0 (*failed when the record is
 * marked with "error": x unset), or -1 with e set.
 */
int rqdata_parse(struct jsonin *j, const char *line, size_t len,
    struct rq_rec *x, int *failed, struct errmsg *e);

/* Read request records (NDJSON) from paths, sorted by arrival. */
void rqdata_read(struct rq_data *d, const struct common_opts *co,
    char *const *paths, int npaths);
void rqdata_free(struct rq_data *d);

#endif
