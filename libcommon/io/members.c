#include "io/jsonin.h"
#include "io/members.h"

/* p at a string's opening quote: the byte after its closing one. */
static const char *
string_end(const char *p, const char *end)
{
	const char *q = jsonin_skip_string(p, end, NULL);

	return q != NULL ? q : end;
}

/* The bytes that can change a value's depth or end it. */
static int
structural(unsigned char c)
{
	return c == '"' || c == '[' || c == ']' || c == '{' || c == '}' ||
	    c == ',' || c <= ' ';
}

/*
 * p at a value: the byte after it.  Strings are stepped over whole, so a
 * bracket or comma inside one is not structure.  Inside a list or an
 * object only quotes and brackets matter; they are found with a table,
 * since a step's request lists are most of its bytes.
 */
static const char *
value_end(const char *p, const char *end)
{
	static const unsigned char nested[256] = { ['"'] = 1, ['['] = 1,
	    [']'] = 1, ['{'] = 1, ['}'] = 1 };
	int depth = 0;

	if (p < end && *p == '"')
		return string_end(p, end);
	if (p < end && *p != '[' && *p != '{') {
		while (p < end && !structural((unsigned char)*p))
			p++;
		return p;
	}
	for (; p < end; p++) {
		while (p < end && !nested[(unsigned char)*p])
			p++;
		if (p == end)
			break;
		if (*p == '"')
			p = string_end(p, end) - 1;
		else if (*p == '[' || *p == '{')
			depth++;
		else if (--depth == 0)
			return p + 1;
	}
	return p;
}

void
members_init(struct members *m, const char *obj, size_t len)
{
	m->end = obj + len;
	m->p = jsonin_skip_blanks(obj, m->end);
	if (m->p < m->end && *m->p == '{')
		m->p++;
}

int
members_next(struct members *m, const char **at, size_t *len)
{
	const char *p = jsonin_skip_blanks(m->p, m->end);

	if (p < m->end && *p == ',')
		p = jsonin_skip_blanks(p + 1, m->end);
	if (p >= m->end || *p != '"')
		return 0;
	*at = p;
	p = jsonin_skip_blanks(string_end(p, m->end), m->end);
	if (p < m->end && *p == ':')
		p = jsonin_skip_blanks(p + 1, m->end);
	p = value_end(p, m->end);
	*len = (size_t)(p - *at);
	m->p = p;
	return 1;
}
