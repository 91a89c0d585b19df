/*
 * Test driver for an entry's "rooftrace" object: reads it as trace-replay
 * does (hardware_extras_load) and writes it as a request fit does
 * (fit-penalty's hwconfig_write_extras).  Built by test/entry.bats.
 *
 *   hwextras read CONFIG NAME
 *   hwextras write CONFIG NAME OUT [KEY=VALUE...]
 *   hwextras write2 CONFIG NAME OUT [KEY=VALUE...]   (twice: refused)
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/err.h"
#include "io/outfile.h"
#include "hwconfig.h"

static int
show(const char *path, const char *name)
{
	struct hw_extras x;
	char msg[1200];
	size_t k;
	int rc;

	if ((rc = hardware_extras_load(path, name, &x, msg, sizeof(msg))) < 0)
		err_die(EXIT_DATA, "%s", msg);
	if (rc == 0) {
		printf("no rooftrace object\n");
		return 0;
	}
	for (k = 0; k < hardware_extras_nfields; k++)
		if (x.have & hardware_extras_fields[k].bit)
			printf("%s %.17g\n", hardware_extras_fields[k].key,
			    *(double *)(void *)((char *)&x +
			    hardware_extras_fields[k].off));
	if (x.have & HWX_PROVENANCE)
		printf("provenance %s\n", x.provenance);
	return 0;
}

static void
set(struct hw_extras *x, const char *arg)
{
	const char *eq = strchr(arg, '=');
	size_t k, n = eq != NULL ? (size_t)(eq - arg) : 0;

	if (eq == NULL)
		err_usage("expected KEY=VALUE, got '%s'", arg);
	if (n == 10 && strncmp(arg, "provenance", n) == 0) {
		snprintf(x->provenance, sizeof(x->provenance), "%s", eq + 1);
		x->have |= HWX_PROVENANCE;
		return;
	}
	for (k = 0; k < hardware_extras_nfields; k++)
		if (strlen(hardware_extras_fields[k].key) == n &&
		    strncmp(arg, hardware_extras_fields[k].key, n) == 0) {
			*(double *)(void *)((char *)x +
			    hardware_extras_fields[k].off) = atof(eq + 1);
			x->have |= hardware_extras_fields[k].bit;
			return;
		}
	err_usage("unknown field '%.*s'", (int)n, arg);
}

int
main(int argc, char **argv)
{
	struct hw_extras x;
	struct hw_calib hw;
	char path[PATH_MAX];
	double bw;
	cJSON *doc;
	int i;

	err_setprog("hwextras");
	if (argc == 4 && strcmp(argv[1], "read") == 0)
		return show(argv[2], argv[3]);
	if (argc < 5 || (strcmp(argv[1], "write") != 0 &&
	    strcmp(argv[1], "write2") != 0))
		err_usage("usage: hwextras read CONFIG NAME | write CONFIG NAME "
		    "OUT [KEY=VALUE...]");
	memset(&x, 0, sizeof(x));
	for (i = 5; i < argc; i++)
		set(&x, argv[i]);
	doc = hwconfig_load(argv[2], argv[3], path, sizeof(path), &hw, &bw);
	outfile_hold();		/* as fit-penalty writes its outputs */
	hwconfig_write_extras(path, argv[3], argv[4], &x);
	if (strcmp(argv[1], "write2") == 0)
		hwconfig_write_extras(path, argv[3], argv[4], &x);
	outfile_commit();
	cJSON_Delete(doc);
	return 0;
}
