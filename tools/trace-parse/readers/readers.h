/*
 * trace-parse's formats: one reader a format, one file a reader
 * (readers/<fmt>.c), one row a reader in readers[] (readers/readers.c).
 * main.c reads every file the same way and asks the table the rest:
 * --from's names, --list-formats, detection, and how each file reads.
 *
 * Adding a format is one new file and one table row:
 *
 *   readers/<fmt>.c   defines  const struct reader <fmt>_reader = { ... };
 *                     and keeps its functions under the <fmt>_ prefix;
 *   readers/<fmt>.h   declares extern const struct reader <fmt>_reader
 *                     (and whatever its fuzz harness calls);
 *   readers/readers.c adds &<fmt>_reader to readers[] (its place is its
 *                     place in --list-formats and in detection).
 *
 * How a file is read.  main.c takes the file's first non-blank line and
 * finds its reader: --from's, or the first reader in table order whose
 * detect() says DETECT_YES, or else the first that says DETECT_FALLBACK.
 * open() (or, when NULL, .mode) then picks how the file is read:
 *
 *   READ_LINES  every non-blank line, the first included, goes to line()
 *               (every line, blank ones too, when .blank_lines is set);
 *   READ_CSV    the first line is the header: it must be .columns joined
 *               by commas exactly (or, when .columns is NULL, header()
 *               takes it, split); every later non-blank line is split by
 *               libcsv (csvrow.h), checked against .columns' count when
 *               there are .columns, and goes to row();
 *   READ_DOC    the file from its first non-blank line is one JSON
 *               document, parsed by cJSON, for doc().  Unless --from
 *               named the reader, a reader whose claim() takes the
 *               document reads it; else, when the reader was only a
 *               DETECT_FALLBACK and the document lacks its .doc_key,
 *               the reader whose .doc_key the document has reads it.
 *               A reader with text() is given the file's bytes instead,
 *               to split into the JSON values that follow each other
 *               there (unless, only guessed, the file is one document
 *               another reader claims).
 *
 * After the last line, end() (when not NULL) closes the file; after the
 * last file, finish() (when not NULL) writes the reader's notes on
 * standard error.
 *
 * A reader turns what it is given into records with emit_request() and
 * emit_step() (emit.h): emit_rebase() puts times on the output's clock,
 * emit->keep_clock says whether --keep-clock was given.  line(), row()
 * and header() return READER_OK, or READER_BAD with e set (main.c prints
 * "file:line: message" and stops, or counts it with --skip-bad), or
 * READER_FATAL with e set (the file has no meaning: stop even with
 * --skip-bad).  doc() reports bad records itself with emit_bad() and
 * returns READER_OK or READER_FATAL; end() returns READER_OK or
 * READER_FATAL (a message at no line).  Readers keep their own state
 * (counters for finish(), what a header file said) in their file.
 */
#ifndef RT_READERS_H
#define RT_READERS_H

#include <stddef.h>

#include "io/jsonin.h"
#include "csvrow.h"
#include "emit.h"

enum reader_detect {
	DETECT_NO,		/* not this format */
	DETECT_FALLBACK,	/* this format, unless another is sure */
	DETECT_YES,		/* this format */
	DETECT_REFUSE		/* this format's, but not a file to read by
				 * itself: usage error, .refuse says why */
};

enum reader_mode { READ_LINES, READ_CSV, READ_DOC };

enum { READER_OK = 0, READER_BAD = -1, READER_FATAL = -2 };

struct reader {
	const char *name;	/* for --from and --list-formats */
	const char *record;	/* what it writes: "request" or "step" */
	/*
	 * What its records hold, for --kind: requests (no latencies),
	 * latencies (measured ttft/e2e, no token times), token-times
	 * (itl), spans (server-side queue/prefill/decode), steps (exact
	 * compositions), aggregate-steps (counts only).
	 */
	const char *kind;
	const char *what;	/* what it reads, one line */
	/* The first non-blank line, NUL-terminated, leading blanks skipped. */
	enum reader_detect (*detect)(const char *line);
	const char *refuse;	/* with DETECT_REFUSE */
	/* The mode for a file from its first non-blank line; NULL: .mode. */
	enum reader_mode (*open)(const char *first, size_t len);
	enum reader_mode mode;
	int	 blank_lines;	/* READ_LINES: blank lines go to line() too */
	const char *doc_key;	/* READ_DOC: a top-level key only it has */
	/* READ_DOC: 1 when a document is its, whatever detection said. */
	int	(*claim)(const cJSON *doc);
	const char *const *columns;	/* READ_CSV: its header, or NULL */
	int	(*header)(const struct csvrow *row, struct errmsg *e);
	int	(*line)(struct emit *em, const char *line, size_t len,
		    long lineno, struct errmsg *e);
	int	(*row)(struct emit *em, const struct csvrow *row, long lineno,
		    struct errmsg *e);
	int	(*doc)(struct emit *em, const cJSON *doc, struct errmsg *e);
	/* READ_DOC: the file's bytes, NUL-terminated; as doc(). */
	int	(*text)(struct emit *em, const char *text, size_t len,
		    struct errmsg *e);
	int	(*end)(struct emit *em, struct errmsg *e);
	void	(*finish)(void);
};

extern const struct reader *const readers[];
extern const size_t readers_n;

/* The reader called name, or NULL. */
const struct reader *readers_by_name(const char *name);
/* "vllm-log, bench-serve, ...": every name, in table order. */
const char *readers_names(void);
/* The first non-blank line's reader (see above), or NULL. */
const struct reader *readers_detect(const char *line,
    enum reader_detect *how);
/* The first reader whose claim() takes doc, or NULL. */
const struct reader *readers_claim(const cJSON *doc);
/* The reader that claims doc, or else whose .doc_key doc has, or NULL. */
const struct reader *readers_for_doc(const cJSON *doc);
/* "input_lens (bench-serve) nor resourceSpans (otel)": every .doc_key. */
const char *readers_doc_keys(void);
/*
 * Is line (NUL-terminated) of a known format: a line some reader is sure
 * of, or a log line (a logging level as a word: "INFO ", "WARNING ")?
 * A file that gives no record and no such line is no trace (main.c).
 */
int readers_known_line(const char *line);
/*
 * An .open for JSON formats written either way: one document a line
 * (JSONL) when the first line is a whole object, else one document.
 */
enum reader_mode readers_jsonl_or_doc(const char *first, size_t len);

#endif
