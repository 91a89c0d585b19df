#include <stdio.h>
#include <string.h>

#include "blis.h"
#include "decimal.h"

const char *const fmt_blis_itl_columns[] = {
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
fmt_blis_header_init(struct fmt_blis_header *h)
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
top_level(struct fmt_blis_header *h, const char *key, const char *val,
    struct jerr *e)
{
	h->in_server = strcmp(key, "server") == 0 && *val == '\0';
	if (strcmp(key, "trace_version") == 0) {
		if (tp_uint_str(val, &h->version) < 0 || h->version < 2 ||
		    h->version > 3) {
			jsonin_err(e, "trace_version: expected 2 or 3, got "
			    "\"%.20s\"", val);
			return -1;
		}
	} else if (strcmp(key, "time_unit") == 0) {
		/* Every column we read is named *_us; anything else lies. */
		if (strcmp(val, "microseconds") != 0 && strcmp(val, "us") != 0) {
			jsonin_err(e, "time_unit: only microseconds is "
			    "supported, got \"%.20s\"", val);
			return -1;
		}
		h->have_unit = 1;
	}
	return 0;
}

int
fmt_blis_header_line(struct fmt_blis_header *h, const char *line,
    struct jerr *e)
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
		jsonin_err(e, "expected \"key: value\"");
		return -1;
	}
	if (p == line)
		return top_level(h, key, val, e);
	if (h->in_server && strcmp(key, "model") == 0)
		snprintf(h->model, sizeof(h->model), "%s", val);
	return 0;
}

int
fmt_blis_header_end(const struct fmt_blis_header *h, struct jerr *e)
{
	if (h->version < 0) {
		jsonin_err(e, "no trace_version");
		return -1;
	}
	return 0;
}

int
fmt_blis_is_data_header(const char *line)
{
	return strncmp(line, "request_id,", 11) == 0 &&
	    strstr(line, ",input_tokens,") != NULL &&
	    strstr(line, "arrival_time_us") != NULL;
}

int
fmt_blis_columns(char *line, size_t len, struct fmt_blis_cols *c,
    struct jerr *e)
{
	struct tp_csvrow row;
	size_t i, k;

	if (tp_csv_split(line, len, &row, e->msg, sizeof(e->msg)) < 0)
		return -1;
	for (k = 0; k < BC_N; k++)
		c->at[k] = -1;
	for (i = 0; i < row.n; i++)
		for (k = 0; k < BC_N; k++)
			if (strcmp(row.field[i], col_names[k]) == 0)
				c->at[k] = (int)i;
	c->n = row.n;
	for (k = 0; k < sizeof(required) / sizeof(required[0]); k++)
		if (c->at[required[k]] < 0) {
			jsonin_err(e, "trace v2 header has no column \"%s\"",
			    col_names[required[k]]);
			return -1;
		}
	return 0;
}

static int
col_uint(const struct tp_csvrow *row, const struct fmt_blis_cols *c,
    int k, int64_t *out, struct jerr *e)
{
	const char *s = row->field[c->at[k]];

	if (tp_uint_str(s, out) == 0)
		return 0;
	if (*s == '-')
		jsonin_err(e, "%s: must not be negative, got \"%.40s\"",
		    col_names[k], s);
	else
		jsonin_err(e, "%s: expected a whole number, got \"%.40s\"",
		    col_names[k], s);
	return -1;
}

/* A time column BLIS leaves 0 when it was not recorded. */
static int
col_time(const struct tp_csvrow *row, const struct fmt_blis_cols *c, int k,
    int64_t *out, struct jerr *e)
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
col_str(const struct tp_csvrow *row, const struct fmt_blis_cols *c, int k)
{
	return c->at[k] < 0 ? "" : row->field[c->at[k]];
}

int
fmt_blis_row(char *line, size_t len, const struct fmt_blis_cols *c,
    struct fmt_blis_req *r, struct jerr *e)
{
	struct tp_csvrow row;

	if (tp_csv_split(line, len, &row, e->msg, sizeof(e->msg)) < 0)
		return -1;
	if (row.n != c->n) {
		jsonin_err(e, "expected %zu fields, got %zu", c->n, row.n);
		return -1;
	}
	r->id = row.field[c->at[BC_ID]];
	if (*r->id == '\0') {
		jsonin_err(e, "request_id: empty field");
		return -1;
	}
	if (col_uint(&row, c, BC_IN, &r->input_tokens, e) < 0 ||
	    col_uint(&row, c, BC_OUT, &r->output_tokens, e) < 0 ||
	    col_uint(&row, c, BC_ARRIVAL, &r->arrival_us, e) < 0 ||
	    col_time(&row, c, BC_SEND, &r->send_us, e) < 0 ||
	    col_time(&row, c, BC_FIRST, &r->first_us, e) < 0 ||
	    col_time(&row, c, BC_LAST, &r->last_us, e) < 0)
		return -1;
	r->status = col_str(&row, c, BC_STATUS);
	r->error_message = col_str(&row, c, BC_ERRMSG);
	r->model = col_str(&row, c, BC_MODEL);
	return 0;
}

int
fmt_blis_itl_row(char *line, size_t len, const char **id, int64_t *chunk,
    int64_t *ts_us, struct jerr *e)
{
	struct tp_csvrow row;

	if (tp_csv_row(line, len, fmt_blis_itl_columns, &row, e) < 0 ||
	    tp_csv_uint(&row, 1, fmt_blis_itl_columns, chunk, e) < 0 ||
	    tp_csv_uint(&row, 2, fmt_blis_itl_columns, ts_us, e) < 0)
		return -1;
	if (*row.field[0] == '\0') {
		jsonin_err(e, "request_id: empty field");
		return -1;
	}
	*id = row.field[0];
	return 0;
}
