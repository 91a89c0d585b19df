#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/input.h"
#include "io/progress.h"

int
input_opts_take(struct common_opts *o, int c, const char *arg,
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
		cli_print_version();
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
	if (st == INPUT_OK) {
		in->records++;
		progress_record();
	} else if (st == INPUT_BAD) {
		if (!in->skip_bad)
			exit(EXIT_DATA);
		in->skipped++;
	}
}

/* Open path into in->lr; exits 1 when it cannot be read. */
static void
open_file(struct input *in, const char *path)
{
	if (linereader_open(&in->lr, path) < 0)
		err_die(EXIT_DATA, "%s: %s", path, strerror(errno));
	in->file_start = in->records + in->skipped;
}

/* Check the file just read for a read error and for no record; close it. */
static void
close_file(struct input *in)
{
	if (linereader_error(&in->lr))
		err_die(EXIT_DATA, "%s: read error: %s", in->lr.name,
		    strerror(errno));
	if (in->none_msg != NULL &&
	    in->records + in->skipped == in->file_start)
		err_warnat(in->lr.name, 0, "%s", in->none_msg);
	linereader_close(&in->lr);
}

void
input_files(struct input *in, char *const *paths, int npaths,
    input_file_fn fn, void *ctx)
{
	static char *const stdin_path[] = { "-" };
	int i;

	if (npaths == 0) {
		paths = stdin_path;
		npaths = 1;
	}
	for (i = 0; i < npaths; i++) {
		open_file(in, paths[i]);
		if (fn(ctx, in) < 0)
			exit(EXIT_DATA);
		close_file(in);
	}
}

void
input_start(struct input *in, char *const *paths, int npaths)
{
	static char *const stdin_path[] = { "-" };

	in->paths = npaths > 0 ? paths : stdin_path;
	in->npaths = npaths > 0 ? npaths : 1;
	in->next = 0;
	in->open = 0;
}

char *
input_next(struct input *in, size_t *len)
{
	char *line;

	for (;;) {
		if (!in->open) {
			if (in->next >= in->npaths)
				return NULL;
			open_file(in, in->paths[in->next++]);
			in->open = 1;
			progress_start(&in->pg, in->lr.fp, in->lr.name,
			    in->quiet);
		}
		if ((line = linereader_next(&in->lr, len)) == NULL) {
			progress_done(&in->pg);
			close_file(in);
			in->open = 0;
			continue;
		}
		progress_update(&in->pg);
		if (!linereader_blank(line, *len))
			return line;
	}
}

void
input_end(struct input *in)
{
	if (in->open)
		linereader_close(&in->lr);
	in->open = 0;
}

void
input_lines(struct input *in, char *const *paths, int npaths,
    input_line_fn fn, void *ctx)
{
	size_t len;
	char *line;

	input_start(in, paths, npaths);
	while ((line = input_next(in, &len)) != NULL)
		input_count(in, fn(ctx, in, line, len));
	input_end(in);
}

void
input_report(const struct input *in)
{
	if (in->skipped > 0)
		err_warn("skipped %ld bad %s%s of %ld", in->skipped, in->noun,
		    in->skipped == 1 ? "" : "s", in->skipped + in->records);
}
