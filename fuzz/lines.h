/*
 * For libFuzzer harnesses of line readers: the input as NUL-terminated
 * lines, as the line reader hands them out, each passed to the harness's
 * own one(line, len).  Included once, by one harness file.
 */
#ifndef RT_FUZZ_LINES_H
#define RT_FUZZ_LINES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void one(char *line, size_t len);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	size_t start = 0, i;

	if (buf == NULL)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i <= size; i++) {
		if (i < size && buf[i] != '\n')
			continue;
		buf[i] = '\0';
		one(buf + start, i - start);
		start = i + 1;
	}
	free(buf);
	return 0;
}

#endif
