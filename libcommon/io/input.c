#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/input.h"
#include "io/progress.h"

int
common_opts_take(struct common_opts *o, int c, const char *arg,
    void (*usage)(void))
{
	switch (c) {
	case 'o':
		o->output = arg;
		return 1;
	case 'q':
		o->quiet = 1;
		return 1;
	case COMMON_OPT_SKIP_BAD:
		o->skip_bad = 1;
		return 1;
	case 'h':
		usage();
		exit(0);
	case 'V':
		print_version();
		exit(0);
	}
	return 0;
}

void
input_init(struct input *in, const struct common_opts *o)
{
	memset(in, 0, sizeof(*in));
	in->skip_bad = o->skip_bad;
	in->quiet = o->quiet;
	in->noun = "record";
}

void
input_count(struct input *in, enum input_status st)
{
	if (st == INPUT_OK)
		in->records++;
	else if (st == INPUT_BAD) {
		if (!in->skip_bad)
			exit(EXIT_DATA);
		in->skipped++;
	}
}

struct line_job {
	input_line_fn fn;
	void	*ctx;
};

static int
each_line(void *ctx, struct input *in)
{
	struct line_job *job = ctx;
	struct progress pg;
	size_t len;
	char *line;

	progress_start(&pg, in->lr.fp, in->lr.name, in->quiet);
	while ((line = lr_next(&in->lr, &len)) != NULL) {
		progress_update(&pg);
		if (!lr_blank(line, len))
			input_count(in, job->fn(job->ctx, in, line, len));
	}
	progress_done(&pg);
	return 0;
}

static void
read_one(struct input *in, const char *path, input_file_fn fn, void *ctx)
{
	long before = in->records + in->skipped;

	if (lr_open(&in->lr, path) < 0)
		die(EXIT_DATA, "%s: %s", path, strerror(errno));
	if (fn(ctx, in) < 0)
		exit(EXIT_DATA);
	if (lr_error(&in->lr))
		die(EXIT_DATA, "%s: read error: %s", in->lr.name,
		    strerror(errno));
	if (in->none_msg != NULL && in->records + in->skipped == before)
		warnat(in->lr.name, 0, "%s", in->none_msg);
	lr_close(&in->lr);
}

void
input_files(struct input *in, char *const *paths, int npaths,
    input_file_fn fn, void *ctx)
{
	int i;

	if (npaths == 0)
		read_one(in, "-", fn, ctx);
	for (i = 0; i < npaths; i++)
		read_one(in, paths[i], fn, ctx);
}

void
input_lines(struct input *in, char *const *paths, int npaths,
    input_line_fn fn, void *ctx)
{
	struct line_job job = { fn, ctx };

	input_files(in, paths, npaths, each_line, &job);
}

void
input_report(const struct input *in)
{
	if (in->skipped > 0)
		warnmsg("skipped %ld bad %s%s of %ld", in->skipped, in->noun,
		    in->skipped == 1 ? "" : "s", in->skipped + in->records);
}
