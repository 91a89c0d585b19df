/*
 * libFuzzer harness for fit-penalty's entry editor (hwconfig.c): any
 * valid hardware config, its first entry edited (a penalty, a string,
 * the rooftrace object), must be written: the editor parses what it
 * wrote and compares it with what was meant, and exits on any
 * difference, which libFuzzer reports.  Bytes that are not a valid
 * config are left alone (the programs refuse them before any edit).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hwconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The first entry's name, when it is valid and its rooftrace reads. */
static char *
editable(const uint8_t *data, size_t size)
{
	struct hw_extras x;
	struct hw_calib hw;
	char msg[1200], *name = NULL;
	cJSON *doc;
	int amb;

	if ((doc = hardware_parse((const char *)data, size, "fuzz", msg,
	    sizeof(msg))) == NULL)
		return NULL;
	if (doc->child != NULL && hardware_entry(doc, "fuzz",
	    doc->child->string, &hw, msg, sizeof(msg)) == HW_OK &&
	    hardware_extras(doc, "fuzz", doc->child->string, &x, msg,
	    sizeof(msg)) >= 0 &&
	    hardware_find(doc, doc->child->string, &amb) == doc->child)
		name = strdup(doc->child->string);
	cJSON_Delete(doc);
	return name;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[] = "/tmp/fuzz-hwconfig.XXXXXX";
	static int fd = -1;
	struct hwconfig_edits ed;
	struct hw_extras x = { 0 };
	struct hw_calib hw;
	char p[4096], *name;
	double bw;
	cJSON *doc;
	FILE *fp;

	if ((name = editable(data, size)) == NULL)
		return 0;
	if (fd < 0 && (fd = mkstemp(path)) < 0)
		abort();
	if ((fp = fopen(path, "w")) == NULL ||
	    fwrite(data, 1, size, fp) != size || fclose(fp) != 0)
		abort();
	doc = hwconfig_load(path, name, p, sizeof(p), &hw, &bw);
	hwconfig_edits_init(&ed);
	hwconfig_edit_num(&ed, "mixedBatchPenalty", 0.25);
	hwconfig_edit_str(&ed, "_comment", "fuzz \"edit\" \\ \xc3\xa9");
	x.alpha0_us = 1500;
	x.prefix_hit_fraction = 0.5;
	snprintf(x.provenance, sizeof(x.provenance), "fuzz");
	x.have = HWX_ALPHA0 | HWX_PREFIX_HIT | HWX_PROVENANCE;
	hwconfig_edit_extras(&ed, &x);
	hwconfig_apply(p, name, "/dev/null", &ed);
	hwconfig_edits_free(&ed);
	cJSON_Delete(doc);
	free(name);
	unlink(path);	/* made again by the next input */
	return 0;
}
