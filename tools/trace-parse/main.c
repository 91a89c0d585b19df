/*
 * trace-parse: whatever trace a serving stack left behind, as canonical
 * records.  Request-level traces become request records; iteration logs
 * and measured step tables become step records.  Each format is a reader
 * in the table of readers/readers.h; a file's format is detected from
 * its first non-blank line unless --from names it.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/input.h"
#include "io/jsonin.h"
#include "io/outfile.h"
#include "io/progress.h"
#include "readers/blis.h"
#include "readers/readers.h"
#include "csvrow.h"
#include "emit.h"
#include "gunzip.h"

enum { OPT_CSV = 256, OPT_LIST, OPT_KEEP_CLOCK, OPT_ITL, OPT_ID_PREFIX,
    OPT_KIND };

/* Longest --id-prefix: room left for the trace's own ids. */
enum { ID_PREFIX_MAX = 128 };

struct run {
	struct emit em;
	const struct reader *from;	/* --from, or NULL: detect per file */
	struct csvrow row;		/* the CSV row being read */
	char	*doc;			/* the JSON document being read */
	size_t	 doc_len, doc_cap;
	int	 kind_only;		/* --kind: name each file's kind */
	int	 itl;			/* --itl given: BLIS has token times */
};

static void
usage(void)
{
	printf("usage: trace-parse [options] [FILE...]\n"
	    "Turn a serving trace into request or step records "
	    "(NDJSON).\n\n"
	    "  -f, --from FORMAT   read FORMAT, do not detect it\n"
	    "      --list-formats  list the formats and exit\n"
	    "      --kind          print FILE, format and record kind; "
	    "read no records\n"
	    "      --keep-clock    times on the trace's own clock (default: "
	    "first = 0)\n"
	    "      --id-prefix STR put STR before every request id\n"
	    "      --itl FILE      BLIS ITL CSV to join to a BLIS trace\n"
	    "      --csv           write CSV instead of NDJSON\n"
	    "  -o, --output FILE   write FILE atomically\n"
	    "      --skip-bad      skip and count malformed records\n"
	    "  -q, --quiet         no progress display\n"
	    "  -h, --help          show this help\n"
	    "  -V, --version       show the version\n");
}

static void
list_formats(void)
{
	size_t i;

	for (i = 0; i < readers_n; i++)
		printf("%-12s %-8s %s\n", readers[i]->name,
		    readers[i]->record, readers[i]->what);
}

/*
 * The file's reader: --from's, or the one its first non-blank line
 * names.  *guessed says when no reader was sure of it.
 */
static const struct reader *
file_reader(const struct run *r, const struct input *in, const char *first,
    int *guessed)
{
	const struct reader *rd;
	enum reader_detect how;

	*guessed = 0;
	if (r->from != NULL)
		return r->from;
	if ((rd = readers_detect(first, &how)) == NULL)
		err_die(EXIT_DATA, "%s:%ld: cannot tell the format from \"%.60s\""
		    "; use --from (one of: %s)", in->lr.name, in->lr.lineno,
		    first, readers_names());
	if (how == DETECT_REFUSE)
		err_die(EXIT_USAGE, "%s: %s", in->lr.name, rd->refuse);
	*guessed = how == DETECT_FALLBACK;
	return rd;
}

/* A CSV file's first line: its header, without which rows mean nothing. */
static void
take_header(struct run *r, const struct reader *rd, const struct input *in,
    const char *line, size_t len)
{
	char want[300];
	struct errmsg e;

	if (memchr(line, '\0', len) != NULL)
		errmsg_set(&e, "the header contains a NUL character");
	else if (rd->columns != NULL) {
		if (csvrow_is_header(line, rd->columns))
			return;
		csvrow_header_text(rd->columns, want, sizeof(want));
		errmsg_set(&e, "expected the header \"%s\"", want);
	} else if (csvrow_split(&r->row, line, len, &e) == 0 &&
	    rd->header(&r->row, &e) == READER_OK) {
		csvrow_keep_names(&r->row);
		return;
	}
	/* Fatal even with --skip-bad. */
	err_dieat(EXIT_DATA, in->lr.name, in->lr.lineno, "%s", e.msg);
}

/* One line of a line or CSV file to its reader. */
static void
take_line(struct run *r, const struct reader *rd, enum reader_mode mode,
    const struct input *in, const char *line, size_t len)
{
	long lineno = in->lr.lineno;
	struct errmsg e;
	int rc;

	if (mode == READ_LINES)
		rc = rd->line(&r->em, line, len, lineno, &e);
	else if ((rd->columns != NULL ? csvrow_split_as(&r->row, line, len,
	    rd->columns, &e) : csvrow_split(&r->row, line, len, &e)) < 0)
		rc = READER_BAD;
	else
		rc = rd->row(&r->em, &r->row, lineno, &e);
	if (rc == READER_BAD)
		emit_bad(&r->em, lineno, &e);
	else if (rc == READER_FATAL)
		err_dieat(EXIT_DATA, in->lr.name, lineno, "%s", e.msg);
}

static void
doc_append(struct run *r, const char *line, size_t len)
{
	if (r->doc_len + len + 2 > r->doc_cap) {
		r->doc_cap = 2 * (r->doc_len + len + 2);
		r->doc = err_realloc(r->doc, r->doc_cap);
	}
	memcpy(r->doc + r->doc_len, line, len);
	r->doc_len += len;
	r->doc[r->doc_len++] = '\n';
	r->doc[r->doc_len] = '\0';
}

/*
 * The line of a document's syntax error: where cJSON stopped, or the end
 * when the text ran out.  Lines count from the document's first line.
 */
static long
doc_error_line(const char *text, size_t len)
{
	const char *at = cJSON_GetErrorPtr(), *p;
	long line = 1;

	if (at == NULL || at < text || at > text + len)
		at = text + len;
	if (at == text + len && at > text && at[-1] == '\n')
		at--;
	for (p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/*
 * A file of JSON values one after another, to a reader that splits them
 * (readers.h); when the reader was only guessed and the file is one
 * document another reader claims, to that one.
 */
static const struct reader *
take_text(struct run *r, const struct reader *rd, int guessed,
    const struct input *in)
{
	const struct reader *claimed = NULL;
	struct errmsg e;
	cJSON *doc = NULL;
	int rc;

	if (guessed && r->from == NULL &&
	    (doc = jsonin_parse_doc(r->doc, r->doc_len, &e)) != NULL)
		claimed = readers_claim(doc);
	if (claimed != NULL && claimed != rd) {
		rd = claimed;
		rc = rd->doc(&r->em, doc, &e);
	} else
		rc = rd->text(&r->em, r->doc, r->doc_len, &e);
	cJSON_Delete(doc);
	if (rc == READER_FATAL)
		err_dieat(EXIT_DATA, in->lr.name, 0, "%s", e.msg);
	return rd;
}

/*
 * Python's json writes a float NaN or infinity as the bare words NaN,
 * Infinity, -Infinity: not JSON.  The document with each outside a
 * string read as null (a field in use then says it got null), or NULL
 * when it has none.  *n counts them.
 */
static cJSON *
doc_python(const struct run *r, long *n, struct errmsg *e)
{
	static const char *const words[] = { "-Infinity", "Infinity", "-NaN",
	    "NaN" };
	const size_t nwords = sizeof(words) / sizeof(words[0]);
	const char *p = r->doc, *end = r->doc + r->doc_len;
	/* "null" for "NaN" is 4 bytes for 3: twice the text always holds it. */
	char *out = err_malloc(2 * r->doc_len + 1), *o = out;
	size_t i, k = 0;
	int in_str = 0;
	cJSON *doc;

	*n = 0;
	while (p < end) {
		if (in_str) {
			if (*p == '\\' && p + 1 < end)
				*o++ = *p++;
			else if (*p == '"')
				in_str = 0;
			*o++ = *p++;
			continue;
		}
		for (i = 0; i < nwords; i++)
			if ((size_t)(end - p) >= (k = strlen(words[i])) &&
			    memcmp(p, words[i], k) == 0)
				break;
		if (i < nwords) {
			memcpy(o, "null", 4);
			o += 4;
			p += k;
			(*n)++;
		} else {
			in_str = *p == '"';
			*o++ = *p++;
		}
	}
	doc = *n > 0 ? jsonin_parse_doc(out, (size_t)(o - out), e) : NULL;
	free(out);
	return doc;
}

/*
 * A JSON document to its reader (readers.h): the one that claims it, or,
 * when guessed, the one its keys name.  Returns the reader that read it.
 */
static const struct reader *
take_doc(struct run *r, const struct reader *rd, int guessed,
    const struct input *in)
{
	const struct reader *claimed;
	struct errmsg e, pe;
	cJSON *doc;
	long line, python;

	if ((doc = jsonin_parse_doc(r->doc, r->doc_len, &e)) == NULL) {
		line = doc_error_line(r->doc, r->doc_len);
		if (strstr(e.msg, "(Python's json") == NULL ||
		    (doc = doc_python(r, &python, &pe)) == NULL)
			err_die(EXIT_DATA, "%s:%ld: %s", in->lr.name, line,
			    e.msg);
		err_warnat(in->lr.name, 0, "read %ld NaN or Infinity (Python's, "
		    "not JSON) as null", python);
	}
	if (r->from == NULL && (claimed = readers_claim(doc)) != NULL)
		rd = claimed;
	else if (guessed && (rd->doc_key == NULL ||
	    jsonin_field(doc, rd->doc_key) == NULL))
		rd = readers_for_doc(doc);
	if (rd == NULL)
		err_die(EXIT_DATA, "%s: a JSON document with neither %s; use "
		    "--from", in->lr.name, readers_doc_keys());
	else if (rd->doc(&r->em, doc, &e) == READER_FATAL)
		err_dieat(EXIT_DATA, in->lr.name, 0, "%s", e.msg);
	cJSON_Delete(doc);
	return rd;
}

/* A gzip file's inflated copy closed, the file's own stream back. */
static void
gz_close(struct input *in, FILE *orig, FILE *gz)
{
	if (gz == NULL)
		return;
	if (ferror(gz))
		err_die(EXIT_DATA, "%s: read error", in->lr.name);
	fclose(gz);
	in->lr.fp = orig;
}

/*
 * --kind: the reader a document file goes to, as take_doc and take_text
 * decide, without reading its records.
 */
static const struct reader *
doc_reader(struct run *r, const struct reader *rd, int guessed,
    const struct input *in)
{
	const struct reader *other = NULL;
	struct errmsg e;
	cJSON *doc;

	if (r->from != NULL || (rd->text != NULL && !guessed))
		return rd;
	if ((doc = jsonin_parse_doc(r->doc, r->doc_len, &e)) == NULL) {
		if (rd->text != NULL)
			return rd;
		err_die(EXIT_DATA, "%s:%ld: %s", in->lr.name,
		    doc_error_line(r->doc, r->doc_len), e.msg);
	}
	if ((other = readers_claim(doc)) == NULL && rd->text == NULL &&
	    guessed && (rd->doc_key == NULL ||
	    jsonin_field(doc, rd->doc_key) == NULL) &&
	    (other = readers_for_doc(doc)) == NULL) {
		cJSON_Delete(doc);
		err_die(EXIT_DATA, "%s: a JSON document with neither %s; use "
		    "--from", in->lr.name, readers_doc_keys());
	}
	cJSON_Delete(doc);
	return other != NULL ? other : rd;
}

/* --kind's line for a file read by rd. */
static void
print_kind(const struct run *r, const struct reader *rd,
    const struct input *in)
{
	const char *kind = rd->kind;

	if (rd == &blis_reader && r->itl)
		kind = "token-times";
	printf("%s\t%s\t%s\n", in->lr.name, rd->name, kind);
}

/*
 * --kind: a file's reader found as reading it would, with no record
 * read: the first non-blank line's, unless only guessed for a log (then
 * some line must be of a known format) or a document (then the document
 * decides, as take_doc and take_text would).
 */
static void
kind_file(struct run *r, struct input *in)
{
	const struct reader *rd = NULL;
	enum reader_mode mode = READ_LINES;
	int guessed = 0, sure = 0;
	char *line;
	size_t len;

	while (!sure && (line = linereader_next(&in->lr, &len)) != NULL) {
		if (rd == NULL) {
			if (linereader_blank(line, len))
				continue;
			rd = file_reader(r, in, line, &guessed);
			mode = rd->open != NULL ? rd->open(line, len) :
			    rd->mode;
			sure = mode == READ_CSV || r->from != NULL ||
			    (mode == READ_DOC && !guessed && rd->text != NULL);
		}
		if (mode == READ_DOC)
			doc_append(r, line, len);
		else if (!sure)
			sure = !guessed || readers_known_line(line);
	}
	if (rd == NULL)
		err_die(EXIT_DATA, "%s: empty: no format to tell", in->lr.name);
	if (mode == READ_LINES && !sure)
		err_dieat(EXIT_DATA, in->lr.name, 0, "nothing in it is a trace: "
		    "no line of any known format");
	if (mode == READ_DOC && !sure)
		rd = doc_reader(r, rd, guessed, in);
	print_kind(r, rd, in);
}

/*
 * One file: its first non-blank line picks the reader and how the file
 * reads (readers.h); every line after it goes where that says.
 */
static int
read_file(void *ctx, struct input *in)
{
	const struct reader *rd = NULL;
	enum reader_mode mode = READ_LINES;
	struct run *r = ctx;
	struct progress pg;
	struct errmsg e;
	int guessed = 0, known = 0;
	long seen;
	char *line;
	size_t len;
	FILE *orig = in->lr.fp, *gz;

	emit_file(&r->em);
	r->doc_len = 0;
	/* A .gz (by its magic) reads as its inflated bytes. */
	if ((gz = gunzip_open(orig, in->lr.name)) != NULL)
		in->lr.fp = gz;
	if (r->kind_only) {
		kind_file(r, in);
		gz_close(in, orig, gz);
		in->none_msg = NULL;
		return 0;
	}
	progress_start(&pg, in->lr.fp, in->lr.name, in->quiet);
	while ((line = linereader_next(&in->lr, &len)) != NULL) {
		progress_update(&pg);
		if (rd == NULL) {
			if (linereader_blank(line, len))
				continue;
			rd = file_reader(r, in, line, &guessed);
			mode = rd->open != NULL ? rd->open(line, len) :
			    rd->mode;
			known = mode != READ_LINES;
			if (mode == READ_CSV) {
				take_header(r, rd, in, line, len);
				continue;
			}
		}
		if (mode == READ_DOC)
			doc_append(r, line, len);
		else if ((mode == READ_LINES && rd->blank_lines) ||
		    !linereader_blank(line, len)) {
			seen = r->em.file_records + (long)in->skipped;
			take_line(r, rd, mode, in, line, len);
			/* A line that gave nothing: is it of any format? */
			if (!known)
				known = seen != r->em.file_records +
				    (long)in->skipped ||
				    readers_known_line(line);
		}
	}
	if (rd != NULL && mode == READ_DOC)
		rd = rd->text != NULL ? take_text(r, rd, guessed, in) :
		    take_doc(r, rd, guessed, in);
	/*
	 * Binary data read as a log, say: not a trace, and no success; said
	 * before the reader's own end-of-file notes, which would treat it
	 * as a file of that format.
	 */
	if (rd != NULL && !known && !r->em.metadata)
		err_dieat(EXIT_DATA, in->lr.name, 0, "nothing in it is a trace: "
		    "no record and no line of any known format");
	if (rd != NULL && rd->end != NULL &&
	    rd->end(&r->em, &e) == READER_FATAL)
		err_dieat(EXIT_DATA, in->lr.name, 0, "%s", e.msg);
	progress_done(&pg);
	gz_close(in, orig, gz);
	in->none_msg = r->em.metadata || r->em.said_none ? NULL :
	    "no records";
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "list-formats", no_argument, NULL, OPT_LIST },
		{ "keep-clock", no_argument, NULL, OPT_KEEP_CLOCK },
		{ "id-prefix", required_argument, NULL, OPT_ID_PREFIX },
		{ "itl", required_argument, NULL, OPT_ITL },
		{ "csv", no_argument, NULL, OPT_CSV },
		{ "kind", no_argument, NULL, OPT_KIND },
		COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct common_opts co = { 0 };
	const char *itlpath = NULL, *id_prefix = NULL;
	struct input in;
	struct run r;
	FILE *out;
	int c, csv = 0, keep_clock = 0;
	size_t i;

	err_setprog(argv[0]);
	memset(&r, 0, sizeof(r));
	while ((c = getopt_long(argc, argv, ":f:" COMMON_SHORTOPTS, longopts,
	    NULL)) != -1) {
		if (input_opts_take(&co, c, optarg, usage))
			continue;
		switch (c) {
		case 'f':
			if ((r.from = readers_by_name(optarg)) == NULL)
				err_usage("--from: unknown format '%s' (one "
				    "of: %s)", optarg, readers_names());
			break;
		case OPT_LIST:	list_formats(); outfile_close(stdout); return 0;
		case OPT_KEEP_CLOCK: keep_clock = 1; break;
		case OPT_ITL:	itlpath = optarg; break;
		case OPT_ID_PREFIX:
			if (strlen(optarg) > ID_PREFIX_MAX)
				err_usage("--id-prefix: longer than %d bytes",
				    ID_PREFIX_MAX);
			id_prefix = optarg;
			break;
		case OPT_CSV:	csv = 1; break;
		case OPT_KIND:	r.kind_only = 1; break;
		default:	cli_bad_option(c, argv);
		}
	}

	outfile_refuse_inputs(co.output, argv + optind, argc - optind);
	input_init(&in, &co);
	r.itl = itlpath != NULL;
	if (itlpath != NULL && !r.kind_only)
		blis_load_itl(&in, itlpath);
	out = outfile_open(co.output);
	emit_init(&r.em, &in, out, csv, keep_clock, id_prefix);
	csvrow_init(&r.row);
	input_files(&in, argv + optind, argc - optind, read_file, &r);
	for (i = 0; i < readers_n; i++)
		if (readers[i]->finish != NULL)
			readers[i]->finish();
	emit_report(&r.em);
	input_report(&in);
	outfile_close(out);
	emit_free(&r.em);
	csvrow_free(&r.row);
	free(r.doc);
	return 0;
}
