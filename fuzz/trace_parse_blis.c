/* libFuzzer: BLIS trace v2 header lines, request rows under a fixed
 * header, header rows themselves, and ITL rows, all split by libcsv. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "readers/blis.h"
#include "csvrow.h"
#include "lines.h"

static void
one(char *line, size_t len)
{
	static const char hdr[] = "request_id,input_tokens,output_tokens,"
	    "arrival_time_us,send_time_us,first_chunk_time_us,"
	    "last_chunk_time_us,status,error_message,model";
	static struct csvrow row;
	static int ready;
	struct blis_header h;
	struct blis_cols cols;
	struct blis_req q;
	struct errmsg e;
	const char *id;
	int64_t c, ts;

	if (!ready) {
		csvrow_init(&row);
		ready = 1;
	}
	blis_header_init(&h);
	(void)blis_header_line(&h, line, &e);
	if (csvrow_split(&row, hdr, sizeof(hdr) - 1, &e) != 0 ||
	    blis_columns(&row, &cols, &e) != 0)
		abort();
	if (csvrow_split(&row, line, len, &e) == 0) {
		if (blis_row(&row, &cols, &q, &e) == 0 && (q.input_tokens < 0 ||
		    q.id == NULL || *q.id == '\0'))
			abort();
		(void)blis_columns(&row, &cols, &e);
	}
	if (csvrow_split_as(&row, line, len, blis_itl_columns, &e) == 0)
		(void)blis_itl_row(&row, &id, &c, &ts, &e);
}
