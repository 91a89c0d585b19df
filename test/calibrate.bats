#!/usr/bin/env bats
# rooftrace-calibrate: the driver from a run's traces to a fitted entry.
# The demo fixture (fixtures/demo, a simulated H100 with bandwidth 0.8 x
# peak, mfuPrefill 0.40, mfuDecode 0.25, b 0.3, o 0.2) gives exact values.
# Its engine (batchify's replay) is synchronous: a token reaches the client
# at the end of its own step, so the replay's output lag is 0 (LAG).
# The driver's care (output, signals, early checks, the held-out verdict)
# is in driver.bats.

# The demo calibrated once for the file (a few seconds): the first test
# checks that run, the second compares the pipeline by hand with it.
setup_file() {
	load helpers/common
	local d="$BATS_FILE_TMPDIR/demo"
	mkdir -p "$d/tmp"
	TMPDIR="$d/tmp" rooftrace-calibrate -q --strict -m llama-3.1-8b-instruct \
	    -g H100 --output-lag 0 "$FIXTURES/demo/bench-serve.json" \
	    >"$d/out" 2>"$d/err"
	echo $? >"$d/rc"
}

# The demo run of setup_file, as run --separate-stderr would give it.
demo_run() {
	local d="$BATS_FILE_TMPDIR/demo"
	cat "$d/out"
	cat "$d/err" >&2
	return "$(cat "$d/rc")"
}

setup() {
	load helpers/common
	DEMO="$FIXTURES/demo/bench-serve.json"
	M="-m llama-3.1-8b-instruct -g H100"
	LAG="--output-lag 0"
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
}

@test "demo: the entry fitted on the first 75 % on standard output; the report, held-out errors and verdict on standard error" {
	# Earned both ways: --strict exits 0.
	run --separate-stderr demo_run
	assert_success
	echo "$output" >"$BATS_TEST_TMPDIR/hw.json"
	# The request fit (this fit-penalty takes --requests): the entry, with
	# what the latencies do not inform at the entry's value, and the
	# request overheads beside it.
	run jq -c '.H100 | del(._comment)' "$BATS_TEST_TMPDIR/hw.json"
	assert_output '{"TFlopsPeak":989.5,"TFlopsFP8":1979,"BwPeakTBs":2.6769699997316714,"mfuPrefill":0.3961952953621002,"mfuDecode":0.3,"MemoryGiB":80,"mixedBatchPenalty":0,"overlapPenalty":0.20654247674044443,"BwPhysicalTBs":3.35,"rooftrace":{"alpha0_us":102.10135927070239,"alpha1_us_per_token":0.9704275024564518,"alpha2_us":21.952810114913753,"post_decode_us":29.021431844152332,"output_lag_steps":0,"prefix_hit_fraction":0.03798845500342421,"provenance":"fit-penalty --requests: 450 requests of the trace bench-serve.json and 4080 measured steps; the hit fraction fitted"}}'
	# Every other entry as shipped.
	assert_equal "$(jq -c 'del(.H100)' "$BATS_TEST_TMPDIR/hw.json")" \
	    "$(jq -c 'del(.H100)' "$ROOT/share/hardware_config.json")"
	# Provenance as fit-penalty writes it: never a temporary path.
	run jq -r .H100._comment "$BATS_TEST_TMPDIR/hw.json"
	assert_output --regexp '^Calibrated by fit-penalty 0\.1\.0 on [0-9T:-]+Z from 450 request latencies of the trace bench-serve\.json and 4080 measured steps\. Fitted: overlapPenalty, mfuPrefill, BwPeakTBs\. Kept at the entry.s value: mixedBatchPenalty, mfuDecode\. The request overheads, the output lag and the prefix-cache hit fraction are in "rooftrace", which BLIS ignores \(its trained-physics backend takes the overheads as --alpha-coeffs\)\.$'
	refute_output --partial "$BATS_FILE_TMPDIR/demo/tmp"
	use_stderr
	assert_line -n 0 --regexp "^$DEMO: [a-z-]+, token-times: 600 requests, 600 with latencies \(ttft_us, e2e_us, itl_us\)$"
	assert_line -n 1 "450 requests fitted, 0 held out (450 read, 0 failed, 0 without output); 4080 steps fitted"
	assert_line "bandwidth                    0.7991       0.7981       0.8001  well determined"
	assert_line "held out: the last 25 % in time (steps by ts_us, requests by arrival_us)"
	assert_line "held-out steps: 1364 of 5455 timed: median error 2.0 %, P90 4.9 % (the starting entry: 21.0 %, 24.1 %; limits 5 %, 12 %)"
	assert_line "held-out requests: 150 of 600: median |TTFT err| 12.7 %, |E2E err| 1.5 %, |ITL err| 0.5 %; TTFT P99 predicted/measured 1.00 (limits |E2E err| 10 %, |TTFT err| 20 %)"
	assert_line -n $((${#lines[@]} - 1)) "held-out verdict: trustworthy for step times; trustworthy for request latencies"
	refute_output --partial "$BATS_FILE_TMPDIR/demo/tmp"
	run ls -A "$BATS_FILE_TMPDIR/demo/tmp"
	assert_output ""
}

@test "demo: the pipeline in the man page, run by hand, writes the same entry" {
	local t="$BATS_TEST_TMPDIR" cut rcut
	trace-parse -q -- "$DEMO" >"$t/parsed.ndjson"
	batchify -q --mode timestamps "$t/parsed.ndjson" >"$t/steps.ndjson"
	# The last quarter of the timed steps, by ts_us, held out.
	cut=$(jq -s '[.[] | select(.dur_us != null and .dur_us > 0 and .dummy != true) | .ts_us] | sort | .[length - ((length * 0.25 + 0.5) | floor)]' "$t/steps.ndjson")
	jq -c "select(.ts_us < $cut)" "$t/steps.ndjson" >"$t/first.ndjson"
	# And of the requests, by arrival_us.
	rcut=$(jq -s '[.[] | .arrival_us] | sort | .[length - ((length * 0.25 + 0.5) | floor)]' "$t/parsed.ndjson")
	jq -c "select(.arrival_us < $rcut)" "$t/parsed.ndjson" >"$t/first-req.ndjson"
	roofline-eval -q $M "$t/first.ndjson" >"$t/eval.ndjson"
	fit-penalty -q $M -t 1 --requests "$t/first-req.ndjson" $LAG \
	    --loss huber --source-name "the trace bench-serve.json" \
	    --summary --hardware-config-out "$t/hand.json" - \
	    <"$t/eval.ndjson" 2>/dev/null >"$t/summary"
	# The driver's entry: the demo run of setup_file.
	assert_equal "$(jq -c '.H100 | del(._comment)' "$BATS_FILE_TMPDIR/demo/out")" \
	    "$(jq -c '.H100 | del(._comment)' "$t/hand.json")"
	# And the man page does show that pipeline.
	text=$(MANWIDTH=1000 man -l "$ROOT/share/man/man1/rooftrace-calibrate.1" 2>/dev/null | col -b)
	grep -qF -- '--fit b,o,mfu-prefill,mfu-decode,bandwidth --loss huber' <<<"$text"
	grep -qF -- 'batchify --mode timestamps [scheduler options] < records > steps' <<<"$text"
	grep -qF -- '--requests first-requests [scheduler options] [replay options]' <<<"$text"
}

@test "-o writes the file, standard output stays empty; options after the trace; --loss ls" {
	run --separate-stderr rooftrace-calibrate "$DEMO" -q $M $LAG --loss ls --output="$BATS_TEST_TMPDIR/hw.json"
	assert_success
	assert_output ""
	run jq -c '.H100 | [.BwPeakTBs, .mfuPrefill, .mfuDecode, .mixedBatchPenalty, .overlapPenalty]' "$BATS_TEST_TMPDIR/hw.json"
	assert_output '[2.6776717807856736,0.39896846911665523,0.3,0,0.21303663110633342]'
	assert_no_leftovers
}

@test "--requests: any format trace-parse reads, replayed with the fitted entry, the last quarter scored" {
	trace-parse -q "$DEMO" >"$BATS_TEST_TMPDIR/req.ndjson"
	run --separate-stderr rooftrace-calibrate -q $M $LAG \
	    --requests "$BATS_TEST_TMPDIR/req.ndjson" "$DEMO"
	assert_success
	use_stderr
	assert_line -n 1 "$BATS_TEST_TMPDIR/req.ndjson: rooftrace records, token-times: 600 requests, 600 with latencies (ttft_us, e2e_us, itl_us)"
	assert_line "held-out requests: 150 of 600: median |TTFT err| 12.7 %, |E2E err| 1.5 %, |ITL err| 0.5 %; TTFT P99 predicted/measured 1.00 (limits |E2E err| 10 %, |TTFT err| 20 %)"
	# A raw trace is parsed first: the same requests, the same scores.
	run --separate-stderr rooftrace-calibrate -q $M $LAG --requests "$DEMO" "$DEMO"
	assert_success
	use_stderr
	assert_line -n 1 --regexp "^$DEMO: [a-z-]+, token-times: 600 requests, 600 with latencies \(ttft_us, e2e_us, itl_us\)$"
	assert_line "held-out requests: 150 of 600: median |TTFT err| 12.7 %, |E2E err| 1.5 %, |ITL err| 0.5 %; TTFT P99 predicted/measured 1.00 (limits |E2E err| 10 %, |TTFT err| 20 %)"
	assert_no_leftovers
}

@test "usage errors exit 2 with the message, before any stage" {
	run rooftrace-calibrate --bogus "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: unknown option '--bogus'"
	run rooftrace-calibrate -g H100 "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: -m MODEL is required (see --help)"
	run rooftrace-calibrate -m llama-3.1-8b-instruct "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: -g GPU is required (see --help)"
	run rooftrace-calibrate $M "$DEMO" -t
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: option '-t' needs a value"
	run rooftrace-calibrate $M --loss l2 "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: --loss: unknown loss 'l2' (one of: ls, huber, cauchy)"
	run rooftrace-calibrate $M --kv-blocks 1e3 "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: --kv-blocks: must be a whole number from 1 to 1099511627776, got '1e3'"
	run rooftrace-calibrate $M --tp two "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: --tp: must be a whole number from 1 to 4096, got 'two'"
	run rooftrace-calibrate $M --holdout 1 "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: --holdout: must be a fraction from 0 to 0.9, got '1'"
	run rooftrace-calibrate $M --limits 5,12,10 "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: --limits: must be four numbers above 0, S,P,E,T, got '5,12,10'"
	run rooftrace-calibrate -m no-such-model -g H100 "$DEMO"
	assert_failure 2
	assert_line -n 0 --partial "rooftrace-calibrate: unknown model 'no-such-model' (known: "
	assert_no_leftovers
}

@test "a failing stage: its own message, then which stage, exit 1, nothing left" {
	# Exact steps (no time: the last quarter in file order held out).
	run --separate-stderr rooftrace-calibrate -q $M "$FIXTURES/trace-parse/splitwise.csv"
	assert_failure 1
	assert_equal "$stderr" "$FIXTURES/trace-parse/splitwise.csv: splitwise, steps: 4 steps, 4 timed (dur_source: no dur_source 4)
fit-penalty: 3 usable steps (of 3 read; 0 without dur_us): too few to fit 5 parameters
rooftrace-calibrate: fit-penalty failed (exit 1); stopped"
	# Aggregate steps are expanded; the dummy iteration is left out.
	run --separate-stderr rooftrace-calibrate -q $M "$FIXTURES/trace-parse/vllm-iterations.log"
	assert_failure 1
	[[ $stderr == *"vllm-iterations.log: vllm-log, aggregate-steps: 4 steps, 3 timed (dur_source: engine_wait 3)
fit-penalty: 2 usable steps (of 3 read; 0 without dur_us): too few to fit 5 parameters
rooftrace-calibrate: fit-penalty failed (exit 1); stopped" ]]
	assert_no_leftovers
}

@test "traces it cannot use: unreadable, no latencies, no records; -o unwritable before any stage" {
	run rooftrace-calibrate $M "$BATS_TEST_TMPDIR/absent.json"
	assert_failure 1
	assert_output "rooftrace-calibrate: $BATS_TEST_TMPDIR/absent.json: cannot read the trace: No such file or directory"
	run rooftrace-calibrate $M --requests "$BATS_TEST_TMPDIR/absent" "$DEMO"
	assert_failure 1
	assert_output "rooftrace-calibrate: $BATS_TEST_TMPDIR/absent: cannot read the request records: No such file or directory"
	run --separate-stderr rooftrace-calibrate -q $M "$FIXTURES/trace-parse/azure-2024.csv"
	assert_failure 1
	assert_equal "$stderr" "$FIXTURES/trace-parse/azure-2024.csv: azure, requests: 4 requests, none with a latency, 1 with 0 output tokens
rooftrace-calibrate: the traces are request records without measured latencies or token times: no step was measured, nothing to fit"
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
$BATS_TEST_TMPDIR/empty.log: vllm-log: no records
rooftrace-calibrate: the traces hold no records"
	run --separate-stderr rooftrace-calibrate -q $M -o "$BATS_TEST_TMPDIR/no/dir/hw.json" "$DEMO"
	assert_failure 1
	assert_equal "$stderr" "rooftrace-calibrate: $BATS_TEST_TMPDIR/no/dir/hw.json: No such file or directory"
	assert_no_leftovers
}

@test "h100-vllm: the real run's sampled steps calibrate the bandwidth, the held-out steps earn it" {
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
	assert_line --regexp '^held-out steps: 179 of 716 timed: median error 1\.[0-9] %, P90 [0-9.]+ % \(the starting entry: 4[0-9.]+ %'
	assert_line "held-out verdict: trustworthy for step times; request latencies not tested (no request with a measured latency)"
}

@test "h100-vllm, its first 3700 records: a penalty no step can see drifts, the huber fit ends all the same" {
	require_shared fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json
	head -n 37 "$SHARED/fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json" \
	    >"$BATS_TEST_TMPDIR/first.json"
	# No compute-bound mixed step: mixedBatchPenalty moves the cost by
	# nothing and the solver lets it wander within its tolerance.
	run --separate-stderr rooftrace-calibrate -q -m codellama-34b-instruct-hf \
	    -g H100 -t 2 -o "$BATS_TEST_TMPDIR/hw.json" "$BATS_TEST_TMPDIR/first.json"
	assert_success
	use_stderr
	assert_line --regexp '^mixed_batch_penalty +0 +- +- +not identifiable$'
	assert_line "bandwidth                  0.5376       0.5307       0.5445  well determined"
	assert_line "held-out steps: 93 of 372 timed: median error 1.0 %, P90 3.6 % (the starting entry: 46.0 %, 47.0 %; limits 5 %, 12 %)"
	run jq .H100.mixedBatchPenalty "$BATS_TEST_TMPDIR/hw.json"
	assert_output 0
}
