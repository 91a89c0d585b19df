#!/usr/bin/env bats
# rooftrace-calibrate's care: checks before any stage, -o as every program
# writes, signals passed on to the stage, the held-out verdict both ways
# and --strict's exit status, what each source told.  Small inputs: the
# first 100 requests of the demo (about 1.3 s a calibration with the
# request fit, 0.4 s on its steps alone).

setup_file() {
	load helpers/common
	local d="$BATS_FILE_TMPDIR"
	trace-parse -q "$FIXTURES/demo/bench-serve.json" | head -100 >"$d/small.ndjson"
	batchify -q --mode timestamps "$d/small.ndjson" >"$d/steps.ndjson"
	# The same steps, the held-out quarter half again as slow.
	local cut
	cut=$(jq -s '[.[] | select(.dur_us != null) | .ts_us] | sort | .[length - ((length * 0.25 + 0.5) | floor)]' "$d/steps.ndjson")
	jq -c "if .ts_us >= $cut and .dur_us != null then .dur_us = (.dur_us * 1.5 | floor) else . end" \
	    "$d/steps.ndjson" >"$d/slower.ndjson"
	# A driver beside a trace-parse that says it ran (and, with
	# FAKE_SLEEP, waits) and the real other stages.
	mkdir -p "$d/fake"
	cp "$BIN/rooftrace-calibrate" "$d/fake/"
	for p in batchify roofline-eval fit-penalty trace-replay; do
		ln -s "$BIN/$p" "$d/fake/$p"
	done
	cat >"$d/fake/trace-parse" <<EOF
#!/bin/sh
case \$1 in --help) exec "$BIN/trace-parse" --help ;; esac
echo "\$\$" >>"$d/fake/ran"
[ -n "\${FAKE_SLEEP:-}" ] && exec sleep "\$FAKE_SLEEP"
exec "$BIN/trace-parse" "\$@"
EOF
	chmod 755 "$d/fake/trace-parse"
}

setup() {
	load helpers/common
	SMALL="$BATS_FILE_TMPDIR/small.ndjson"
	# Its steps alone: a calibration without the request fit, for the
	# tests of -o (about 0.4 s, against 1.3 s with the requests).
	STEPS="$BATS_FILE_TMPDIR/steps.ndjson"
	DEMO="$FIXTURES/demo/bench-serve.json"
	FAKE="$BATS_FILE_TMPDIR/fake"
	M="-m llama-3.1-8b-instruct -g H100"
	# The demo's engine is synchronous: a token reaches the client at the
	# end of its own step.
	LAG="--output-lag 0"
	export TMPDIR="$BATS_TEST_TMPDIR/tmp"
	mkdir -p "$TMPDIR"
	rm -f "$FAKE/ran"
}

# No stage ran: the fake trace-parse wrote nothing.
assert_no_stage() {
	assert_file_not_exists "$FAKE/ran"
}

@test "-g B200, --tp 0, a bad replay value: exit 2 before any stage runs" {
	export ROOFTRACE_SHARE="$ROOT/share"
	run "$FAKE/rooftrace-calibrate" -m llama-3.1-8b-instruct -g B200 "$DEMO"
	assert_failure 2
	assert_output "rooftrace-calibrate: unknown hardware 'B200' in $ROOT/share/hardware_config.json (known: A100-80, A100-SXM, H100, H200, L40S)
Try 'rooftrace-calibrate --help' for more information."
	assert_no_stage
	run "$FAKE/rooftrace-calibrate" $M --tp 0 "$DEMO"
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: --tp: must be a whole number from 1 to 4096, got '0'"
	assert_no_stage
	# Replay options: trace-replay checks its own values, on no request.
	run "$FAKE/rooftrace-calibrate" $M --network-rtt-us -5 "$DEMO"
	assert_failure 2
	assert_line -n 0 "trace-replay: --network-rtt-us: must be a whole number from 0 to 1099511627776, got '-5'"
	assert_no_stage
	run "$FAKE/rooftrace-calibrate" $M $LAG "$SMALL"
	if "$BIN/trace-replay" --help | grep -q -- '--output-lag'; then
		assert_success
	else
		assert_failure 2
		assert_line -n 0 "rooftrace-calibrate: --output-lag: this trace-replay ($FAKE/trace-replay) does not take it"
		assert_no_stage
	fi
}

@test "-o onto an input is refused, by name or through a link, the input untouched" {
	local sum
	sum=$(cksum <"$SMALL")
	run rooftrace-calibrate $M -o "$SMALL" "$SMALL"
	assert_failure 2
	assert_output "rooftrace-calibrate: $SMALL: is also an input; not replaced"
	ln -s "$SMALL" "$BATS_TEST_TMPDIR/link.json"
	run rooftrace-calibrate $M -o "$BATS_TEST_TMPDIR/link.json" "$DEMO" --requests "$SMALL"
	assert_failure 2
	assert_output "rooftrace-calibrate: $BATS_TEST_TMPDIR/link.json: is the same file as the input $SMALL; not replaced"
	assert_equal "$(cksum <"$SMALL")" "$sum"
	# The starting hardware config is the one input -o may replace: the
	# entry edited in place, as fit-penalty does it.
	cp "$ROOT/share/hardware_config.json" "$BATS_TEST_TMPDIR/hw.json"
	run rooftrace-calibrate -q $M --hardware-config "$BATS_TEST_TMPDIR/hw.json" \
	    -o "$BATS_TEST_TMPDIR/hw.json" "$STEPS"
	assert_success
	run jq -r '.H100._comment | startswith("Calibrated by fit-penalty")' "$BATS_TEST_TMPDIR/hw.json"
	assert_output true
	assert_no_leftovers
}

@test "-o through a symbolic link: the target replaced, the link kept, the mode kept; a read-only one refused before any stage" {
	local t="$BATS_TEST_TMPDIR"
	echo old >"$t/ro.json"
	chmod 444 "$t/ro.json"
	ROOFTRACE_SHARE="$ROOT/share" run "$FAKE/rooftrace-calibrate" $M -o "$t/ro.json" "$DEMO"
	assert_failure 1
	assert_output "rooftrace-calibrate: $t/ro.json: is read-only (mode 0444); not replaced"
	assert_no_stage
	rm -f "$t/ro.json"
	echo old >"$t/real.json"
	chmod 600 "$t/real.json"
	ln -s real.json "$t/hw.json"
	run rooftrace-calibrate -q $M -o "$t/hw.json" "$STEPS"
	assert_success
	assert_link_exists "$t/hw.json"
	run stat -c %a "$t/real.json"
	assert_output 600
	run jq -r '.H100.BwPhysicalTBs' "$t/real.json"
	assert_output 3.35
	run ls -A "$t"
	assert_output "hw.json
real.json
tmp"
}

@test "-o -x.json is a file name; -o onto a FIFO writes it in place" {
	local t="$BATS_TEST_TMPDIR"
	cd "$t"
	run rooftrace-calibrate -q $M -o -x.json "$STEPS"
	assert_success
	run jq -r '.H100.BwPhysicalTBs' -- -x.json
	assert_output 3.35
	mkfifo "$t/fifo"
	cat "$t/fifo" >"$t/got" &
	run rooftrace-calibrate -q $M -o "$t/fifo" "$STEPS"
	assert_success
	wait
	[ -p "$t/fifo" ]
	assert_equal "$(jq -c 'del(.H100._comment)' "$t/got")" "$(jq -c 'del(.H100._comment)' -- -x.json)"
}

@test "-o onto a character device (a copy of /dev/null) writes it in place" {
	[ "$(id -u)" = 0 ] || skip "mknod needs root"
	mknod "$BATS_TEST_TMPDIR/null" c 1 3
	run rooftrace-calibrate -q $M -o "$BATS_TEST_TMPDIR/null" "$STEPS"
	assert_success
	[ -c "$BATS_TEST_TMPDIR/null" ]
	run ls -A "$BATS_TEST_TMPDIR"
	assert_output "null
tmp"
}

@test "SIGTERM to the driver while a stage runs: the stage ends, the driver dies of it (143), nothing left" {
	export ROOFTRACE_SHARE="$ROOT/share"
	local i pid
	FAKE_SLEEP=30 "$FAKE/rooftrace-calibrate" $M -o "$BATS_TEST_TMPDIR/hw.json" "$DEMO" 2>"$BATS_TEST_TMPDIR/err" &
	pid=$!
	for i in $(seq 50); do [ -s "$FAKE/ran" ] && break; sleep 0.1; done
	assert_file_exists "$FAKE/ran"
	kill -TERM "$pid"
	local st=0
	wait "$pid" || st=$?
	assert_equal "$st" 143
	# The stage was sent the signal too: it is gone.
	run kill -0 "$(cat "$FAKE/ran")"
	assert_failure
	assert_file_not_exists "$BATS_TEST_TMPDIR/hw.json"
	run ls -A "$BATS_TEST_TMPDIR"
	assert_output "err
tmp"
	assert_no_leftovers
}

@test "verdict earned on steps, --strict exits 0; the same steps slower in the last part: not earned, --strict exits 3, entry written" {
	local d="$BATS_FILE_TMPDIR" t="$BATS_TEST_TMPDIR"
	run --separate-stderr rooftrace-calibrate -q --strict $M -o "$t/a.json" "$d/steps.ndjson"
	assert_success
	use_stderr
	assert_line -n 0 "$d/steps.ndjson: rooftrace records, steps: 1056 steps, 1056 timed (dur_source: client_ttft 6, token_times 1050)"
	assert_line --regexp '^held-out steps: 264 of 1056 timed: median error [0-4]\.[0-9] %'
	assert_line "held-out verdict: trustworthy for step times; request latencies not tested (no request with a measured latency)"
	run --separate-stderr rooftrace-calibrate -q --strict $M -o "$t/b.json" "$d/slower.ndjson"
	assert_failure 3
	use_stderr
	assert_line --regexp '^held-out steps: [0-9]+ of 1056 timed: median error [3-9][0-9]\.[0-9] %, P90 [0-9.]+ % \(the starting entry: [0-9.]+ %, [0-9.]+ %; limits 5 %, 12 %\)$'
	assert_line "held-out verdict: not trustworthy for step times; request latencies not tested (no request with a measured latency)"
	run jq -r '.H100.BwPhysicalTBs' "$t/b.json"
	assert_output 3.35
	# Without --strict the same verdict exits 0.
	run rooftrace-calibrate -q $M -o "$t/c.json" "$d/slower.ndjson"
	assert_success
}

@test "requests held out: a lag not the engine's, or E2E beyond its limit, is not earned (--strict 3); the replay's options pass through" {
	# The demo's engine is synchronous: the default lag, async
	# scheduling's 1 step, shows in the held-out requests.
	run --separate-stderr rooftrace-calibrate -q --strict $M -o "$BATS_TEST_TMPDIR/hw.json" "$SMALL"
	assert_failure 3
	use_stderr
	assert_line "held-out requests: 25 of 100: median |TTFT err| 28.9 %, |E2E err| 16.3 %, |ITL err| 11.6 %; TTFT P99 predicted/measured 0.91 (limits |E2E err| 10 %, |TTFT err| 20 %)"
	assert_line "held-out verdict: trustworthy for step times; not trustworthy for request latencies"
	assert_file_exists "$BATS_TEST_TMPDIR/hw.json"
	# Its own lag, 0: earned.
	run --separate-stderr rooftrace-calibrate -q --strict $M $LAG "$SMALL"
	assert_success
	use_stderr
	assert_line "held-out requests: 25 of 100: median |TTFT err| 6.5 %, |E2E err| 8.1 %, |ITL err| 3.4 %; TTFT P99 predicted/measured 0.95 (limits |E2E err| 10 %, |TTFT err| 20 %)"
	assert_line "held-out verdict: trustworthy for step times; trustworthy for request latencies"
	# A fleet's own limits: 5 % on E2E is not earned.
	run --separate-stderr rooftrace-calibrate -q --strict --limits 5,12,5,20 $M $LAG "$SMALL"
	assert_failure 3
	use_stderr
	assert_line "held-out requests: 25 of 100: median |TTFT err| 6.5 %, |E2E err| 8.1 %, |ITL err| 3.4 %; TTFT P99 predicted/measured 0.95 (limits |E2E err| 5 %, |TTFT err| 20 %)"
	assert_line "held-out verdict: trustworthy for step times; not trustworthy for request latencies"
	# 50 ms more on every TTFT, from trace-replay's own option.
	run --separate-stderr rooftrace-calibrate -q $M $LAG --network-rtt-us 50000 "$SMALL"
	assert_success
	use_stderr
	assert_line "held-out requests: 25 of 100: median |TTFT err| 584.9 %, |E2E err| 68.2 %, |ITL err| 3.4 %; TTFT P99 predicted/measured 1.72 (limits |E2E err| 10 %, |TTFT err| 20 %)"
	# --holdout 0: nothing tested, nothing earned.
	run --separate-stderr rooftrace-calibrate -q --strict --holdout 0 $M $LAG "$SMALL"
	assert_failure 3
	use_stderr
	assert_line "held out: nothing (--holdout 0)"
	assert_line "held-out verdict: step times not tested (--holdout 0); request latencies not tested (--holdout 0)"
}

@test "the replay fails: the entry is written all the same, exit 1; 0 output tokens never stop the fit" {
	local t="$BATS_TEST_TMPDIR"
	cp "$SMALL" "$t/req.ndjson"
	echo '{"request_id":"bad","arrival_us":99000000,"input_tokens":-5,"output_tokens":3,"e2e_us":5}' >>"$t/req.ndjson"
	run --separate-stderr rooftrace-calibrate -q $M $LAG --requests "$t/req.ndjson" -o "$t/hw.json" "$SMALL"
	assert_failure 1
	use_stderr
	assert_line --partial "trace-replay: -:101: "
	assert_line "rooftrace-calibrate: trace-replay failed (exit 1): the entry is written, request latencies not tested"
	assert_line "held-out verdict: trustworthy for step times; request latencies not tested (the replay failed)"
	run jq -r '.H100.BwPhysicalTBs' "$t/hw.json"
	assert_output 3.35
	# A request that produced nothing, in the held-out part.
	jq -c 'if .request_id == "95" then .output_tokens = 0 | .itl_us = [] else . end' "$SMALL" >"$t/zero.ndjson"
	run --separate-stderr rooftrace-calibrate -q $M $LAG --requests "$t/zero.ndjson" -o "$t/hw2.json" "$SMALL"
	use_stderr
	assert_line -n 1 "$t/zero.ndjson: rooftrace records, token-times: 100 requests, 100 with latencies (ttft_us, e2e_us, itl_us), 1 with 0 output tokens"
	run jq -r '.H100.BwPhysicalTBs' "$t/hw2.json"
	assert_output 3.35
	assert_no_leftovers
}

@test "requests alone: calibrated by a fit that takes them, else said plainly" {
	local t="$BATS_TEST_TMPDIR"
	jq -c 'del(.itl_us)' "$SMALL" >"$t/lat.ndjson"
	run --separate-stderr rooftrace-calibrate -q $M -o "$t/hw.json" "$t/lat.ndjson"
	if fit-penalty --help | grep -q -- '--requests'; then
		assert_success
		run jq -r '.H100.BwPhysicalTBs' "$t/hw.json"
		assert_output 3.35
	else
		assert_failure 1
		use_stderr
		assert_equal "$stderr" "$t/lat.ndjson: rooftrace records, latencies: 100 requests, 100 with latencies (ttft_us, e2e_us)
rooftrace-calibrate: the traces hold requests with latencies but no measured step, and this fit-penalty cannot fit requests (it has no --requests): nothing to fit"
	fi
	# The steps only scored: the step error of an entry that never saw one.
	run --separate-stderr rooftrace-calibrate -q --fit-requests-only $M $LAG -o "$t/hw2.json" "$SMALL"
	if fit-penalty --help | grep -q -- '--requests'; then
		assert_success
		use_stderr
		assert_line --regexp '^held-out steps: 264 of 1056 timed: median error '
	else
		assert_failure 2
		use_stderr
		assert_line -n 0 "rooftrace-calibrate: --fit-requests-only: this fit-penalty ($BIN/fit-penalty) cannot fit requests (it has no --requests)"
		assert_file_not_exists "$t/hw2.json"
	fi
	# A span export: what it told, from the records trace-parse wrote.
	run --separate-stderr rooftrace-calibrate -q $M "$FIXTURES/trace-parse/otel.json"
	use_stderr
	assert_line --regexp "^$FIXTURES/trace-parse/otel.json: [a-z-]+, spans: 2 requests, 1 with latencies \(ttft_us, e2e_us, queue_us, prefill_us, decode_us\), 1 with 0 output tokens$"
	assert_no_leftovers
}

@test "production sources: a vLLM span export, a Dynamo FPM trace, TensorRT-LLM metrics, each says what it told" {
	require_shared sources/vllm-otlp-llm_request.CONSTRUCTED.json
	local s="$SHARED/sources"
	run --separate-stderr rooftrace-calibrate -q $M "$s/vllm-otlp-llm_request.CONSTRUCTED.json"
	use_stderr
	assert_line --regexp "^$s/vllm-otlp-llm_request.CONSTRUCTED.json: [a-z]+, spans: 1 request, 1 with latencies \(ttft_us, e2e_us, queue_us, prefill_us, decode_us\)$"
	# The engines' step records, where this trace-parse reads them.
	if ! trace-parse --list-formats | grep -q '^dynamo-fpm'; then
		skip "this trace-parse reads no Dynamo FPM or TensorRT-LLM file"
	fi
	run --separate-stderr rooftrace-calibrate -q $M "$s/dynamo-fpm-trace.example.json"
	use_stderr
	assert_line "$s/dynamo-fpm-trace.example.json: dynamo-fpm, aggregate-steps: 1 step, 1 timed (dur_source: fpm_wall_time 1)"
	run --separate-stderr rooftrace-calibrate -q $M "$s/trtllm-metrics.CONSTRUCTED.json"
	use_stderr
	assert_line "$s/trtllm-metrics.CONSTRUCTED.json: trtllm-iterations, aggregate-steps: 1 step, 1 timed (dur_source: trtllm_gpu_forward 1)"
}

@test "on a terminal the progress line names the stage, never a temporary path; -q shows none" {
	command -v script >/dev/null || skip "script(1) not installed"
	run script -q -c "rooftrace-calibrate $M $LAG -o '$BATS_TEST_TMPDIR/hw.json' '$SMALL'" /dev/null
	assert_success
	output=$(tr '\r' '\n' <<<"$output")
	mapfile -t lines <<<"$output"
	assert_line $'\e[Krooftrace-calibrate: running fit-penalty'
	assert_line $'\e[Krooftrace-calibrate: running trace-replay'
	refute_output --partial "$TMPDIR"
	refute_output --partial "rooftrace-calibrate."
	run script -q -c "rooftrace-calibrate -q $M $LAG -o '$BATS_TEST_TMPDIR/hw.json' '$SMALL'" /dev/null
	assert_success
	refute_output --partial "running"
	assert_no_leftovers
}

@test "standard input as the trace, said so; read once only" {
	run --separate-stderr rooftrace-calibrate -q $M $LAG -o "$BATS_TEST_TMPDIR/hw.json" <"$SMALL"
	assert_success
	use_stderr
	assert_line -n 0 "standard input: rooftrace records, token-times: 100 requests, 100 with latencies (ttft_us, e2e_us, itl_us)"
	run jq -r '.H100._comment | test(" from 75 request latencies of the trace standard input and 786 measured steps\\. ")' "$BATS_TEST_TMPDIR/hw.json"
	assert_output true
	run rooftrace-calibrate -q $M -- - - </dev/null
	assert_failure 2
	assert_line -n 0 "rooftrace-calibrate: standard input can be read once only"
	assert_no_leftovers
}

@test "a reader of the report that goes away (SIGPIPE): nothing left behind" {
	run bash -c "rooftrace-calibrate -q $M $LAG '$SMALL' 2>&1 >/dev/null | head -1"
	assert_success
	assert_output "$SMALL: rooftrace records, token-times: 100 requests, 100 with latencies (ttft_us, e2e_us, itl_us)"
	assert_no_leftovers
}
