/*
 * libFuzzer harness for the NDJSON step reader: line splitting, JSON
 * parsing, step validation, evaluation and re-serialisation of each line.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "model/hardware.h"
#include "io/jsonin.h"
#include "io/jsonout.h"
#include "io/linereader.h"
#include "model/model.h"
#include "model/roofline.h"
#include "records/step.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
roofline_for_tests(struct roofline *r)
{
	/* llama-3.1-8b on H100, with both penalties on. */
	static const struct model_config m = {
		.num_layers = 32, .hidden_dim = 4096, .vocab_size = 128256,
		.num_attention_heads = 32, .num_kv_heads = 8,
		.intermediate_dim = 14336, .bytes_per_param = 2,
	};
	static const struct hw_calib hw = {
		.tflops_peak = 989.5, .tflops_fp8 = 1979, .bw_peak_tbs = 3.35,
		.mfu_prefill = 0.45, .mfu_decode = 0.30, .memory_gib = 80,
		.mixed_batch_penalty = 0.3, .overlap_penalty = 0.2,
	};

	roofline_init(r, &m, &hw, 2);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct linereader lr;
	struct roofline r;
	struct roofline_result res;
	struct step s;
	struct errmsg e;
	struct jw w;
	cJSON *rec;
	FILE *in, *out;
	size_t len;
	char *line;

	if ((in = fmemopen((void *)data, size, "r")) == NULL)
		return 0;
	if ((out = fopen("/dev/null", "w")) == NULL) {
		fclose(in);
		return 0;
	}
	roofline_for_tests(&r);
	linereader_init(&lr, in, "fuzz");
	step_init(&s);
	jsonout_init(&w, out);
	while ((line = linereader_next(&lr, &len)) != NULL) {
		if ((rec = jsonin_parse_line(line, len, &e)) == NULL)
			continue;
		if (step_from_json(rec, &s, &e) == 0 &&
		    step_prefill_tokens(&s) >= 0) {
			roofline_eval(&r, &s, &res);
			jsonout_cjson(&w, rec);
			jsonout_endline(&w);
		}
		cJSON_Delete(rec);
	}
	jsonout_free(&w);
	step_free(&s);
	linereader_close(&lr);
	fclose(in);
	fclose(out);
	return 0;
}
