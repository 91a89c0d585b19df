/*
 * The bytes of each member of a JSON object, walked without building a
 * tree: roofline-eval keeps a re-evaluated record's fields as written
 * (numbers beyond a double included), and the eval reader leaves the
 * request lists it never reads out of cJSON's parse.  On text that is
 * not valid JSON the walk ends early or yields spans cJSON then refuses.
 */
#ifndef RT_MEMBERS_H
#define RT_MEMBERS_H

#include <stddef.h>

struct members {
	const char *p, *end;	/* the rest of the object's text */
};

/* Start at the object's opening brace; text is [obj, obj + len). */
void members_init(struct members *m, const char *obj, size_t len);
/* The next member, "key": value, as [*at, *at + *len); 0 after the last. */
int members_next(struct members *m, const char **at, size_t *len);

#endif
