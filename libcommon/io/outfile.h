/*
 * Output: standard output, or -o FILE written atomically: a temporary file
 * in the target's folder, flushed and synced, renamed into place on
 * success; removed on failure, on exit, and on SIGINT, SIGTERM or SIGHUP
 * (the program then dies of the signal, so its exit status is the
 * signal's).  The target keeps its mode (a new file gets 0666 less the
 * umask); a symbolic link is followed, so the file it points to is
 * replaced and the link stays a link.  A FILE that exists and is not a
 * regular file (/dev/null, a FIFO, /dev/full) is written in place.
 *
 * Several outputs, all or none: after outfile_hold(), outfile_close()
 * flushes, syncs and closes but renames nothing; outfile_commit() then
 * renames every held output into place.  Any failure before the commit
 * (a write error, a bad record, a signal) replaces none of them.
 */
#ifndef RT_OUTFILE_H
#define RT_OUTFILE_H

#include <stdio.h>

/* Outputs one process may have pending at once. */
enum { OUTFILE_MAX = 8 };

/*
 * Before any work: exit 2 when path (links followed) is the same file as
 * one of the n inputs, which the output would destroy before it is read.
 */
void outfile_refuse_inputs(const char *path, char *const *inputs, int n);

/*
 * Open path (NULL or "-": standard output); exits 1 on failure, and on a
 * regular file no one may write (mode 0444), which is not replaced.
 */
FILE *outfile_open(const char *path);
/*
 * Flush, check, sync, close, rename (unless held); exits 1 with a message
 * on any failure, every pending temporary file removed.
 */
void outfile_close(FILE *fp);

/* From now on outfile_close renames nothing until outfile_commit. */
void outfile_hold(void);
/* Rename every held, closed output into place; exits 1 on failure. */
void outfile_commit(void);

#endif
