#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "emit.h"

void
emit_init(struct emit *em, struct input *in, FILE *fp, int csv_mode,
    int keep_clock)
{
	memset(em, 0, sizeof(*em));
	record_out_init(&em->out, fp, csv_mode);
	idset_init(&em->ids);
	em->in = in;
	em->keep_clock = keep_clock;
}

void
emit_free(struct emit *em)
{
	long i;

	record_out_free(&em->out);
	idset_free(&em->ids);
	for (i = 0; i < em->nfiles; i++)
		free(em->files[i]);
	free(em->files);
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

static void
mixed_csv(void)
{
	err_die(EXIT_DATA, "--csv: cannot write request and step records into "
	    "one CSV; run once per kind");
}

void
emit_bad(struct emit *em, long line, const struct jerr *e)
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

void
emit_request(struct emit *em, long line, struct record_request *q)
{
	char idbuf[32];
	struct jerr e;
	long first, file = em->nfiles - 1, ffile = file;

	if (q->id == NULL) {
		q->id = id_text(idbuf, em->next_id++);
	} else if ((first = idset_add(&em->ids, q->id, file, line,
	    &ffile)) != 0) {
		/* Another file's: name it, or the line says nothing. */
		if (ffile == file || ffile < 0 || ffile >= em->nfiles)
			jsonin_err(&e, "duplicate request id \"%.200s\" (first "
			    "at line %ld)", q->id, first);
		else
			jsonin_err(&e, "duplicate request id \"%.200s\" (first "
			    "at %.200s:%ld)", q->id, em->files[ffile], first);
		emit_bad(em, line, &e);
		return;
	}
	if (record_out_request(&em->out, q) < 0)
		mixed_csv();
	em->file_records++;
	input_count(em->in, INPUT_OK);
}

void
emit_step(struct emit *em, const struct record_step *st)
{
	struct jerr e;

	/* No step takes no time: refused here whatever the reader. */
	if (st->dur_us == 0) {
		jsonin_err(&e, "dur_us: a step takes at least 1 microsecond, "
		    "got 0");
		emit_bad(em, em->in->lr.lineno, &e);
		return;
	}
	if (record_out_step(&em->out, st) < 0)
		mixed_csv();
	em->file_records++;
	input_count(em->in, INPUT_OK);
}
