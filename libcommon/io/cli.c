#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "io/cli.h"
#include "io/err.h"
#include "model/hardware.h"
#include "io/numfmt.h"

void
cli_print_version(void)
{
	printf("%s (rooftrace) %s\n", err_prog(), ROOFTRACE_VERSION);
}

double
cli_opt_penalty(const char *opt, const char *arg)
{
	double v;

	if (numfmt_parse_double(arg, &v) < 0 || !hardware_penalty_ok(v))
		err_usage("%s: must be a number in [0, 1], got '%s'", opt, arg);
	return v;
}

int64_t
cli_opt_int(const char *opt, const char *arg, int64_t lo, int64_t hi)
{
	int64_t v;

	if (numfmt_parse_int64(arg, &v) < 0 || v < lo || v > hi)
		err_usage("%s: must be a whole number from %lld to %lld, "
		    "got '%s'", opt, (long long)lo, (long long)hi, arg);
	return v;
}

double
cli_opt_double(const char *opt, const char *arg)
{
	double v;

	if (numfmt_parse_double(arg, &v) < 0)
		err_usage("%s: must be a finite number, got '%s'", opt, arg);
	return v;
}

void
cli_bad_option(int c, char *const argv[])
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		err_usage("option '%s' needs a value", arg);
	if (optopt != 0 && arg[0] == '-' && arg[1] != '-')
		err_usage("unknown option '-%c'", optopt);
	err_usage("unknown option '%s'", arg);
}
