/*
 * One entry of a hardware_config.json's text edited, every other byte
 * kept: the text located with cJSON's help (it says where each key and
 * value ends and what a key decodes to; between them are only the bytes
 * it skips and JSON's punctuation), the new values spliced in, new
 * members written in the entry's own layout, and the result read back.
 */
#ifndef RT_FIT_ENTRYTEXT_H
#define RT_FIT_ENTRYTEXT_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "model/hardware.h"

/* One member to set: its key, its value's text, and what it means. */
struct entrytext_change {
	const char *key;
	char	*text;		/* made by entrytext_edit when extras */
	double	 num;
	int	 is_num;	/* a number: an equal one keeps its bytes */
	int	 done;		/* entrytext_edit's */
	const struct hw_extras *extras;	/* the rooftrace object */
};

/*
 * base[0..len) (a valid hardware config, path for messages) with entry
 * name's members set as c says; malloc'd, its length into *outlen.
 * Exits 1 on the internal error of a text cJSON does not read as it did.
 */
char *entrytext_edit(const char *path, const char *base, size_t len,
    const char *name, struct entrytext_change *c, size_t nc, size_t *outlen);

/*
 * The text written, parsed again: every entry but name as in before,
 * name's members as before but those of c, which hold c's values, and
 * the entry valid.  Exits 1 ("internal error ... nothing written") when
 * not.
 */
void entrytext_check(const char *path, const cJSON *before, const char *text,
    size_t len, const char *name, const struct entrytext_change *c,
    size_t nc);

/* v's shortest form that reads back as v. */
void entrytext_number(char *buf, size_t sz, double v);
/* v as a JSON string, malloc'd. */
char *entrytext_string(const char *v);

#endif
