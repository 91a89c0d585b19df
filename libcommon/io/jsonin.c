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

void
jsonin_err(struct jerr *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* e->msg is written here, never read: callers need not clear it. */
	/* cppcheck-suppress ctuuninitvar */
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}

static int
only_blanks(const char *p, const char *end)
{
	for (; p < end; p++)
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	return 1;
}

/* Does the text end inside a string or with brackets still open? */
static int
unterminated(const char *p, const char *end)
{
	long depth = 0;
	int in_str = 0;

	for (; p < end; p++) {
		if (in_str) {
			if (*p == '\\' && p + 1 < end)
				p++;
			else if (*p == '"')
				in_str = 0;
		} else if (*p == '"')
			in_str = 1;
		else if (*p == '{' || *p == '[')
			depth++;
		else if (*p == '}' || *p == ']')
			depth--;
	}
	return in_str || depth > 0;
}

/* *vend, when given, is set to just past the value on success. */
static cJSON *
parse_bounded(const char *text, size_t len, struct jerr *e, const char *what,
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
			jsonin_err(e, "empty %s", what);
		else if (unterminated(text, text + len))
			jsonin_err(e, "truncated %s: unclosed string, object "
			    "or array at end of input (column %zu)", what,
			    len + 1);
		else
			jsonin_err(e, "invalid JSON at column %zu",
			    (size_t)(end - text) + 1);
		return NULL;
	}
	if (!only_blanks(end, text + len)) {
		jsonin_err(e, "unexpected text after the JSON value at column %zu",
		    (size_t)(end - text) + 1);
		cJSON_Delete(v);
		return NULL;
	}
	if (vend != NULL)
		*vend = end;
	return v;
}

cJSON *
jsonin_parse_line(const char *line, size_t len, struct jerr *e)
{
	return parse_bounded(line, len, e, "record", NULL);
}

cJSON *
jsonin_parse_doc(const char *text, size_t len, struct jerr *e)
{
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
jsonin_parse(struct jsonin *j, const char *line, size_t len, struct jerr *e)
{
	cJSON_Hooks hooks = { hook_alloc, hook_free };
	const char *p = line, *end = NULL;
	cJSON *v;

	arena_reset(&j->arena);
	hook_arena = &j->arena;
	cJSON_InitHooks(&hooks);
	v = parse_bounded(line, len, e, "record", &end);
	cJSON_InitHooks(NULL);
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
	const cJSON *a, *b;

	for (a = obj->child; a != NULL; a = a->next)
		for (b = a->next; b != NULL; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return a->string;
	return NULL;
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
wrong(struct jerr *e, const char *path, const char *want, const cJSON *v)
{
	char got[64];

	jsonin_describe(v, got, sizeof(got));
	jsonin_err(e, "%s: expected %s, got %s", path, want, got);
	return -1;
}

int
jsonin_int(const cJSON *v, const char *path, int64_t lo, int64_t hi,
    int64_t *out, struct jerr *e)
{
	double d;

	if (!cJSON_IsNumber(v))
		return wrong(e, path, "an integer", v);
	d = v->valuedouble;
	if (!isfinite(d) || fabs(d) > (double)RT_INT_EXACT_MAX) {
		jsonin_err(e, "%s: integer too large (limit 2^53)", path);
		return -1;
	}
	if (d != trunc(d))
		return wrong(e, path, "an integer", v);
	if (d < (double)lo || d > (double)hi) {
		if (lo == 0 && d < 0)
			jsonin_err(e, "%s: must not be negative, got %.0f",
			    path, d);
		else
			jsonin_err(e, "%s: %.0f is out of range [%lld, %lld]",
			    path, d, (long long)lo, (long long)hi);
		return -1;
	}
	*out = (int64_t)d;
	return 0;
}

int
jsonin_num(const cJSON *v, const char *path, double *out, struct jerr *e)
{
	if (!cJSON_IsNumber(v))
		return wrong(e, path, "a number", v);
	if (!isfinite(v->valuedouble)) {
		jsonin_err(e, "%s: number out of range", path);
		return -1;
	}
	*out = v->valuedouble;
	return 0;
}

int
jsonin_str(const cJSON *v, const char *path, const char **out, struct jerr *e)
{
	if (!cJSON_IsString(v))
		return wrong(e, path, "a string", v);
	*out = v->valuestring;
	return 0;
}

int
jsonin_array(const cJSON *v, const char *path, struct jerr *e)
{
	return cJSON_IsArray(v) ? 0 : wrong(e, path, "an array", v);
}

int
jsonin_object(const cJSON *v, const char *path, struct jerr *e)
{
	return cJSON_IsObject(v) ? 0 : wrong(e, path, "an object", v);
}

const cJSON *
jsonin_need(const cJSON *obj, const char *key, struct jerr *e)
{
	const cJSON *v = jsonin_field(obj, key);

	if (v == NULL)
		jsonin_err(e, "missing field \"%s\"", key);
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
