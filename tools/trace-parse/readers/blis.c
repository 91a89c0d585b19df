#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/progress.h"
#include "readers/blis.h"
#include "decimal.h"
#include "itlmap.h"

const char *const blis_itl_columns[] = {
	"request_id", "chunk_index", "timestamp_us", NULL
};

static const char *const col_names[BC_N] = {
	"request_id", "input_tokens", "output_tokens", "arrival_time_us",
	"send_time_us", "first_chunk_time_us", "last_chunk_time_us",
	"status", "error_message", "model"
};

/* The columns a request record cannot do without. */
static const int required[] = { BC_ID, BC_IN, BC_OUT, BC_ARRIVAL };

void
blis_header_init(struct blis_header *h)
{
	memset(h, 0, sizeof(*h));
	h->version = -1;
}

/* "key: value" with the value's blanks and quotes trimmed. */
static int
split_key(const char *line, char *key, size_t ksz, char *val, size_t vsz)
{
	const char *colon = strchr(line, ':'), *v;
	size_t n;

	if (colon == NULL || (size_t)(colon - line) >= ksz)
		return -1;
	memcpy(key, line, (size_t)(colon - line));
	key[colon - line] = '\0';
	for (v = colon + 1; *v == ' '; v++)
		;
	n = strlen(v);
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		v++;
		n -= 2;
	}
	if (n >= vsz)
		return -1;
	memcpy(val, v, n);
	val[n] = '\0';
	return 0;
}

static int
top_level(struct blis_header *h, const char *key, const char *val,
    struct errmsg *e)
{
	h->in_server = strcmp(key, "server") == 0 && *val == '\0';
	if (strcmp(key, "trace_version") == 0) {
		if (decimal_uint(val, &h->version) < 0 || h->version < 2 ||
		    h->version > 3) {
			errmsg_set(e, "trace_version: expected 2 or 3, got "
			    "\"%.20s\"", val);
			return -1;
		}
	} else if (strcmp(key, "time_unit") == 0) {
		/* Every column we read is named *_us; anything else lies. */
		if (strcmp(val, "microseconds") != 0 && strcmp(val, "us") != 0) {
			errmsg_set(e, "time_unit: only microseconds is "
			    "supported, got \"%.20s\"", val);
			return -1;
		}
		h->have_unit = 1;
	}
	return 0;
}

int
blis_header_line(struct blis_header *h, const char *line,
    struct errmsg *e)
{
	char key[64], val[256];
	const char *p = line;

	if (*p == '#' || *p == '\0' || strcmp(p, "---") == 0)
		return 0;
	while (*p == ' ')
		p++;
	if (*p == '\0' || *p == '#')
		return 0;
	if (split_key(p, key, sizeof(key), val, sizeof(val)) < 0) {
		errmsg_set(e, "expected \"key: value\"");
		return -1;
	}
	if (p == line)
		return top_level(h, key, val, e);
	if (h->in_server && strcmp(key, "model") == 0)
		snprintf(h->model, sizeof(h->model), "%s", val);
	return 0;
}

int
blis_header_end(const struct blis_header *h, struct errmsg *e)
{
	if (h->version < 0) {
		errmsg_set(e, "no trace_version");
		return -1;
	}
	return 0;
}

int
blis_is_data_header(const char *line)
{
	return strncmp(line, "request_id,", 11) == 0 &&
	    strstr(line, ",input_tokens,") != NULL &&
	    strstr(line, "arrival_time_us") != NULL;
}

int
blis_columns(const struct csvrow *row, struct blis_cols *c, struct errmsg *e)
{
	size_t i, k;

	for (k = 0; k < BC_N; k++)
		c->at[k] = -1;
	for (i = 0; i < row->n; i++)
		for (k = 0; k < BC_N; k++)
			if (strcmp(row->field[i], col_names[k]) == 0)
				c->at[k] = (int)i;
	c->n = row->n;
	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (c->at[required[k]] < 0) {
			errmsg_set(e, "trace v2 header has no column \"%s\"",
			    col_names[required[k]]);
			return -1;
		}
	return 0;
}

static int
col_uint(const struct csvrow *row, const struct blis_cols *c,
    int k, int64_t *out, struct errmsg *e)
{
	const char *s = row->field[c->at[k]];

	if (decimal_uint(s, out) == 0)
		return 0;
	if (*s == '-')
		errmsg_set(e, "%s: must not be negative, got \"%.40s\"",
		    col_names[k], s);
	else
		errmsg_set(e, "%s: expected a whole number, got \"%.40s\"",
		    col_names[k], s);
	return -1;
}

/* A time column BLIS leaves 0 when it was not recorded. */
static int
col_time(const struct csvrow *row, const struct blis_cols *c, int k,
    int64_t *out, struct errmsg *e)
{
	*out = -1;
	if (c->at[k] < 0)
		return 0;
	if (col_uint(row, c, k, out, e) < 0)
		return -1;
	if (*out == 0)
		*out = -1;
	return 0;
}

static const char *
col_str(const struct csvrow *row, const struct blis_cols *c, int k)
{
	return c->at[k] < 0 ? "" : row->field[c->at[k]];
}

int
blis_row(const struct csvrow *row, const struct blis_cols *c,
    struct blis_req *r, struct errmsg *e)
{
	if (row->n != c->n) {
		errmsg_set(e, "expected %zu fields, got %zu", c->n, row->n);
		return -1;
	}
	r->id = row->field[c->at[BC_ID]];
	if (*r->id == '\0') {
		errmsg_set(e, "request_id: empty field");
		return -1;
	}
	if (col_uint(row, c, BC_IN, &r->input_tokens, e) < 0 ||
	    col_uint(row, c, BC_OUT, &r->output_tokens, e) < 0 ||
	    col_uint(row, c, BC_ARRIVAL, &r->arrival_us, e) < 0 ||
	    col_time(row, c, BC_SEND, &r->send_us, e) < 0 ||
	    col_time(row, c, BC_FIRST, &r->first_us, e) < 0 ||
	    col_time(row, c, BC_LAST, &r->last_us, e) < 0)
		return -1;
	r->status = col_str(row, c, BC_STATUS);
	r->error_message = col_str(row, c, BC_ERRMSG);
	r->model = col_str(row, c, BC_MODEL);
	return 0;
}

int
blis_itl_row(const struct csvrow *row, const char **id, int64_t *chunk,
    int64_t *ts_us, struct errmsg *e)
{
	if (csvrow_uint(row, 1, blis_itl_columns, chunk, e) < 0 ||
	    csvrow_uint(row, 2, blis_itl_columns, ts_us, e) < 0)
		return -1;
	if (*row->field[0] == '\0') {
		errmsg_set(e, "request_id: empty field");
		return -1;
	}
	*id = row->field[0];
	return 0;
}

/*
 * The run's BLIS state: the model the last header named, the data file's
 * columns, and --itl's chunk times with the gaps buffer of one request.
 */
static struct {
	struct blis_header h;
	int	 in_header;		/* the file being read is a header */
	char	 model[256];		/* server.model of the last header */
	struct blis_cols cols;
	struct itlmap itl;
	int	 have_itl;
	int64_t	*gaps;
	size_t	 cap_gaps;
	/* The last header file read, until a data file follows it. */
	char	*lone_header;
	const char *itl_path;	/* --itl's file, for messages */
} blis;

/* --itl's rows: bad ones count with the run's, as any bad record. */
static int
blis_itl_file(void *ctx, struct input *in)
{
	struct csvrow *row = ctx;
	const char *id;
	int64_t chunk, ts;
	struct errmsg e;
	char *line;
	size_t len;

	line = linereader_next(&in->lr, &len);
	if (line == NULL || !csvrow_is_header(line, blis_itl_columns))
		err_dieat(EXIT_DATA, in->lr.name, 1, "expected the header "
		    "\"request_id,chunk_index,timestamp_us\"");
	while ((line = linereader_next(&in->lr, &len)) != NULL) {
		if (linereader_blank(line, len))
			continue;
		if (csvrow_split_as(row, line, len, blis_itl_columns, &e) < 0 ||
		    blis_itl_row(row, &id, &chunk, &ts, &e) < 0) {
			err_warnat(in->lr.name, in->lr.lineno, "%s", e.msg);
			input_count(in, INPUT_BAD);
			continue;
		}
		itlmap_add(&blis.itl, id, chunk, ts, in->lr.lineno);
	}
	return 0;
}

void
blis_load_itl(struct input *in, const char *path)
{
	char *paths[1] = { (char *)path };
	const char *none = in->none_msg;
	struct csvrow row;

	if (!blis.have_itl)
		itlmap_init(&blis.itl);
	blis.have_itl = 1;
	blis.itl_path = path;
	csvrow_init(&row);
	in->none_msg = NULL;
	input_files(in, paths, 1, blis_itl_file, &row);
	in->none_msg = none;
	csvrow_free(&row);
}

static enum reader_detect
blis_detect(const char *line)
{
	if (csvrow_is_header(line, blis_itl_columns))
		return DETECT_REFUSE;
	return blis_is_data_header(line) ||
	    strncmp(line, "trace_version:", 14) == 0 ? DETECT_YES : DETECT_NO;
}

/* A header file (YAML) or a data file (CSV). */
static enum reader_mode
blis_open(const char *first, size_t len)
{
	(void)len;
	blis.in_header = strncmp(first, "trace_version:", 14) == 0;
	if (!blis.in_header) {
		free(blis.lone_header);
		blis.lone_header = NULL;
		return READ_CSV;
	}
	blis_header_init(&blis.h);
	return READ_LINES;
}

/*
 * A header file's lines, blank ones too (YAML has its own idea of
 * blank); a bad one spoils every record: fatal even with --skip-bad.
 */
static int
blis_yaml_line(struct emit *em, const char *line, size_t len, long lineno,
    struct errmsg *e)
{
	(void)len;
	(void)lineno;
	em->metadata = 1;
	return blis_header_line(&blis.h, line, e) < 0 ? READER_FATAL :
	    READER_OK;
}

static int
blis_end(struct emit *em, struct errmsg *e)
{
	if (!blis.in_header)
		return READER_OK;
	if (blis_header_end(&blis.h, e) < 0)
		return READER_FATAL;
	free(blis.lone_header);
	blis.lone_header = err_strdup(emit_name(em));
	memcpy(blis.model, blis.h.model, sizeof(blis.model));
	return READER_OK;
}

static int
blis_header(const struct csvrow *row, struct errmsg *e)
{
	return blis_columns(row, &blis.cols, e) < 0 ? READER_FATAL :
	    READER_OK;
}

static void
push_gap(size_t n, int64_t gap)
{
	if (n == blis.cap_gaps) {
		blis.cap_gaps = blis.cap_gaps > 0 ? 2 * blis.cap_gaps : 256;
		blis.gaps = err_realloc(blis.gaps,
		    blis.cap_gaps * sizeof(*blis.gaps));
	}
	blis.gaps[n] = gap;
}

/*
 * The request's streamed chunks from --itl: gaps between them, and the
 * first and last chunk times when the trace row did not record them.
 */
static int
join_itl(const struct blis_req *b, int64_t base, struct request_out *q,
    struct errmsg *e)
{
	struct itlmap_ent *ent;
	size_t k;

	if (!blis.have_itl || (ent = itlmap_get(&blis.itl, b->id)) == NULL)
		return 0;
	ent->used = 1;
	for (k = 1; k < ent->n; k++) {
		if (ent->chunk[k].index == ent->chunk[k - 1].index) {
			errmsg_set(e, "--itl %.200s:%ld: request %.200s: chunk "
			    "%lld given twice (first at line %ld)",
			    blis.itl_path, ent->chunk[k].line, b->id,
			    (long long)ent->chunk[k].index,
			    ent->chunk[k - 1].line);
			return -1;
		}
		if (ent->chunk[k].ts_us < ent->chunk[k - 1].ts_us) {
			errmsg_set(e, "--itl: request %.200s: chunk %lld comes "
			    "before chunk %lld", b->id,
			    (long long)ent->chunk[k].index,
			    (long long)ent->chunk[k - 1].index);
			return -1;
		}
		push_gap(k - 1, ent->chunk[k].ts_us - ent->chunk[k - 1].ts_us);
	}
	q->itl_us = blis.gaps;
	q->n_itl = ent->n > 0 ? ent->n - 1 : 0;
	if (q->ttft_us == REQUEST_ABSENT && ent->n > 0 &&
	    ent->chunk[0].ts_us >= base)
		q->ttft_us = ent->chunk[0].ts_us - base;
	if (q->e2e_us == REQUEST_ABSENT && ent->n > 0 &&
	    ent->chunk[ent->n - 1].ts_us >= base)
		q->e2e_us = ent->chunk[ent->n - 1].ts_us - base;
	return 0;
}

/*
 * Latencies are the client's: from when the request was sent (its
 * arrival when no send time was recorded) to the first and last chunk.
 */
static int
blis_request(const struct blis_req *b, struct request_out *q,
    struct errmsg *e)
{
	int64_t base = b->send_us >= 0 ? b->send_us : b->arrival_us;

	request_out_init(q);
	q->id = b->id;
	q->input_tokens = b->input_tokens;
	q->output_tokens = b->output_tokens;
	if (b->first_us >= base)
		q->ttft_us = b->first_us - base;
	if (b->last_us >= base)
		q->e2e_us = b->last_us - base;
	if (*b->status != '\0' && strcmp(b->status, "ok") != 0)
		q->error = *b->error_message != '\0' ? b->error_message :
		    b->status;
	if (*b->model != '\0')
		q->model = b->model;
	else if (blis.model[0] != '\0')
		q->model = blis.model;
	if (q->error != NULL)
		return 0;
	return join_itl(b, base, q, e);
}

static int
blis_data_row(struct emit *em, const struct csvrow *row, long lineno,
    struct errmsg *e)
{
	struct blis_req b;
	struct request_out q;

	if (blis_row(row, &blis.cols, &b, e) < 0 ||
	    blis_request(&b, &q, e) < 0)
		return READER_BAD;
	q.arrival_us = emit_rebase(em, b.arrival_us);
	emit_request(em, lineno, &q);
	return READER_OK;
}

static void
blis_finish(void)
{
	size_t n;

	if (blis.lone_header != NULL)
		err_warnat(blis.lone_header, 0, "a BLIS trace v2 header without "
		    "its data file: give the request CSV after it");
	free(blis.lone_header);
	if (!blis.have_itl)
		return;
	if ((n = itlmap_unused(&blis.itl)) > 0)
		err_warn("--itl: %zu request id%s not in any trace", n,
		    n == 1 ? "" : "s");
	itlmap_free(&blis.itl);
	free(blis.gaps);
}

const struct reader blis_reader = {
	.name = "blis",
	.record = "request",
	.kind = "latencies",
	.what = "BLIS trace v2: header YAML, request CSV (--itl joins ITL CSV)",
	.detect = blis_detect,
	.refuse = "a BLIS ITL CSV joins a trace: give it with --itl",
	.open = blis_open,
	.blank_lines = 1,
	.header = blis_header,
	.line = blis_yaml_line,
	.row = blis_data_row,
	.end = blis_end,
	.finish = blis_finish,
};
