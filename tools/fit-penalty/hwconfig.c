#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "io/outfile.h"
#include "model/share.h"
#include "entrytext.h"
#include "hwconfig.h"
#include "report.h"

/* ---------------------------------------------------- the file as read */

/*
 * What hwconfig_load read: the text the edit is made to (unless the file
 * is edited in place and others wrote it since), and the entry as it
 * was, to tell whether it changed meanwhile.
 */
static struct {
	char	*text;
	size_t	 len;
	cJSON	*entry;		/* a copy */
	char	*name;		/* the entry's canonical name */
} loaded;

/* The whole of fd; NULL with errno set. */
static char *
read_fd(int fd, size_t *len)
{
	size_t cap = 65536, n = 0;
	char *buf = err_malloc(cap + 1);
	ssize_t got;

	for (;;) {
		if (n == cap)
			buf = err_realloc(buf, (cap *= 2) + 1);
		if ((got = read(fd, buf + n, cap - n)) < 0) {
			if (errno == EINTR)
				continue;
			free(buf);
			return NULL;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

static char *
read_path(const char *path, size_t *len)
{
	int fd, saved;
	char *t;

	if ((fd = open(path, O_RDONLY)) < 0)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	t = read_fd(fd, len);
	saved = errno;
	close(fd);
	if (t == NULL)
		err_die(EXIT_DATA, "%s: %s", path, strerror(saved));
	return t;
}

cJSON *
hwconfig_load(const char *config, const char *name, char *path, size_t sz,
    struct hw_calib *hw, double *bw_phys)
{
	const cJSON *ent, *v;
	char msg[1200];
	cJSON *doc;
	int rc, amb;

	if (config != NULL)
		snprintf(path, sz, "%s", config);
	else
		share_path(path, sz, "hardware_config.json");
	free(loaded.text);
	free(loaded.name);
	cJSON_Delete(loaded.entry);
	loaded.text = read_path(path, &loaded.len);
	if ((doc = hardware_parse(loaded.text, loaded.len, path, msg,
	    sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "%s", msg);
	if ((rc = hardware_entry(doc, path, name, hw, msg, sizeof(msg))) < 0) {
		cJSON_Delete(doc);
		if (rc == HW_UNKNOWN)
			err_usage("%s", msg);
		err_die(EXIT_DATA, "%s", msg);
	}
	ent = hardware_find(doc, name, &amb);
	loaded.entry = cJSON_Duplicate(ent, 1);
	loaded.name = err_strdup(ent->string);
	v = cJSON_GetObjectItemCaseSensitive(ent, "BwPhysicalTBs");
	*bw_phys = cJSON_IsNumber(v) && v->valuedouble > 0 ? v->valuedouble :
	    hw->bw_peak_tbs;
	return doc;
}

/* ------------------------------------------------------ output paths */

/*
 * Where output p lands: the standard output, a file that is not a regular
 * one (written in place, any number of times), a regular file (its device
 * and inode, links followed), or a file still to be made (its folder's
 * device and inode, and its name).
 */
struct target {
	enum { T_STDOUT, T_SPECIAL, T_FILE, T_NEW } kind;
	dev_t	 dev;
	ino_t	 ino;
	char	 base[NAME_MAX + 1];
};

static void
target_of(const char *p, struct target *t)
{
	char dir[PATH_MAX];
	const char *slash;
	struct stat st;

	memset(t, 0, sizeof(*t));
	if (p == NULL || strcmp(p, "-") == 0) {
		t->kind = T_STDOUT;
		return;
	}
	if (stat(p, &st) == 0) {
		t->kind = S_ISREG(st.st_mode) ? T_FILE : T_SPECIAL;
		t->dev = st.st_dev;
		t->ino = st.st_ino;
		return;
	}
	t->kind = T_NEW;
	slash = strrchr(p, '/');
	snprintf(t->base, sizeof(t->base), "%s", slash != NULL ? slash + 1 : p);
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - p + 1), p);
	if (stat(dir, &st) == 0) {
		t->dev = st.st_dev;
		t->ino = st.st_ino;
	}
}

static int
same_target(const struct target *a, const struct target *b)
{
	if (a->kind != b->kind || a->kind == T_SPECIAL)
		return 0;
	if (a->kind == T_STDOUT)
		return 1;
	return a->dev == b->dev && a->ino == b->ino &&
	    (a->kind == T_FILE || strcmp(a->base, b->base) == 0);
}

void
hwconfig_check_outputs(const char *report, const char *residuals,
    const char *hwout, const char *hwconfig)
{
	const char *name[3] = { "-o", "--residuals", "--hardware-config-out" };
	const char *path[3] = { report, residuals, hwout };
	struct target t[3], in;
	char inpath[PATH_MAX];
	int i, j;

	for (i = 0; i < 3; i++)
		target_of(i == 0 && report == NULL ? "-" : path[i], &t[i]);
	for (i = 0; i < 3; i++)
		for (j = i + 1; j < 3; j++)
			if (path[j] != NULL && (i == 0 || path[i] != NULL) &&
			    same_target(&t[i], &t[j]))
				err_usage("%s and %s name one file (%s): give "
				    "each output its own", name[i], name[j],
				    t[i].kind == T_STDOUT ? "standard output" :
				    path[j]);
	if (hwout == NULL && hwconfig == NULL)
		return;
	if (hwconfig != NULL)
		snprintf(inpath, sizeof(inpath), "%s", hwconfig);
	else if (share_dir(inpath, sizeof(inpath)) == 0)
		snprintf(inpath + strlen(inpath), sizeof(inpath) - strlen(inpath),
		    "/hardware_config.json");
	else
		return;
	target_of(inpath, &in);
	for (i = 0; i < 2; i++)
		if (path[i] != NULL && in.kind == T_FILE &&
		    same_target(&t[i], &in))
			err_usage("%s would replace the hardware config it reads "
			    "(%s)", name[i], path[i]);
}

/* ---------------------------------------------------------- the edits */

void
hwconfig_edits_init(struct hwconfig_edits *ed)
{
	memset(ed, 0, sizeof(*ed));
}

void
hwconfig_edits_free(struct hwconfig_edits *ed)
{
	size_t k;

	for (k = 0; k < ed->n; k++)
		free(ed->e[k].text);
	memset(ed, 0, sizeof(*ed));
}

static size_t
edit_slot(struct hwconfig_edits *ed, const char *key)
{
	size_t k;

	for (k = 0; k < ed->n && strcmp(ed->e[k].key, key) != 0; k++)
		;
	if (k == HWCONFIG_MAXEDIT)
		err_die(EXIT_DATA, "internal error: more than %d edits",
		    HWCONFIG_MAXEDIT);
	if (k == ed->n)
		ed->n++;
	free(ed->e[k].text);
	ed->e[k].key = key;
	return k;
}

void
hwconfig_edit_num(struct hwconfig_edits *ed, const char *key, double v)
{
	size_t k = edit_slot(ed, key);
	char buf[64];

	if (!isfinite(v))
		err_die(EXIT_DATA, "internal error: %s is not finite", key);
	entrytext_number(buf, sizeof(buf), v);
	ed->e[k].text = err_strdup(buf);
	ed->e[k].num = v;
	ed->e[k].is_num = 1;
}

void
hwconfig_edit_str(struct hwconfig_edits *ed, const char *key, const char *v)
{
	size_t k = edit_slot(ed, key);

	ed->e[k].text = entrytext_string(v);
	ed->e[k].is_num = 0;
}

void
hwconfig_edit_extras(struct hwconfig_edits *ed, const struct hw_extras *x)
{
	size_t k;

	for (k = 0; k < hardware_extras_nfields; k++)
		if ((x->have & hardware_extras_fields[k].bit) != 0) {
			const struct hw_extras_field *f =
			    &hardware_extras_fields[k];
			double v = *(const double *)(const void *)
			    ((const char *)x + f->off);

			if (!(v >= f->lo && v <= f->hi))
				err_die(EXIT_DATA, "internal error: rooftrace."
				    "%s = %g is out of its range", f->key, v);
		}
	if (!ed->has_extras)
		ed->extras.have = 0;
	for (k = 0; k < hardware_extras_nfields; k++) {
		const struct hw_extras_field *f = &hardware_extras_fields[k];

		if ((x->have & f->bit) == 0)
			continue;
		memcpy((char *)&ed->extras + f->off,
		    (const char *)x + f->off, sizeof(double));
		ed->extras.have |= f->bit;
	}
	if (x->have & HWX_PROVENANCE) {
		memcpy(ed->extras.provenance, x->provenance,
		    sizeof(x->provenance));
		ed->extras.provenance[sizeof(x->provenance) - 1] = '\0';
		ed->extras.have |= HWX_PROVENANCE;
	}
	ed->has_extras = 1;
}

/* ------------------------------------------------------------- apply */

/*
 * The file at path, locked against the other writers that lock it:
 * flock, then again if it was replaced meanwhile (a writer renames a new
 * file into place).  The lock holds until the program exits, after its
 * outputs are renamed.  -1 when path is no regular file.
 */
static int
lock_file(const char *path)
{
	struct stat a, b;
	int fd;

	for (;;) {
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
			if (errno == ENOENT)
				return -1;
			err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
		}
		if (fstat(fd, &a) < 0 || !S_ISREG(a.st_mode)) {
			close(fd);
			return -1;
		}
		while (flock(fd, LOCK_EX) < 0)
			if (errno != EINTR)
				err_die(EXIT_DATA, "%s: cannot lock it: %s",
				    path, strerror(errno));
		if (stat(path, &b) == 0 && b.st_dev == a.st_dev &&
		    b.st_ino == a.st_ino)
			return fd;
		close(fd);
	}
}

/* Is the file open on fd the one at path now? */
static int
is_file_at(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The changes of ed, extras merged into the entry's own rooftrace. */
static size_t
changes_of(const struct hwconfig_edits *ed, const cJSON *doc,
    const char *path, const char *name, struct entrytext_change *c,
    struct hw_extras *merged)
{
	struct hw_extras old;
	char msg[1200];
	size_t k, n = 0;

	memset(c, 0, (HWCONFIG_MAXEDIT + 1) * sizeof(*c));
	for (k = 0; k < ed->n; k++, n++) {
		c[n].key = ed->e[k].key;
		c[n].text = err_strdup(ed->e[k].text);
		c[n].num = ed->e[k].num;
		c[n].is_num = ed->e[k].is_num;
	}
	if (!ed->has_extras)
		return n;
	if (hardware_extras(doc, path, name, &old, msg, sizeof(msg)) < 0)
		err_die(EXIT_DATA, "%s (fix or remove the rooftrace object); "
		    "nothing written", msg);
	*merged = old;
	for (k = 0; k < hardware_extras_nfields; k++) {
		const struct hw_extras_field *f = &hardware_extras_fields[k];

		if (ed->extras.have & f->bit)
			memcpy((char *)merged + f->off,
			    (const char *)&ed->extras + f->off, sizeof(double));
	}
	if (ed->extras.have & HWX_PROVENANCE)
		memcpy(merged->provenance, ed->extras.provenance,
		    sizeof(merged->provenance));
	merged->have = old.have | ed->extras.have;
	c[n].key = "rooftrace";
	c[n].extras = merged;
	return n + 1;
}

/*
 * One edit a file a run: with the outputs held until the commit, a second
 * would read the file without the first and replace it.
 */
static void
once_a_file(const char *out)
{
	static struct target seen[OUTFILE_MAX];
	static char *seen_path[OUTFILE_MAX];
	static int nseen;
	struct target t;
	int i;

	if (out == NULL || strcmp(out, "-") == 0)
		return;
	target_of(out, &t);
	if (t.kind == T_SPECIAL)
		return;		/* written in place, as often as asked */
	for (i = 0; i < nseen; i++)
		if (strcmp(seen_path[i], out) == 0 || same_target(&seen[i], &t))
			err_die(EXIT_DATA, "internal error: %s edited twice in "
			    "one run: make one struct hwconfig_edits of every "
			    "edit", out);
	if (nseen < OUTFILE_MAX) {
		seen[nseen] = t;
		seen_path[nseen] = err_strdup(out);
		nseen++;
	}
}

void
hwconfig_apply(const char *path, const char *name, const char *out,
    const struct hwconfig_edits *ed)
{
	static struct hw_extras merged;
	struct entrytext_change c[HWCONFIG_MAXEDIT + 1];
	const char *base = loaded.text;
	size_t blen = loaded.len, nc, k, tlen;
	char msg[1200], *now = NULL, *text;
	const cJSON *ent;
	cJSON *doc;
	FILE *fp;
	int fd = -1;

	if (loaded.text == NULL)
		err_die(EXIT_DATA, "internal error: %s edited before it was "
		    "loaded", path);
	(void)name;
	name = loaded.name;
	once_a_file(out);
	if (out != NULL && strcmp(out, "-") != 0 &&
	    (fd = lock_file(out)) >= 0 && is_file_at(fd, path)) {
		/* In place: the file as it is now, others' edits included. */
		if ((now = read_fd(fd, &blen)) == NULL)
			err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
		base = now;
	}
	if ((doc = hardware_parse(base, blen, path, msg, sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "%s changed since it was read and no longer "
		    "reads (%s); nothing written", path, msg);
	ent = jsonin_field(doc, name);
	if (now != NULL && (ent == NULL || !cJSON_Compare(ent, loaded.entry,
	    1)))
		err_die(EXIT_DATA, "%s: entry \"%s\" changed since it was read "
		    "(another program wrote it meanwhile); nothing written: "
		    "run the fit again", path, name);
	nc = changes_of(ed, doc, path, name, c, &merged);
	text = entrytext_edit(path, base, blen, name, c, nc, &tlen);
	entrytext_check(path, doc, text, tlen, name, c, nc);
	fp = outfile_open(out);
	if (tlen > 0 && fwrite(text, 1, tlen, fp) != tlen)
		err_die(EXIT_DATA, "%s: write error: %s", out, strerror(errno));
	outfile_close(fp);
	/* fd stays open: the lock is released at exit, after the rename. */
	for (k = 0; k < nc; k++)
		free(c[k].text);
	free(text);
	free(now);
	cJSON_Delete(doc);
}

void
hwconfig_write_extras(const char *path, const char *name, const char *out,
    const struct hw_extras *x)
{
	struct hwconfig_edits ed;

	hwconfig_edits_init(&ed);
	hwconfig_edit_extras(&ed, x);
	hwconfig_apply(path, name, out, &ed);
	hwconfig_edits_free(&ed);
}

/* -------------------------------------------------- what a fit writes */

static int
any_entry_field(const struct fit_opts *o)
{
	return o->want[FIT_MP] || o->want[FIT_MD] || o->want[FIT_BW];
}

/* What the _comment says: who wrote the entry, from what, and how. */
static char *
provenance(const struct fit_opts *o, const struct fit_steps *s,
    const struct fit_out *f, const char *earlier)
{
	const struct fit_solution *sol = &f->r.sol;
	struct { FILE *fp; char *buf; size_t len; } w = { 0 };
	char date[32];
	int k, i, first;

	if ((w.fp = open_memstream(&w.buf, &w.len)) == NULL)
		err_die(EXIT_DATA, "out of memory");
	report_run_date(date, sizeof(date));
	fprintf(w.fp, "Calibrated by fit-penalty %s on %s from %zu measured "
	    "steps of", ROOFTRACE_VERSION, date, f->pb.n);
	for (i = 0; o->source_name == NULL && i < o->nfiles; i++)
		fprintf(w.fp, " %s", o->files[i]);
	if (o->source_name != NULL)
		fprintf(w.fp, " %s", o->source_name);
	else if (o->nfiles == 0)
		fprintf(w.fp, " standard input");
	fprintf(w.fp, " (eval records sha256 %.16s). Fitted:", s->digest);
	for (first = 1, k = 0; k < FIT_NPAR; k++)
		if (param_table[k].hw_field != NULL && sol->on[k]) {
			fprintf(w.fp, "%s %s", first ? "" : ",",
			    param_table[k].hw_field);
			first = 0;
		}
	if (first)
		fprintf(w.fp, " nothing");
	for (first = 1, k = 0; k < FIT_NPAR; k++)
		if (param_table[k].hw_field != NULL && !sol->on[k]) {
			fprintf(w.fp, "%s %s", first ?
			    "; kept at the entry's value:" : ",",
			    param_table[k].hw_field);
			first = 0;
		}
	fprintf(w.fp, ". BwPeakTBs is an effective bandwidth (%.4g of the "
	    "physical %.4g TB/s in BwPhysicalTBs), specific to the model and "
	    "tensor parallelism of these steps. BLIS main reads TFlopsPeak, "
	    "BwPeakTBs, mfuPrefill, mfuDecode; mixedBatchPenalty and "
	    "overlapPenalty only with PR #951.", sol->est.v[FIT_BW] *
	    o->bw_peak_tbs / o->bw_physical_tbs, o->bw_physical_tbs);
	hwconfig_earlier_comment(w.fp, earlier);
	if (fclose(w.fp) != 0)
		err_die(EXIT_DATA, "out of memory");
	return w.buf;
}

void
hwconfig_earlier_comment(FILE *fp, const char *earlier)
{
	const cJSON *c;

	if (earlier == NULL) {
		c = jsonin_field(loaded.entry, "_comment");
		earlier = cJSON_IsString(c) ? c->valuestring : NULL;
	}
	/* The entry's own comment, unless it is an earlier one of ours. */
	if (earlier != NULL && strncmp(earlier, "Calibrated by fit-penalty",
	    25) != 0)
		fprintf(fp, " Earlier comment: %s", earlier);
}

void
hwconfig_fit_edits(struct hwconfig_edits *ed, const char *out,
    const struct fit_opts *o, const struct fit_steps *s,
    const struct fit_out *f)
{
	const struct fit_par *est = &f->r.sol.est;
	const cJSON *c;
	char *comment;

	hwconfig_edit_num(ed, "mixedBatchPenalty", est->v[FIT_B]);
	hwconfig_edit_num(ed, "overlapPenalty", est->v[FIT_O]);
	if (any_entry_field(o)) {
		hwconfig_edit_num(ed, "mfuPrefill", est->v[FIT_MP]);
		hwconfig_edit_num(ed, "mfuDecode", est->v[FIT_MD]);
		hwconfig_edit_num(ed, "BwPeakTBs", est->v[FIT_BW] *
		    o->bw_peak_tbs);
		hwconfig_edit_num(ed, "BwPhysicalTBs", o->bw_physical_tbs);
		c = jsonin_field(loaded.entry, "_comment");
		comment = provenance(o, s, f, cJSON_IsString(c) ?
		    c->valuestring : NULL);
		hwconfig_edit_str(ed, "_comment", comment);
		free(comment);
	}
	if (est->v[FIT_H] != 0 || est->v[FIT_S] != 1)
		err_warn("%s: holds the penalties only; the fitted overhead "
		    "and scale have no field in a hardware config", out);
}

void
hwconfig_write(const char *path, const char *name, const char *out,
    const struct fit_opts *o, const struct fit_steps *s,
    const struct fit_out *f)
{
	struct hwconfig_edits ed;

	hwconfig_edits_init(&ed);
	hwconfig_fit_edits(&ed, out, o, s, f);
	hwconfig_apply(path, name, out, &ed);
	hwconfig_edits_free(&ed);
}
