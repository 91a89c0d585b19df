/*
 * libFuzzer harness for --measure-prefix-hits' step reader
 * (trace-replay's prefixhits.c): each line a record; a refusal must say
 * why, and what is taken must be counts and times in range.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "io/jsonin.h"

#include "prefixhits.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	struct prefixhits s;
	struct errmsg e;
	cJSON *obj;

	if ((obj = jsonin_parse_line(line, len, &e)) == NULL)
		return;
	prefixhits_init(&s);
	e.msg[0] = '\0';
	if (prefixhits_add(&s, obj, &e) < 0) {
		if (e.msg[0] == '\0')
			abort();
	} else if (s.n != 1 || !(s.computed >= 0) || s.first_ts < 0 ||
	    prefixhits_spanned(&s) < 1)
		abort();
	cJSON_Delete(obj);
}
