#include <stdarg.h>
#include <stdio.h>

#include "io/errmsg.h"

void
errmsg_set(struct errmsg *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	/* e->msg is written here, never read: callers need not clear it. */
	/* cppcheck-suppress ctuuninitvar */
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
}
