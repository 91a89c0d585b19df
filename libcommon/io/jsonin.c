#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/arena.h"
#include "io/err.h"
#include "io/jsonin.h"
#include "io/numfmt.h"

static int
only_blanks(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

/* Text that ends inside a string, an object or an array. */
static int
unterminated(const char *p, const char *end)
{
	p = jsonin_skip_blanks(p, end);
	return p < end && jsonin_skip_value(p, end) == NULL;
}

/*
 * Did cJSON stop at its nesting limit?  It fails on the opening bracket
 * one past CJSON_NESTING_LIMIT levels, so count the depth up to and
 * including the byte it stopped at.
 */
static int
too_deep(const char *p, const char *stop)
{
	long depth = 0;
	int in_str = 0;

	for (; p <= stop; p++) {
		if (in_str) {
			if (*p == '\\' && p < stop)
				p++;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"')
			in_str = 1;
		else if (*p == '{' || *p == '[') {
			if (++depth > CJSON_NESTING_LIMIT)
				return 1;
		} else if (*p == '}' || *p == ']')
			depth--;
	}
	return 0;
}

/* --- out of memory --------------------------------------------------- */

/*
 * cJSON answers an allocation failure as it answers a syntax error: NULL.
 * Every cJSON allocation goes through this hook (or the arena's, which
 * exits the same way), so a record too large for memory is never called
 * malformed, nor skipped as bad data.
 */
static void *
oom_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err_die(EXIT_DATA, "out of memory");
	return p;
}

static cJSON_Hooks plain_hooks = { oom_malloc, free };
static int plain_set;

static void
hooks_plain(void)
{
	if (!plain_set) {
		cJSON_InitHooks(&plain_hooks);
		plain_set = 1;
	}
}

/* --- NUL in strings ---------------------------------------------------- */

/*
 * cJSON decodes "\u0000" (and copies a raw NUL byte) into its C string,
 * which then ends there: "a\u0000x" would read as "a".  Such strings are
 * refused.  The common case costs two memchr: no NUL byte, no backslash
 * followed by u0000.  Otherwise the text is walked beside the tree, to
 * name the field.
 */
static int
may_hold_nul(const char *p, size_t len)
{
	const char *end = p + len, *q;

	if (memchr(p, '\0', len) != NULL)
		return 1;
	for (q = p; (q = memchr(q, '\\', (size_t)(end - q))) != NULL; q += 2) {
		if (end - q >= 6 && memcmp(q + 1, "u0000", 5) == 0)
			return 1;
		if (end - q < 2)
			break;
	}
	return 0;
}

struct walk {
	const char *end;
	char	 path[192];
	size_t	 plen;
	struct errmsg *e;
};

const char *
jsonin_skip_blanks(const char *p, const char *end)
{
	while (p < end && (unsigned char)*p <= ' ')
		p++;
	return p;
}

const char *
jsonin_skip_string(const char *p, const char *end, int *nul)
{
	int has = 0;

	for (p++; p < end && *p != '"'; p++) {
		if (*p == '\0')
			has = 1;
		else if (*p == '\\') {
			if (end - p >= 6 && memcmp(p + 1, "u0000", 5) == 0)
				has = 1;
			p++;
		}
	}
	if (nul != NULL)
		*nul = has;
	return p < end ? p + 1 : NULL;
}

/* The bytes that end a number or a literal. */
static int
scalar_end(unsigned char c)
{
	return c == ',' || c == ']' || c == '}' || c == '"' || c <= ' ';
}

const char *
jsonin_skip_value(const char *p, const char *end)
{
	/* Inside a list or an object only quotes and brackets matter. */
	static const unsigned char nested[256] = { ['"'] = 1, ['['] = 1,
	    [']'] = 1, ['{'] = 1, ['}'] = 1 };
	long depth = 0;

	if (p < end && *p == '"')
		return jsonin_skip_string(p, end, NULL);
	if (p < end && *p != '[' && *p != '{') {
		while (p < end && !scalar_end((unsigned char)*p))
			p++;
		return p;
	}
	for (; p < end; p++) {
		while (p < end && !nested[(unsigned char)*p])
			p++;
		if (p == end)
			break;
		if (*p == '"') {
			if ((p = jsonin_skip_string(p, end, NULL)) == NULL)
				return NULL;
			p--;
		} else if (*p == '[' || *p == '{')
			depth++;
		else if (--depth == 0)
			return p + 1;
	}
	return NULL;
}

/* Past the string token at p, which cJSON has read whole. */
static const char *
raw_string(const char *p, const char *end, int *nul)
{
	const char *q = jsonin_skip_string(p, end, nul);

	return q != NULL ? q : end;
}

static size_t
path_push(struct walk *w, const char *key, size_t index)
{
	size_t was = w->plen, room = sizeof(w->path) - w->plen;
	int n;

	if (key != NULL)
		n = snprintf(w->path + w->plen, room, "%s%s",
		    w->plen > 0 ? "." : "", key);
	else
		n = snprintf(w->path + w->plen, room, "[%zu]", index);
	w->plen = n < 0 || (size_t)n >= room ? sizeof(w->path) - 1 :
	    w->plen + (size_t)n;
	return was;
}

static void
path_pop(struct walk *w, size_t was)
{
	w->plen = was;
	w->path[was] = '\0';
}

/* Past the value v whose text starts at p; NULL with e set on a NUL. */
static const char *
walk_value(struct walk *w, const cJSON *v, const char *p)
{
	const cJSON *c;
	size_t was, i = 0;
	int nul;

	p = jsonin_skip_blanks(p, w->end);
	if (cJSON_IsString(v)) {
		p = raw_string(p, w->end, &nul);
		if (nul) {
			errmsg_set(w->e, "%s: contains a NUL character",
			    w->plen > 0 ? w->path : "string");
			return NULL;
		}
		return p;
	}
	if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) {
		while (p < w->end && *p != ',' && *p != ']' && *p != '}' &&
		    (unsigned char)*p > ' ')
			p++;
		return p;
	}
	p++;	/* the bracket */
	for (c = v->child; c != NULL; c = c->next, i++) {
		p = jsonin_skip_blanks(p, w->end);
		if (cJSON_IsObject(v)) {
			p = raw_string(p, w->end, &nul);
			if (nul) {
				errmsg_set(w->e, "%s%sa field name contains "
				    "a NUL character", w->path,
				    w->plen > 0 ? ": " : "");
				return NULL;
			}
			p = jsonin_skip_blanks(p, w->end) + 1;	/* the colon */
			was = path_push(w, c->string, 0);
		} else
			was = path_push(w, NULL, i);
		if ((p = walk_value(w, c, p)) == NULL)
			return NULL;
		path_pop(w, was);
		p = jsonin_skip_blanks(p, w->end);
		if (p < w->end && *p == ',')
			p++;
	}
	p = jsonin_skip_blanks(p, w->end);
	return p + 1;	/* the closing bracket */
}

static int
check_nul(const cJSON *v, const char *text, size_t len, struct errmsg *e)
{
	struct walk w;
	const char *p = text;

	if (!may_hold_nul(text, len))
		return 0;
	if (len >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	memset(&w, 0, sizeof(w));
	w.end = text + len;
	w.e = e;
	return walk_value(&w, v, p) == NULL ? -1 : 0;
}

/* --- duplicate keys ---------------------------------------------------- */

static int
cmp_key(const void *a, const void *b)
{
	return strcmp((*(const cJSON *const *)a)->string,
	    (*(const cJSON *const *)b)->string);
}

/* The first key of a large object that occurs twice, or NULL: sorted. */
static const char *
dup_sorted(const cJSON *obj)
{
	const cJSON *a, **v;
	const char *dup = NULL;
	size_t n = 0, i;

	for (a = obj->child; a != NULL; a = a->next)
		n++;
	v = err_malloc(n * sizeof(*v));
	for (n = 0, a = obj->child; a != NULL; a = a->next)
		v[n++] = a;
	qsort(v, n, sizeof(*v), cmp_key);
	for (i = 1; i < n && dup == NULL; i++)
		if (strcmp(v[i - 1]->string, v[i]->string) == 0)
			dup = v[i]->string;
	free(v);
	return dup;
}

/*
 * The first key of obj that occurs twice, or NULL.  A record's objects
 * have a few keys each: each is compared with those before it, first
 * byte then strcmp.  A large object is sorted instead, so no input costs
 * quadratic time.
 */
static const char *
dup_in(const cJSON *obj)
{
	const cJSON *a, *b;
	size_t n = 0;

	for (a = obj->child; a != NULL; a = a->next) {
		if (++n > 32)
			return dup_sorted(obj);
		for (b = obj->child; b != a; b = b->next)
			if (b->string[0] == a->string[0] &&
			    strcmp(b->string, a->string) == 0)
				return a->string;
	}
	return NULL;
}

/*
 * The first object (depth first, an object before what it holds) with a
 * duplicate key, or NULL; v has children.
 */
static const cJSON *
find_dup(const cJSON *v, const char **key)
{
	const cJSON *c, *got;

	if ((v->type & cJSON_Object) != 0 && (*key = dup_in(v)) != NULL)
		return v;
	for (c = v->child; c != NULL; c = c->next)
		if ((c->type & (cJSON_Object | cJSON_Array)) != 0 &&
		    c->child != NULL && (got = find_dup(c, key)) != NULL)
			return got;
	return NULL;
}

/* The path from v down to target into w; 1 when found. */
static int
path_to(struct walk *w, const cJSON *v, const cJSON *target)
{
	const cJSON *c;
	size_t was, i = 0;

	if (v == target)
		return 1;
	for (c = v->child; c != NULL; c = c->next, i++) {
		if ((c->type & (cJSON_Object | cJSON_Array)) == 0)
			continue;
		was = path_push(w, cJSON_IsObject(v) ? c->string : NULL, i);
		if (path_to(w, c, target))
			return 1;
		path_pop(w, was);
	}
	return 0;
}

static int
check_dups(const cJSON *root, struct errmsg *e)
{
	const cJSON *obj;
	const char *key = NULL;
	struct walk w;

	if ((root->type & (cJSON_Object | cJSON_Array)) == 0 ||
	    root->child == NULL || (obj = find_dup(root, &key)) == NULL)
		return 0;
	memset(&w, 0, sizeof(w));
	path_to(&w, root, obj);
	path_push(&w, key, 0);
	errmsg_set(e, "duplicate field \"%s\"", w.path);
	return -1;
}

/* The four hex digits at p as a number, or -1. */
static long
hex4(const char *p)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		v <<= 4;
		if (p[i] >= '0' && p[i] <= '9')
			v |= p[i] - '0';
		else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f')
			v |= (p[i] | 0x20) - 'a' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * Where cJSON stopped, named when it is something a writer put there on
 * purpose: Python's NaN and Infinity, a lone UTF-16 surrogate.  1 with
 * e set, else 0.
 */
static int
stop_named(const char *text, const char *at, const char *end,
    struct errmsg *e)
{
	static const char *const words[] = { "NaN", "-NaN", "Infinity",
	    "-Infinity" };
	size_t i, n, col = (size_t)(at - text) + 1;
	long u;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		n = strlen(words[i]);
		if ((size_t)(end - at) >= n && memcmp(at, words[i], n) == 0) {
			errmsg_set(e, "%s at column %zu: not a JSON number "
			    "(Python's json writes it for a float NaN or "
			    "infinity)", words[i], col);
			return 1;
		}
	}
	if (end - at >= 6 && at[0] == '\\' && at[1] == 'u' &&
	    (u = hex4(at + 2)) >= 0xd800 && u <= 0xdfff) {
		errmsg_set(e, "a lone UTF-16 surrogate \\u%04lx at column %zu: "
		    "no character, so no UTF-8 text can hold it", u, col);
		return 1;
	}
	return 0;
}

/* *vend, when given, is set to just past the value on success. */
static cJSON *
parse_bounded(const char *text, size_t len, struct errmsg *e, const char *what,
    const char **vend)
{
	const char *end = NULL;
	cJSON *v;

	v = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (v == NULL) {
		end = cJSON_GetErrorPtr();
		if (end == NULL || end < text || end > text + len)
			end = text + len;
		if (len == 0 || only_blanks(text, text + len))
			errmsg_set(e, "empty %s", what);
		else if (end < text + len && too_deep(text, end))
			errmsg_set(e, "nested deeper than %d levels (the JSON "
			    "library's limit)", CJSON_NESTING_LIMIT);
		else if (unterminated(text, text + len))
			errmsg_set(e, "truncated %s: unclosed string, object "
			    "or array at end of input (column %zu)", what,
			    len + 1);
		else if (!stop_named(text, end, text + len, e))
			errmsg_set(e, "invalid JSON at column %zu",
			    (size_t)(end - text) + 1);
		return NULL;
	}
	if (!only_blanks(end, text + len)) {
		errmsg_set(e, "unexpected text after the JSON value at column %zu",
		    (size_t)(end - text) + 1);
		cJSON_Delete(v);
		return NULL;
	}
	if (check_nul(v, text, (size_t)(end - text), e) < 0 ||
	    check_dups(v, e) < 0) {
		cJSON_Delete(v);
		return NULL;
	}
	if (vend != NULL)
		*vend = end;
	return v;
}

cJSON *
jsonin_parse_line(const char *line, size_t len, struct errmsg *e)
{
	hooks_plain();
	return parse_bounded(line, len, e, "record", NULL);
}

cJSON *
jsonin_parse_doc(const char *text, size_t len, struct errmsg *e)
{
	hooks_plain();
	return parse_bounded(text, len, e, "JSON", NULL);
}

/*
 * cJSON's hooks are global: they point at the arena only for the length of
 * one jsonin_parse call, so every other cJSON tree in the program (configs
 * kept for the whole run) is malloc'd and cJSON_Delete'd as usual.
 */
static struct arena *hook_arena;

static void *
hook_alloc(size_t n)
{
	return arena_alloc(hook_arena, n);
}

static void
hook_free(void *p)
{
	(void)p;	/* the arena is reset per record instead */
}

void
jsonin_init(struct jsonin *j)
{
	memset(j, 0, sizeof(*j));
	arena_init(&j->arena);
}

cJSON *
jsonin_parse(struct jsonin *j, const char *line, size_t len, struct errmsg *e)
{
	cJSON_Hooks hooks = { hook_alloc, hook_free };
	const char *p = line, *end = NULL;
	cJSON *v;

	arena_reset(&j->arena);
	hook_arena = &j->arena;
	cJSON_InitHooks(&hooks);
	v = parse_bounded(line, len, e, "record", &end);
	cJSON_InitHooks(&plain_hooks);
	plain_set = 1;
	hook_arena = NULL;
	j->start = j->end = NULL;
	if (v == NULL)
		return NULL;
	/* Where cJSON began: past a byte-order mark, then bytes <= ' '. */
	if (len > 4 && memcmp(p, "\xEF\xBB\xBF", 3) == 0)
		p += 3;
	while (p < end && (unsigned char)*p <= ' ')
		p++;
	j->start = p;
	j->end = end;
	return v;
}

const char *
jsonin_object_head(const struct jsonin *j, size_t *len, int *members)
{
	const char *close;

	if (j->start == NULL || j->end - j->start < 2 || *j->start != '{' ||
	    j->end[-1] != '}')
		return NULL;
	close = j->end - 1;
	while (close > j->start + 1 && (unsigned char)close[-1] <= ' ')
		close--;
	*len = (size_t)(close - j->start);
	*members = close > j->start + 1;
	return j->start;
}

void
jsonin_free(struct jsonin *j)
{
	arena_free(&j->arena);
	j->start = j->end = NULL;
}

/*
 * cJSON_GetObjectItemCaseSensitive's answer, with the first byte compared
 * before calling strcmp: field names mostly differ there, and this lookup
 * runs several times for every request of every step.
 */
const cJSON *
jsonin_field(const cJSON *obj, const char *key)
{
	const cJSON *c;

	if (obj == NULL || key == NULL)
		return NULL;
	for (c = obj->child; c != NULL && c->string != NULL; c = c->next)
		if (c->string[0] == key[0] && strcmp(c->string, key) == 0)
			return c;
	return NULL;
}

const char *
jsonin_dup_key(const cJSON *obj)
{
	return cJSON_IsObject(obj) && obj->child != NULL ? dup_in(obj) : NULL;
}

void
jsonin_describe(const cJSON *v, char *buf, size_t sz)
{
	char num[NUMFMT_BUFSZ];

	if (v == NULL || cJSON_IsNull(v))
		snprintf(buf, sz, "null");
	else if (cJSON_IsBool(v))
		snprintf(buf, sz, "%s", cJSON_IsTrue(v) ? "true" : "false");
	else if (cJSON_IsNumber(v)) {
		if (isfinite(v->valuedouble))
			numfmt_double(num, v->valuedouble);
		else
			snprintf(num, sizeof(num), "an out-of-range number");
		snprintf(buf, sz, "%s", num);
	} else if (cJSON_IsString(v))
		snprintf(buf, sz, "a string");
	else if (cJSON_IsArray(v))
		snprintf(buf, sz, "an array");
	else
		snprintf(buf, sz, "an object");
}

static int
wrong(struct errmsg *e, const char *path, const char *want, const cJSON *v)
{
	char got[64];

	jsonin_describe(v, got, sizeof(got));
	errmsg_set(e, "%s: expected %s, got %s", path, want, got);
	return -1;
}

int
jsonin_int(const cJSON *v, const char *path, int64_t lo, int64_t hi,
    int64_t *out, struct errmsg *e)
{
	double d;

	if (!cJSON_IsNumber(v))
		return wrong(e, path, "an integer", v);
	d = v->valuedouble;
	/* 2^53 + 1 reads as 2^53: only what is below 2^53 is exact. */
	if (!isfinite(d) || fabs(d) >= (double)RT_INT_EXACT_MAX) {
		if (d > 0)
			errmsg_set(e, "%s: integer too large (limit 2^53)", path);
		else if (lo >= 0)
			errmsg_set(e, "%s: must not be negative, got %.17g",
			    path, d);
		else
			errmsg_set(e, "%s: integer too small (limit -2^53)",
			    path);
		return -1;
	}
	if (d != trunc(d))
		return wrong(e, path, "an integer", v);
	if (d < (double)lo || d > (double)hi) {
		if (lo == 0 && d < 0)
			errmsg_set(e, "%s: must not be negative, got %.0f",
			    path, d);
		else
			errmsg_set(e, "%s: %.0f is out of range [%lld, %lld]",
			    path, d, (long long)lo, (long long)hi);
		return -1;
	}
	*out = (int64_t)d;
	return 0;
}

int
jsonin_num(const cJSON *v, const char *path, double *out, struct errmsg *e)
{
	if (!cJSON_IsNumber(v))
		return wrong(e, path, "a number", v);
	if (!isfinite(v->valuedouble)) {
		errmsg_set(e, "%s: number out of range", path);
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

int
jsonin_str(const cJSON *v, const char *path, const char **out, struct errmsg *e)
{
	if (!cJSON_IsString(v))
		return wrong(e, path, "a string", v);
	*out = v->valuestring;
	return 0;
}

int
jsonin_array(const cJSON *v, const char *path, struct errmsg *e)
{
	return cJSON_IsArray(v) ? 0 : wrong(e, path, "an array", v);
}

int
jsonin_object(const cJSON *v, const char *path, struct errmsg *e)
{
	return cJSON_IsObject(v) ? 0 : wrong(e, path, "an object", v);
}

const cJSON *
jsonin_need(const cJSON *obj, const char *key, struct errmsg *e)
{
	const cJSON *v = jsonin_field(obj, key);

	if (v == NULL)
		errmsg_set(e, "missing field \"%s\"", key);
	return v;
}

char *
jsonin_slurp(const char *path, size_t *len)
{
	FILE *fp;
	char *buf = NULL;
	size_t cap = 0, n = 0, got;
	int saved;

	if ((fp = fopen(path, "r")) == NULL)
		return NULL;
	do {
		if (cap - n < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = err_realloc(buf, cap + 1);
		}
		got = fread(buf + n, 1, cap - n, fp);
		n += got;
	} while (got > 0);
	if (ferror(fp)) {
		saved = errno;
		fclose(fp);
		free(buf);
		errno = saved ? saved : EIO;
		return NULL;
	}
	fclose(fp);
	buf[n] = '\0';
	*len = n;
	return buf;
}
