#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "entrytext.h"

/* The shortest form that reads back as v. */
void
entrytext_number(char *buf, size_t sz, double v)
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

/* v as a JSON string. */
char *
entrytext_string(const char *v)
{
	cJSON *s = cJSON_CreateString(v);
	char *p = s != NULL ? cJSON_PrintUnformatted(s) : NULL;

	if (p == NULL)
		err_die(EXIT_DATA, "out of memory");
	cJSON_Delete(s);
	return p;
}

/* ------------------------------------------------- the text, located */

/*
 * No JSON is parsed here: cJSON has read the whole file and found it
 * valid, so between its tokens there are only the bytes cJSON skips
 * (those up to the space) and the punctuation ':' ',' '{' '}'.  Each key
 * and value is handed to cJSON, which says where it ends (and what a key
 * decodes to), so that the bytes around an edit are copied as they are.
 */
struct member {
	size_t	 key, val, end;	/* offsets: '"' of the key, value, past it */
	char	*name;		/* the key, decoded */
};

struct object {
	size_t	 open, close;	/* offsets of '{' and '}' */
	struct member *m;
	size_t	 n;
};

static size_t
blanks(const char *t, size_t i, size_t n)
{
	while (i < n && (unsigned char)t[i] <= ' ')
		i++;
	return i;
}

static void
not_as_read(const char *path)
{
	err_die(EXIT_DATA, "%s: internal error: the text does not read as "
	    "cJSON read it; nothing written", path);
}

/* Past the value at t[i], as cJSON reads it; the value when v. */
static size_t
token(const char *t, size_t i, size_t n, cJSON **v, const char *path)
{
	const char *end = NULL;
	cJSON *x;

	if (i >= n || (x = cJSON_ParseWithLengthOpts(t + i, n - i, &end,
	    0)) == NULL || end == NULL)
		not_as_read(path);
	if (v != NULL)
		*v = x;
	else
		cJSON_Delete(x);
	return (size_t)(end - t);
}

/* The members of the object at t[i] == '{'. */
static void
object_at(const char *t, size_t i, size_t n, struct object *o,
    const char *path)
{
	size_t cap = 16;
	cJSON *k;

	memset(o, 0, sizeof(*o));
	if (i >= n || t[i] != '{')
		not_as_read(path);
	o->open = i;
	o->m = err_malloc(cap * sizeof(*o->m));
	i = blanks(t, i + 1, n);
	while (i < n && t[i] == '"') {
		if (o->n == cap)
			o->m = err_realloc(o->m, (cap *= 2) * sizeof(*o->m));
		o->m[o->n].key = i;
		i = token(t, i, n, &k, path);
		o->m[o->n].name = err_strdup(k->valuestring);
		cJSON_Delete(k);
		if ((i = blanks(t, i, n)) >= n || t[i] != ':')
			not_as_read(path);
		o->m[o->n].val = blanks(t, i + 1, n);
		o->m[o->n].end = token(t, o->m[o->n].val, n, NULL, path);
		i = blanks(t, o->m[o->n].end, n);
		o->n++;
		if (i < n && t[i] == ',')
			i = blanks(t, i + 1, n);
	}
	if (i >= n || t[i] != '}')
		not_as_read(path);
	o->close = i;
}

static void
object_free(struct object *o)
{
	size_t k;

	for (k = 0; k < o->n; k++)
		free(o->m[k].name);
	free(o->m);
}

/* Where cJSON starts reading: past a UTF-8 byte-order mark and blanks. */
static size_t
doc_start(const char *t, size_t n)
{
	size_t i = 0;

	if (n >= 3 && memcmp(t, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	return blanks(t, i, n);
}

/* --------------------------------------------------- writing the text */

struct out {
	FILE	*fp;		/* a memory stream */
	char	*buf;
	size_t	 len;
};

static void
put(struct out *w, const char *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, w->fp) != n)
		err_die(EXIT_DATA, "out of memory");
}

static void
puts_(struct out *w, const char *s)
{
	put(w, s, strlen(s));
}

/* The layout of the entry's members, to write new ones alike. */
struct layout {
	char	*indent;	/* before a key: ",\n\t\t" less the comma */
	char	*colon;		/* between key and value: ": " */
	char	*unit;		/* one level more, for a nested object */
	int	 oneline;
};

/*
 * The layout bytes of t[from..to): JSON's blanks and the colon only (cJSON
 * also skips other control bytes there, NUL included; new members get
 * none of those).
 */
static char *
dup_span(const char *t, size_t from, size_t to)
{
	char *s = err_malloc(to - from + 1);
	size_t n = 0;

	for (; from < to; from++)
		if (strchr(" \t\r\n:", t[from]) != NULL && t[from] != '\0')
			s[n++] = t[from];
	s[n] = '\0';
	return s;
}

static void
layout_of(const char *t, const struct object *e, struct layout *l)
{
	const struct member *last;
	size_t from, close_ws;

	if (e->n == 0) {
		l->indent = err_strdup(" ");
		l->colon = err_strdup(": ");
		l->unit = err_strdup("");
		l->oneline = 1;
		return;
	}
	last = &e->m[e->n - 1];
	/* Before the last key: what follows '{' or the previous ','. */
	from = last->key;
	while (from > e->open + 1 && t[from - 1] != ',')
		from--;
	l->indent = dup_span(t, from, last->key);
	from = token(t, last->key, last->val, NULL, "the entry");
	l->colon = dup_span(t, from, last->val);
	l->oneline = strchr(l->indent, '\n') == NULL;
	/* The entry's '}' sits one level out: the difference is the unit. */
	close_ws = e->close;
	while (close_ws > last->end && t[close_ws - 1] != '\n')
		close_ws--;
	if (strncmp(l->indent, t + close_ws - 1, e->close - close_ws + 1) == 0 &&
	    strlen(l->indent) > e->close - close_ws + 1)
		l->unit = err_strdup(l->indent + (e->close - close_ws + 1));
	else
		l->unit = err_strdup("\t");
}

static void
layout_free(struct layout *l)
{
	free(l->indent);
	free(l->colon);
	free(l->unit);
}

/* The "rooftrace" object's text: the fields of m, in the table's order. */
static char *
extras_text(const struct hw_extras *m, const struct layout *l)
{
	struct out w = { 0 };
	char num[64], *s;
	const char *key;
	size_t k, nf = 0;

	if ((w.fp = open_memstream(&w.buf, &w.len)) == NULL)
		err_die(EXIT_DATA, "out of memory");
	puts_(&w, "{");
	for (k = 0; k <= hardware_extras_nfields; k++) {
		if (k < hardware_extras_nfields) {
			const struct hw_extras_field *f =
			    &hardware_extras_fields[k];

			if ((m->have & f->bit) == 0)
				continue;
			key = f->key;
			entrytext_number(num, sizeof(num), *(const double *)
			    (const void *)((const char *)m + f->off));
			s = err_strdup(num);
		} else {
			if ((m->have & HWX_PROVENANCE) == 0)
				continue;
			key = "provenance";
			s = entrytext_string(m->provenance);
		}
		if (nf++ > 0)
			puts_(&w, ",");
		if (l->oneline)
			puts_(&w, nf > 1 ? " " : "");
		else {
			puts_(&w, l->indent);
			puts_(&w, l->unit);
		}
		fprintf(w.fp, "\"%s\"%s%s", key, l->colon, s);
		free(s);
	}
	if (!l->oneline && nf > 0)
		puts_(&w, l->indent);
	puts_(&w, "}");
	if (fclose(w.fp) != 0)
		err_die(EXIT_DATA, "out of memory");
	return w.buf;
}

/* The old value at t[m->val] is the number v (then its bytes stay). */
static int
same_number(const char *t, const struct member *m, double v,
    const char *path)
{
	cJSON *old;
	int same;

	(void)token(t, m->val, m->end, &old, path);
	same = cJSON_IsNumber(old) && old->valuedouble == v;
	cJSON_Delete(old);
	return same;
}

static void
put_member(struct out *w, const struct layout *l, int first,
    const struct entrytext_change *c)
{
	char *key = entrytext_string(c->key);

	if (!first)
		puts_(w, ",");
	puts_(w, l->indent);
	puts_(w, key);
	puts_(w, l->colon);
	puts_(w, c->text);
	free(key);
}

char *
entrytext_edit(const char *path, const char *base, size_t len,
    const char *name, struct entrytext_change *c, size_t nc, size_t *outlen)
{
	struct out wr = { 0 }, *w = &wr;
	struct object top, ent;
	struct layout l;
	size_t i, j, k, at = 0;
	int first;

	if ((w->fp = open_memstream(&w->buf, &w->len)) == NULL)
		err_die(EXIT_DATA, "out of memory");
	object_at(base, doc_start(base, len), len, &top, path);
	for (i = 0; i < top.n && strcmp(top.m[i].name, name) != 0; i++)
		;
	if (i == top.n)
		not_as_read(path);
	object_at(base, top.m[i].val, len, &ent, path);
	layout_of(base, &ent, &l);
	for (j = 0; j < nc; j++)
		if (c[j].extras != NULL)
			c[j].text = extras_text(c[j].extras, &l);
	for (k = 0; k < ent.n; k++) {
		for (j = 0; j < nc && (c[j].done ||
		    strcmp(c[j].key, ent.m[k].name) != 0); j++)
			;
		if (j == nc)
			continue;
		c[j].done = 1;
		if (c[j].is_num && same_number(base, &ent.m[k], c[j].num, path))
			continue;
		put(w, base + at, ent.m[k].val - at);
		puts_(w, c[j].text);
		at = ent.m[k].end;
	}
	/* New members go after the last one, in the same layout. */
	k = ent.n > 0 ? ent.m[ent.n - 1].end : ent.open + 1;
	put(w, base + at, k - at);
	at = k;
	for (first = (ent.n == 0), j = 0; j < nc; j++)
		if (!c[j].done) {
			put_member(w, &l, first, &c[j]);
			first = 0;
		}
	put(w, base + at, len - at);
	layout_free(&l);
	object_free(&ent);
	object_free(&top);
	if (fclose(w->fp) != 0)
		err_die(EXIT_DATA, "out of memory");
	*outlen = w->len;
	return w->buf;
}

/* ----------------------------------------------- reading back, checked */

static size_t
nmembers(const cJSON *o)
{
	const cJSON *c;
	size_t n = 0;

	cJSON_ArrayForEach(c, o)
		n++;
	return n;
}

/* Does after's member key hold what c says?  NULL when it does. */
static const char *
holds(const cJSON *v, const struct entrytext_change *c)
{
	cJSON *want = cJSON_Parse(c->text);
	int ok = want != NULL && v != NULL && cJSON_Compare(v, want, 1);

	cJSON_Delete(want);
	return ok ? NULL : c->key;
}

/*
 * The text as written, parsed again: every entry but name as in before,
 * and name's members as before but those of c, which hold c's values.
 * NULL, or what differs.
 */
static const char *
differs(const cJSON *before, const cJSON *after, const char *name,
    const struct entrytext_change *c, size_t nc)
{
	const cJSON *b, *a, *eb, *ea;
	size_t j, added = 0;
	const char *bad;

	if (nmembers(before) != nmembers(after))
		return "the number of entries";
	cJSON_ArrayForEach(b, before) {
		a = jsonin_field(after, b->string);
		if (a == NULL || (strcmp(b->string, name) != 0 &&
		    !cJSON_Compare(a, b, 1)))
			return b->string;
	}
	eb = jsonin_field(before, name);
	ea = jsonin_field(after, name);
	cJSON_ArrayForEach(b, eb) {
		for (j = 0; j < nc && strcmp(c[j].key, b->string) != 0; j++)
			;
		if (j == nc && !cJSON_Compare(b, jsonin_field(ea, b->string),
		    1))
			return b->string;
	}
	for (j = 0; j < nc; j++) {
		added += jsonin_field(eb, c[j].key) == NULL;
		if ((bad = holds(jsonin_field(ea, c[j].key), &c[j])) != NULL)
			return bad;
	}
	return nmembers(ea) == nmembers(eb) + added ? NULL :
	    "the number of fields";
}

void
entrytext_check(const char *path, const cJSON *before, const char *text,
    size_t len, const char *name, const struct entrytext_change *c,
    size_t nc)
{
	struct hw_calib hw;
	struct hw_extras x;
	const char *what;
	char msg[1200];
	cJSON *after;

	if ((after = hardware_parse(text, len, path, msg, sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "internal error: the edited %s does not read "
		    "back (%s); nothing written", path, msg);
	if ((what = differs(before, after, name, c, nc)) != NULL)
		err_die(EXIT_DATA, "internal error: the edited %s reads back "
		    "with %s not as meant; nothing written", path, what);
	if (hardware_entry(after, path, name, &hw, msg, sizeof(msg)) !=
	    HW_OK || hardware_extras(after, path, name, &x, msg,
	    sizeof(msg)) < 0)
		err_die(EXIT_DATA, "internal error: the edited entry reads back "
		    "invalid (%s); nothing written", msg);
	cJSON_Delete(after);
}

