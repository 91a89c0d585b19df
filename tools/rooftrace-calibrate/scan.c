#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "io/linereader.h"
#include "io/progress.h"
#include "scan.h"
#include "stage.h"

const char *const scan_kind_names[KIND_N] = {
	"requests", "latencies", "token-times", "spans", "steps",
	"aggregate-steps"
};

static int scan_show;

void
scan_progress(int on)
{
	scan_show = on;
}

static const char *const field_names[SF_N] = {
	"ttft_us", "e2e_us", "itl_us", "queue_us", "prefill_us", "decode_us",
	"cached_tokens"
};

enum scan_kind
scan_kind_named(const char *name)
{
	int k;

	for (k = 0; k < KIND_N; k++)
		if (strcmp(name, scan_kind_names[k]) == 0)
			return (enum scan_kind)k;
	return KIND_NONE;
}

int
scan_kind_is_step(enum scan_kind k)
{
	return k == KIND_STEPS || k == KIND_AGGREGATE;
}

static int
has(const cJSON *rec, const char *key)
{
	const cJSON *v = jsonin_field(rec, key);

	return v != NULL && !cJSON_IsNull(v);
}

enum scan_kind
scan_kind_of(const cJSON *rec)
{
	if (!cJSON_IsObject(rec))
		return KIND_NONE;
	if (has(rec, "prefill_requests"))
		return KIND_STEPS;
	if (has(rec, "n_prefill") || has(rec, "prefill_tokens") ||
	    jsonin_field(rec, "dur_us") != NULL)
		return KIND_AGGREGATE;
	if (!has(rec, "arrival_us") || !has(rec, "request_id"))
		return KIND_NONE;
	if (cJSON_IsArray(jsonin_field(rec, "itl_us")))
		return KIND_TOKEN_TIMES;
	if (has(rec, "queue_us") || has(rec, "prefill_us") ||
	    has(rec, "decode_us"))
		return KIND_SPANS;
	if (has(rec, "ttft_us") || has(rec, "e2e_us"))
		return KIND_LATENCIES;
	return KIND_REQUESTS;
}

cJSON *
scan_first(const char *path)
{
	struct linereader lr;
	struct errmsg e;
	cJSON *rec = NULL;
	size_t len;
	char *line;

	if (linereader_open(&lr, path) < 0)
		return NULL;
	while ((line = linereader_next(&lr, &len)) != NULL)
		if (!linereader_blank(line, len)) {
			rec = jsonin_parse_line(line, len, &e);
			break;
		}
	linereader_close(&lr);
	return rec;
}

static double
num(const cJSON *rec, const char *key)
{
	const cJSON *v = jsonin_field(rec, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

/* A step counts when it has a measured time and is not a dummy. */
static int
step_counted(const cJSON *rec)
{
	double d = num(rec, "dur_us");

	return isfinite(d) && d > 0 && !cJSON_IsTrue(jsonin_field(rec,
	    "dummy"));
}

static void
add_source(struct scan *s, const cJSON *rec)
{
	const cJSON *v = jsonin_field(rec, "dur_source");
	const char *name = cJSON_IsString(v) ? v->valuestring :
	    "no dur_source";
	int i;

	for (i = 0; i < s->nsources; i++)
		if (strcmp(s->source[i], name) == 0) {
			s->source_n[i]++;
			return;
		}
	if (s->nsources == SCAN_SOURCES) {
		s->other_sources++;
		return;
	}
	err_snprintf(s->source[i], sizeof(s->source[i]), "%.31s", name);
	s->source_n[s->nsources++] = 1;
}

static void
add_key(struct scan *s, double key)
{
	if (s->nkeys == s->capkeys) {
		s->capkeys = s->capkeys ? 2 * s->capkeys : 1024;
		s->keys = err_realloc(s->keys, s->capkeys * sizeof(s->keys[0]));
	}
	s->keys[s->nkeys++] = key;
}

static void
scan_record(struct scan *s, const cJSON *rec)
{
	double t = num(rec, s->step ? "ts_us" : "arrival_us");
	int k;

	if (!isfinite(t))
		s->by_position = 1;
	if (s->step && has(rec, "prefill_requests"))
		s->composed++;
	if (s->step) {
		if (!step_counted(rec))
			return;
		s->timed++;
		add_source(s, rec);
	} else {
		for (k = 0; k < SF_N; k++)
			if (has(rec, field_names[k]))
				s->field[k]++;
		if (has(rec, "ttft_us") || has(rec, "e2e_us"))
			s->timed++;
		if (num(rec, "output_tokens") == 0)
			s->zero_output++;
	}
	/* Both keys kept until the end says which one orders the file. */
	add_key(s, t);
	add_key(s, (double)(s->records - 1));
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Keep the keys of one kind, time or position, sorted. */
static void
scan_keys(struct scan *s)
{
	size_t i, n = s->nkeys / 2;

	for (i = 0; i < n; i++)
		s->keys[i] = s->keys[2 * i + (s->by_position ? 1 : 0)];
	s->nkeys = n;
	if (n > 0)
		qsort(s->keys, n, sizeof(s->keys[0]), cmp_double);
}

void
scan_init(struct scan *s, int step)
{
	memset(s, 0, sizeof(*s));
	s->step = step;
}

int
scan_line(struct scan *s, struct jsonin *jin, const char *line, size_t len,
    struct errmsg *e)
{
	cJSON *rec;

	if (linereader_blank(line, len))
		return 0;
	if ((rec = jsonin_parse(jin, line, len, e)) == NULL)
		return -1;
	s->records++;
	scan_record(s, rec);
	return 0;
}

void
scan_end(struct scan *s)
{
	scan_keys(s);
}

void
scan_file(struct scan *s, const char *path, int step)
{
	struct linereader lr;
	struct progress pg;
	struct jsonin jin;
	struct errmsg e;
	size_t len;
	char *line;

	scan_init(s, step);
	if (linereader_open(&lr, path) < 0)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	/* Named by what it holds: the file itself is a private one. */
	progress_start(&pg, lr.fp, step ? "reading steps" :
	    "reading requests", !scan_show);
	jsonin_init(&jin);
	while ((line = linereader_next(&lr, &len)) != NULL) {
		if (scan_line(s, &jin, line, len, &e) < 0)
			err_dieat(EXIT_DATA, lr.name, lr.lineno, "%s", e.msg);
		progress_update(&pg);
		if ((lr.lineno & 0xfff) == 0)
			stage_poll();
	}
	progress_done(&pg);
	if (linereader_error(&lr))
		err_die(EXIT_DATA, "%s: read error", path);
	jsonin_free(&jin);
	linereader_close(&lr);
	scan_end(s);
}

void
scan_free(struct scan *s)
{
	free(s->keys);
	s->keys = NULL;
}

void
scan_time_source(const struct scan *s, char *buf, size_t sz)
{
	size_t off = 0;
	int i, any = 0;

	buf[0] = '\0';
	if (s->step) {
		for (i = 0; i < s->nsources && off < sz; i++)
			off += (size_t)snprintf(buf + off, sz - off, "%s%s %ld",
			    i ? ", " : "", s->source[i], s->source_n[i]);
		if (s->other_sources > 0 && off < sz)
			snprintf(buf + off, sz - off, ", others (%ld)",
			    s->other_sources);

		return;
	}
	for (i = 0; i < SF_N && off < sz; i++)
		if (s->field[i] > 0 && i != SF_CACHED) {
			off += (size_t)snprintf(buf + off, sz - off, "%s%s",
			    any ? ", " : "", field_names[i]);
			any = 1;
		}
}

/* The first key held out: the last fraction of the counted records. */
static double
split_cut(const struct scan *s, double fraction)
{
	size_t held;

	if (fraction <= 0 || s->nkeys == 0)
		return INFINITY;
	held = (size_t)floor(fraction * (double)s->nkeys + 0.5);
	if (held == 0)
		held = 1;
	if (held >= s->nkeys)
		held = s->nkeys - 1;
	if (held == 0)
		return INFINITY;
	return s->keys[s->nkeys - held];
}

static FILE *
split_open(const char *path)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		err_die(EXIT_DATA, "cannot write a file of the private "
		    "directory: %s", strerror(errno));
	return fp;
}

static void
split_close(FILE *fp)
{
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0)
		err_die(EXIT_DATA, "cannot write a file of the private "
		    "directory: %s", strerror(errno));
}

void
scan_split(const struct scan *s, const char *path, double fraction,
    const char *fit, const char *held, struct split *out)
{
	struct linereader lr;
	struct progress pg;
	struct jsonin jin;
	struct errmsg e;
	FILE *fp[2];
	cJSON *rec;
	double cut = split_cut(s, fraction), key;
	long idx = 0;
	size_t len;
	char *line;
	int h, counted;

	memset(out, 0, sizeof(*out));
	if (linereader_open(&lr, path) < 0)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	progress_start(&pg, lr.fp, s->step ? "splitting steps" :
	    "splitting requests", !scan_show);
	fp[0] = split_open(fit);
	fp[1] = split_open(held);
	jsonin_init(&jin);
	while ((line = linereader_next(&lr, &len)) != NULL) {
		if (linereader_blank(line, len))
			continue;
		if ((rec = jsonin_parse(&jin, line, len, &e)) == NULL)
			err_dieat(EXIT_DATA, lr.name, lr.lineno, "%s", e.msg);
		key = s->by_position ? (double)idx : num(rec, s->step ?
		    "ts_us" : "arrival_us");
		idx++;
		h = key >= cut;
		counted = s->step ? step_counted(rec) : 1;
		if (h) {
			out->held++;
			out->held_counted += counted;
		} else {
			out->fit++;
			out->fit_counted += counted;
		}
		if (fwrite(line, 1, len, fp[h]) != len || putc('\n', fp[h]) == EOF)
			err_die(EXIT_DATA, "cannot write a file of the private "
			    "directory: %s", strerror(errno));
		progress_update(&pg);
		if ((idx & 0xfff) == 0)
			stage_poll();
	}
	progress_done(&pg);
	jsonin_free(&jin);
	linereader_close(&lr);
	split_close(fp[0]);
	split_close(fp[1]);
}
