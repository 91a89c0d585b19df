/*
 * libFuzzer harness for rooftrace-calibrate's record scanner: the input's
 * lines as step records and as request records, scanned whole and split
 * at a point in time as the held-out part is.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_scan(char *buf, size_t size, int step)
{
	struct jsonin jin;
	struct scan s;
	struct errmsg e;
	size_t start = 0, i;

	scan_init(&s, step);
	jsonin_init(&jin);
	for (i = 0; i <= size; i++) {
		if (i < size && buf[i] != '\n')
			continue;
		e.msg[0] = '\0';
		if (scan_line(&s, &jin, buf + start, i - start, &e) < 0 &&
		    e.msg[0] == '\0')
			abort();	/* every failure says why */
		start = i + 1;
	}
	scan_end(&s);
	if (s.timed > s.records || s.zero_output > s.records ||
	    s.nkeys > (size_t)s.records)
		abort();
	for (i = 1; i < s.nkeys; i++)
		if (s.keys[i] < s.keys[i - 1])
			abort();
	jsonin_free(&jin);
	scan_free(&s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	check_scan(buf, size, 0);
	check_scan(buf, size, 1);
	free(buf);
	return 0;
}
