#include <string.h>

#include "readers/azure.h"
#include "readers/blis.h"
#include "readers/burstgpt.h"
#include "readers/splitwise.h"
#include "csvsplit.h"
#include "detect.h"

const struct tp_format_info tp_formats[TP_NFORMATS] = {
	{ "vllm-log", "step",
	    "vLLM iteration log (--enable-logging-iteration-details)" },
	{ "bench-serve", "request",
	    "vllm bench serve --save-detailed result JSON" },
	{ "otel", "request", "OpenTelemetry OTLP JSON export of vLLM spans" },
	{ "azure", "request", "Azure LLM inference trace CSV (2023, 2024)" },
	{ "mooncake", "request", "Mooncake trace JSONL" },
	{ "burstgpt", "request", "BurstGPT request log CSV" },
	{ "splitwise", "step",
	    "SplitwiseSim measured performance database CSV" },
	{ "blis", "request",
	    "BLIS trace v2: header YAML, request CSV (--itl joins ITL CSV)" },
	{ "vllm-steps", "step",
	    "vLLM fork step traces (--step-tracing-enabled), OTLP JSON" },
};

int
tp_format_by_name(const char *name)
{
	int i;

	for (i = 0; i < TP_NFORMATS; i++)
		if (strcmp(tp_formats[i].name, name) == 0)
			return i;
	return TP_UNKNOWN;
}

const char *
tp_format_names(void)
{
	return "vllm-log, bench-serve, otel, azure, mooncake, burstgpt, "
	    "splitwise, blis, vllm-steps";
}

/* A header-looking line: commas and no blanks around them. */
static int
looks_like_csv_header(const char *line)
{
	return strchr(line, ',') != NULL && strstr(line, ", ") == NULL &&
	    strchr(line, '[') == NULL;
}

int
tp_detect_line(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	if (tp_csv_is_header(line, fmt_azure_columns))
		return TP_AZURE;
	if (tp_csv_is_header(line, fmt_splitwise_columns))
		return TP_SPLITWISE;
	if (tp_csv_is_header(line, fmt_burstgpt_columns))
		return TP_BURSTGPT;
	if (tp_csv_is_header(line, fmt_blis_itl_columns))
		return TP_BLIS_ITL;
	if (fmt_blis_is_data_header(line) ||
	    strncmp(line, "trace_version:", 14) == 0)
		return TP_BLIS;
	if (*line == '{') {
		/* One line of a stream, or the start of a document. */
		if (strstr(line, "\"vllm.scheduler.step\"") != NULL ||
		    strstr(line, "\"step.BATCH_SUMMARY\"") != NULL)
			return TP_STEPTRACE;
		if (strstr(line, "\"resourceSpans\"") != NULL)
			return TP_OTEL;
		if (strstr(line, "\"input_length\"") != NULL)
			return TP_MOONCAKE;
		return TP_JSON_DOC;
	}
	if (strstr(line, "Iteration(") != NULL)
		return TP_VLLM_LOG;
	if (*line == '[' || looks_like_csv_header(line))
		return TP_UNKNOWN;
	/* Ordinary log text before the first iteration line. */
	return TP_VLLM_LOG;
}
