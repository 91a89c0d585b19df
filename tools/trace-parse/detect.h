/*
 * trace-parse's formats: their names for --from and --list-formats, and
 * detection from the first non-blank line of the input.
 */
#ifndef RT_TP_DETECT_H
#define RT_TP_DETECT_H

#include <stddef.h>

enum tp_format {
	TP_VLLM_LOG, TP_BENCH_SERVE, TP_OTEL, TP_AZURE, TP_MOONCAKE,
	TP_BURSTGPT, TP_SPLITWISE, TP_BLIS, TP_STEPTRACE, TP_NFORMATS,
	TP_UNKNOWN = -1,	/* nothing we know */
	TP_JSON_DOC = -2,	/* a JSON document: decide on its keys */
	TP_BLIS_ITL = -3	/* a BLIS ITL CSV: it only joins a trace */
};

struct tp_format_info {
	const char *name;
	const char *record;	/* "request" or "step" */
	const char *what;
};

extern const struct tp_format_info tp_formats[TP_NFORMATS];

/* The format called name, or TP_UNKNOWN. */
int tp_format_by_name(const char *name);
/* "vllm-log, bench-serve, ...": for the usage message. */
const char *tp_format_names(void);
/* Guess from the first non-blank line (NUL-terminated). */
int tp_detect_line(const char *line);

#endif
