/*
 * OpenTelemetry OTLP JSON export of vLLM request spans:
 *   {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":..,
 *    "startTimeUnixNano":"1700000000000000000", "status":{"code":2},
 *    "attributes":[{"key":"gen_ai.request.id",
 *                   "value":{"stringValue":"cmpl-1"}}, ...]}]}]}]}
 * Integer attributes may be {"intValue":"12"} (proto3 JSON) or a number.
 */
#ifndef RT_OTEL_H
#define RT_OTEL_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"
#include "readers/readers.h"

extern const struct reader otel_reader;

struct otel_iter {
	const cJSON *rs, *ss, *span;	/* current position; NULL: start */
	size_t	 i, j, k;		/* their indices, for messages */
	int	 started, done;
};

struct otel_span {
	const char *id, *model, *error;	/* point into the document */
	int64_t	 start_us;		/* since 1970 */
	int64_t	 input_tokens, output_tokens;
	int64_t	 ttft_us, e2e_us, queue_us, prefill_us, decode_us; /* -1 */
	int64_t	 inference_us;			/* -1 */
	/* V0 engines only; -1 */
	int64_t	 scheduler_us, model_forward_us, model_execute_us;
	unsigned seen;		/* OTEL_ATTR_* bits of the latencies given */
};

/* The latency attributes read, in this order (bit i: otel_attrs[i]). */
enum { OTEL_NATTR = 9 };
extern const char *const otel_attrs[OTEL_NATTR];

void otel_begin(struct otel_iter *it, const cJSON *doc);
/*
 * Next span: 1 a request span, 0 the end, -1 a malformed span or
 * structure (e set, with the JSON path; iteration goes on after a span).
 * *other counts spans that are not vLLM request spans.
 */
int otel_next(struct otel_iter *it, const cJSON *doc,
    struct otel_span *sp, long *other, struct errmsg *e);

#endif
