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

/*
 * Length of the valid UTF-8 sequence of a printable character at p (1 for
 * printable ASCII), or 0: a control byte, DEL, or bytes that are not
 * UTF-8 (overlong forms, surrogates, beyond U+10FFFF, cut sequences).
 */
static size_t
printable_len(const unsigned char *p, size_t left)
{
	unsigned char c = p[0];
	size_t n, k;
	unsigned long cp;

	if (c >= 0x20 && c < 0x7f)
		return 1;
	if (c < 0xc2 || c > 0xf4)
		return 0;
	n = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
	if (left < n)
		return 0;
	cp = c & (0x7f >> n);
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[k] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff ||
	    (cp >= 0x80 && cp < 0xa0))
		return 0;
	return n;
}

/*
 * Messages quote input (field names, ids, file names): a byte that is not
 * printable UTF-8 is written as \xNN, never raw, so that a message is one
 * line of valid text whatever the input held.
 */
static void
put_escaped(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, n;

	while (i < len) {
		if ((n = printable_len(p + i, len - i)) > 0) {
			fwrite(p + i, 1, n, stderr);
			i += n;
		} else
			fprintf(stderr, "\\x%02X", p[i++]);
	}
}

void
err_vwarnat(const char *file, long line, const char *fmt, va_list ap)
{
	char buf[1024], *big = NULL;
	const char *msg = buf;
	va_list aq;
	size_t len;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	len = n < 0 ? 0 : (size_t)n;
	if (len >= sizeof(buf)) {
		if ((big = malloc(len + 1)) != NULL) {
			vsnprintf(big, len + 1, fmt, aq);
			msg = big;
		} else
			len = sizeof(buf) - 1;
	}
	va_end(aq);
	fprintf(stderr, "%s: ", progname);
	if (file != NULL) {
		put_escaped(file, strlen(file));
		if (line > 0)
			fprintf(stderr, ":%ld", line);
		fputs(": ", stderr);
	}
	put_escaped(msg, len);
	fputc('\n', stderr);
	free(big);
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
