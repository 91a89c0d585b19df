/*
 * libFuzzer harness for the member walker (io/members.c): on any text cJSON
 * accepts as an object, it must find exactly cJSON's members, each a
 * span that cJSON parses back (wrapped in braces) to the same key.
 */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/members.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_member(const char *at, size_t len, const cJSON *c)
{
	char *buf = malloc(len + 3);
	cJSON *one;

	if (buf == NULL)
		abort();
	buf[0] = '{';
	memcpy(buf + 1, at, len);
	memcpy(buf + 1 + len, "}", 2);
	one = cJSON_Parse(buf);
	if (one == NULL || one->child == NULL || one->child->next != NULL ||
	    strcmp(one->child->string, c->string) != 0)
		abort();
	cJSON_Delete(one);
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data, *end, *at;
	struct members m;
	cJSON *obj, *c;
	size_t len;

	obj = cJSON_ParseWithLengthOpts(text, size, &end, 0);
	if (obj == NULL)
		return 0;
	if (cJSON_IsObject(obj)) {
		members_init(&m, text, (size_t)(end - text));
		for (c = obj->child; c != NULL; c = c->next) {
			if (!members_next(&m, &at, &len))
				abort();
			check_member(at, len, c);
		}
		if (members_next(&m, &at, &len))
			abort();
	}
	cJSON_Delete(obj);
	return 0;
}
