/*
 * The roofline options every model-driven program takes (--model,
 * --hardware, --hardware-config, --tp and the two penalties), and turning
 * them into a ready struct roofline.
 */
#ifndef RT_RLOPTS_H
#define RT_RLOPTS_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include "model/roofline.h"

enum {
	RL_OPT_MODEL = 'm',
	RL_OPT_HARDWARE = 'g',
	RL_OPT_TP = 't',
	RL_OPT_HWCONFIG = 0x100,
	RL_OPT_MBP,
	RL_OPT_OP,
	RL_OPT_LIST_MODELS,
	RL_OPT_LIST_HARDWARE,
	RL_OPT_NEXT		/* first code free for the program's own */
};

#define RL_LONGOPTS \
	{ "model", required_argument, NULL, RL_OPT_MODEL }, \
	{ "hardware", required_argument, NULL, RL_OPT_HARDWARE }, \
	{ "hardware-config", required_argument, NULL, RL_OPT_HWCONFIG }, \
	{ "tp", required_argument, NULL, RL_OPT_TP }, \
	{ "mixed-batch-penalty", required_argument, NULL, RL_OPT_MBP }, \
	{ "overlap-penalty", required_argument, NULL, RL_OPT_OP }, \
	{ "list-models", no_argument, NULL, RL_OPT_LIST_MODELS }, \
	{ "list-hardware", no_argument, NULL, RL_OPT_LIST_HARDWARE }

#define RL_SHORTOPTS "m:g:t:"

struct rl_opts {
	const char *model, *hardware, *hwconfig;
	int64_t	 tp;
	int	 have_mbp, have_op;
	double	 mbp, op;
	int	 list_models, list_hardware;
};

void rlopts_init(struct rl_opts *o);
/* Take option c if it is one of ours; 1 if taken, 0 if not. */
int rlopts_take(struct rl_opts *o, int c, const char *arg);
/* Act on --list-models / --list-hardware; 1 if one was given. */
int rlopts_list(const struct rl_opts *o, FILE *fp);
/*
 * Load model and hardware, apply overrides, validate.  Unknown names and
 * missing options exit 2; unreadable or invalid files exit 1.
 */
void rlopts_build(const struct rl_opts *o, struct roofline *r);

#endif
