/* libFuzzer: Azure CSV rows, detection and the exact timestamp parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fmt_azure.h"
#include "tp_detect.h"
#include "tp_time.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
one(char *line, size_t len)
{
	struct fmt_azure a;
	struct jerr e;
	int64_t us;

	(void)tp_detect_line(line);
	(void)tp_datetime_us(line, &us);
	if (fmt_azure_row(line, len, &a, &e) == 0 &&
	    (a.input_tokens < 0 || a.output_tokens < 0))
		abort();
}

/* The input as NUL-terminated lines, as the line reader gives them. */
static void
each_line(const uint8_t *data, size_t size, void (*fn)(char *, size_t))
{
	char *buf = malloc(size + 1);
	size_t start = 0, i;

	if (buf == NULL)
		return;
	memcpy(buf, data, size);
	buf[size] = '\0';
	for (i = 0; i <= size; i++) {
		if (i < size && buf[i] != '\n')
			continue;
		buf[i] = '\0';
		fn(buf + start, i - start);
		start = i + 1;
	}
	free(buf);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	each_line(data, size, one);
	return 0;
}
