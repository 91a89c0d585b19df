/* Command-line conventions shared by every program: version, option values. */
#ifndef RT_CLI_H
#define RT_CLI_H

#include <stdint.h>

#ifndef ROOFTRACE_VERSION
#define ROOFTRACE_VERSION "0.1.0"
#endif

void cli_print_version(void);
/* A penalty option's value: a number in [0, 1], else usage error. */
double cli_opt_penalty(const char *opt, const char *arg);
/* A whole number in [lo, hi], else usage error naming opt. */
int64_t cli_opt_int(const char *opt, const char *arg, int64_t lo, int64_t hi);
double cli_opt_double(const char *opt, const char *arg);
/*
 * getopt_long returned '?' or ':' (optstring must start with ':'): say
 * which option was wrong, in our own words, and exit 2.
 */
_Noreturn void cli_bad_option(int c, char *const argv[]);

#endif
