#include <stdlib.h>
#include <string.h>

#include "readers/burstgpt.h"
#include "io/err.h"

/* The columns every layout has, in the first layout's order. */
static const char *const required[] = {
	"Timestamp", "Model", "Request tokens", "Response tokens",
	"Total tokens", "Log Type", NULL
};

void
burstgpt_layout_free(struct burstgpt_layout *l)
{
	size_t i;

	for (i = 0; i < l->ncol; i++)
		free(l->names[i]);
	memset(l, 0, sizeof(*l));
}

static int
find(const struct burstgpt_layout *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->ncol; i++)
		if (strcmp(l->names[i], name) == 0)
			return (int)i;
	return -1;
}

int
burstgpt_layout(struct burstgpt_layout *l, const struct csvrow *hdr,
    struct errmsg *e)
{
	int *at[6];
	size_t i;

	burstgpt_layout_free(l);
	for (i = 0; i < hdr->n; i++)
		l->names[i] = err_strdup(hdr->field[i]);
	l->ncol = hdr->n;
	at[0] = &l->ts; at[1] = &l->model; at[2] = &l->req;
	at[3] = &l->resp; at[4] = &l->total; at[5] = &l->type;
	for (i = 0; required[i] != NULL; i++)
		if ((*at[i] = find(l, required[i])) < 0) {
			errmsg_set(e, "expected a BurstGPT header with "
			    "Timestamp, Model, Request tokens, Response tokens, "
			    "Total tokens and Log Type; no \"%s\"", required[i]);
			return -1;
		}
	l->session = find(l, "Session ID");
	l->elapsed = find(l, "Elapsed time");
	return 0;
}

int
burstgpt_parse(const struct burstgpt_layout *l, const struct csvrow *row,
    struct burstgpt_rec *r, struct errmsg *e)
{
	const char *const *cols = (const char *const *)l->names;
	int64_t total;

	if (row->n != l->ncol) {
		errmsg_set(e, "expected %zu fields, got %zu", l->ncol, row->n);
		return -1;
	}
	if (csvrow_decimal(row, (size_t)l->ts, cols, 6, &r->ts_us, e) < 0 ||
	    csvrow_uint(row, (size_t)l->req, cols, &r->input_tokens, e) < 0 ||
	    csvrow_uint(row, (size_t)l->resp, cols, &r->output_tokens, e) < 0 ||
	    csvrow_uint(row, (size_t)l->total, cols, &total, e) < 0)
		return -1;
	if (total != r->input_tokens + r->output_tokens) {
		errmsg_set(e, "Total tokens: %lld is not Request tokens + "
		    "Response tokens (%lld)", (long long)total,
		    (long long)(r->input_tokens + r->output_tokens));
		return -1;
	}
	r->model = row->field[l->model];
	r->session_id = l->session >= 0 && *row->field[l->session] != '\0' ?
	    row->field[l->session] : NULL;
	r->failed = r->output_tokens == 0;
	return 0;
}

/* The file's layout, and whether any file had an Elapsed time. */
static struct burstgpt_layout layout;
static int saw_elapsed;

/* name is one of the line's comma-separated fields. */
static int
has_field(const char *line, const char *name)
{
	size_t n = strlen(name);
	const char *p = line;

	for (;;) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return 1;
		if ((p = strchr(p, ',')) == NULL)
			return 0;
		p++;
	}
}

static enum reader_detect
burstgpt_detect(const char *line)
{
	size_t i;

	for (i = 0; required[i] != NULL; i++)
		if (!has_field(line, required[i]))
			return DETECT_NO;
	return DETECT_YES;
}

static int
burstgpt_header(const struct csvrow *row, struct errmsg *e)
{
	if (burstgpt_layout(&layout, row, e) < 0)
		return READER_BAD;
	saw_elapsed |= layout.elapsed >= 0;
	return READER_OK;
}

static int
burstgpt_row(struct emit *em, const struct csvrow *row, long lineno,
    struct errmsg *e)
{
	struct burstgpt_rec b;
	struct request_out q;

	if (burstgpt_parse(&layout, row, &b, e) < 0)
		return READER_BAD;
	request_out_init(&q);
	q.arrival_us = emit_rebase(em, b.ts_us);
	q.input_tokens = b.input_tokens;
	q.output_tokens = b.output_tokens;
	q.model = b.model;
	q.session_id = b.session_id;
	if (b.failed)
		q.error = "failed (0 response tokens)";
	emit_request(em, lineno, &q);
	return READER_OK;
}

static void
burstgpt_finish(void)
{
	if (saw_elapsed)
		err_warn("BurstGPT \"Elapsed time\" not written: its unit is "
		    "not documented");
	burstgpt_layout_free(&layout);
}

const struct reader burstgpt_reader = {
	.name = "burstgpt",
	.record = "request",
	.kind = "requests",
	.what = "BurstGPT request log CSV (1.x, 2.0)",
	.detect = burstgpt_detect,
	.mode = READ_CSV,
	.header = burstgpt_header,
	.row = burstgpt_row,
	.finish = burstgpt_finish,
};
