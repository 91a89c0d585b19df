/* Error reporting: "prog: file:line: message" on standard error. */
#ifndef RT_ERR_H
#define RT_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* Exit statuses shared by every program: bad data 1, bad usage 2. */
enum { EXIT_DATA = 1, EXIT_USAGE = 2 };

void err_setprog(const char *argv0);
const char *err_prog(void);

/* Print "prog: message" (no location). */
void err_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "prog: file:line: message"; line 0 omits the line number. */
void err_warnat(const char *file, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void err_vwarnat(const char *file, long line, const char *fmt, va_list ap);

_Noreturn void err_die(int status, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
_Noreturn void err_dieat(int status, const char *file, long line,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Bad usage: message, then "Try 'prog --help'.", exit 2. */
_Noreturn void err_usage(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));

void *err_malloc(size_t n);
void *err_realloc(void *p, size_t n);
char *err_strdup(const char *s);
/* snprintf that exits 1 rather than truncate (paths, mostly). */
void err_snprintf(char *buf, size_t sz, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
