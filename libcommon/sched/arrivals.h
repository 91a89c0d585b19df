/*
 * Request records from a list of files, handed out in arrival order: the
 * input of every program that replays requests through the scheduler
 * (batchify, trace-replay).  Records out of order are sorted through a
 * window of --sort-window records (with one warning), or refused with
 * --strict.  A request id seen before (the same file twice; "1" and 1)
 * is a bad record, as in trace-parse.  Memory is the window plus one
 * record, and the ids seen.  The files are read with the input driver
 * (io/input.h): its messages, its --skip-bad count and its closing line;
 * records out of order (--strict, or beyond the window) and duplicate
 * ids are bad records, which it stops on or, with --skip-bad, counts.
 */
#ifndef RT_ARRIVALS_H
#define RT_ARRIVALS_H

#include <stddef.h>
#include <stdint.h>

#include "io/input.h"
#include "io/jsonin.h"
#include "records/request.h"
#include "sched/replay.h"

/* What the first record looks like, for batchify's --mode auto. */
enum arrivals_kind { ARRIVALS_UNKNOWN, ARRIVALS_REQUESTS, ARRIVALS_TIMED,
    ARRIVALS_AGGREGATE };

/* A request as handed out: where it was read, and in which order. */
struct arrivals_rec {
	struct request r;
	const char *file;
	uint64_t seq;		/* reading order: ties keep it */
};

struct idslot;

struct arrivals {
	struct input in;
	struct jsonin jin;	/* each line parsed in memory reused */
	int	 flags;		/* REQ_NEED_TIMES */
	int	 auto_mode;	/* the first record decides flags, kind */
	int	 strict, warned, eof;
	size_t	 window;
	struct arrivals_rec *heap;
	size_t	 n, cap;
	uint64_t seq;
	int64_t	 last_read, last_out;
	long	 failed;	/* marked with "error": not handed out */
	enum arrivals_kind kind;	/* of the first record */
	char	*pending;	/* first line of aggregate input */
	size_t	 pending_len;
	int	 pending_used;
	struct idslot *ids;	/* an open-addressing set of ids seen */
	size_t	 nids, idcap;
	struct arrivals_rec cur;	/* the source's current request */
	int	 cur_held;
	int64_t	 kv_blocks;	/* for the source's messages */
};

/* paths[0..n); none means standard input.  o gives -q and --skip-bad. */
void arrivals_init(struct arrivals *a, const struct common_opts *o,
    char *const *paths, int npaths, size_t window);
/* Kind of the first record, reading it if need be (unknown: no input). */
enum arrivals_kind arrivals_kind(struct arrivals *a);
/* The next request in arrival order, or NULL at the end. */
struct arrivals_rec *arrivals_peek(struct arrivals *a);
/* Take the request peek returned; the caller frees it (request_free). */
void arrivals_pop(struct arrivals *a, struct arrivals_rec *out);
/* A request taken but refused later (--skip-bad): counted as skipped. */
void arrivals_skipped(struct arrivals *a);
void arrivals_close(struct arrivals *a);
/*
 * Raw input, for records that are not requests: the next non-blank line
 * (the one arrivals_kind read first, then the rest of every file), or NULL
 * at the end.  The caller counts each with input_count(&a->in, ...);
 * messages name a->in.lr.name and a->in.lr.lineno.
 */
char *arrivals_line(struct arrivals *a, size_t *len);
/*
 * The replay's source over a (sched/replay.h): requests in arrival order;
 * one that can never fit kv_blocks is said at its file:line, and skipped
 * and counted with --skip-bad, else it stops the replay.  The record
 * handed out last, with everything read from it, is a->cur.
 */
void arrivals_source(struct arrivals *a, int64_t kv_blocks,
    struct replay_source *src);

/* Failed requests ignored, then the input's closing line. */
void arrivals_report(const struct arrivals *a);

#endif
