#!/usr/bin/env bats
# trace-replay: the scheduler and the roofline, request by request.

setup() {
	load helpers/common
	M="-m llama-3.1-8b-instruct -g H100"
	SMALL="$ROOT/fixtures/batchify/small.ndjson"
	GEN="$ROOT/fixtures/batchify/genrequests"
}

pred() {	# step-json: roofline-eval's pred_us on llama-3.1-8b / H100
	roofline-eval $M <<<"$1" | jq .pred_us
}

@test "records leave in arrival order, whatever order requests finish in" {
	"$GEN" --seed 5 --count 400 --rate 80 >"$BATS_TEST_TMPDIR/req.ndjson"
	run bash -c "trace-replay $M '$BATS_TEST_TMPDIR/req.ndjson' | jq -r .request_id | md5sum"
	[ "$output" = "$(jq -r .request_id "$BATS_TEST_TMPDIR/req.ndjson" | md5sum)" ]
	run bash -c "trace-replay $M '$BATS_TEST_TMPDIR/req.ndjson' | jq -s '[.[] | .arrival_us + .e2e_us] | . != sort'"
	assert_output true
}

@test "a request alone: TTFT is its prefill step, E2E adds its decode" {
	pf=$(pred '{"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":50}],"decode_requests":[]}')
	dc=$(pred '{"prefill_requests":[],"decode_requests":[{"progress_index":50,"num_new_decode_tokens":1}]}')
	run bash -c "trace-replay $M '$SMALL' | jq -c 'select(.request_id==\"c\")'"
	assert_success
	assert_output "{\"request_id\":\"c\",\"arrival_us\":100000,\"input_tokens\":50,\"output_tokens\":2,\"queue_us\":0,\"ttft_us\":$pf,\"itl_mean_us\":$dc,\"itl_p99_us\":$dc,\"e2e_us\":$((pf + dc)),\"preemptions\":0}"
}

@test "a request arriving during a step queues until the step ends" {
	# a's first 2048-token chunk runs from 0; b arrives at 10 us.
	chunk=$(pred '{"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":2048}],"decode_requests":[]}')
	run bash -c "trace-replay $M '$SMALL' | jq -c 'select(.request_id==\"b\") | .queue_us'"
	assert_output "$((chunk - 10))"
}

@test "replaying its own output with the same penalties gives it back exactly" {
	"$GEN" --seed 3 --count 300 --rate 40 >"$BATS_TEST_TMPDIR/req.ndjson"
	trace-replay $M --mixed-batch-penalty 0.3 --overlap-penalty 0.2 --tokens \
	    "$BATS_TEST_TMPDIR/req.ndjson" >"$BATS_TEST_TMPDIR/made.ndjson"
	run bash -c "trace-replay $M --mixed-batch-penalty 0.3 --overlap-penalty 0.2 \
	    '$BATS_TEST_TMPDIR/made.ndjson' | jq -c 'select(.ttft_us != .measured_ttft_us
	        or .e2e_us != .measured_e2e_us or .itl_mean_us != .measured_itl_mean_us
	        or .itl_p99_us != .measured_itl_p99_us)' | wc -l"
	assert_output 0
	run bash -c "trace-replay $M --mixed-batch-penalty 0.3 --overlap-penalty 0.2 \
	    --summary --json '$BATS_TEST_TMPDIR/made.ndjson' | jq -c '[.requests, .ttft.mape_pct, .itl.mape_pct, .e2e.mape_pct, .e2e.p99.rel_err_pct]'"
	assert_output "[300,0,0,0,0]"
}

@test "replaying without the penalties that made a trace predicts it faster" {
	"$GEN" --seed 4 --count 200 --rate 40 >"$BATS_TEST_TMPDIR/req.ndjson"
	trace-replay $M --mixed-batch-penalty 0.5 --overlap-penalty 0.5 --tokens \
	    "$BATS_TEST_TMPDIR/req.ndjson" >"$BATS_TEST_TMPDIR/made.ndjson"
	run bash -c "trace-replay $M --summary --json '$BATS_TEST_TMPDIR/made.ndjson' |
	    jq -c '[.e2e.p50.rel_err_pct < 0, .ttft.mape_pct > 1]'"
	assert_output "[true,true]"
}

@test "--summary prints the calibration table" {
	trace-replay $M --tokens "$SMALL" >"$BATS_TEST_TMPDIR/made.ndjson"
	run trace-replay $M --summary "$BATS_TEST_TMPDIR/made.ndjson"
	assert_success
	assert_line -n 0 "3 requests replayed in 7 steps"
	assert_line -n 1 "           n   MAPE %       r  pct     predicted     measured    err %"
	assert_line -n 2 --regexp '^ttft +3 +0\.00 +1\.0000  P50 '
}

@test "the summary of a trace without measured latencies says so" {
	run trace-replay $M --summary "$SMALL"
	assert_success
	assert_line "(no measured latencies in the input: nothing to compare)"
}

@test "failed requests are counted, reported, and not replayed" {
	# The arrivals reader (libcommon/sched), shared with batchify, sets them
	# aside and reports them.
	{ cat "$SMALL"; echo '{"request_id":"x","arrival_us":5,"input_tokens":10,"output_tokens":0,"error":"timeout"}'; } \
	    >"$BATS_TEST_TMPDIR/f.ndjson"
	run --separate-stderr trace-replay $M "$BATS_TEST_TMPDIR/f.ndjson"
	assert_success
	[ "${#lines[@]}" -eq 3 ]
	[ "$stderr" = 'trace-replay: ignored 1 failed request (with "error")' ]
}

@test "--plot writes CDF plots that parse, at the stated size" {
	command -v gnuplot >/dev/null || skip "gnuplot not installed"
	trace-replay $M --tokens "$SMALL" >"$BATS_TEST_TMPDIR/made.ndjson"
	run trace-replay $M --summary --plot "$BATS_TEST_TMPDIR/plots" "$BATS_TEST_TMPDIR/made.ndjson"
	assert_success
	for p in ttft e2e; do
		assert_file_exists "$BATS_TEST_TMPDIR/plots/$p.svg"
		assert_svg "$BATS_TEST_TMPDIR/plots/$p.svg"
		assert_png_size "$BATS_TEST_TMPDIR/plots/$p.png" "900 600"
	done
}

@test "without gnuplot, plots are skipped with one warning" {
	mkdir -p "$BATS_TEST_TMPDIR/bin"
	printf '#!/bin/sh\nexit 127\n' >"$BATS_TEST_TMPDIR/bin/gnuplot"
	chmod +x "$BATS_TEST_TMPDIR/bin/gnuplot"
	trace-replay $M --tokens "$SMALL" >"$BATS_TEST_TMPDIR/made.ndjson"
	run --separate-stderr env PATH="$BATS_TEST_TMPDIR/bin:$PATH" \
	    trace-replay $M --summary --plot "$BATS_TEST_TMPDIR/p" "$BATS_TEST_TMPDIR/made.ndjson"
	assert_success
	[ "$stderr" = "trace-replay: no plots: gnuplot is not installed or failed" ]
}

@test "a malformed request stops the run with file and line" {
	printf '%s\n{"request_id":"z","arrival_us":"soon"}\n' "$(head -1 "$SMALL")" >"$BATS_TEST_TMPDIR/b.ndjson"
	run trace-replay $M "$BATS_TEST_TMPDIR/b.ndjson"
	assert_failure 1
	assert_line --partial "trace-replay: $BATS_TEST_TMPDIR/b.ndjson:2: "
}

@test "--json without --summary is bad usage" {
	run trace-replay $M --json "$SMALL"
	assert_failure 2
	assert_line -n 0 "trace-replay: --json goes with --summary"
}

@test "a real request trace replays: every Azure code request is accounted for" {
	require_shared fixtures/azure/AzureLLMInferenceTrace_code.csv
	command -v trace-parse >/dev/null || skip "trace-parse not built"
	trace-parse "$SHARED/fixtures/azure/AzureLLMInferenceTrace_code.csv" | head -500 \
	    >"$BATS_TEST_TMPDIR/az.ndjson"
	run bash -c "trace-replay $M '$BATS_TEST_TMPDIR/az.ndjson' | wc -l"
	assert_output 500
	run bash -c "trace-replay $M '$BATS_TEST_TMPDIR/az.ndjson' | jq -s '[.[] | select(.e2e_us < .ttft_us or .ttft_us <= 0 or .queue_us < 0)] | length'"
	assert_output 0
}

@test "--skip-bad: bad lines and requests that never fit share one count; blank lines and empty files are not records" {
	f="$BATS_TEST_TMPDIR/r.ndjson"
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":3000,"output_tokens":3}' \
	    '{"request_id":"b"' '' '[1]' \
	    '{"request_id":"e","arrival_us":5,"error":"boom"}' \
	    '{"request_id":"c","arrival_us":9,"input_tokens":10,"output_tokens":2}' >"$f"
	: >"$BATS_TEST_TMPDIR/empty"
	run --separate-stderr trace-replay $M --kv-blocks 4 --skip-bad "$f" "$BATS_TEST_TMPDIR/empty"
	assert_success
	[ "$(jq -r .request_id <<<"$output")" = c ]
	[ "$stderr" = "trace-replay: $f:2: truncated record: unclosed string, object or array at end of input (column 18)
trace-replay: $f:4: expected a JSON object (a request record)
trace-replay: $BATS_TEST_TMPDIR/empty: no request records
trace-replay: $f:1: request \"a\" needs 188 KV blocks at its longest (3002 tokens), more than --kv-blocks 4: it can never run
trace-replay: ignored 1 failed request (with \"error\")
trace-replay: skipped 3 bad records of 5" ]
	run trace-replay $M --kv-blocks 4 "$f"
	assert_failure 1
	assert_output "trace-replay: $f:2: truncated record: unclosed string, object or array at end of input (column 18)"
	run trace-replay $M "$BATS_TEST_TMPDIR/missing"
	assert_failure 1
	assert_output "trace-replay: $BATS_TEST_TMPDIR/missing: No such file or directory"
}
