/*
 * The input driver and the options every program shares.
 *
 * Every program reads the files named on its command line, or standard
 * input when there are none or the name is "-", one record a line (or one
 * document a file, for the readers that need it).  The loop around that is
 * written here once: open, progress, blank lines, a bad record stopping the
 * run or, with --skip-bad, counted and reported, read errors, and the
 * closing "skipped N bad records of M" line.
 */
#ifndef RT_INPUT_H
#define RT_INPUT_H

#include <getopt.h>
#include <stddef.h>

#include "io/linereader.h"
#include "io/progress.h"

/*
 * -o, -q, -h, -V and --skip-bad: one declaration for every program.  The
 * code of --skip-bad sits below the roofline and scheduler options' codes
 * (0x100 on), so the blocks combine.
 */
enum { COMMON_OPT_SKIP_BAD = 0xff };

#define COMMON_SHORTOPTS "o:qhV"
#define COMMON_LONGOPTS \
	{ "output", required_argument, NULL, 'o' }, \
	{ "skip-bad", no_argument, NULL, COMMON_OPT_SKIP_BAD }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, 'V' }

struct common_opts {
	const char *output;	/* -o FILE, or NULL for standard output */
	int	 quiet;
	int	 skip_bad;
};

/*
 * Take option c if it is one of the common ones: 1 if taken, 0 if not.
 * -h calls usage() and exits 0; -V prints the version and exits 0.
 */
int input_opts_take(struct common_opts *o, int c, const char *arg,
    void (*usage)(void));

/* What one call of a line or file handler says about what it was given. */
enum input_status {
	INPUT_OK = 0,		/* one record taken */
	INPUT_BAD = -1,		/* bad record: message already printed */
	INPUT_IGNORED = 1	/* not a record, not an error (not counted) */
};

struct input {
	int	 skip_bad, quiet;
	/* Warn "FILE: <none_msg>" when a file yields no record (NULL: quiet). */
	const char *none_msg;
	/* The noun of the closing line: "record" unless set. */
	const char *noun;
	long	 records, skipped;	/* totals over every file */
	struct linereader lr;		/* the file being read */
	/* The pull interface's place: input_start to input_end. */
	char	*const *paths;
	int	 npaths, next, open;
	long	 file_start;		/* records + skipped when it opened */
	struct progress pg;
};

/* A record a line: called for every line that is not blank. */
typedef enum input_status (*input_line_fn)(void *ctx, struct input *in,
    const char *line, size_t len);

/*
 * A whole file at a time (readers of one-document formats): read in->lr to
 * the end, counting with input_count(); return -1 after a fatal error with
 * its message printed, else 0.
 */
typedef int (*input_file_fn)(void *ctx, struct input *in);

void input_init(struct input *in, const struct common_opts *o);

/*
 * Read every path in turn (none: standard input) a line at a time.  A bad
 * record exits 1 unless --skip-bad; an unreadable file or a read error
 * exits 1 with its message.
 */
void input_lines(struct input *in, char *const *paths, int npaths,
    input_line_fn fn, void *ctx);

/* The same with a handler for a whole file. */
void input_files(struct input *in, char *const *paths, int npaths,
    input_file_fn fn, void *ctx);

/* From a file handler: count what one record's handling said. */
void input_count(struct input *in, enum input_status st);

/*
 * The same loop for a reader that pulls records as it needs them
 * (sched/arrivals.h): input_start takes the paths (none: standard input),
 * input_next returns the next line that is not blank, from whichever
 * file is open, opening and closing the files in turn; NULL after the
 * last.  Each line's outcome goes to input_count.  Messages name
 * in->lr.name and in->lr.lineno.  input_end closes a file left open.
 */
void input_start(struct input *in, char *const *paths, int npaths);
char *input_next(struct input *in, size_t *len);
void input_end(struct input *in);

/* The closing line: "skipped N bad records of M", when any were skipped. */
void input_report(const struct input *in);

#endif
