#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"

/* Set once from argv[0]; the only process-wide state in libcommon. */
static const char *progname = "rooftrace";

void
err_setprog(const char *argv0)
{
	const char *slash;

	if (argv0 == NULL || *argv0 == '\0')
		return;
	slash = strrchr(argv0, '/');
	progname = slash ? slash + 1 : argv0;
}

const char *
err_prog(void)
{
	return progname;
}

void
err_vwarnat(const char *file, long line, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: ", progname);
	if (file != NULL && line > 0)
		fprintf(stderr, "%s:%ld: ", file, line);
	else if (file != NULL)
		fprintf(stderr, "%s: ", file);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
err_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vwarnat(NULL, 0, fmt, ap);
	va_end(ap);
}

void
err_warnat(const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vwarnat(file, line, fmt, ap);
	va_end(ap);
}

void
err_die(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vwarnat(NULL, 0, fmt, ap);
	va_end(ap);
	exit(status);
}

void
err_dieat(int status, const char *file, long line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vwarnat(file, line, fmt, ap);
	va_end(ap);
	exit(status);
}

void
err_usage(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vwarnat(NULL, 0, fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try '%s --help' for more information.\n", progname);
	exit(EXIT_USAGE);
}

void *
err_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		err_die(EXIT_DATA, "out of memory");
	return p;
}

void *
err_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		err_die(EXIT_DATA, "out of memory");
	return p;
}

char *
err_strdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(err_malloc(n), s, n);
}

void
err_snprintf(char *buf, size_t sz, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sz, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sz)
		err_die(EXIT_DATA, "name too long: %.60s...", buf);
}
