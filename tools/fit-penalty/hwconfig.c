#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/jsonin.h"
#include "io/outfile.h"
#include "model/share.h"
#include "hwconfig.h"
#include "report.h"

cJSON *
hwconfig_load(const char *config, const char *name, char *path, size_t sz,
    struct hw_calib *hw, double *bw_phys)
{
	const cJSON *ent, *v;
	char msg[1200];
	cJSON *doc;
	int rc;

	if (config != NULL)
		snprintf(path, sz, "%s", config);
	else
		share_path(path, sz, "hardware_config.json");
	if ((doc = hardware_read(path, msg, sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "%s", msg);
	if ((rc = hardware_entry(doc, path, name, hw, msg, sizeof(msg))) < 0) {
		cJSON_Delete(doc);
		if (rc == -2)
			err_usage("%s", msg);
		err_die(EXIT_DATA, "%s", msg);
	}
	ent = cJSON_GetObjectItemCaseSensitive(doc, name);
	v = cJSON_GetObjectItemCaseSensitive(ent, "BwPhysicalTBs");
	*bw_phys = cJSON_IsNumber(v) && v->valuedouble > 0 ? v->valuedouble :
	    hw->bw_peak_tbs;
	return doc;
}

/* ------------------------------------------------- the text, located */

/*
 * Only spans are needed, never values (cJSON has read the file and found
 * it valid): where a member's key and value start and end, so that the
 * bytes around an edit are copied as they are.
 */
struct member {
	size_t	 key, val, end;	/* offsets: '"' of the key, value, after */
	char	 name[64];
};

static size_t
ws(const char *t, size_t i, size_t n)
{
	while (i < n && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' ||
	    t[i] == '\r'))
		i++;
	return i;
}

/* Past the string that starts at t[i] == '"'. */
static size_t
skip_string(const char *t, size_t i, size_t n)
{
	for (i++; i < n && t[i] != '"'; i++)
		if (t[i] == '\\')
			i++;
	return i + 1;
}

/* Past the value at t[i]: a string, or brackets nested to depth 0. */
static size_t
skip_value(const char *t, size_t i, size_t n)
{
	int depth = 0;

	if (t[i] == '"')
		return skip_string(t, i, n);
	for (; i < n; i++) {
		if (t[i] == '"') {
			i = skip_string(t, i, n) - 1;
			continue;
		}
		if (t[i] == '{' || t[i] == '[')
			depth++;
		else if (t[i] == '}' || t[i] == ']') {
			if (depth == 0)
				return i;
			if (--depth == 0)
				return i + 1;
		} else if (depth == 0 && (t[i] == ',' || t[i] == ' ' ||
		    t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
			return i;
	}
	return i;
}

/*
 * The members of the object at t[i] == '{' (at most max); *close gets
 * the offset of its '}'.  The count.
 */
static size_t
members(const char *t, size_t i, size_t n, struct member *m, size_t max,
    size_t *close)
{
	size_t k = 0, j, len;

	i = ws(t, i + 1, n);
	while (i < n && t[i] == '"' && k < max) {
		m[k].key = i;
		j = skip_string(t, i, n);
		len = j - i - 2 < sizeof(m[k].name) - 1 ? j - i - 2 :
		    sizeof(m[k].name) - 1;
		memcpy(m[k].name, t + i + 1, len);
		m[k].name[len] = '\0';
		i = ws(t, j, n);	/* the ':' */
		m[k].val = ws(t, i + 1, n);
		m[k].end = skip_value(t, m[k].val, n);
		i = ws(t, m[k].end, n);
		k++;
		if (i < n && t[i] == ',')
			i = ws(t, i + 1, n);
	}
	*close = i;
	return k;
}

/* ---------------------------------------------------------- the edits */

enum { MAXEDIT = 8 };

struct edit {
	const char *key;
	char	 text[2048];	/* the value as JSON */
	double	 num;		/* when a number: unchanged values stay */
	int	 is_num;
};

/* The shortest form that reads back as v. */
static void
num_text(char *buf, size_t sz, double v)
{
	int prec;

	for (prec = 15; prec <= 17; prec++) {
		snprintf(buf, sz, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			return;
	}
}

static void
add_num(struct edit *e, size_t *n, const char *key, double v)
{
	e[*n].key = key;
	e[*n].num = v;
	e[*n].is_num = 1;
	num_text(e[*n].text, sizeof(e[*n].text), v);
	(*n)++;
}

static void
add_str(struct edit *e, size_t *n, const char *key, const char *v)
{
	cJSON *s = cJSON_CreateString(v);
	char *p = s != NULL ? cJSON_PrintUnformatted(s) : NULL;

	e[*n].key = key;
	e[*n].is_num = 0;
	if (p != NULL)
		snprintf(e[*n].text, sizeof(e[*n].text), "%s", p);
	else
		err_die(EXIT_DATA, "out of memory");
	free(p);
	cJSON_Delete(s);
	(*n)++;
}

static int
any_entry_field(const struct fit_opts *o)
{
	return o->want[FIT_MP] || o->want[FIT_MD] || o->want[FIT_BW];
}

/* What the _comment says: who wrote the entry, from what, and how. */
static void
provenance(char *buf, size_t sz, const struct fit_opts *o,
    const struct fit_steps *s, const struct fit_out *f, const char *earlier)
{
	static const char *const field[FIT_NPAR] = { "mixedBatchPenalty",
	    "overlapPenalty", NULL, NULL, "mfuPrefill", "mfuDecode",
	    "BwPeakTBs" };
	const struct fit_solution *sol = &f->r.sol;
	char date[32];
	size_t off;
	int k, i, first;

	report_run_date(date, sizeof(date));
	off = (size_t)snprintf(buf, sz, "Calibrated by fit-penalty %s on %s "
	    "from %zu measured steps of", ROOFTRACE_VERSION, date, f->pb.n);
	for (i = 0; i < o->nfiles && off < sz; i++)
		off += (size_t)snprintf(buf + off, sz - off, " %s",
		    o->files[i]);
	if (o->nfiles == 0 && off < sz)
		off += (size_t)snprintf(buf + off, sz - off, " standard input");
	if (off < sz)
		off += (size_t)snprintf(buf + off, sz - off, " (eval records"
		    " sha256 %.16s). Fitted:", s->digest);
	for (first = 1, k = 0; k < FIT_NPAR && off < sz; k++)
		if (field[k] != NULL && sol->on[k]) {
			off += (size_t)snprintf(buf + off, sz - off, "%s %s",
			    first ? "" : ",", field[k]);
			first = 0;
		}
	if (first && off < sz)
		off += (size_t)snprintf(buf + off, sz - off, " nothing");
	for (first = 1, k = 0; k < FIT_NPAR && off < sz; k++)
		if (field[k] != NULL && !sol->on[k]) {
			off += (size_t)snprintf(buf + off, sz - off, "%s %s",
			    first ? "; kept at the entry's value:" : ",",
			    field[k]);
			first = 0;
		}
	if (off < sz)
		snprintf(buf + off, sz - off, ". BwPeakTBs is an effective "
		    "bandwidth (%.4g of the physical %.4g TB/s in "
		    "BwPhysicalTBs), specific to the model and tensor "
		    "parallelism of these steps. BLIS main reads TFlopsPeak, "
		    "BwPeakTBs, mfuPrefill, mfuDecode; mixedBatchPenalty and "
		    "overlapPenalty only with PR #951.", sol->est.v[FIT_BW] *
		    o->bw_peak_tbs / o->bw_physical_tbs, o->bw_physical_tbs);
	/* The entry's own comment, unless it is an earlier one of ours. */
	off = strlen(buf);
	if (earlier != NULL && strncmp(earlier, "Calibrated by fit-penalty",
	    25) != 0 && off < sz)
		snprintf(buf + off, sz - off, " Earlier comment: %s", earlier);
}

/* The entry's value of key as it is in the file, or NaN. */
static double
old_num(const cJSON *ent, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(ent, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

static void
put(FILE *fp, const char *p, size_t n)
{
	if (n > 0 && fwrite(p, 1, n, fp) != n)
		err_die(EXIT_DATA, "write error");
}

void
hwconfig_write(const char *path, const char *name, const char *out,
    const struct fit_opts *o, const struct fit_steps *s,
    const struct fit_out *f)
{
	const struct fit_par *est = &f->r.sol.est;
	struct member top[256], ent[64];
	struct edit ed[MAXEDIT];
	char comment[2048], indent[64], msg[1200];
	size_t len, ntop, nent, ned = 0, close, i, k, at, ilen;
	cJSON *doc, *entry, *c;
	char *t;
	FILE *fp;

	if ((t = jsonin_slurp(path, &len)) == NULL)
		err_die(EXIT_DATA, "%s: cannot read it again", path);
	if ((doc = hardware_read(path, msg, sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "%s", msg);
	entry = cJSON_GetObjectItemCaseSensitive(doc, name);
	add_num(ed, &ned, "mixedBatchPenalty", est->v[FIT_B]);
	add_num(ed, &ned, "overlapPenalty", est->v[FIT_O]);
	if (any_entry_field(o)) {
		add_num(ed, &ned, "mfuPrefill", est->v[FIT_MP]);
		add_num(ed, &ned, "mfuDecode", est->v[FIT_MD]);
		add_num(ed, &ned, "BwPeakTBs", est->v[FIT_BW] *
		    o->bw_peak_tbs);
		add_num(ed, &ned, "BwPhysicalTBs", o->bw_physical_tbs);
		c = cJSON_GetObjectItemCaseSensitive(entry, "_comment");
		provenance(comment, sizeof(comment), o, s, f,
		    cJSON_IsString(c) ? c->valuestring : NULL);
		add_str(ed, &ned, "_comment", comment);
	}
	if (est->v[FIT_H] != 0 || est->v[FIT_S] != 1)
		err_warn("%s: holds the penalties only; the fitted overhead "
		    "and scale have no field in a hardware config", out);

	ntop = members(t, ws(t, 0, len), len, top, 256, &close);
	for (i = 0; i < ntop && strcmp(top[i].name, name) != 0; i++)
		;
	if (i == ntop || t[top[i].val] != '{')
		err_die(EXIT_DATA, "%s: entry \"%s\" not found in the text", path,
		    name);
	nent = members(t, top[i].val, len, ent, 64, &close);

	/* Between members: "," then what precedes the first key. */
	if (nent > 0) {
		ilen = ent[0].key - (top[i].val + 1);
		if (ilen >= sizeof(indent))
			ilen = sizeof(indent) - 1;
		memcpy(indent, t + top[i].val + 1, ilen);
		indent[ilen] = '\0';
	} else
		snprintf(indent, sizeof(indent), " ");

	fp = outfile_open(out);
	at = 0;
	for (k = 0; k < nent; k++) {
		size_t e;

		for (e = 0; e < ned; e++)
			if (ed[e].key != NULL && strcmp(ed[e].key,
			    ent[k].name) == 0)
				break;
		if (e == ned)
			continue;
		/* An unchanged number keeps its bytes ("0.30" stays). */
		if (!(ed[e].is_num && old_num(entry, ed[e].key) ==
		    ed[e].num)) {
			put(fp, t + at, ent[k].val - at);
			put(fp, ed[e].text, strlen(ed[e].text));
			at = ent[k].end;
		}
		ed[e].key = NULL;
	}
	/* New members go after the last one, in the same layout. */
	k = nent > 0 ? ent[nent - 1].end : top[i].val + 1;
	put(fp, t + at, k - at);
	at = k;
	for (k = 0; k < ned; k++) {
		if (ed[k].key == NULL)
			continue;
		if (nent > 0 || k > 0)
			put(fp, ",", 1);
		put(fp, indent, strlen(indent));
		fprintf(fp, "\"%s\": %s", ed[k].key, ed[k].text);
		nent++;
	}
	put(fp, t + at, len - at);
	outfile_close(fp);
	cJSON_Delete(doc);
	free(t);
}
