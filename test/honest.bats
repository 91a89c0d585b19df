#!/usr/bin/env bats
# fit-penalty's numbers are honest: noise below the floor is kept, not
# censored (95 % intervals cover the truth); a field the steps do not
# inform keeps the entry's value; client TTFTs get an offset of their
# own; the model's own times are refused; a verdict is earned on steps
# the fit did not see, and not on three.

setup() {
	load helpers/common
	SCHEMA="$ROOT/schemas/fit.schema.json"
	ALL=b,o,mfu-prefill,mfu-decode,bandwidth
}

@test "floor: intervals cover the truth at the peak, 0.9x and 0.5x bandwidth and on decode-only steps" {
	# 6 sets of 250 steps each, made by BLIS's roofline (roofline-eval)
	# with 3 % noise; at the peak a fifth of the steps fall below the
	# floor.  Censoring them covered b in 3 of 6, o on decode-only steps
	# in none (doc/fit-coverage.md: the study at 50 x 1000).
	run "$ROOT/scripts/fit-coverage.sh" -B "$BIN" -n 250 -r 6
	assert_success
	# set, parameter, truth, fitted, mean estimate, intervals covering.
	assert_equal "$(printf '%s\n' "${lines[@]}" | awk -F '\t' '$2 != "status"' | wc -l)" 10
	# Every parameter fitted in all 6 sets but b where it acts on no step;
	# at least 5 of 6 of its intervals cover the truth (nominal 95 %).
	run awk -F '\t' '$2 != "status" && !($1 == "decode" && $2 == "mixed_batch_penalty") &&
	    ($4 != 6 || $6 < 5) { print "short: " $0 }' <<<"$output"
	assert_output ""
}

@test "floor: at the peak, steps just below the floor are kept and counted" {
	"$ROOT/bench/gensteps" --seed 3 --count 400 |
	    roofline-eval -m llama-3.1-8b-instruct -g H100 \
		--mixed-batch-penalty 0.27 --overlap-penalty 0.12 |
	    "$ROOT/test/helpers/fit-synth" --seed 4 --sigma 0.03 |
	    sed -E 's/^\{"dur_us":([0-9]+)\.[0-9]+/{"dur_us":\1/' |
	    roofline-eval -m llama-3.1-8b-instruct -g H100 2>/dev/null \
	    >"$BATS_TEST_TMPDIR/eval"
	below=$(grep -c '"below_floor":true' "$BATS_TEST_TMPDIR/eval")
	[ "$below" -gt 40 ]
	run sh -c "fit-penalty '$BATS_TEST_TMPDIR/eval' | jq -r '.steps |
	    [.used, .below_floor_kept, .excluded.below_floor] | @tsv'"
	assert_output "$(printf '400\t%s\t0' "$below")"
}

@test "the shared H100 run: mfuPrefill, not informed, keeps the entry's value and is not called fitted" {
	require_shared fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json
	local d="$BATS_TEST_TMPDIR"
	trace-parse "$SHARED/fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json" 2>/dev/null |
	    batchify --mode expand |
	    roofline-eval -m codellama-34b-instruct-hf -g H100 -t 2 >"$d/eval"
	cp "$ROOT/share/hardware_config.json" "$d/hw.json"
	fit-penalty -g H100 --fit $ALL --hardware-config "$d/hw.json" \
	    --hardware-config-out "$d/hw.json" "$d/eval" >"$d/fit.json"
	run jq -r '.parameters.mfu_prefill | [.fitted, .estimate,
	    .identifiability.status] | @tsv' "$d/fit.json"
	assert_output "$(printf 'false\t0.45\tnot informed')"
	run jq -r '.parameters.mfu_prefill.identifiability.reason' "$d/fit.json"
	assert_output "not informed: the fit puts it at its upper bound 1; the entry's 0.45 kept"
	run jq -r '.H100 | [.mfuPrefill, (._comment | test("Fitted:[^;]*mfuPrefill")),
	    (._comment | test("kept at the entry.s value: [^.]*mfuPrefill"))] | @tsv' "$d/hw.json"
	assert_output "$(printf '0.45\tfalse\ttrue')"
	run jq -r '.assessment | [.status, (.not_informed | join(","))] | @tsv' "$d/fit.json"
	assert_output "$(printf 'trustworthy for steps like these\tmixed_batch_penalty,mfu_prefill')"
	# The robust fit: its interval spans the whole range.
	run sh -c "fit-penalty -g H100 --fit $ALL --loss huber '$d/eval' |
	    jq -r '.parameters.mfu_prefill.identifiability.reason'"
	assert_output "not informed: its 95 % interval [0.02, 1] spans 100 % of [0.02, 1] (more than 50 %); the entry's 0.45 kept"
}

# 400 steps made with mfuPrefill 0.35, mfuDecode 0.22, bandwidth 0.6; the
# prefill-only ones timed by a client's TTFT, offset by 25 ms.
client_steps() {	# file
	"$ROOT/test/helpers/fit-synth" --generate 400 --seed 19 --mfu-prefill 0.35 \
	    --mfu-decode 0.22 --bandwidth 0.6 |
	    jq -c 'if .n_decode == 0 then .dur_us += 25000 |
		.dur_source = "client_ttft" else .dur_source = "cycle" end' >"$1"
}

@test "client TTFTs: an offset of their own, and mfuPrefill within its interval of the truth" {
	client_steps "$BATS_TEST_TMPDIR/c"
	fit-penalty -g H100 --fit $ALL "$BATS_TEST_TMPDIR/c" >"$BATS_TEST_TMPDIR/fit.json"
	run schema_check "$SCHEMA" "$BATS_TEST_TMPDIR/fit.json"
	assert_success
	run jq -r '.parameters | [.client_offset_us.fitted,
	    (.client_offset_us.ci95[0] <= 25000 and 25000 <= .client_offset_us.ci95[1]),
	    (.mfu_prefill.ci95[0] <= 0.35 and 0.35 <= .mfu_prefill.ci95[1]),
	    .mfu_prefill.identifiability.status] | @tsv' "$BATS_TEST_TMPDIR/fit.json"
	assert_output "$(printf 'true\ttrue\ttrue\twell determined')"
	run jq -r '.provenance.options.fit' "$BATS_TEST_TMPDIR/fit.json"
	assert_output "$ALL,client-offset"
	# Held at 0, the offset lands in mfuPrefill: far from the truth.
	run sh -c "fit-penalty -g H100 --fit $ALL --prior client-offset=0 '$BATS_TEST_TMPDIR/c' |
	    jq -r '.parameters.mfu_prefill | .ci95[1] < 0.3'"
	assert_output true
}

@test "dur_source roofline or step_us: the model's own time, left out and counted; refused when it is most of the steps" {
	local f="$BATS_TEST_TMPDIR/r"
	"$ROOT/test/helpers/fit-synth" --generate 40 --seed 5 |
	    jq -c 'if .step == 6 then .dur_source = "roofline" else . end' >"$f"
	run sh -c "fit-penalty '$f' | jq -c '[.steps.used, .steps.excluded.model_time]'"
	assert_success
	assert_output "[39,1]"
	jq -c '.dur_source = "step_us"' "$f" >"$f.2"
	run fit-penalty "$f.2"
	assert_failure 1
	assert_output "fit-penalty: 40 of 40 timed steps have dur_source roofline or step_us: their time is the model's own (a replay's clock), not a measurement, and fitting it would fit the model to itself (measured times come from batchify --mode timestamps or expand)"
}

@test "three steps: not enough data, no diagnosis, nothing written as fitted" {
	local d="$BATS_TEST_TMPDIR"
	"$ROOT/test/helpers/fit-synth" --generate 3 --seed 8 --bandwidth 0.7 >"$d/three"
	fit-penalty "$d/three" >"$d/fit.json"
	run jq -r '.assessment | [.status, .trustworthy, .held_out, .verdict] | @tsv' "$d/fit.json"
	assert_output "$(printf 'not enough data\tfalse\t\tnot enough data: 3 steps used (a verdict needs at least 30, some held out): nothing is known of how the entry predicts other steps')"
	run jq -r '[.diagnostics.overhead_suspected, ([.parameters[] | select(.fitted)] | length)] | @tsv' "$d/fit.json"
	assert_output "$(printf 'false\t0')"
	# The entry's bandwidth, asked for, acts on 3 steps: kept.
	cp "$ROOT/share/hardware_config.json" "$d/hw.json"
	fit-penalty -g H100 --fit bandwidth --hardware-config "$d/hw.json" \
	    --hardware-config-out "$d/hw.json" "$d/three" >"$d/fit.json"
	run jq -r '.parameters.bandwidth.identifiability.reason' "$d/fit.json"
	assert_output "not informed: only 3 steps with memory traffic (minimum 10): the entry's value kept"
	run jq -r '.H100 | [.mfuPrefill, .mfuDecode, .BwPeakTBs, (._comment | test("Fitted: nothing"))] | @tsv' "$d/hw.json"
	assert_output "$(printf '0.45\t0.3\t3.35\ttrue')"
}

@test "the verdict is earned on held-out steps: --holdout's when asked, else 5-fold, or a 20 % holdout from 1000 steps" {
	local f="$FIXTURES/fit-penalty/entry-fields.eval.ndjson"
	run sh -c "fit-penalty -g H100 --fit $ALL '$f' | jq -r '.assessment.held_out |
	    [.method, .folds, .steps, .median_ape_pct < 5] | @tsv'"
	assert_output "$(printf 'kfold\t5\t300\ttrue')"
	run sh -c "fit-penalty -g H100 --fit $ALL --holdout 0.3 '$f' | jq -r '.assessment |
	    [.held_out.method, .held_out.steps == .held_out.steps, (.verdict | test(\"random holdout of [0-9]+ steps\"))] | @tsv'"
	assert_output "$(printf 'holdout\ttrue\ttrue')"
	run sh -c "fit-penalty '$FIXTURES/fit-penalty/synthetic-h100.ndjson' | jq -r '.assessment.held_out |
	    [.method, .folds, .steps > 150 and .steps < 250] | @tsv'"
	assert_output "$(printf 'holdout\t1\ttrue')"
}

@test "--help: fits the entry, and does not recommend --fit b,o or --loss ls" {
	run fit-penalty --help
	assert_success
	assert_line --index 1 "Fit BLIS's roofline entry (mfuPrefill, mfuDecode, an effective BwPeakTBs) and"
	assert_line --partial "parameters to fit, from b, o, overhead, scale, client-offset"
	assert_line --partial "and, with -g, mfu-prefill, mfu-decode, bandwidth"
	assert_line --partial "(without --fit: b,o, the penalties, which BLIS"
	assert_line --partial "loss (default ls; huber, which rooftrace-"
	refute_output --partial "b,o (default)"
}

@test "one naming convention: every percentage in the report ends in _pct" {
	fit-penalty --kfold 3 "$FIXTURES/fit-penalty/synthetic-h100.ndjson" >"$BATS_TEST_TMPDIR/fit.json"
	run jq -r '[paths | .[-1] | strings | select(test("ape|mape|bias"))] | unique | join(" ")' "$BATS_TEST_TMPDIR/fit.json"
	assert_output "bias_pct mape_pct mean_test_mape_pct median_ape_pct p90_ape_pct p99_ape_pct"
}

@test "no steps: said so, no table of nan" {
	run fit-penalty --summary /dev/null
	assert_failure 1
	assert_line --index 0 "fit-penalty: /dev/null: no eval records"
	assert_line --index 1 "fit-penalty: no steps to fit (0 records read; 0 without dur_us)"
	refute_output --partial nan
}
