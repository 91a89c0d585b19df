/*
 * roofline-eval: predict each step's time with BLIS's roofline model.
 * Reads step records, writes eval records: the step as read (its own
 * bytes, re-serialised only when it already has eval fields), plus the
 * eval fields records/eval.c writes: pred_us, compute_us, memory_us,
 * minority_fraction, regime, compute_prefill_us, compute_decode_us,
 * floor_us and, for a step with a dur_us, below_floor.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/csvout.h"
#include "io/err.h"
#include "io/input.h"
#include "io/jsonin.h"
#include "io/jsonout.h"
#include "io/numfmt.h"
#include "io/outfile.h"
#include "model/rlopts.h"
#include "model/roofline.h"
#include "records/eval.h"
#include "records/step.h"

#include "io/members.h"

enum { OPT_CSV = RL_OPT_NEXT };

struct run {
	struct roofline rl;
	struct step step;
	struct jsonin jin;
	struct jw jw;
	struct csvw csv;
	int	 csv_mode;
	long	 timed, below;	/* steps with a dur_us; of them below floor */
};

/* The step's columns; the eval columns (eval_write_keys) follow. */
static const char *const step_columns[] = {
	"step", "ts_us", "dur_us", "n_prefill", "prefill_tokens", "n_decode",
	NULL
};

static void
usage(void)
{
	printf("usage: roofline-eval --model NAME|DIR|FILE --hardware NAME "
	    "[options] [FILE...]\n"
	    "Predict each step's time with BLIS's roofline model.\n\n"
	    "  -m, --model NAME|DIR|FILE      model config (see --list-models)\n"
	    "  -g, --hardware NAME            GPU entry (see --list-hardware)\n"
	    "      --hardware-config FILE     hardware_config.json to read\n"
	    "  -t, --tp N                     tensor parallelism (default 1)\n"
	    "      --mixed-batch-penalty X    override the entry's, in [0, 1]\n"
	    "      --overlap-penalty Y        override the entry's, in [0, 1]\n"
	    "      --csv                      write CSV instead of NDJSON\n"
	    "  -o, --output FILE              write FILE atomically\n"
	    "      --skip-bad                 skip and count malformed records\n"
	    "      --list-models              list shipped models\n"
	    "      --list-hardware            list hardware entries\n"
	    "  -q, --quiet                    no progress display\n"
	    "  -h, --help                     show this help\n"
	    "  -V, --version                  show the version\n");
}

static int
has_added(const cJSON *rec)
{
	const cJSON *c;

	for (c = rec->child; c != NULL; c = c->next)
		if (eval_write_owns(c->string))
			return 1;
	return 0;
}

/*
 * The input record's own bytes, then our fields: the fields pass through
 * exactly as written (numbers, escapes, spacing), and nothing is
 * re-serialised.  -1, with nothing written, if the record was no object.
 */
static int
write_ndjson_copy(struct run *r, const struct eval_fields *f)
{
	const char *head;
	size_t len;
	int members;

	if ((head = jsonin_object_head(&r->jin, &len, &members)) == NULL)
		return -1;
	fwrite(head, 1, len, r->jw.fp);
	eval_write_tail(r->jw.fp, f, members);
	return 0;
}

/*
 * A record that already has eval fields: its other fields' own bytes, in
 * their order, then ours, so each key appears once and a number that no
 * double holds (12345678901234567890, 1e400, -0) passes through as it is.
 */
static void
write_ndjson(struct run *r, const cJSON *rec, const struct eval_fields *f)
{
	const char *text, *at;
	struct members m;
	const cJSON *c;
	size_t len;
	int kept = 0, any;

	text = jsonin_object_head(&r->jin, &len, &any);
	members_init(&m, text, len);
	fputc('{', r->jw.fp);
	for (c = rec->child; c != NULL && members_next(&m, &at, &len);
	    c = c->next) {
		if (eval_write_owns(c->string))
			continue;
		if (kept++ > 0)
			fputc(',', r->jw.fp);
		fwrite(at, 1, len, r->jw.fp);
	}
	eval_write_tail(r->jw.fp, f, kept > 0);
}

static void
csv_opt_int(struct csvw *c, const cJSON *rec, const char *key)
{
	const cJSON *v = jsonin_field(rec, key);

	if (cJSON_IsNumber(v))
		csvout_num(c, v->valuedouble);
	else
		csvout_empty(c);
}

static void
write_csv(struct run *r, const cJSON *rec, const struct eval_fields *f)
{
	csv_opt_int(&r->csv, rec, "step");
	csv_opt_int(&r->csv, rec, "ts_us");
	csv_opt_int(&r->csv, rec, "dur_us");
	csvout_int(&r->csv, (int64_t)r->step.n_prefill);
	csvout_int(&r->csv, step_prefill_tokens(&r->step));
	csvout_int(&r->csv, (int64_t)r->step.n_decode);
	eval_write_csv(&r->csv, f);
	csvout_endrow(&r->csv);
}

/* The record's eval fields; a step with a dur_us is timed. */
static void
fields(struct run *r, const cJSON *rec, const struct roofline_result *res,
    struct eval_fields *f)
{
	const cJSON *dur = jsonin_field(rec, "dur_us");

	f->pred_us = res->pred_us;
	f->compute_us = res->compute_us;
	f->memory_us = res->memory_us;
	f->minority_fraction = res->minority_fraction;
	f->compute_bound = res->compute_bound;
	f->compute_prefill_us = res->compute_prefill_us;
	f->compute_decode_us = res->compute_decode_us;
	f->floor_us = res->floor_us;
	f->below_floor = -1;
	if (cJSON_IsNumber(dur)) {
		/* Times are whole µs: a time is below the floor only when it
		 * is a whole µs or more under it, else BLIS's own truncated
		 * predictions would be. */
		f->below_floor = dur->valuedouble <= res->floor_us - 1;
		r->timed++;
		r->below += f->below_floor;
	}
}

/* A timed step faster than the floor was no step: say how many. */
static void
report_floor(const struct run *r)
{
	if (r->below > 0)
		err_warn("%ld of %ld timed steps are below the physical floor "
		    "(peak FLOPs and peak bandwidth): their times cannot be "
		    "step times", r->below, r->timed);
}

static void
write_header(struct csvw *c)
{
	const char *names[32];
	size_t n = 0, i;

	for (i = 0; step_columns[i] != NULL; i++)
		names[n++] = step_columns[i];
	for (i = 0; eval_write_keys[i] != NULL; i++)
		names[n++] = eval_write_keys[i];
	names[n] = NULL;
	csvout_header(c, names);
}

/* One line: a step in, an eval record out. */
static enum input_status
eval_line(void *ctx, struct input *in, const char *line, size_t len)
{
	struct roofline_result res;
	struct eval_fields f;
	struct run *r = ctx;
	struct errmsg e;
	cJSON *rec;

	e.msg[0] = '\0';
	if ((rec = jsonin_parse(&r->jin, line, len, &e)) == NULL ||
	    step_from_json(rec, &r->step, &e) < 0 ||
	    step_prefill_tokens(&r->step) < 0) {
		if (rec != NULL && e.msg[0] == '\0')
			errmsg_set(&e, "prefill token total exceeds 2^53");
		err_warnat(in->lr.name, in->lr.lineno, "%s", e.msg);
		return INPUT_BAD;
	}
	roofline_eval(&r->rl, &r->step, &res);
	fields(r, rec, &res, &f);
	if (r->csv_mode)
		write_csv(r, rec, &f);
	else if (has_added(rec) || write_ndjson_copy(r, &f) < 0)
		write_ndjson(r, rec, &f);
	return INPUT_OK;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		RL_LONGOPTS,
		COMMON_LONGOPTS,
		{ "csv", no_argument, NULL, OPT_CSV },
		{ NULL, 0, NULL, 0 }
	};
	struct common_opts co = { 0 };
	struct input in;
	struct rl_opts ro;
	struct run r;
	FILE *out;
	int c;

	err_setprog(argv[0]);
	memset(&r, 0, sizeof(r));
	rlopts_init(&ro);
	while ((c = getopt_long(argc, argv, ":" RL_SHORTOPTS COMMON_SHORTOPTS,
	    longopts, NULL)) != -1) {
		if (rlopts_take(&ro, c, optarg) ||
		    input_opts_take(&co, c, optarg, usage))
			continue;
		if (c == OPT_CSV)
			r.csv_mode = 1;
		else
			cli_bad_option(c, argv);
	}
	if (rlopts_list(&ro, stdout)) {
		outfile_close(stdout);
		return 0;
	}
	outfile_refuse_inputs(co.output, argv + optind, argc - optind);
	rlopts_build(&ro, &r.rl);

	out = outfile_open(co.output);
	jsonout_init(&r.jw, out);
	csvout_init(&r.csv, out);
	step_init(&r.step);
	jsonin_init(&r.jin);
	if (r.csv_mode)
		write_header(&r.csv);
	input_init(&in, &co);
	in.none_msg = "no step records";
	input_lines(&in, argv + optind, argc - optind, eval_line, &r);
	input_report(&in);
	report_floor(&r);
	outfile_close(out);
	jsonout_free(&r.jw);
	jsonin_free(&r.jin);
	step_free(&r.step);
	return 0;
}
