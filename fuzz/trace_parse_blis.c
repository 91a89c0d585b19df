/* libFuzzer: BLIS trace v2 header lines, request rows under a fixed
 * header, header rows themselves, and ITL rows. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/blis.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	static const char hdr[] = "request_id,input_tokens,output_tokens,"
	    "arrival_time_us,send_time_us,first_chunk_time_us,"
	    "last_chunk_time_us,status,error_message,model";
	struct fmt_blis_header h;
	struct fmt_blis_cols cols;
	struct fmt_blis_req q;
	struct jerr e;
	const char *id;
	int64_t c, ts;
	char *buf = malloc(len + sizeof(hdr));

	if (buf == NULL)
		return;
	fmt_blis_header_init(&h);
	(void)fmt_blis_header_line(&h, line, &e);
	memcpy(buf, hdr, sizeof(hdr));
	if (fmt_blis_columns(buf, sizeof(hdr) - 1, &cols, &e) != 0)
		abort();
	memcpy(buf, line, len + 1);
	(void)fmt_blis_row(buf, len, &cols, &q, &e);
	memcpy(buf, line, len + 1);
	(void)fmt_blis_itl_row(buf, len, &id, &c, &ts, &e);
	memcpy(buf, line, len + 1);
	(void)fmt_blis_columns(buf, len, &cols, &e);
	free(buf);
}
