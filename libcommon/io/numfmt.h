/* Numbers as text: shortest round-trip doubles, strict parsing. */
#ifndef RT_NUMFMT_H
#define RT_NUMFMT_H

#include <stddef.h>
#include <stdint.h>

/* Largest integer a double holds exactly; record integers stay within it. */
#define RT_INT_EXACT_MAX 9007199254740992LL	/* 2^53 */

enum { NUMFMT_BUFSZ = 40 };

/*
 * Format a finite double in the shortest form that reads back to the same
 * value; integral values within 2^53 print as integers.  Returns length.
 */
size_t numfmt_double(char *buf, double v);
size_t numfmt_int(char *buf, int64_t v);
/* A number for a table: v in fmt, or "-" where it is not finite. */
const char *numfmt_cell(char *buf, size_t sz, const char *fmt, double v);

/* Parse the whole string as a finite double / integer; 0 on success. */
int numfmt_parse_double(const char *s, double *out);
int numfmt_parse_int64(const char *s, int64_t *out);

#endif
