#include "members.h"

/* cJSON's notion of white space, which accepted the text. */
static const char *
blanks(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ')
		p++;
	return p;
}

/* p at a string's opening quote: the byte after its closing one. */
static const char *
string_end(const char *p, const char *end)
{
	for (p++; p < end && *p != '"'; p++)
		if (*p == '\\')
			p++;
	return p < end ? p + 1 : end;
}

/*
 * p at a value: the byte after it.  Strings are stepped over whole, so a
 * bracket or comma inside one is not structure.
 */
static const char *
value_end(const char *p, const char *end)
{
	int depth = 0;

	for (; p < end; p++) {
		if (*p == '"')
			p = string_end(p, end) - 1;
		else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']') {
			if (depth == 0)
				break;
			if (--depth == 0)
				return p + 1;
		} else if (depth == 0 && (*p == ',' || (unsigned char)*p <= ' '))
			break;
		if (depth == 0 && *p == '"')
			return p + 1;
	}
	return p;
}

void
members_init(struct members *m, const char *obj, size_t len)
{
	m->end = obj + len;
	m->p = blanks(obj, m->end);
	if (m->p < m->end && *m->p == '{')
		m->p++;
}

int
members_next(struct members *m, const char **at, size_t *len)
{
	const char *p = blanks(m->p, m->end);

	if (p < m->end && *p == ',')
		p = blanks(p + 1, m->end);
	if (p >= m->end || *p != '"')
		return 0;
	*at = p;
	p = blanks(string_end(p, m->end), m->end);
	if (p < m->end && *p == ':')
		p = blanks(p + 1, m->end);
	p = value_end(p, m->end);
	*len = (size_t)(p - *at);
	m->p = p;
	return 1;
}
