#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "io/err.h"
#include "gunzip.h"

enum { GZ_CHUNK = 1 << 16 };

static void
gunzip_fail(const char *name, const char *what)
{
	err_die(EXIT_DATA, "%s: gzip: %s", name, what);
}

/* Every byte of fp (after the magic already read) into out. */
static void
gunzip_inflate(FILE *fp, FILE *out, const char *name)
{
	static unsigned char in[GZ_CHUNK], buf[GZ_CHUNK];
	static const unsigned char magic[2] = { 0x1f, 0x8b };
	z_stream z;
	size_t n, have;
	int rc, ended = 0;

	memset(&z, 0, sizeof(z));
	/* 16 + MAX_WBITS: gzip headers; members follow each other. */
	if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
		gunzip_fail(name, "cannot start zlib");
	memcpy(in, magic, sizeof(magic));
	n = sizeof(magic) + fread(in + sizeof(magic), 1,
	    sizeof(in) - sizeof(magic), fp);
	while (n > 0) {
		z.next_in = in;
		z.avail_in = (uInt)n;
		while (z.avail_in > 0) {
			if (ended) {
				/* Another member: a concatenated .gz. */
				if (inflateReset(&z) != Z_OK)
					gunzip_fail(name, "cannot restart zlib");
				ended = 0;
			}
			z.next_out = buf;
			z.avail_out = sizeof(buf);
			rc = inflate(&z, Z_NO_FLUSH);
			if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
				gunzip_fail(name, z.msg != NULL ? z.msg :
				    "corrupt data");
			have = sizeof(buf) - z.avail_out;
			if (have > 0 && fwrite(buf, 1, have, out) != have)
				err_die(EXIT_DATA, "%s: gzip: cannot write the "
				    "temporary file", name);
			ended = rc == Z_STREAM_END;
			if (rc == Z_BUF_ERROR && have == 0)
				break;
		}
		n = fread(in, 1, sizeof(in), fp);
	}
	inflateEnd(&z);
	if (ferror(fp))
		err_die(EXIT_DATA, "%s: read error", name);
	if (!ended)
		gunzip_fail(name, "truncated (the stream does not end)");
}

/* Not gzip after all, but its first byte is gone: copy the rest too. */
static void
gunzip_copy(FILE *fp, FILE *out, int first, int second)
{
	char buf[GZ_CHUNK];
	size_t n;

	putc(first, out);
	if (second != EOF)
		putc(second, out);
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		fwrite(buf, 1, n, out);
}

FILE *
gunzip_open(FILE *fp, const char *name)
{
	FILE *out;
	int c1, c2;

	if ((c1 = getc(fp)) == EOF)
		return NULL;
	if (c1 != 0x1f) {
		ungetc(c1, fp);
		return NULL;
	}
	if ((out = tmpfile()) == NULL)
		err_die(EXIT_DATA, "%s: cannot make a temporary file", name);
	c2 = getc(fp);
	if (c2 == 0x8b)
		gunzip_inflate(fp, out, name);
	else
		gunzip_copy(fp, out, c1, c2);
	if (fflush(out) != 0 || ferror(out))
		err_die(EXIT_DATA, "%s: cannot write the temporary file", name);
	rewind(out);
	return out;
}
