/*
 * Where the readers put their records: ids given to requests that have
 * none and checked for duplicates, times made relative to the file's
 * first record (unless --keep-clock), every record and every bad one
 * counted in the run's input driver.
 */
#ifndef RT_EMIT_H
#define RT_EMIT_H

#include <stdint.h>
#include <stdio.h>

#include "io/csvout.h"
#include "io/input.h"
#include "io/errmsg.h"
#include "io/jsonout.h"
#include "records/request.h"
#include "records/step.h"
#include "idset.h"

struct emit {
	/* The output: NDJSON, or CSV of one record kind (its header first). */
	struct jw jw;
	struct csvw csv;
	struct step_csv step_csv;
	int	 csv_mode;
	int	 kind;		/* of the records written so far */
	struct idset ids;	/* ids the traces carried themselves */
	char	**files;	/* the files read so far, for idset's places */
	long	 nfiles;
	struct input *in;	/* the counts, and the file being read */
	int	 keep_clock;	/* --keep-clock */
	const char *id_prefix;	/* --id-prefix; NULL: none */
	long	 next_id;	/* for traces without request ids */
	/* The file being read. */
	int	 have_origin;
	int64_t	 origin;	/* its first record's time, its own clock */
	long	 file_records;	/* records it gave so far */
	int	 metadata;	/* it holds no records by design */
	int	 said_none;	/* its reader said why it gave no records */
	/* Strings written with invalid UTF-8 replaced, and their copies. */
	long	 utf8_fixed;
	char	*fix[4];
	size_t	 fix_cap[4];
};

void emit_init(struct emit *em, struct input *in, FILE *fp, int csv_mode,
    int keep_clock, const char *id_prefix);
void emit_free(struct emit *em);
/* A new file begins. */
void emit_file(struct emit *em);
/* The file being read, for messages. */
const char *emit_name(const struct emit *em);
/* t on the trace's clock to the output's: from the file's first record. */
int64_t emit_rebase(struct emit *em, int64_t t);
/*
 * Write a request read at line (0: none): give it an id when the trace
 * has none, refuse an id seen before (a duplicate would double-count load
 * downstream) as a bad record; then put --id-prefix before it.  Strings
 * (id, model, error, session) with invalid UTF-8 are written with each
 * bad sequence replaced by U+FFFD, counted for emit_report, never raw.
 */
void emit_request(struct emit *em, long line, struct request_out *q);
/*
 * Write a step; one whose dur_us is 0 is a bad record at the line being
 * read (a step cannot take no time; fit-penalty would stop on it).
 */
void emit_step(struct emit *em, const struct step_out *st);
/* After the last file: what the run changed on the way (standard error). */
void emit_report(const struct emit *em);
/* A bad record at line: its message, then stop or (--skip-bad) count it. */
void emit_bad(struct emit *em, long line, const struct errmsg *e);

#endif
