/*
 * The driver's inputs, each turned into records by trace-parse (a file
 * that already holds rooftrace records is taken as it is), with the kind
 * trace-parse says it is, and what the records hold.
 */
#ifndef CAL_SOURCES_H
#define CAL_SOURCES_H

#include <limits.h>

#include "cal.h"
#include "scan.h"

struct source {
	const char *name;		/* as given; "-" is standard input */
	const char *from;		/* its format as given, or NULL */
	char	 records[PATH_MAX];	/* its records */
	char	 format[64];
	enum scan_kind kind;
	struct scan sc;
};

/*
 * Read input name into s (idx numbers the private files); exits 1.  from:
 * its format (trace-parse --from), NULL to detect it; a file of records
 * is taken as it is only when it is NULL.
 */
void sources_read(struct cal *c, const char *name, int idx,
    const char *from, struct source *s);
/* What the input told: format, kind, records, what timed them. */
void sources_say(const struct source *s);

#endif
