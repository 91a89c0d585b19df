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
#ifndef RT_BLIS_H
#define RT_BLIS_H

#include <stddef.h>
#include <stdint.h>

#include "io/input.h"
#include "io/errmsg.h"
#include "csvrow.h"
#include "readers/readers.h"

extern const struct reader blis_reader;

extern const char *const blis_itl_columns[];

struct blis_header {
	int64_t	 version;	/* -1 until seen */
	int	 in_server;	/* inside the "server:" block */
	char	 model[256];	/* server.model, "" when absent */
	int	 have_unit;
};

/* Feed the header one line at a time; 0, or -1 with e set. */
void blis_header_init(struct blis_header *h);
int blis_header_line(struct blis_header *h, const char *line,
    struct errmsg *e);
/* After the last line: is everything we need there? */
int blis_header_end(const struct blis_header *h, struct errmsg *e);

enum { BC_ID, BC_IN, BC_OUT, BC_ARRIVAL, BC_SEND, BC_FIRST, BC_LAST,
    BC_STATUS, BC_ERRMSG, BC_MODEL, BC_N };

struct blis_cols {
	int	 at[BC_N];	/* column index, -1 when absent */
	size_t	 n;		/* columns in the header */
};

struct blis_req {
	const char *id, *status, *error_message, *model;  /* into the row */
	int64_t	 input_tokens, output_tokens, arrival_us;
	int64_t	 send_us, first_us, last_us;	/* -1 when absent or 0 */
};

/* Is this the first line of a trace v2 data CSV? */
int blis_is_data_header(const char *line);
/* Map the header row; 0, or -1 when a column we need is missing. */
int blis_columns(const struct csvrow *row, struct blis_cols *c,
    struct errmsg *e);
/* One request row; 0, or -1 with e set. */
int blis_row(const struct csvrow *row, const struct blis_cols *c,
    struct blis_req *r, struct errmsg *e);
/* One ITL row, split as blis_itl_columns: id (into the row), chunk, time. */
int blis_itl_row(const struct csvrow *row, const char **id, int64_t *chunk,
    int64_t *ts_us, struct errmsg *e);
/*
 * --itl FILE: every chunk time, by request, before any trace is read; its
 * bad rows count with the run's (in), its header is fatal.
 */
void blis_load_itl(struct input *in, const char *path);

#endif
