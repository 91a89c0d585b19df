/*
 * roofline-eval: predict each step's time with BLIS's roofline model.
 * Reads step records, writes eval records: the step as read (its own
 * bytes, re-serialised only when it already has eval fields), plus pred_us,
 * compute_us, memory_us, minority_fraction and regime.
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
#include "records/step.h"

enum { OPT_CSV = RL_OPT_NEXT };

struct run {
	struct roofline rl;
	struct step step;
	struct jsonin jin;
	struct jw jw;
	struct csvw csv;
	int	 csv_mode;
};

static const char *const added_fields[] = {
	"pred_us", "compute_us", "memory_us", "minority_fraction", "regime",
	NULL
};

static const char *const csv_columns[] = {
	"step", "ts_us", "dur_us", "n_prefill", "prefill_tokens", "n_decode",
	"pred_us", "compute_us", "memory_us", "minority_fraction", "regime",
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
is_added(const char *key)
{
	const char *const *k;

	for (k = added_fields; *k != NULL; k++)
		if (strcmp(key, *k) == 0)
			return 1;
	return 0;
}

static const char *
regime(const struct roofline_result *res)
{
	return res->compute_bound ? "compute" : "memory";
}

static int
has_added(const cJSON *rec)
{
	const cJSON *c;

	for (c = rec->child; c != NULL; c = c->next)
		if (is_added(c->string))
			return 1;
	return 0;
}

/* A number as jsonout_num writes it: shortest round trip, null if not
 * finite. */
static char *
tail_num(char *p, const char *key, double v)
{
	p += sprintf(p, ",\"%s\":", key);
	if (isfinite(v))
		p += numfmt_double(p, v);
	else
		p += sprintf(p, "null");
	return p;
}

/*
 * The input record's own bytes, then our fields: the fields pass through
 * exactly as written (numbers, escapes, spacing), and nothing is
 * re-serialised.  -1, with nothing written, if the record was no object.
 */
static int
write_ndjson_copy(struct run *r, const struct roofline_result *res)
{
	char tail[6 * NUMFMT_BUFSZ + 128], *p = tail;
	const char *head;
	size_t len;
	int members;

	if ((head = jsonin_object_head(&r->jin, &len, &members)) == NULL)
		return -1;
	fwrite(head, 1, len, r->jw.fp);
	p += sprintf(p, "%s\"pred_us\":", members ? "," : "");
	p += numfmt_int(p, res->pred_us);
	p = tail_num(p, "compute_us", res->compute_us);
	p = tail_num(p, "memory_us", res->memory_us);
	p = tail_num(p, "minority_fraction", res->minority_fraction);
	p += sprintf(p, ",\"regime\":\"%s\"}\n", regime(res));
	fwrite(tail, 1, (size_t)(p - tail), r->jw.fp);
	return 0;
}

/*
 * A record that already has eval fields: its own fields re-serialised,
 * ours replacing them at the end, so each key appears once.
 */
static void
write_ndjson(struct run *r, const cJSON *rec,
    const struct roofline_result *res)
{
	const cJSON *c;

	jsonout_obj(&r->jw);
	for (c = rec->child; c != NULL; c = c->next) {
		if (is_added(c->string))
			continue;
		jsonout_key(&r->jw, c->string);
		jsonout_cjson(&r->jw, c);
	}
	jsonout_kint(&r->jw, "pred_us", res->pred_us);
	jsonout_knum(&r->jw, "compute_us", res->compute_us);
	jsonout_knum(&r->jw, "memory_us", res->memory_us);
	jsonout_knum(&r->jw, "minority_fraction", res->minority_fraction);
	jsonout_kstr(&r->jw, "regime", regime(res));
	jsonout_obj_end(&r->jw);
	jsonout_endline(&r->jw);
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
write_csv(struct run *r, const cJSON *rec, const struct roofline_result *res)
{
	csv_opt_int(&r->csv, rec, "step");
	csv_opt_int(&r->csv, rec, "ts_us");
	csv_opt_int(&r->csv, rec, "dur_us");
	csvout_int(&r->csv, (int64_t)r->step.n_prefill);
	csvout_int(&r->csv, step_prefill_tokens(&r->step));
	csvout_int(&r->csv, (int64_t)r->step.n_decode);
	csvout_int(&r->csv, res->pred_us);
	csvout_num(&r->csv, res->compute_us);
	csvout_num(&r->csv, res->memory_us);
	csvout_num(&r->csv, res->minority_fraction);
	csvout_str(&r->csv, regime(res));
	csvout_endrow(&r->csv);
}

/* One line: a step in, an eval record out. */
static enum input_status
eval_line(void *ctx, struct input *in, const char *line, size_t len)
{
	struct roofline_result res;
	struct run *r = ctx;
	struct jerr e;
	cJSON *rec;

	e.msg[0] = '\0';
	if ((rec = jsonin_parse(&r->jin, line, len, &e)) == NULL ||
	    step_from_json(rec, &r->step, &e) < 0 ||
	    step_prefill_tokens(&r->step) < 0) {
		if (rec != NULL && e.msg[0] == '\0')
			jsonin_err(&e, "prefill token total exceeds 2^53");
		err_warnat(in->lr.name, in->lr.lineno, "%s", e.msg);
		return INPUT_BAD;
	}
	roofline_eval(&r->rl, &r->step, &res);
	if (r->csv_mode)
		write_csv(r, rec, &res);
	else if (has_added(rec) || write_ndjson_copy(r, &res) < 0)
		write_ndjson(r, rec, &res);
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
	rlopts_build(&ro, &r.rl);

	out = outfile_open(co.output);
	jsonout_init(&r.jw, out);
	csvout_init(&r.csv, out);
	step_init(&r.step);
	jsonin_init(&r.jin);
	if (r.csv_mode)
		csvout_header(&r.csv, csv_columns);
	input_init(&in, &co);
	in.none_msg = "no step records";
	input_lines(&in, argv + optind, argc - optind, eval_line, &r);
	input_report(&in);
	outfile_close(out);
	jsonout_free(&r.jw);
	jsonin_free(&r.jin);
	step_free(&r.step);
	return 0;
}
