/*
 * Output: standard output, or -o FILE written atomically (a temporary file
 * beside it, renamed into place on success, removed on failure).  A FILE
 * that exists and is not a regular file (/dev/null, a FIFO) is written in
 * place.
 */
#ifndef RT_OUTFILE_H
#define RT_OUTFILE_H

#include <stdio.h>

/* Open path (NULL or "-": standard output); exits 1 on failure. */
FILE *outfile_open(const char *path);
/* Flush, check, close, rename; exits 1 with a message on any failure. */
void outfile_close(FILE *fp);

#endif
