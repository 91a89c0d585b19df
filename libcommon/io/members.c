#include "io/jsonin.h"
#include "io/members.h"

/* The byte after the value at p; end when it does not close. */
static const char *
value_end(const char *p, const char *end)
{
	const char *q = jsonin_skip_value(p, end);

	return q != NULL ? q : end;
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
	p = jsonin_skip_blanks(value_end(p, m->end), m->end);
	if (p < m->end && *p == ':')
		p = jsonin_skip_blanks(p + 1, m->end);
	p = value_end(p, m->end);
	*len = (size_t)(p - *at);
	m->p = p;
	return 1;
}
