#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/cli.h"
#include "io/err.h"
#include "io/numfmt.h"
#include "sched/schedopts.h"
#include "opts.h"

enum {
	OPT_FROM = 'f',
	OPT_REQUESTS = SCHED_OPT_NEXT,
	OPT_LOSS,
	OPT_HOLDOUT,
	OPT_STRICT,
	OPT_MAX_ITER,
	OPT_REQUESTS_ONLY,
	OPT_LIMITS,
	OPT_REPLAY		/* the replay options, in replay_names order */
};

/* Options the driver does not read, only gives trace-replay. */
static const char *const replay_names[] = {
	"output-lag", "alpha-coeffs", "prefix-hit-fraction", "network-rtt-us",
	"sort-window"
};
enum { NREPLAY = sizeof(replay_names) / sizeof(replay_names[0]) };

static const struct option longopts[] = {
	{ "model", required_argument, NULL, RL_OPT_MODEL },
	{ "hardware", required_argument, NULL, RL_OPT_HARDWARE },
	{ "hardware-config", required_argument, NULL, RL_OPT_HWCONFIG },
	{ "tp", required_argument, NULL, RL_OPT_TP },
	{ "list-models", no_argument, NULL, RL_OPT_LIST_MODELS },
	{ "list-hardware", no_argument, NULL, RL_OPT_LIST_HARDWARE },
	SCHED_LONGOPTS,
	{ "from", required_argument, NULL, OPT_FROM },
	{ "requests", required_argument, NULL, OPT_REQUESTS },
	{ "loss", required_argument, NULL, OPT_LOSS },
	{ "holdout", required_argument, NULL, OPT_HOLDOUT },
	{ "strict", no_argument, NULL, OPT_STRICT },
	{ "max-iter", required_argument, NULL, OPT_MAX_ITER },
	{ "fit-requests-only", no_argument, NULL, OPT_REQUESTS_ONLY },
	{ "limits", required_argument, NULL, OPT_LIMITS },
	{ "output-lag", required_argument, NULL, OPT_REPLAY + 0 },
	{ "alpha-coeffs", required_argument, NULL, OPT_REPLAY + 1 },
	{ "prefix-hit-fraction", required_argument, NULL, OPT_REPLAY + 2 },
	{ "network-rtt-us", required_argument, NULL, OPT_REPLAY + 3 },
	{ "sort-window", required_argument, NULL, OPT_REPLAY + 4 },
	{ "output", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(void)
{
	printf("usage: rooftrace-calibrate -m MODEL -g GPU [options] "
	    "[TRACE...]\n"
	    "Calibrate a hardware entry on a run's traces: fit it on the first "
	    "part (in time),\nscore it on the last part held out, and say "
	    "whether it earned trust.\n\n"
	    "  -m, --model NAME|DIR|FILE         model config (see roofline-eval)\n"
	    "  -g, --hardware NAME               GPU entry to start from\n"
	    "      --hardware-config FILE        hardware_config.json to start from\n"
	    "  -t, --tp N                        tensor parallelism (default 1)\n"
	    "  -f, --from FORMAT                 trace format (see trace-parse)\n"
	    "      --requests FILE               the run's requests (any format\n"
	    "                                    trace-parse reads): fitted where\n"
	    "                                    fit-penalty can, and replayed\n"
	    "      --fit-requests-only           fit the requests alone; the steps\n"
	    "                                    only scored\n"
	    "      --holdout FRACTION            the last part held out, in time\n"
	    "                                    (default 0.25; 0: none)\n"
	    "      --strict                      exit 3 unless the held-out errors\n"
	    "                                    earn the verdict\n"
	    "      --limits S,P,E,T              its limits, %%: steps' median and\n"
	    "                                    P90, requests' median |E2E err|\n"
	    "                                    and |TTFT err| (default 5,12,10,20)\n"
	    "      --loss ls|huber|cauchy        fit-penalty's loss (default huber)\n"
	    "      --max-iter N                  fit-penalty's solver iterations\n"
	    "      --max-num-seqs N              scheduler options, as in\n"
	    "      --max-num-batched-tokens N    trace-replay (batchify, the\n"
	    "      --long-prefill-token-threshold N  replay and a request fit)\n"
	    "      --kv-blocks N\n"
	    "      --block-size N\n"
	    "      --prefix-cache none|blocks|F\n"
	    "      --prefix-cache-cold N\n"
	    "      --output-lag N                replay options, given to\n"
	    "      --alpha-coeffs A0,A1,A2       trace-replay as they are\n"
	    "      --prefix-hit-fraction F\n"
	    "      --network-rtt-us N\n"
	    "      --sort-window N\n"
	    "  -o, --output FILE                 write the fitted hardware_config.json\n"
	    "                                    to FILE atomically (default\n"
	    "                                    standard output)\n"
	    "      --list-models                 list shipped models\n"
	    "      --list-hardware               list hardware entries\n"
	    "  -q, --quiet                       no progress display\n"
	    "  -h, --help                        show this help\n"
	    "  -V, --version                     show the version\n");
}

static void
opts_pass_add(struct opts_pass *p, int *n, const char *name, const char *v)
{
	if (*n == OPTS_MAX_PASS)
		err_usage("too many scheduler or replay options");
	p[*n].name = name;
	p[*n].value = v;
	(*n)++;
}

/* The long name of option code c, for passing it on. */
static const char *
opts_name(int c)
{
	static char buf[64];
	int i;

	for (i = 0; longopts[i].name != NULL; i++)
		if (longopts[i].val == c) {
			snprintf(buf, sizeof(buf), "--%s", longopts[i].name);
			return err_strdup(buf);
		}
	return "?";
}

static void
opts_sched(struct cal_opts *o, int c, const char *arg)
{
	struct sched_config scratch;

	/* Checked here as the stages check it, so a bad value stops now. */
	memset(&scratch, 0, sizeof(scratch));
	schedopts_take(&scratch, c, arg);
	opts_pass_add(o->sched, &o->nsched, opts_name(c), arg);
}

static void
opts_take(struct cal_opts *o, int c, const char *arg)
{
	double v;

	switch (c) {
	case OPT_FROM:		o->from = arg; break;
	case OPT_REQUESTS:	o->requests = arg; break;
	case 'o':		o->output = arg; break;
	case 'q':		o->quiet = 1; break;
	case OPT_STRICT:	o->strict = 1; break;
	case OPT_REQUESTS_ONLY:	o->requests_only = 1; break;
	case OPT_LOSS:
		if (strcmp(arg, "ls") != 0 && strcmp(arg, "huber") != 0 &&
		    strcmp(arg, "cauchy") != 0)
			err_usage("--loss: unknown loss '%s' (one of: ls, huber, "
			    "cauchy)", arg);
		o->loss = arg;
		break;
	case OPT_MAX_ITER:
		cli_opt_int("--max-iter", arg, 1, 100000);
		o->max_iter = arg;
		break;
	case OPT_LIMITS:
		if (score_limits_parse(&o->limits, arg) < 0)
			err_usage("--limits: must be four numbers above 0, "
			    "S,P,E,T, got '%s'", arg);
		break;
	case OPT_HOLDOUT:
		if (numfmt_parse_double(arg, &v) < 0 || v < 0 || v > 0.9)
			err_usage("--holdout: must be a fraction from 0 to 0.9, "
			    "got '%s'", arg);
		o->holdout = v;
		break;
	case 'h':
		usage();
		exit(0);
	case 'V':
		cli_print_version();
		exit(0);
	default:
		if (c >= OPT_REPLAY && c < OPT_REPLAY + NREPLAY)
			opts_pass_add(o->replay, &o->nreplay, opts_name(c), arg);
		else if (c >= SCHED_OPT_MAX_SEQS && c < SCHED_OPT_NEXT)
			opts_sched(o, c, arg);
		else if (!rlopts_take(&o->rl, c, arg))
			err_usage("internal error: option %d", c);
	}
}

void
opts_parse(struct cal_opts *o, int argc, char *argv[])
{
	int c;

	memset(o, 0, sizeof(*o));
	rlopts_init(&o->rl);
	o->loss = "huber";
	o->holdout = 0.25;
	score_limits_default(&o->limits);
	while ((c = getopt_long(argc, argv, ":" RL_SHORTOPTS "f:o:qhV",
	    longopts, NULL)) != -1) {
		if (c == '?' || c == ':')
			cli_bad_option(c, argv);
		opts_take(o, c, optarg);
	}
	o->traces = argv + optind;
	o->ntraces = argc - optind;
}
