/*
 * BLIS trace v2 (inference-sim): a YAML header file
 *   trace_version: 2
 *   time_unit: microseconds
 *   mode: real
 *   server:
 *     model: meta-llama/Llama-3.1-8B-Instruct
 * and a CSV of requests whose columns are found by name (BLIS adds
 * optional ones between releases):
 *   request_id,...,input_tokens,output_tokens,...,arrival_time_us,
 *   send_time_us,first_chunk_time_us,last_chunk_time_us,num_chunks,
 *   status,error_message,...
 * and the ITL CSV of streamed chunk times:
 *   request_id,chunk_index,timestamp_us
 */
#ifndef RT_FMT_BLIS_H
#define RT_FMT_BLIS_H

#include <stddef.h>
#include <stdint.h>

#include "io/jsonin.h"
#include "csvsplit.h"

extern const char *const fmt_blis_itl_columns[];

struct fmt_blis_header {
	int64_t	 version;	/* -1 until seen */
	int	 in_server;	/* inside the "server:" block */
	char	 model[256];	/* server.model, "" when absent */
	int	 have_unit;
};

/* Feed the header one line at a time; 0, or -1 with e set. */
void fmt_blis_header_init(struct fmt_blis_header *h);
int fmt_blis_header_line(struct fmt_blis_header *h, const char *line,
    struct jerr *e);
/* After the last line: is everything we need there? */
int fmt_blis_header_end(const struct fmt_blis_header *h, struct jerr *e);

enum { BC_ID, BC_IN, BC_OUT, BC_ARRIVAL, BC_SEND, BC_FIRST, BC_LAST,
    BC_STATUS, BC_ERRMSG, BC_MODEL, BC_N };

struct fmt_blis_cols {
	int	 at[BC_N];	/* column index, -1 when absent */
	size_t	 n;		/* columns in the header */
};

struct fmt_blis_req {
	const char *id, *status, *error_message, *model;  /* into the line */
	int64_t	 input_tokens, output_tokens, arrival_us;
	int64_t	 send_us, first_us, last_us;	/* -1 when absent or 0 */
};

/* Is this the first line of a trace v2 data CSV? */
int fmt_blis_is_data_header(const char *line);
/* Map the header row (modified in place); 0, or -1 when one is missing. */
int fmt_blis_columns(char *line, size_t len, struct fmt_blis_cols *c,
    struct jerr *e);
int fmt_blis_row(char *line, size_t len, const struct fmt_blis_cols *c,
    struct fmt_blis_req *r, struct jerr *e);
/* One ITL row: request id text (into the line), chunk index, time. */
int fmt_blis_itl_row(char *line, size_t len, const char **id,
    int64_t *chunk, int64_t *ts_us, struct jerr *e);

#endif
