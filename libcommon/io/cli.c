#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "io/cli.h"
#include "io/err.h"
#include "model/hardware.h"
#include "io/numfmt.h"

void
print_version(void)
{
	printf("%s (rooftrace) %s\n", err_prog(), ROOFTRACE_VERSION);
}

double
opt_penalty(const char *opt, const char *arg)
{
	double v;

	if (parse_double(arg, &v) < 0 || !penalty_ok(v))
		usage_error("%s: must be a number in [0, 1], got '%s'", opt, arg);
	return v;
}

int64_t
opt_int(const char *opt, const char *arg, int64_t lo, int64_t hi)
{
	int64_t v;

	if (parse_int64(arg, &v) < 0 || v < lo || v > hi)
		usage_error("%s: must be a whole number from %lld to %lld, "
		    "got '%s'", opt, (long long)lo, (long long)hi, arg);
	return v;
}

double
opt_double(const char *opt, const char *arg)
{
	double v;

	if (parse_double(arg, &v) < 0)
		usage_error("%s: must be a finite number, got '%s'", opt, arg);
	return v;
}

void
bad_option(int c, char *const argv[])
{
	const char *arg = argv[optind - 1];

	if (c == ':')
		usage_error("option '%s' needs a value", arg);
	if (optopt != 0 && arg[0] == '-' && arg[1] != '-')
		usage_error("unknown option '-%c'", optopt);
	usage_error("unknown option '%s'", arg);
}
