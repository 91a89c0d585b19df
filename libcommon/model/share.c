#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/err.h"
#include "model/share.h"

#ifndef ROOFTRACE_SHAREDIR
#define ROOFTRACE_SHAREDIR "/usr/local/share/rooftrace"
#endif

static int
holds_data(const char *dir)
{
	char p[PATH_MAX];

	err_snprintf(p, sizeof(p), "%s/hardware_config.json", dir);
	return access(p, R_OK) == 0;
}

/* bin/ of an install or of a build tree: look a few levels up. */
static int
beside_binary(char *buf, size_t sz)
{
	static const char *const tails[] = { "share/rooftrace", "share" };
	char exe[PATH_MAX], *slash;
	ssize_t n;
	int up;
	size_t i;

	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) < 0)
		return -1;
	exe[n] = '\0';
	for (up = 0; up < 4; up++) {
		if ((slash = strrchr(exe, '/')) == NULL)
			return -1;
		*slash = '\0';
		for (i = 0; i < sizeof(tails) / sizeof(tails[0]); i++) {
			err_snprintf(buf, sz, "%s/%s", exe, tails[i]);
			if (holds_data(buf))
				return 0;
		}
	}
	return -1;
}

int
share_dir(char *buf, size_t sz)
{
	const char *env = getenv("ROOFTRACE_SHARE");

	if (env != NULL && *env != '\0') {
		err_snprintf(buf, sz, "%s", env);
		return 0;
	}
	if (beside_binary(buf, sz) == 0)
		return 0;
	err_snprintf(buf, sz, "%s", ROOFTRACE_SHAREDIR);
	return holds_data(buf) ? 0 : -1;
}

void
share_path(char *buf, size_t sz, const char *rel)
{
	char dir[PATH_MAX];

	if (share_dir(dir, sizeof(dir)) < 0)
		err_die(EXIT_DATA, "cannot find the share directory (looked "
		    "beside the program and in %s; set ROOFTRACE_SHARE)",
		    ROOFTRACE_SHAREDIR);
	err_snprintf(buf, sz, "%s/%s", dir, rel);
}
