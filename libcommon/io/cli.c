#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

/*
 * getopt leaves optind on the argument it is inside, so within a group
 * of short options ("-zq") argv[optind - 1] is the argument before it:
 * a short option is named by optopt, a long one by its argument.
 */
void
cli_bad_option(int c, char *const argv[])
{
	const char *arg = argv[optind - 1];
	int islong = strncmp(arg, "--", 2) == 0;

	if (c == ':') {
		if (!islong && optopt > 0 && optopt < 0x100)
			err_usage("option '-%c' needs a value", optopt);
		err_usage("option '%s' needs a value", arg);
	}
	if (!islong && optopt > 0 && optopt < 0x100)
		err_usage("unknown option '-%c'", optopt);
	/* A known long option given a value it does not take. */
	if (islong && optopt != 0)
		err_usage("option '%.*s' takes no value",
		    (int)strcspn(arg, "="), arg);
	err_usage("unknown option '%.*s'", (int)strcspn(arg, "="), arg);
}
