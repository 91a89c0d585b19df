/*
 * The libcsv ceiling for make bench: parse the whole file with csv_parse
 * (callbacks that only count fields and rows), nothing else.  A program
 * built on libcsv that reads each row once cannot beat this; bench/
 * trace-parse.sh reports its CSV throughput as a ratio to it.  Not one of
 * the programs: built by the bench scripts.
 * usage: csv-ceiling FILE   (prints the number of rows parsed)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include <csv.h>

struct counts {
	long	 fields, rows;
};

static void
on_field(void *s, size_t len, void *data)
{
	(void)s;
	(void)len;
	((struct counts *)data)->fields++;
}

static void
on_row(int c, void *data)
{
	(void)c;
	((struct counts *)data)->rows++;
}

int
main(int argc, char **argv)
{
	static char buf[1 << 16];
	struct csv_parser p;
	struct counts n = { 0, 0 };
	FILE *fp;
	size_t got;

	if (argc != 2 || (fp = fopen(argv[1], "r")) == NULL) {
		fprintf(stderr, "usage: csv-ceiling FILE\n");
		return 2;
	}
	if (csv_init(&p, 0) != 0)
		return 1;
	while ((got = fread(buf, 1, sizeof(buf), fp)) > 0)
		if (csv_parse(&p, buf, got, on_field, on_row, &n) != got) {
			fprintf(stderr, "csv-ceiling: %s\n",
			    csv_strerror(csv_error(&p)));
			return 1;
		}
	csv_fini(&p, on_field, on_row, &n);
	csv_free(&p);
	printf("%ld\n", n.rows);
	fclose(fp);
	return 0;
}
