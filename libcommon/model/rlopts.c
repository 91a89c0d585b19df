#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/cli.h"
#include "io/err.h"
#include "model/hardware.h"
#include "model/hfcache.h"
#include "model/model.h"
#include "model/rlopts.h"
#include "model/share.h"

void
rlopts_init(struct rl_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tp = 1;
}

int
rlopts_take(struct rl_opts *o, int c, const char *arg)
{
	switch (c) {
	case RL_OPT_MODEL:	o->model = arg; break;
	case RL_OPT_HARDWARE:	o->hardware = arg; break;
	case RL_OPT_HWCONFIG:	o->hwconfig = arg; break;
	case RL_OPT_TP:
		o->tp = cli_opt_int("--tp", arg, 1, 4096);
		break;
	case RL_OPT_MBP:
		o->mbp = cli_opt_penalty("--mixed-batch-penalty", arg);
		o->have_mbp = 1;
		break;
	case RL_OPT_OP:
		o->op = cli_opt_penalty("--overlap-penalty", arg);
		o->have_op = 1;
		break;
	case RL_OPT_LIST_MODELS:	o->list_models = 1; break;
	case RL_OPT_LIST_HARDWARE:	o->list_hardware = 1; break;
	default:
		return 0;
	}
	return 1;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of share/models/<name>/config.json, sorted, joined by sep. */
static void
model_names(char *buf, size_t sz, const char *sep)
{
	char dir[PATH_MAX], cfg[PATH_MAX + 300], *names[512];
	struct dirent *d;
	size_t n = 0, i, off = 0;
	DIR *dp;

	buf[0] = '\0';
	share_path(dir, sizeof(dir), "models");
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL && n < 512) {
		if (d->d_name[0] == '.')
			continue;
		err_snprintf(cfg, sizeof(cfg), "%s/%s/config.json", dir, d->d_name);
		if (access(cfg, R_OK) == 0)
			names[n++] = err_strdup(d->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof(names[0]), cmp_str);
	for (i = 0; i < n; i++) {
		if (off < sz)
			off += (size_t)snprintf(buf + off, sz - off, "%s%s",
			    i ? sep : "", names[i]);
		free(names[i]);
	}
}

static void
hwconfig_path(const struct rl_opts *o, char *buf, size_t sz)
{
	if (o->hwconfig != NULL)
		err_snprintf(buf, sz, "%s", o->hwconfig);
	else
		share_path(buf, sz, "hardware_config.json");
}

/* What --list-hardware adds for a person at a terminal. */
static void
how_to_add_gpu(FILE *fp, const char *path)
{
	fprintf(fp, "\nEntries of %s.  To add a GPU, add an object to a copy "
	    "of it\n(given with --hardware-config) or to it, with:\n"
	    "  TFlopsPeak   dense BF16 TFLOPS, the vendor datasheet's figure "
	    "without\n               sparsity (H100 SXM: 989.5)\n"
	    "  TFlopsFP8    dense FP8 TFLOPS, 0 when the GPU has no FP8 "
	    "tensor cores\n"
	    "  BwPeakTBs    HBM bandwidth in TB/s, from the datasheet "
	    "(H100 SXM: 3.35)\n"
	    "  mfuPrefill, mfuDecode  fractions of TFlopsPeak reached; "
	    "start from\n               an entry of the same generation "
	    "and calibrate with fit-penalty(1)\n"
	    "  MemoryGiB    memory per GPU\n"
	    "See roofline-eval(1), HARDWARE ENTRIES.\n", path);
}

int
rlopts_list(const struct rl_opts *o, FILE *fp)
{
	char path[PATH_MAX], msg[1024], names[16384];
	cJSON *doc;

	if (o->list_models) {
		model_names(names, sizeof(names), "\n");
		if (names[0] != '\0')
			fprintf(fp, "%s\n", names);
	}
	if (o->list_hardware) {
		hwconfig_path(o, path, sizeof(path));
		if ((doc = hardware_read(path, msg, sizeof(msg))) == NULL)
			err_die(EXIT_DATA, "%s", msg);
		hardware_list(doc, fp);
		cJSON_Delete(doc);
		if (isatty(fileno(fp)))
			how_to_add_gpu(fp, path);
	}
	return o->list_models || o->list_hardware;
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static int
is_file(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static const char *
base(const char *p, char *buf, size_t sz)
{
	const char *s;
	size_t n;

	n = strlen(p);
	while (n > 1 && p[n - 1] == '/')
		n--;
	err_snprintf(buf, sz, "%.*s", (int)n, p);
	s = strrchr(buf, '/');
	return s ? s + 1 : buf;
}

/*
 * A model nothing knows, exit 2, saying where it looked: a name among the
 * shipped models; ORG/NAME also in the Hugging Face cache.
 */
static void
unknown_model(const char *arg)
{
	char known[8192], looked[4096], tmp[PATH_MAX];

	model_names(known, sizeof(known), ", ");
	if (strchr(arg, '/') == NULL)
		err_usage("unknown model '%s' (known: %s)", arg, known);
	err_warn("unknown model '%s' (known: %s)", arg, known);
	if (!hfcache_is_id(arg))
		err_usage("%s: no such file or directory", arg);
	(void)hfcache_find(arg, tmp, sizeof(tmp), looked, sizeof(looked));
	err_usage("not a file or directory either, nor in the Hugging Face "
	    "cache: looked in %s; rooftrace never downloads: fetch it with "
	    "'huggingface-cli download %s config.json', or give -m a "
	    "directory holding its config.json", looked, arg);
}

/*
 * --model is a directory holding config.json, a config file, a name
 * under share/models, or a Hugging Face model id (ORG/NAME) found in the
 * local hub cache.  The name (for quantization hints) is the model's directory name,
 * or the hub id (as BLIS applies it to the id).
 */
static void
resolve_model(const char *arg, char *path, size_t psz, char *name,
    size_t nsz)
{
	char looked[4096], tmp[PATH_MAX], dir[PATH_MAX];
	char *slash;

	if (is_dir(arg)) {
		err_snprintf(path, psz, "%s/config.json", arg);
		err_snprintf(name, nsz, "%s", base(arg, tmp, sizeof(tmp)));
		return;
	}
	if (is_file(arg)) {
		err_snprintf(path, psz, "%s", arg);
		err_snprintf(tmp, sizeof(tmp), "%s", arg);
		name[0] = '\0';
		if ((slash = strrchr(tmp, '/')) != NULL) {
			*slash = '\0';
			err_snprintf(name, nsz, "%s", base(tmp, dir,
			    sizeof(dir)));
		}
		return;
	}
	if (strchr(arg, '/') == NULL) {
		share_path(tmp, sizeof(tmp), "models");
		err_snprintf(path, psz, "%s/%s/config.json", tmp, arg);
		err_snprintf(name, nsz, "%s", arg);
		if (is_file(path))
			return;
	}
	if (strchr(arg, '/') != NULL && hfcache_is_id(arg) &&
	    hfcache_find(arg, path, psz, looked, sizeof(looked)) == 0) {
		err_snprintf(name, nsz, "%s", arg);
		return;
	}
	unknown_model(arg);
}

void
rlopts_build(const struct rl_opts *o, struct roofline *r)
{
	char path[PATH_MAX], name[PATH_MAX], msg[2048];
	struct model_config m;
	struct hw_calib hw;
	cJSON *doc;
	enum hw_status rc;

	if (o->model == NULL)
		err_usage("--model is required (see --list-models)");
	if (o->hardware == NULL)
		err_usage("--hardware is required (see --list-hardware)");
	resolve_model(o->model, path, sizeof(path), name, sizeof(name));
	if (model_load(path, name, &m, msg, sizeof(msg)) < 0)
		err_die(EXIT_DATA, "%s", msg);
	if (model_check_tp(&m, o->tp, msg, sizeof(msg)) < 0)
		err_usage("--tp %lld does not fit the model in %s: %s",
		    (long long)o->tp, path, msg);
	hwconfig_path(o, path, sizeof(path));
	if ((doc = hardware_read(path, msg, sizeof(msg))) == NULL)
		err_die(EXIT_DATA, "%s", msg);
	rc = hardware_entry(doc, path, o->hardware, &hw, msg, sizeof(msg));
	cJSON_Delete(doc);
	if (rc == HW_UNKNOWN || rc == HW_BAD_PENALTY)
		err_usage("%s", msg);
	if (rc != HW_OK)
		err_die(EXIT_DATA, "%s", msg);
	if (o->have_mbp)
		hw.mixed_batch_penalty = o->mbp;
	if (o->have_op)
		hw.overlap_penalty = o->op;
	roofline_init(r, &m, &hw, (int)o->tp);
}
