/* libFuzzer: Azure CSV rows, detection and the exact timestamp parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/azure.h"
#include "detect.h"
#include "datetime.h"
#include "lines.h"

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
