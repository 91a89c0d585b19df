#include <stdio.h>
#include <string.h>

#include "readers/azure.h"
#include "readers/benchserve.h"
#include "readers/blis.h"
#include "readers/burstgpt.h"
#include "readers/dynamofpm.h"
#include "readers/mooncake.h"
#include "readers/otel.h"
#include "readers/readers.h"
#include "readers/splitwise.h"
#include "readers/steptrace.h"
#include "readers/trtllm.h"
#include "readers/vllmlog.h"

/* --list-formats' order, and detection's (the first sure reader wins). */
const struct reader *const readers[] = {
	&vllmlog_reader, &benchserve_reader, &steptrace_reader, &otel_reader,
	&dynamofpm_reader, &trtllm_reader,
	&azure_reader, &mooncake_reader, &burstgpt_reader, &splitwise_reader,
	&blis_reader
};
const size_t readers_n = sizeof(readers) / sizeof(readers[0]);

const struct reader *
readers_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < readers_n; i++)
		if (strcmp(readers[i]->name, name) == 0)
			return readers[i];
	return NULL;
}

const char *
readers_names(void)
{
	static char buf[512];
	size_t i;

	if (buf[0] == '\0')
		for (i = 0; i < readers_n; i++) {
			if (i > 0)
				strncat(buf, ", ", sizeof(buf) - strlen(buf) - 1);
			strncat(buf, readers[i]->name,
			    sizeof(buf) - strlen(buf) - 1);
		}
	return buf;
}

const struct reader *
readers_detect(const char *line, enum reader_detect *how)
{
	const struct reader *fallback = NULL;
	enum reader_detect d;
	size_t i;

	while (*line == ' ' || *line == '\t')
		line++;
	for (i = 0; i < readers_n; i++) {
		d = readers[i]->detect != NULL ? readers[i]->detect(line) :
		    DETECT_NO;
		if (d == DETECT_YES || d == DETECT_REFUSE) {
			*how = d;
			return readers[i];
		}
		if (d == DETECT_FALLBACK && fallback == NULL)
			fallback = readers[i];
	}
	*how = DETECT_FALLBACK;
	return fallback;
}

const struct reader *
readers_claim(const cJSON *doc)
{
	size_t i;

	for (i = 0; i < readers_n; i++)
		if (readers[i]->claim != NULL && readers[i]->claim(doc))
			return readers[i];
	return NULL;
}

const struct reader *
readers_for_doc(const cJSON *doc)
{
	const struct reader *rd;
	size_t i;

	if ((rd = readers_claim(doc)) != NULL)
		return rd;
	for (i = 0; i < readers_n; i++)
		if (readers[i]->doc_key != NULL &&
		    jsonin_field(doc, readers[i]->doc_key) != NULL)
			return readers[i];
	return NULL;
}

const char *
readers_doc_keys(void)
{
	static char buf[512];
	size_t i, n = 0, k = 0;
	char one[128];

	if (buf[0] != '\0')
		return buf;
	for (i = 0; i < readers_n; i++)
		n += readers[i]->doc_key != NULL;
	for (i = 0; i < readers_n; i++) {
		if (readers[i]->doc_key == NULL)
			continue;
		snprintf(one, sizeof(one), "%s%s (%s)", k == 0 ? "" :
		    k + 1 == n ? " nor " : ", ", readers[i]->doc_key,
		    readers[i]->name);
		strncat(buf, one, sizeof(buf) - strlen(buf) - 1);
		k++;
	}
	return buf;
}

/* A logging level as a word, as Python's logging (vLLM's) writes it. */
static int
log_line(const char *line)
{
	static const char *const levels[] = { "DEBUG ", "INFO ", "WARNING ",
	    "ERROR ", "CRITICAL " };
	const char *p;
	size_t i;

	for (i = 0; i < sizeof(levels) / sizeof(levels[0]); i++)
		for (p = line; (p = strstr(p, levels[i])) != NULL; p++)
			if (p == line || p[-1] == ' ' || p[-1] == ')')
				return 1;
	return 0;
}

int
readers_known_line(const char *line)
{
	enum reader_detect how;

	return log_line(line) || (readers_detect(line, &how) != NULL &&
	    how != DETECT_FALLBACK);
}

enum reader_mode
readers_jsonl_or_doc(const char *first, size_t len)
{
	struct errmsg e;
	cJSON *doc;

	if ((doc = jsonin_parse_line(first, len, &e)) == NULL)
		return READ_DOC;
	cJSON_Delete(doc);
	return READ_LINES;
}
