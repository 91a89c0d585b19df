/*
 * vllm bench serve --save-result --save-detailed JSON (and the older
 * benchmark_serving.py result files): one document with parallel arrays,
 * one entry per request:
 *   {"model_id": "...", "input_lens": [..], "output_lens": [..],
 *    "ttfts": [s..], "itls": [[s..]..], "errors": ["", ..],
 *    "start_times": [s..] (when present)}
 */
#ifndef RT_BENCHSERVE_H
#define RT_BENCHSERVE_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"
#include "readers/readers.h"

extern const struct reader benchserve_reader;

struct benchserve {
	const cJSON *input_lens, *output_lens, *ttfts, *itls, *errors;
	const cJSON *start_times;	/* NULL when the file has none */
	const char *model;		/* NULL when the file has none */
	size_t	 n;
	/* request next's entry in each array (NULL: past it, or none) */
	const cJSON *at_in, *at_out, *at_ttft, *at_itl, *at_err, *at_start;
	size_t	 next;
};

struct benchserve_req {
	int64_t	 input_tokens, output_tokens;
	int64_t	 start_us, ttft_us;	/* -1 when absent */
	int64_t	*itl_us;		/* grown as needed; caller frees */
	size_t	 n_itl, cap_itl;
	int64_t	 itl_sum;		/* at most 2^53 */
	const char *error;		/* NULL when it succeeded */
};

/* Find the arrays and check they agree in length; 0, or -1 with e set. */
int benchserve_open(const cJSON *doc, struct benchserve *b, struct errmsg *e);
/*
 * The next request, i (0, 1, ...: in order, each once; the arrays are
 * walked, never indexed, so a file reads in linear time); 0, or -1 with
 * e set (message gives the JSON path).
 */
int benchserve_get(struct benchserve *b, size_t i,
    struct benchserve_req *q, struct errmsg *e);

#endif
