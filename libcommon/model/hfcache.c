#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model/hfcache.h"

/* The hub's own rule for a repo name: [A-Za-z0-9] then [A-Za-z0-9._-]. */
static int
id_part(const char *p, size_t n)
{
	size_t i;

	if (n == 0 || n > 96 || p[0] == '.' || p[0] == '-' ||
	    strncmp(p, "..", 2) == 0)
		return 0;
	for (i = 0; i < n; i++)
		if (!((p[i] >= 'a' && p[i] <= 'z') || (p[i] >= 'A' &&
		    p[i] <= 'Z') || (p[i] >= '0' && p[i] <= '9') ||
		    p[i] == '.' || p[i] == '_' || p[i] == '-'))
			return 0;
	return 1;
}

int
hfcache_is_id(const char *arg)
{
	const char *slash = strchr(arg, '/');

	if (slash == NULL)
		return id_part(arg, strlen(arg));
	return id_part(arg, (size_t)(slash - arg)) &&
	    id_part(slash + 1, strlen(slash + 1));
}

static int
is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* refs/main's revision into rev; 0, or -1 when absent or not one. */
static int
ref_main(const char *repo, char *rev, size_t sz)
{
	char p[PATH_MAX];
	size_t n;
	FILE *fp;

	if (snprintf(p, sizeof(p), "%s/refs/main", repo) >= (int)sizeof(p) ||
	    (fp = fopen(p, "r")) == NULL)
		return -1;
	n = fread(rev, 1, sz - 1, fp);
	fclose(fp);
	rev[n] = '\0';
	while (n > 0 && (rev[n - 1] == '\n' || rev[n - 1] == '\r' ||
	    rev[n - 1] == ' '))
		rev[--n] = '\0';
	return n > 0 && strchr(rev, '/') == NULL && rev[0] != '.' ? 0 : -1;
}

/*
 * The snapshot of repo to read: refs/main's, else the only one holding a
 * config.json.  0 with path set; else -1 with why.
 */
static int
snapshot(const char *repo, char *path, size_t psz, char *why, size_t wsz)
{
	char dir[PATH_MAX], rev[256], cand[PATH_MAX + 300];
	struct dirent *d;
	int n = 0;
	DIR *dp;

	if (ref_main(repo, rev, sizeof(rev)) == 0 &&
	    snprintf(path, psz, "%s/snapshots/%s/config.json", repo, rev) <
	    (int)psz && is_file(path))
		return 0;
	if (snprintf(dir, sizeof(dir), "%s/snapshots", repo) >=
	    (int)sizeof(dir) || (dp = opendir(dir)) == NULL) {
		snprintf(why, wsz, "no snapshots");
		return -1;
	}
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if (snprintf(cand, sizeof(cand), "%s/%s/config.json", dir,
		    d->d_name) >= (int)sizeof(cand) || !is_file(cand))
			continue;
		if (n++ == 0 && snprintf(path, psz, "%s", cand) >= (int)psz)
			n = 2;	/* too long to give: not usable */
	}
	closedir(dp);
	if (n == 1)
		return 0;
	snprintf(why, wsz, n == 0 ? "no snapshot holds config.json" :
	    "%d snapshots hold a config.json and refs/main names none of "
	    "them: give -m the snapshot's directory", n);
	return -1;
}

static size_t
say(char *looked, size_t lsz, size_t off, const char *fmt, const char *a,
    const char *b)
{
	if (off < lsz)
		off += (size_t)snprintf(looked + off, lsz - off, fmt, a, b);
	return off;
}

int
hfcache_find(const char *id, char *path, size_t psz, char *looked,
    size_t lsz)
{
	static const struct { const char *env, *tail, *label; } caches[] = {
		{ "HF_HUB_CACHE", "", "$HF_HUB_CACHE" },
		{ "HUGGINGFACE_HUB_CACHE", "", "$HUGGINGFACE_HUB_CACHE" },
		{ "HF_HOME", "/hub", "$HF_HOME/hub" },
		{ "XDG_CACHE_HOME", "/huggingface/hub",
		    "$XDG_CACHE_HOME/huggingface/hub" },
		{ "HOME", "/.cache/huggingface/hub",
		    "~/.cache/huggingface/hub" },
	};
	char seen[5][PATH_MAX], repo[PATH_MAX], name[300], why[256];
	const char *env, *p;
	size_t i, j, k, off = 0, nseen = 0;

	/* models--ORG--NAME: the id with each '/' made "--". */
	for (p = id, k = 0; *p != '\0' && k + 3 < sizeof(name); p++)
		if (*p == '/') {
			memcpy(name + k, "--", 2);
			k += 2;
		} else
			name[k++] = *p;
	name[k] = '\0';
	looked[0] = '\0';
	for (i = 0; i < sizeof(caches) / sizeof(caches[0]); i++) {
		if ((env = getenv(caches[i].env)) == NULL || *env == '\0')
			continue;
		if (snprintf(repo, sizeof(repo), "%s%s/models--%s", env,
		    caches[i].tail, name) >= (int)sizeof(repo))
			continue;
		for (j = 0; j < nseen && strcmp(seen[j], repo) != 0; j++)
			;
		if (j < nseen)
			continue;
		memcpy(seen[nseen++], repo, sizeof(repo));
		off = say(looked, lsz, off, "%s%s", off ? "; " : "", repo);
		off = say(looked, lsz, off, " (%s%s: ", caches[i].label, "");
		if (!is_dir(repo)) {
			off = say(looked, lsz, off, "%s%s)", "not there", "");
			continue;
		}
		if (snapshot(repo, path, psz, why, sizeof(why)) == 0)
			return 0;
		off = say(looked, lsz, off, "%s%s)", why, "");
	}
	if (nseen == 0)
		snprintf(looked, lsz, "nowhere: HF_HUB_CACHE, HF_HOME and HOME "
		    "are all unset");
	return -1;
}
