/*
 * gzip input, read through zlib: Dynamo writes its forward-pass traces
 * as .jsonl.gz, and users keep other traces compressed too.  The file's
 * first bytes decide (the gzip magic), not its name, so standard input
 * works as well.
 */
#ifndef RT_GUNZIP_H
#define RT_GUNZIP_H

#include <stdio.h>

/*
 * When fp starts with the gzip magic: its every member inflated into a
 * temporary file, rewound, for the caller to read instead of fp (and
 * fclose).  NULL when fp is not gzip: fp reads as before.  A corrupt or
 * truncated stream exits 1 naming the file.
 */
FILE *gunzip_open(FILE *fp, const char *name);

#endif
