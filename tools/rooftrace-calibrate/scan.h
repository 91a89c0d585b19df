/*
 * What a file of records (NDJSON, as trace-parse writes them) holds: its
 * kind, how many records, which of them carry a measured time and what
 * measured it; and the split of the records at a point in time, the last
 * part held out.
 */
#ifndef CAL_SCAN_H
#define CAL_SCAN_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "io/jsonin.h"

/* The record kinds, as trace-parse --kind names them. */
enum scan_kind {
	KIND_NONE = -1,
	KIND_REQUESTS,		/* arrivals and token counts only */
	KIND_LATENCIES,		/* client latencies: ttft_us, e2e_us */
	KIND_TOKEN_TIMES,	/* the time of every token: itl_us */
	KIND_SPANS,		/* server spans: queue_us, prefill_us, ... */
	KIND_STEPS,		/* steps with their composition */
	KIND_AGGREGATE,		/* steps as counts only */
	KIND_N
};

extern const char *const scan_kind_names[KIND_N];

/* KIND_NONE when name is not a kind. */
enum scan_kind scan_kind_named(const char *name);
int scan_kind_is_step(enum scan_kind k);

/* The kind one record says it is. */
enum scan_kind scan_kind_of(const cJSON *rec);

/* The first record of path, parsed; NULL when it has none or is not JSON. */
cJSON *scan_first(const char *path);

enum { SCAN_SOURCES = 8 };

enum scan_field { SF_TTFT, SF_E2E, SF_ITL, SF_QUEUE, SF_PREFILL,
	SF_DECODE, SF_CACHED, SF_N };

struct scan {
	int	 step;		/* steps (else requests) */
	long	 records;
	long	 timed;		/* steps with a dur_us; requests measured */
	long	 composed;	/* steps with their composition */
	long	 zero_output;	/* requests with output_tokens 0 */
	long	 field[SF_N];	/* requests having each field */
	/* Steps: what measured dur_us (dur_source), with counts. */
	int	 nsources;
	char	 source[SCAN_SOURCES][32];
	long	 source_n[SCAN_SOURCES];
	long	 other_sources;
	/* Where the records are in time: the key of each counted record. */
	double	*keys;
	size_t	 nkeys, capkeys;
	int	 by_position;	/* some record has no time: file order */
};

/*
 * Read path: every record's fields above.  step: the records are steps
 * (time ts_us, counted when timed), else requests (time arrival_us, all
 * counted).  Exits 1 with "path:line: ..." on a line that is not JSON.
 */
void scan_file(struct scan *s, const char *path, int step);
/* Progress on a terminal while reading and splitting (default off). */
void scan_progress(int on);

/* The same a line at a time: -1 with e set when a line is not JSON. */
void scan_init(struct scan *s, int step);
int scan_line(struct scan *s, struct jsonin *jin, const char *line,
    size_t len, struct errmsg *e);
/* After the last line: the keys sorted for scan_split. */
void scan_end(struct scan *s);
void scan_free(struct scan *s);

/* "cycle 716, no dur_source 3" or "ttft_us, e2e_us" into buf. */
void scan_time_source(const struct scan *s, char *buf, size_t sz);

struct split {
	long	 fit, held;		/* records written to each */
	long	 fit_counted, held_counted;
};

/*
 * Write the records of path to fit and held: held gets those at or after
 * the point where the last fraction of the counted records begins (in
 * time, or in file order when s->by_position).  fraction 0: all to fit.
 */
void scan_split(const struct scan *s, const char *path, double fraction,
    const char *fit, const char *held, struct split *out);

#endif
