#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/linereader.h"

int
linereader_open(struct linereader *lr, const char *path)
{
	FILE *fp;

	if (path == NULL || strcmp(path, "-") == 0) {
		linereader_init(lr, stdin, "-");
		return 0;
	}
	if ((fp = fopen(path, "r")) == NULL)
		return -1;
	linereader_init(lr, fp, path);
	lr->owned = 1;
	return 0;
}

void
linereader_init(struct linereader *lr, FILE *fp, const char *name)
{
	memset(lr, 0, sizeof(*lr));
	lr->fp = fp;
	lr->name = name;
}

char *
linereader_next(struct linereader *lr, size_t *len)
{
	ssize_t n;
	char *s;

	errno = 0;
	n = getline(&lr->buf, &lr->cap, lr->fp);
	if (n < 0) {
		/* getline's ENOMEM sets neither EOF nor the error flag. */
		if (errno == ENOMEM && !feof(lr->fp))
			err_die(EXIT_DATA, "out of memory");
		return NULL;
	}
	lr->lineno++;
	s = lr->buf;
	if (n > 0 && s[n - 1] == '\n')
		s[--n] = '\0';
	if (n > 0 && s[n - 1] == '\r')
		s[--n] = '\0';
	/* A BOM is an encoding marker, not data; editors on Windows add it. */
	if (lr->lineno == 1 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
		s += 3;
		n -= 3;
	}
	*len = (size_t)n;
	return s;
}

int
linereader_error(const struct linereader *lr)
{
	return ferror(lr->fp);
}

void
linereader_close(struct linereader *lr)
{
	if (lr->owned && lr->fp != NULL)
		fclose(lr->fp);
	free(lr->buf);
	lr->buf = NULL;
	lr->fp = NULL;
}

int
linereader_blank(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (line[i] != ' ' && line[i] != '\t')
			return 0;
	return 1;
}
