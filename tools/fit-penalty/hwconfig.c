#include <stdio.h>

#include "io/err.h"
#include "io/jsonout.h"
#include "io/outfile.h"
#include "model/hardware.h"
#include "model/share.h"
#include "hwconfig.h"

cJSON *
hwconfig_load(const char *config, const char *name, char *path, size_t sz)
{
	struct hw_calib hw;
	char msg[1200];
	cJSON *doc;
	int rc;

	if (config != NULL)
		snprintf(path, sz, "%s", config);
	else
		share_path(path, sz, "hardware_config.json");
	if ((doc = hardware_read(path, msg, sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "%s", msg);
	if ((rc = hardware_entry(doc, path, name, &hw, msg, sizeof(msg))) < 0) {
		cJSON_Delete(doc);
		if (rc == -2)
			err_usage("%s", msg);
		err_die(EXIT_DATA, "%s", msg);
	}
	return doc;
}

static void
set_number(cJSON *obj, const char *key, double v)
{
	cJSON *n = cJSON_CreateNumber(v);

	if (n == NULL)
		err_die(EXIT_DATA, "out of memory");
	if (cJSON_GetObjectItemCaseSensitive(obj, key) != NULL)
		cJSON_ReplaceItemInObjectCaseSensitive(obj, key, n);
	else
		cJSON_AddItemToObject(obj, key, n);
}

/*
 * roofline-eval with this file gives the "after" predictions only when
 * neither the overhead nor the scale was fitted.
 */
void
hwconfig_write(cJSON *doc, const char *name, const char *out,
    const struct fit_par *est)
{
	cJSON *ent = cJSON_GetObjectItemCaseSensitive(doc, name);
	struct jw w;
	FILE *fp;

	set_number(ent, "mixedBatchPenalty", est->v[FIT_B]);
	set_number(ent, "overlapPenalty", est->v[FIT_O]);
	if (est->v[FIT_H] != 0 || est->v[FIT_S] != 1)
		err_warn("%s: holds the penalties only; the fitted overhead "
		    "and scale have no field in a hardware config", out);
	fp = outfile_open(out);
	jsonout_init(&w, fp);
	w.pretty = 1;
	jsonout_cjson(&w, doc);
	jsonout_endline(&w);
	jsonout_free(&w);
	outfile_close(fp);
}
