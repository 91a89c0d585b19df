#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "sources.h"

/* Standard input into a file of the private directory, to read twice. */
static void
sources_stdin(const struct cal *c, char *buf, size_t sz, int idx)
{
	char name[32], chunk[65536];
	size_t n;
	FILE *fp;

	snprintf(name, sizeof(name), "stdin-%d", idx);
	cal_file(c, buf, sz, name);
	if ((fp = fopen(buf, "w")) == NULL)
		err_die(EXIT_DATA, "standard input: %s", strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), stdin)) > 0)
		if (fwrite(chunk, 1, n, fp) != n)
			err_die(EXIT_DATA, "standard input: %s", strerror(errno));
	if (ferror(stdin) || fclose(fp) != 0)
		err_die(EXIT_DATA, "standard input: read error");
}

static void
sources_parse_argv(const struct cal *c, struct stage_argv *a,
    const struct source *s, int kind)
{
	cal_argv(c, a, P_PARSE);
	if (kind)
		stage_argv_add(a, "--kind", (char *)NULL);
	if (s->from != NULL)
		stage_argv_add(a, "--from", s->from, (char *)NULL);
	stage_argv_add(a, "--", s->name, (char *)NULL);
}

/* Cut line at its last tab; the field after it. */
static char *
sources_last_field(char *line, const char *name)
{
	char *tab = strrchr(line, '\t');

	if (tab != NULL) {
		*tab = '\0';
		return tab + 1;
	}
	err_die(EXIT_DATA, "%s: trace-parse --kind said no kind", name);
}

/* trace-parse --kind: "FILE<TAB>FORMAT<TAB>KIND", the last two taken. */
static void
sources_kind(struct cal *c, struct source *s, const char *in, int idx)
{
	char out[PATH_MAX], name[32], line[PATH_MAX + 256], *kind, *fmt;
	struct stage_argv a;
	FILE *fp;

	snprintf(name, sizeof(name), "kind-%d", idx);
	cal_file(c, out, sizeof(out), name);
	sources_parse_argv(c, &a, s, 1);
	cal_must(c, &a, in, out);
	line[0] = '\0';
	if ((fp = fopen(out, "r")) != NULL) {
		if (fgets(line, sizeof(line), fp) == NULL)
			line[0] = '\0';
		fclose(fp);
	}
	line[strcspn(line, "\n")] = '\0';
	kind = sources_last_field(line, s->name);
	fmt = strrchr(line, '\t');
	err_snprintf(s->format, sizeof(s->format), "%.63s",
	    fmt != NULL ? fmt + 1 : "?");
	if ((s->kind = scan_kind_named(kind)) == KIND_NONE)
		err_die(EXIT_DATA, "%s: trace-parse --kind: unknown kind '%s'",
		    s->name, kind);
}

void
sources_read(struct cal *c, const char *name, int idx, const char *from,
    struct source *s)
{
	char path[PATH_MAX], file[32];
	const char *in = NULL;
	struct stage_argv a;
	cJSON *first;

	memset(s, 0, sizeof(*s));
	s->name = name;
	s->from = from;
	err_snprintf(path, sizeof(path), "%s", name);
	if (strcmp(name, "-") == 0) {
		sources_stdin(c, path, sizeof(path), idx);
		in = path;
	}
	/* Records already (trace-parse's own output): taken as they are. */
	first = from == NULL ? scan_first(path) : NULL;
	s->kind = first != NULL ? scan_kind_of(first) : KIND_NONE;
	cJSON_Delete(first);
	if (s->kind != KIND_NONE) {
		err_snprintf(s->records, sizeof(s->records), "%s", path);
		err_snprintf(s->format, sizeof(s->format), "rooftrace records");
		scan_file(&s->sc, s->records, scan_kind_is_step(s->kind));
		return;
	}
	if (c->parse_kind)
		sources_kind(c, s, in, idx);
	snprintf(file, sizeof(file), "records-%d", idx);
	cal_file(c, s->records, sizeof(s->records), file);
	sources_parse_argv(c, &a, s, 0);
	cal_must(c, &a, in, s->records);
	if (!c->parse_kind) {
		/*
		 * FALLBACK, until trace-parse --kind is on main: the kind is
		 * read off the first record's fields, the format is not known.
		 */
		first = scan_first(s->records);
		s->kind = first != NULL ? scan_kind_of(first) : KIND_NONE;
		cJSON_Delete(first);
		err_snprintf(s->format, sizeof(s->format), "%s",
		    from != NULL ? from : "detected");
		if (s->kind == KIND_NONE)
			s->kind = KIND_REQUESTS;
	}
	scan_file(&s->sc, s->records, scan_kind_is_step(s->kind));
}

void
sources_say(const struct source *s)
{
	const char *name = strcmp(s->name, "-") == 0 ? "standard input" :
	    s->name;
	char src[512];

	if (s->sc.records == 0) {
		fprintf(stderr, "%s: %s: no records\n", name, s->format);
		return;
	}
	scan_time_source(&s->sc, src, sizeof(src));
	fprintf(stderr, "%s: %s, %s: %ld %s%s", name, s->format,
	    scan_kind_names[s->kind], s->sc.records, s->sc.step ? "step" :
	    "request", s->sc.records == 1 ? "" : "s");
	if (s->sc.timed == 0)
		fprintf(stderr, ", none %s", s->sc.step ? "timed" :
		    "with a latency");
	else if (s->sc.step)
		fprintf(stderr, ", %ld timed (dur_source: %s)", s->sc.timed,
		    src);
	else
		fprintf(stderr, ", %ld with latencies (%s)", s->sc.timed, src);
	if (s->sc.zero_output > 0)
		fprintf(stderr, ", %ld with 0 output tokens",
		    s->sc.zero_output);
	fprintf(stderr, "\n");
}
