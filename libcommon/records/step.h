/*
 * The step record (DESIGN.md): what ran in one engine iteration, in BLIS's
 * StepConfig shape.  Entries may carry the request_id they belong to.
 */
#ifndef RT_STEP_H
#define RT_STEP_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "io/jsonin.h"

struct step_req {
	int64_t	 progress_index;	/* tokens already in the KV cache */
	int64_t	 tokens;		/* new tokens this step */
	const char *request_id;		/* NULL when unknown; not owned */
};

struct step {
	struct step_req *prefill, *decode;
	size_t	 n_prefill, n_decode;
	size_t	 cap_prefill, cap_decode;
};

void step_init(struct step *s);
void step_clear(struct step *s);
void step_free(struct step *s);
struct step_req *step_add_prefill(struct step *s);
struct step_req *step_add_decode(struct step *s);

/*
 * Fill s from a parsed record.  Both request lists are required; entries
 * need non-negative integer fields, and decodes exactly one new token (the
 * roofline counts one token per decode, so anything else would be silently
 * wrong).  request_id pointers point into obj.  0, or -1 with e set.
 */
int step_from_json(const cJSON *obj, struct step *s, struct jerr *e);

/* Sum of new prefill tokens; -1 if it would overflow 2^53. */
int64_t step_prefill_tokens(const struct step *s);

#endif
