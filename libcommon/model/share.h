/*
 * The share directory: models, hardware configs, schemas.  Found as
 * $ROOFTRACE_SHARE, else beside the running binary (an installed tree's
 * PREFIX/share/rooftrace, or a source tree's share/), else the directory
 * compiled in at build time.
 */
#ifndef RT_SHARE_H
#define RT_SHARE_H

#include <stddef.h>

/* Write the directory to buf; 0, or -1 when none holds our data. */
int share_dir(char *buf, size_t sz);
/* share_dir, or exit 1 with a message saying where it looked. */
void share_path(char *buf, size_t sz, const char *rel);

#endif
