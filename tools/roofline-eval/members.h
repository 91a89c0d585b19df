/*
 * The bytes of each member of a JSON object that cJSON has already parsed
 * (so the text is known to be valid JSON): a record re-evaluated keeps
 * its own fields exactly as written, numbers beyond a double included.
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
