/*
 * The cJSON ceiling for make bench: parse every line of the input with
 * cJSON_ParseWithLength and free it, nothing else.  A program built on
 * cJSON that reads each record once cannot beat this; bench/*.sh report
 * each program's throughput as a ratio to it.  Not one of the programs:
 * built by the bench scripts.
 * usage: cjson-ceiling FILE   (prints the number of records parsed)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

int
main(int argc, char **argv)
{
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long ok = 0;
	cJSON *v;

	if (argc != 2 || (fp = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: cjson-ceiling FILE\n");
		return 2;
	}
	while ((n = getline(&line, &cap, fp)) > 0) {
		if ((v = cJSON_ParseWithLength(line, (size_t)n)) != NULL)
			ok++;
		cJSON_Delete(v);
	}
	printf("%ld\n", ok);
	free(line);
	fclose(fp);
	return 0;
}
