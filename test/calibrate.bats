#!/usr/bin/env bats
# rooftrace-calibrate: the driver from a run's traces to a fitted entry.
# The demo fixture (fixtures/demo, a simulated H100 with bandwidth 0.8 x
# peak, mfuPrefill 0.40, mfuDecode 0.25, b 0.3, o 0.2) gives exact values.

setup() {
	load helpers/common
	DEMO="$FIXTURES/demo/bench-serve.json"
	M="-m llama-3.1-8b-instruct -g H100"
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
}

# Assert on standard error of the last run --separate-stderr.
use_stderr() {
	output=$stderr
	lines=("${stderr_lines[@]}")
}

# The driver's private directory is gone, whatever happened.
assert_no_leftovers() {
	run ls -A "$TMPDIR"
	assert_output ""
}

@test "demo: the fitted entry on standard output, the report on standard error" {
	run --separate-stderr rooftrace-calibrate $M "$DEMO"
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/hw.json"
	run jq -c '.H100 | del(._comment)' "$BATS_TEST_TMPDIR/hw.json"
	assert_output '{"TFlopsPeak":989.5,"TFlopsFP8":1979,"BwPeakTBs":2.682800807359827,"mfuPrefill":0.40135547439026376,"mfuDecode":0.2198351055260215,"MemoryGiB":80,"mixedBatchPenalty":0.43600083768414266,"overlapPenalty":0.1947709528344301,"BwPhysicalTBs":3.35}'
	# Every other entry as shipped.
	assert_equal "$(jq -c 'del(.H100)' "$BATS_TEST_TMPDIR/hw.json")" \
	    "$(jq -c 'del(.H100)' "$ROOT/share/hardware_config.json")"
	# Provenance names the trace, not the driver's temporary file.
	run jq -r .H100._comment "$BATS_TEST_TMPDIR/hw.json"
	assert_output --regexp '^Calibrated by fit-penalty 0\.1\.0 on [0-9T:-]+Z from 5455 measured steps of the traces bench-serve\.json \(eval records sha256 [0-9a-f]{16}\)\. Fitted: mixedBatchPenalty, overlapPenalty, mfuPrefill, mfuDecode, BwPeakTBs\. BwPeakTBs is an effective bandwidth'
	assert_no_leftovers
}

@test "demo: the report is fit-penalty --summary, with the verdict" {
	run --separate-stderr rooftrace-calibrate -q $M "$DEMO"
	assert_success
	use_stderr
	assert_line -n 0 "5455 steps fitted (5455 read, 0 excluded)"
	assert_line "bandwidth                  0.8008       0.7995       0.8022  well determined"
	assert_line "mfu_prefill                0.4014       0.3992       0.4035  well determined"
	assert_line "verdict: trustworthy for simulation: on steps the fit did not see (a random holdout of 1080 steps) the median step error is 2.1 % and the P90 4.9 % (limits 5 % and 12 %), and no parameter absorbs a misfit"
}

@test "demo: the pipeline in the man page, run by hand, writes the same entry" {
	local t="$BATS_TEST_TMPDIR"
	trace-parse -q -- "$DEMO" >"$t/parsed.ndjson"
	batchify -q --mode timestamps "$t/parsed.ndjson" >"$t/steps.ndjson"
	roofline-eval -q $M "$t/steps.ndjson" >"$t/eval.ndjson"
	fit-penalty -q -g H100 --fit b,o,mfu-prefill,mfu-decode,bandwidth \
	    --loss huber --summary --hardware-config-out "$t/hand.json" \
	    "$t/eval.ndjson" 2>/dev/null >"$t/summary"
	run rooftrace-calibrate -q $M -o "$t/drv.json" "$DEMO"
	assert_success
	assert_equal "$(jq -c '.H100 | del(._comment)' "$t/drv.json")" \
	    "$(jq -c '.H100 | del(._comment)' "$t/hand.json")"
	# And the man page does show that pipeline.
	text=$(MANWIDTH=1000 man -l "$ROOT/share/man/man1/rooftrace-calibrate.1" 2>/dev/null | col -b)
	grep -qF -- '--fit b,o,mfu-prefill,mfu-decode,bandwidth --loss huber' <<<"$text"
	grep -qF -- 'batchify --mode timestamps [scheduler options] parsed.ndjson > steps.ndjson' <<<"$text"
}

@test "-o writes the file, standard output stays empty; options after the trace" {
	run --separate-stderr rooftrace-calibrate "$DEMO" -q $M --output="$BATS_TEST_TMPDIR/hw.json"
	assert_success
	assert_output ""
	run jq .H100.BwPeakTBs "$BATS_TEST_TMPDIR/hw.json"
	assert_output 2.682800807359827
	assert_no_leftovers
}

@test "--loss ls: fit-penalty's least squares" {
	run --separate-stderr rooftrace-calibrate -q $M --loss ls "$DEMO"
	assert_success
	run jq -c '.H100 | [.BwPeakTBs, .mfuPrefill, .mfuDecode, .mixedBatchPenalty, .overlapPenalty]' <<<"$output"
	assert_output '[2.6820860159249227,0.4014263641689803,0.22421548714238604,0.46691238464300566,0.19474287634448434]'
}

@test "--requests: the requests replayed with the fitted entry, on standard error" {
	trace-parse -q "$DEMO" >"$BATS_TEST_TMPDIR/req.ndjson"
	run --separate-stderr rooftrace-calibrate -q $M \
	    --requests "$BATS_TEST_TMPDIR/req.ndjson" "$DEMO"
	assert_success
	use_stderr
	assert_line "replay of $BATS_TEST_TMPDIR/req.ndjson with the fitted entry:"
	assert_line "600 requests replayed in 5460 steps"
	# The replay's default is vLLM V1's one step of output lag; the demo
	# trace was made by a synchronous engine (batchify), so its tokens
	# come a step earlier than predicted (--output-lag 0 would match).
	assert_line "e2e      600    15.31  0.9999  P50         86280        81612     5.72"
}

@test "usage errors exit 2 with one line" {
	run rooftrace-calibrate --bogus "$DEMO"
	assert_failure 2
	assert_output "rooftrace-calibrate: unknown option '--bogus'"
	run rooftrace-calibrate -g H100 "$DEMO"
	assert_failure 2
	assert_output "rooftrace-calibrate: -m MODEL is required (see --help)"
	run rooftrace-calibrate -m llama-3.1-8b-instruct "$DEMO"
	assert_failure 2
	assert_output "rooftrace-calibrate: -g GPU is required (see --help)"
	run rooftrace-calibrate $M "$DEMO" -t
	assert_failure 2
	assert_output "rooftrace-calibrate: option '-t' needs a value"
	run rooftrace-calibrate $M --loss l2 "$DEMO"
	assert_failure 2
	assert_output "rooftrace-calibrate: --loss: unknown loss 'l2' (one of: ls, huber, cauchy)"
	run rooftrace-calibrate $M --kv-blocks 1e3 "$DEMO"
	assert_failure 2
	assert_output "rooftrace-calibrate: --kv-blocks: '1e3' is not a positive integer"
	run rooftrace-calibrate $M --tp two "$DEMO"
	assert_failure 2
	assert_output "rooftrace-calibrate: --tp: 'two' is not a positive integer"
}

@test "a failing step: its own message, then which step, exit 1, nothing left" {
	run --separate-stderr rooftrace-calibrate -q -m no-such-model -g H100 "$DEMO"
	assert_failure 1
	assert_output ""
	use_stderr
	assert_line -n 0 --partial "roofline-eval: unknown model 'no-such-model' (known: "
	assert_line -n 2 "rooftrace-calibrate: roofline-eval failed (exit 2); stopped"
	assert_no_leftovers
	# Exact steps pass through batchify untouched: 4 read, all 4 usable.
	run --separate-stderr rooftrace-calibrate -q $M "$FIXTURES/trace-parse/splitwise.csv"
	assert_failure 1
	assert_equal "$stderr" "fit-penalty: 4 usable steps (of 4 read; 0 without dur_us): too few to fit 5 parameters
rooftrace-calibrate: fit-penalty failed (exit 1); stopped"
	# Aggregate steps are expanded; the dummy iteration is left out.
	run --separate-stderr rooftrace-calibrate -q $M "$FIXTURES/trace-parse/vllm-iterations.log"
	assert_failure 1
	[[ $stderr == *"fit-penalty: 3 usable steps (of 4 read; 0 without dur_us): too few to fit 5 parameters
rooftrace-calibrate: fit-penalty failed (exit 1); stopped" ]]
	assert_no_leftovers
}

@test "traces it cannot use: unreadable, no token times, no records; -o unwritable" {
	run rooftrace-calibrate $M "$BATS_TEST_TMPDIR/absent.json"
	assert_failure 1
	assert_output "rooftrace-calibrate: $BATS_TEST_TMPDIR/absent.json: cannot read the trace"
	run rooftrace-calibrate $M --requests "$BATS_TEST_TMPDIR/absent" "$DEMO"
	assert_failure 1
	assert_output "rooftrace-calibrate: $BATS_TEST_TMPDIR/absent: cannot read the request records"
	run --separate-stderr rooftrace-calibrate -q $M "$FIXTURES/trace-parse/azure-2024.csv"
	assert_failure 1
	assert_equal "$stderr" "rooftrace-calibrate: the traces are request records without token times (itl_us): no step was measured, nothing to fit"
	printf 'nothing here\n' >"$BATS_TEST_TMPDIR/text.log"
	run --separate-stderr rooftrace-calibrate -q $M --from vllm-log "$BATS_TEST_TMPDIR/text.log"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $BATS_TEST_TMPDIR/text.log: nothing in it is a trace: no record and no line of any known format
rooftrace-calibrate: trace-parse failed (exit 1); stopped"
	printf 'INFO 03-02 10:00:00 [api_server.py:1] Avg prompt throughput: 0 tokens/s\n' >"$BATS_TEST_TMPDIR/empty.log"
	run --separate-stderr rooftrace-calibrate -q $M --from vllm-log "$BATS_TEST_TMPDIR/empty.log"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $BATS_TEST_TMPDIR/empty.log: no iteration lines in 1 line read; vLLM writes them with --enable-logging-iteration-details
trace-parse: ignored 1 log line without an iteration record
rooftrace-calibrate: the traces hold no records"
	run --separate-stderr rooftrace-calibrate -q $M -o "$BATS_TEST_TMPDIR/no/dir/hw.json" "$DEMO"
	assert_failure 1
	[[ $stderr == *"rooftrace-calibrate: $BATS_TEST_TMPDIR/no/dir/hw.json: cannot write it" ]]
	assert_no_leftovers
}

@test "h100-vllm: the real run's sampled steps calibrate the bandwidth" {
	require_shared fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json
	local d="$SHARED/fixtures/h100-vllm"
	run --separate-stderr rooftrace-calibrate -q -m codellama-34b-instruct-hf \
	    -g H100 -t 2 --max-num-seqs 128 --max-num-batched-tokens 2048 \
	    --kv-blocks 26602 --block-size 16 \
	    "$d/codellama-34b-tp2-general.step_traces.json"
	assert_success
	# The study of /tmp/calib: effective bandwidth about 0.53-0.54 of
	# peak on this run, every step memory-bound.
	run jq '.H100 | .BwPeakTBs > 1.7 and .BwPeakTBs < 1.9 and .BwPhysicalTBs == 3.35' <<<"$output"
	assert_output true
	use_stderr
	assert_line --regexp '^bandwidth +0\.5[0-9]+ +0\.5[0-9]+ +0\.5[0-9]+  well determined$'
	assert_line --partial "verdict: "
}
