/*
 * NDJSON reading with cJSON: length-bounded parsing of one record, exact
 * (case-sensitive) field access, and type-checked getters whose messages
 * name the offending field by its path.
 */
#ifndef RT_JSONIN_H
#define RT_JSONIN_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "io/arena.h"
#include "io/errmsg.h"

/*
 * Parse one JSON value occupying the whole of line[0..len) (blanks around
 * it allowed).  NULL on error, with a message giving the column.  Every
 * parse here also refuses, naming the field by its path: a string or
 * field name holding a NUL character (cJSON would cut it there), a key
 * twice in one object at any depth, and nesting beyond cJSON's limit
 * (CJSON_NESTING_LIMIT) as such, not as invalid JSON.  Out of memory
 * exits 1 with "out of memory": never reported as bad data.
 */
cJSON *jsonin_parse_line(const char *line, size_t len, struct errmsg *e);
/* Parse a whole document (a config file); same contract. */
cJSON *jsonin_parse_doc(const char *text, size_t len, struct errmsg *e);

/*
 * Records parsed into memory reused from line to line: no malloc or free
 * per value, which is most of what cJSON costs on a stream.  The tree
 * jsonin_parse returns lives until the next jsonin_parse or jsonin_free
 * on the same jsonin; never cJSON_Delete it.  Errors as jsonin_parse_line.
 * On success start..end are the value's own bytes within line (without a
 * byte-order mark or the blanks around it), for writing it out unchanged.
 * One jsonin at a time may be parsing (cJSON's hooks are global); trees
 * made by the other cJSON calls are unaffected.
 */
struct jsonin {
	struct arena arena;
	const char *start, *end;
};

void jsonin_init(struct jsonin *j);
cJSON *jsonin_parse(struct jsonin *j, const char *line, size_t len,
    struct errmsg *e);
/*
 * After jsonin_parse gave an object: its bytes up to the closing brace,
 * without the brace and the blanks before it, so that a writer can copy
 * the record as read and append fields (a comma first when *members).
 * NULL when the last value parsed was not an object.
 */
const char *jsonin_object_head(const struct jsonin *j, size_t *len,
    int *members);
void jsonin_free(struct jsonin *j);

/* Field of an object by exact name; NULL when absent. */
const cJSON *jsonin_field(const cJSON *obj, const char *key);
/* First field name that occurs twice in obj, or NULL. */
const char *jsonin_dup_key(const cJSON *obj);

/* "a string", "null", "1.5", ...: what a value is, for messages. */
void jsonin_describe(const cJSON *v, char *buf, size_t sz);

/*
 * Typed getters.  path names the value in messages ("step",
 * "decode_requests[3].progress_index").  Return 0, or -1 with e set.
 * jsonin_int refuses magnitudes of 2^53 and above: cJSON reads numbers
 * as doubles, and 2^53 + 1 arrives as 2^53.
 */
int jsonin_int(const cJSON *v, const char *path, int64_t lo, int64_t hi,
    int64_t *out, struct errmsg *e);
int jsonin_num(const cJSON *v, const char *path, double *out, struct errmsg *e);
int jsonin_str(const cJSON *v, const char *path, const char **out,
    struct errmsg *e);
int jsonin_array(const cJSON *v, const char *path, struct errmsg *e);
int jsonin_object(const cJSON *v, const char *path, struct errmsg *e);
/* Field lookup that fails with "missing field" when absent. */
const cJSON *jsonin_need(const cJSON *obj, const char *key, struct errmsg *e);

/*
 * The one scanner of raw JSON text, for readers that look at bytes
 * before (or beside) cJSON.  Past the blanks at p, as cJSON skips them:
 * every byte up to the space.  Past the string token at p (its opening
 * quote), escapes honoured, *nul (when not NULL) set if it holds a NUL
 * byte or \u0000; NULL if it is not closed before end.
 */
const char *jsonin_skip_blanks(const char *p, const char *end);
const char *jsonin_skip_string(const char *p, const char *end, int *nul);
/*
 * Past the value at p (its first byte): a string, a list or an object
 * whole, brackets inside strings aside; a number or literal up to the
 * byte that ends it.  NULL when a string, list or object is not closed
 * before end.  It checks nothing else: cJSON parses what it delimits.
 */
const char *jsonin_skip_value(const char *p, const char *end);

/* Read a whole file (for configs); NULL with errno on failure. */
char *jsonin_slurp(const char *path, size_t *len);

#endif
