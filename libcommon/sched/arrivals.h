/*
 * batchify's input: request records from a list of files, handed out in
 * arrival order.  Records out of order are sorted through a window of
 * --sort-window records (with one warning), or refused with --strict.
 * Memory is the window plus one record.
 */
#ifndef RT_BF_SRC_H
#define RT_BF_SRC_H

#include <stddef.h>
#include <stdint.h>

#include "io/linereader.h"
#include "io/progress.h"
#include "records/request.h"

/* What the first record looks like, for --mode auto. */
enum bf_kind { BF_KIND_UNKNOWN, BF_KIND_REQUESTS, BF_KIND_TIMED,
    BF_KIND_AGGREGATE };

struct bf_rec {
	struct request r;
	const char *file;
	uint64_t seq;		/* reading order: ties keep it */
};

struct bf_src {
	char	*const *paths;
	int	 npaths, next;
	struct linereader lr;
	struct progress pg;
	int	 open, eof, quiet;
	int	 flags;		/* REQ_NEED_TIMES */
	int	 auto_mode;	/* the first record decides flags, kind */
	int	 strict, skip_bad, warned;
	size_t	 window;
	struct bf_rec *heap;
	size_t	 n, cap;
	uint64_t seq;
	int64_t	 last_read, last_out;
	long	 records, skipped, failed, file_records;
	enum bf_kind kind;	/* of the first record */
	char	*pending;	/* first line of aggregate input */
	size_t	 pending_len;
	int	 pending_used;
};

/* paths[0..n); none means standard input. */
void bf_src_init(struct bf_src *s, char *const *paths, int npaths,
    size_t window);
/* Kind of the first record, reading it if need be (unknown: no input). */
enum bf_kind bf_src_kind(struct bf_src *s);
/* The next request in arrival order, or NULL at the end. */
struct bf_rec *bf_src_peek(struct bf_src *s);
/* Take the request peek returned; the caller frees it (request_free). */
void bf_src_pop(struct bf_src *s, struct bf_rec *out);
void bf_src_close(struct bf_src *s);
/*
 * Raw input, for records that are not requests: the next non-blank line
 * (the one bf_src_kind read first, then the rest of every file), or NULL
 * at the end.  Messages name s->lr.name and s->lr.lineno.
 */
char *bf_src_line(struct bf_src *s, size_t *len);
/* Report skipped and ignored records on standard error. */
void bf_src_report(const struct bf_src *s);

#endif
