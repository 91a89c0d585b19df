#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "emit.h"

enum { KIND_NONE, KIND_REQUEST, KIND_STEP };

/* trace-parse's step columns. */
static const char *const step_columns[] = {
	"step", "engine", "ts_us", "dur_us", "n_prefill", "prefill_tokens",
	"n_decode", "decode_tokens", "kv_usage", "dummy", "estimated", "model",
	"hardware", "tp", "dur_source", "prefill_kv_tokens", "prefill_len_var",
	"decode_kv_tokens", "decode_kv_var", NULL
};

void
emit_init(struct emit *em, struct input *in, FILE *fp, int csv_mode,
    int keep_clock, const char *id_prefix)
{
	memset(em, 0, sizeof(*em));
	jsonout_init(&em->jw, fp);
	csvout_init(&em->csv, fp);
	step_csv_init(&em->step_csv, &em->csv, step_columns);
	em->csv_mode = csv_mode;
	idset_init(&em->ids);
	em->in = in;
	em->keep_clock = keep_clock;
	em->id_prefix = id_prefix != NULL && *id_prefix != '\0' ? id_prefix :
	    NULL;
}

void
emit_free(struct emit *em)
{
	long i;

	jsonout_free(&em->jw);
	idset_free(&em->ids);
	for (i = 0; i < em->nfiles; i++)
		free(em->files[i]);
	free(em->files);
	for (i = 0; i < 4; i++)
		free(em->fix[i]);
}

/* Length of the valid UTF-8 sequence at p (RFC 3629), or 0. */
static size_t
utf8_len(const unsigned char *p)
{
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		return (p[1] & 0xc0) == 0x80 ? 2 : 0;
	if (p[0] >= 0xe0 && p[0] <= 0xef) {
		/* No overlong form, no surrogate. */
		if ((p[0] == 0xe0 && p[1] < 0xa0) ||
		    (p[0] == 0xed && p[1] > 0x9f))
			return 0;
		return (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		if ((p[0] == 0xf0 && p[1] < 0x90) ||
		    (p[0] == 0xf4 && p[1] > 0x8f))
			return 0;
		return (p[1] & 0xc0) == 0x80 && (p[2] & 0xc0) == 0x80 &&
		    (p[3] & 0xc0) == 0x80 ? 4 : 0;
	}
	return 0;
}

/*
 * s, or when it holds invalid UTF-8 a copy (in slot k) with each bad
 * byte replaced by U+FFFD.  The check stops at a NUL, so a bad sequence
 * cut short by the string's end is bad too.
 */
static const char *
emit_utf8(struct emit *em, int k, const char *s)
{
	const unsigned char *p;
	size_t n, need;
	char *o;

	if (s == NULL)
		return NULL;
	for (p = (const unsigned char *)s; *p != '\0' && (n = utf8_len(p)) > 0;
	    p += n)
		;
	if (*p == '\0')
		return s;
	need = 3 * strlen(s) + 1;
	if (em->fix_cap[k] < need) {
		em->fix_cap[k] = need;
		em->fix[k] = err_realloc(em->fix[k], need);
	}
	o = em->fix[k];
	for (p = (const unsigned char *)s; *p != '\0'; )
		if ((n = utf8_len(p)) > 0) {
			memcpy(o, p, n);
			o += n;
			p += n;
		} else {
			memcpy(o, "\xef\xbf\xbd", 3);
			o += 3;
			p++;
		}
	*o = '\0';
	em->utf8_fixed++;
	return em->fix[k];
}

void
emit_report(const struct emit *em)
{
	if (em->utf8_fixed > 0)
		err_warn("%ld string%s held invalid UTF-8: written with each bad "
		    "byte replaced by U+FFFD", em->utf8_fixed,
		    em->utf8_fixed == 1 ? "" : "s");
}

void
emit_file(struct emit *em)
{
	em->files = err_realloc(em->files, (size_t)(em->nfiles + 1) *
	    sizeof(*em->files));
	em->files[em->nfiles++] = err_strdup(emit_name(em));
	em->have_origin = 0;
	em->origin = 0;
	em->file_records = 0;
	em->metadata = 0;
	em->said_none = 0;
}

const char *
emit_name(const struct emit *em)
{
	return em->in->lr.name;
}

int64_t
emit_rebase(struct emit *em, int64_t t)
{
	if (!em->have_origin) {
		em->origin = t;
		em->have_origin = 1;
	}
	return em->keep_clock ? t : t - em->origin;
}

/*
 * The CSV header goes out with the first record, once its kind is known;
 * CSV cannot mix the kinds under one header (NDJSON mixes them freely).
 */
static void
claim_kind(struct emit *em, int kind)
{
	if (em->kind == kind)
		return;
	if (em->kind != KIND_NONE && em->csv_mode)
		err_die(EXIT_DATA, "--csv: cannot write request and step "
		    "records into one CSV; run once per kind");
	if (em->kind == KIND_NONE && em->csv_mode) {
		if (kind == KIND_REQUEST)
			request_csv_header(&em->csv);
		else
			step_csv_header(&em->step_csv);
	}
	em->kind = kind;
}

void
emit_bad(struct emit *em, long line, const struct errmsg *e)
{
	err_warnat(emit_name(em), line, "%s", e->msg);
	input_count(em->in, INPUT_BAD);
}

/* n (>= 0) in decimal at the end of buf[32]: no printf a record. */
static const char *
id_text(char *buf, long n)
{
	char *p = buf + 31;

	*p = '\0';
	do
		*--p = (char)('0' + n % 10);
	while ((n /= 10) > 0);
	return p;
}

/*
 * What the next stage would refuse, refused here where the line is
 * known: an arrival before the file's first record, a first token after
 * the last.
 */
static int
emit_times_bad(const struct request_out *q, struct errmsg *e)
{
	if (q->arrival_us < 0) {
		errmsg_set(e, "arrives %lld us before the file's first record "
		    "(times count from it): sort the file by time, or give "
		    "--keep-clock", (long long)-q->arrival_us);
		return 1;
	}
	if (q->ttft_us != REQUEST_ABSENT && q->e2e_us != REQUEST_ABSENT &&
	    q->ttft_us > q->e2e_us) {
		errmsg_set(e, "ttft_us %lld is greater than e2e_us %lld (the "
		    "first token after the last)", (long long)q->ttft_us,
		    (long long)q->e2e_us);
		return 1;
	}
	return 0;
}

void
emit_request(struct emit *em, long line, struct request_out *q)
{
	char idbuf[32], full[REQUEST_ID_MAX + 1];
	struct errmsg e;
	size_t np, ni;
	long first, file = em->nfiles - 1, ffile = file;

	if (emit_times_bad(q, &e)) {
		emit_bad(em, line, &e);
		return;
	}
	q->id = emit_utf8(em, 0, q->id);
	q->model = emit_utf8(em, 1, q->model);
	q->error = emit_utf8(em, 2, q->error);
	q->session_id = emit_utf8(em, 3, q->session_id);
	if (q->id == NULL) {
		q->id = id_text(idbuf, em->next_id++);
	} else if ((first = idset_add(&em->ids, q->id, file, line,
	    &ffile)) != 0) {
		/* Another file's: name it, or the line says nothing. */
		if (ffile == file || ffile < 0 || ffile >= em->nfiles)
			errmsg_set(&e, "duplicate request id \"%.200s\" (first "
			    "at line %ld)", q->id, first);
		else
			errmsg_set(&e, "duplicate request id \"%.200s\" (first "
			    "at %.200s:%ld)", q->id, em->files[ffile], first);
		emit_bad(em, line, &e);
		return;
	}
	if (em->id_prefix != NULL) {
		np = strlen(em->id_prefix);
		ni = strlen(q->id);
		if (np + ni > REQUEST_ID_MAX) {
			errmsg_set(&e, "request id \"%.40s\" with --id-prefix is "
			    "longer than %d bytes", q->id, REQUEST_ID_MAX);
			emit_bad(em, line, &e);
			return;
		}
		memcpy(full, em->id_prefix, np);
		memcpy(full + np, q->id, ni + 1);
		q->id = full;
	}
	claim_kind(em, KIND_REQUEST);
	if (em->csv_mode)
		request_write_csv(&em->csv, q);
	else
		request_write_json(&em->jw, q);
	em->file_records++;
	input_count(em->in, INPUT_OK);
}

void
emit_step(struct emit *em, const struct step_out *st)
{
	struct step_out fixed;
	struct errmsg e;

	/* No step takes no time: refused here whatever the reader. */
	if (st->dur_us == 0) {
		errmsg_set(&e, "dur_us: a step takes at least 1 microsecond, "
		    "got 0");
		emit_bad(em, em->in->lr.lineno, &e);
		return;
	}
	if (st->engine_name != NULL || st->model != NULL ||
	    st->hardware != NULL) {
		fixed = *st;
		fixed.engine_name = emit_utf8(em, 0, st->engine_name);
		fixed.model = emit_utf8(em, 1, st->model);
		fixed.hardware = emit_utf8(em, 2, st->hardware);
		st = &fixed;
	}
	claim_kind(em, KIND_STEP);
	if (em->csv_mode)
		step_write_csv(&em->step_csv, st);
	else
		step_write_json(&em->jw, st);
	em->file_records++;
	input_count(em->in, INPUT_OK);
}
