#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/jsonout.h"
#include "io/numfmt.h"

void
jsonout_init(struct jw *w, FILE *fp)
{
	memset(w, 0, sizeof(*w));
	w->fp = fp;
	w->cap = 4096;
	w->buf = err_malloc(w->cap);
}

void
jsonout_free(struct jw *w)
{
	free(w->buf);
	w->buf = NULL;
}

static void
put(struct jw *w, const char *s, size_t n)
{
	if (w->len + n > w->cap) {
		while (w->len + n > w->cap)
			w->cap *= 2;
		w->buf = err_realloc(w->buf, w->cap);
	}
	memcpy(w->buf + w->len, s, n);
	w->len += n;
}

static void
putc1(struct jw *w, char c)
{
	put(w, &c, 1);
}

static void
indent(struct jw *w)
{
	int i;

	putc1(w, '\n');
	for (i = 0; i < w->depth; i++)
		put(w, "  ", 2);
}

/* Separator before a value (or a key) at the current depth. */
static void
sep(struct jw *w)
{
	if (w->after_key) {
		w->after_key = 0;
		return;
	}
	if (w->depth > 0) {
		if (!w->first[w->depth])
			putc1(w, ',');
		w->first[w->depth] = 0;
		if (w->pretty)
			indent(w);
	}
}

static void
open_(struct jw *w, char c)
{
	sep(w);
	putc1(w, c);
	if (w->depth + 1 >= JW_MAXDEPTH)
		err_die(EXIT_DATA, "JSON output nested too deeply");
	w->first[++w->depth] = 1;
}

static void
close_(struct jw *w, char c)
{
	int empty = w->first[w->depth];

	w->depth--;
	if (w->pretty && !empty)
		indent(w);
	putc1(w, c);
}

void jsonout_obj(struct jw *w) { open_(w, '{'); }
void jsonout_obj_end(struct jw *w) { close_(w, '}'); }

void
jsonout_obj_resume(struct jw *w, const char *head, size_t len, int members)
{
	sep(w);
	put(w, head, len);
	if (w->depth + 1 >= JW_MAXDEPTH)
		err_die(EXIT_DATA, "JSON output nested too deeply");
	w->first[++w->depth] = !members;
}
void jsonout_arr(struct jw *w) { open_(w, '['); }
void jsonout_arr_end(struct jw *w) { close_(w, ']'); }

static void
quoted(struct jw *w, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s, *run;
	char esc[6];

	putc1(w, '"');
	for (;;) {
		/* Plain bytes go in runs: most strings have nothing to escape. */
		for (run = p; *p >= 0x20 && *p != '"' && *p != '\\'; p++)
			;
		put(w, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		switch (*p) {
		case '"':  put(w, "\\\"", 2); break;
		case '\\': put(w, "\\\\", 2); break;
		case '\n': put(w, "\\n", 2); break;
		case '\r': put(w, "\\r", 2); break;
		case '\t': put(w, "\\t", 2); break;
		default:
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			put(w, esc, 6);
		}
		p++;
	}
	putc1(w, '"');
}

void
jsonout_key(struct jw *w, const char *key)
{
	sep(w);
	quoted(w, key);
	if (w->pretty)
		put(w, ": ", 2);
	else
		putc1(w, ':');
	w->after_key = 1;
}

void
jsonout_int(struct jw *w, int64_t v)
{
	char b[NUMFMT_BUFSZ];

	sep(w);
	put(w, b, numfmt_int(b, v));
}

void
jsonout_num(struct jw *w, double v)
{
	char b[NUMFMT_BUFSZ];

	if (!isfinite(v)) {
		jsonout_null(w);
		return;
	}
	sep(w);
	put(w, b, numfmt_double(b, v));
}

void
jsonout_str(struct jw *w, const char *s)
{
	sep(w);
	quoted(w, s);
}

void
jsonout_bool(struct jw *w, int v)
{
	sep(w);
	if (v)
		put(w, "true", 4);
	else
		put(w, "false", 5);
}

void
jsonout_null(struct jw *w)
{
	sep(w);
	put(w, "null", 4);
}

void
jsonout_cjson(struct jw *w, const cJSON *v)
{
	const cJSON *c;

	if (cJSON_IsObject(v)) {
		jsonout_obj(w);
		for (c = v->child; c != NULL; c = c->next) {
			jsonout_key(w, c->string);
			jsonout_cjson(w, c);
		}
		jsonout_obj_end(w);
	} else if (cJSON_IsArray(v)) {
		jsonout_arr(w);
		for (c = v->child; c != NULL; c = c->next)
			jsonout_cjson(w, c);
		jsonout_arr_end(w);
	} else if (cJSON_IsNumber(v))
		jsonout_num(w, v->valuedouble);
	else if (cJSON_IsString(v))
		jsonout_str(w, v->valuestring);
	else if (cJSON_IsBool(v))
		jsonout_bool(w, cJSON_IsTrue(v));
	else
		jsonout_null(w);
}

void
jsonout_endline(struct jw *w)
{
	putc1(w, '\n');
	fwrite(w->buf, 1, w->len, w->fp);
	w->len = 0;
}

void
jsonout_kint(struct jw *w, const char *key, int64_t v)
{
	jsonout_key(w, key);
	jsonout_int(w, v);
}

void
jsonout_knum(struct jw *w, const char *key, double v)
{
	jsonout_key(w, key);
	jsonout_num(w, v);
}

void
jsonout_kstr(struct jw *w, const char *key, const char *s)
{
	jsonout_key(w, key);
	jsonout_str(w, s);
}
