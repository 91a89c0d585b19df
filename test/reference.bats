#!/usr/bin/env bats
# roofline-eval against integers computed by BLIS's own Go code (PR #951
# head fa09485f): every case, with BLIS's configs and with share/'s own.

setup() {
	load helpers/common
	CASES="$SHARED/reference/blis-roofline-cases.jsonl"
}

# Evaluate each case with its own model/hardware/tp/penalties; print
# "kind expected got" for every case.  One jq pass reads every case's
# options and one reads every result: roofline-eval alone runs per case.
run_cases() {	# model-root hardware-config
	local line m g t b o
	jq -r '[.model, .hardware, .tp, .mixed_batch_penalty,
	    .overlap_penalty] | @tsv' "$CASES" >"$BATS_TEST_TMPDIR/options"
	while IFS=$'\t' read -r m g t b o <&5 && IFS= read -r line <&6; do
		roofline-eval --model "$1/$m" --hardware "$g" \
		    --hardware-config "$2" --tp "$t" \
		    --mixed-batch-penalty "$b" --overlap-penalty "$o" <<<"$line"
	done 5<"$BATS_TEST_TMPDIR/options" 6<"$CASES" |
	    jq -r '"\(.kind) \(.expected_us) \(.pred_us)"'
}

@test "every BLIS reference case gives BLIS's integer (BLIS configs)" {
	require_shared reference/blis-roofline-cases.jsonl
	run run_cases "$SHARED/reference/blis/model_configs" \
	    "$SHARED/reference/blis/hardware_config.json"
	assert_success
	[ "${#lines[@]}" -eq "$(wc -l <"$CASES")" ]
	run awk '$2 != $3 { bad++; print } END { print NR " cases, " bad+0 " wrong" }' <<<"$output"
	assert_output "60 cases, 0 wrong"
}

@test "every BLIS reference case gives BLIS's integer (share/ models)" {
	require_shared reference/blis-roofline-cases.jsonl
	run run_cases "$ROOT/share/models" "$ROOT/share/hardware_config.json"
	assert_success
	run awk '$2 != $3 { bad++; print } END { print NR " cases, " bad+0 " wrong" }' <<<"$output"
	assert_output "60 cases, 0 wrong"
}

@test "shipped models and hardware equal the reference on random steps" {
	require_shared reference/blis
	local m g t n=0 d="$BATS_TEST_TMPDIR" steps="$BATS_TEST_TMPDIR/steps.ndjson"
	"$ROOT/bench/gensteps" --seed 7 --count 300 >"$steps"
	mkdir "$d/ref" "$d/own"
	for m in $(roofline-eval --list-models); do
		for g in H100 A100-80 L40S; do
			for t in 1 2 8; do
				roofline-eval -m "$SHARED/reference/blis/model_configs/$m" \
				    -g "$g" -t "$t" --mixed-batch-penalty 0.37 \
				    --overlap-penalty 0.61 \
				    --hardware-config "$SHARED/reference/blis/hardware_config.json" \
				    "$steps" >"$d/ref/$m $g tp$t"
				roofline-eval -m "$m" -g "$g" -t "$t" \
				    --mixed-batch-penalty 0.37 --overlap-penalty 0.61 \
				    "$steps" >"$d/own/$m $g tp$t"
				n=$((n + 1))
			done
		done
	done
	# Byte for byte the same output, so the same pred_us, compute_us and
	# memory_us on every step of every combination.
	run diff -rq "$d/ref" "$d/own"
	assert_success
	assert_output ""
	[ "$(cat "$d"/ref/* | wc -l)" -eq $((n * 300)) ]
}

# Each case evaluated as run_cases does, printed by a jq filter.
eval_cases() {	# model-root hardware-config jq-filter
	local m g t b o line
	# One jq for the options of every case, one for every output.
	jq -rc '.model, .hardware, .tp, .mixed_batch_penalty, .overlap_penalty, .' "$CASES" |
	    while IFS= read -r m && IFS= read -r g && IFS= read -r t &&
		IFS= read -r b && IFS= read -r o && IFS= read -r line; do
		roofline-eval --model "$1/$m" --hardware "$g" \
		    --hardware-config "$2" --tp "$t" \
		    --mixed-batch-penalty "$b" --overlap-penalty "$o" <<<"$line"
	done | jq -r "$3"
}

@test "a BwPhysicalTBs in every entry leaves BLIS's integers alone (BLIS ignores it)" {
	require_shared reference/blis-roofline-cases.jsonl
	hw="$BATS_TEST_TMPDIR/hw.json"
	jq 'map_values(.BwPhysicalTBs = .BwPeakTBs * 1.25)' \
	    "$SHARED/reference/blis/hardware_config.json" >"$hw"
	[ "$(jq '[.[] | select(.BwPhysicalTBs > 0)] | length' "$hw")" -gt 1 ]
	run run_cases "$SHARED/reference/blis/model_configs" "$hw"
	assert_success
	run awk '$2 != $3 { bad++; print } END { print NR " cases, " bad+0 " wrong" }' <<<"$output"
	assert_output "60 cases, 0 wrong"
}

@test "on every reference case the floor is under the prediction and the parts make compute_us" {
	require_shared reference/blis-roofline-cases.jsonl
	run eval_cases "$SHARED/reference/blis/model_configs" \
	    "$SHARED/reference/blis/hardware_config.json" \
	    '"\(.kind) \(.floor_us < .pred_us + 1) \((.compute_us - .compute_prefill_us - .compute_decode_us | fabs) <= 1e-12 * .compute_us) \(.floor_us > 0 or .pred_us == 0)"'
	assert_success
	run awk '$2 != "true" || $3 != "true" || $4 != "true" { bad++; print } END { print NR " cases, " bad+0 " wrong" }' <<<"$output"
	assert_output "60 cases, 0 wrong"
}
