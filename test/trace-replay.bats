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
	run bash -c "trace-replay $M --output-lag 0 '$SMALL' | jq -c 'select(.request_id==\"c\")'"
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
	assert_line -n 1 "             n   MAPE %       r  pct     predicted     measured    err %"
	# The replay's own queue_us is read back as measured: compared too.
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

# --- what the input measured, BLIS's calibrate shape, prefix
# caching, ttft-steps ---------------------------------------------------

@test "TTFT and E2E alone (no itl_us) are compared; ITL only where measured" {
	jq -c '.ttft_us = 100000 | .e2e_us = 200000' "$SMALL" >"$BATS_TEST_TMPDIR/m.ndjson"
	run --separate-stderr trace-replay $M --output-lag 0 "$BATS_TEST_TMPDIR/m.ndjson"
	assert_success
	[ "$stderr" = "" ]
	assert_line -n 2 '{"request_id":"c","arrival_us":100000,"input_tokens":50,"output_tokens":2,"queue_us":0,"ttft_us":3050,"itl_mean_us":3047,"itl_p99_us":3047,"e2e_us":6097,"preemptions":0,"measured_ttft_us":100000,"measured_e2e_us":200000}'
	# One of the two alone, and records measuring nothing, mix freely.
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":50,"output_tokens":2,"e2e_us":9000}' \
	    '{"request_id":"b","arrival_us":50000,"input_tokens":50,"output_tokens":2}' \
	    '{"request_id":"c","arrival_us":100000,"input_tokens":50,"output_tokens":2,"ttft_us":4000}' >"$BATS_TEST_TMPDIR/p.ndjson"
	run sh -c "trace-replay $M --output-lag 0 '$BATS_TEST_TMPDIR/p.ndjson' | jq -c '[.measured_ttft_us, .measured_e2e_us, .measured_itl_mean_us]'"
	assert_output '[null,9000,null]
[null,null,null]
[4000,null,null]'
	run sh -c "trace-replay $M --output-lag 0 --summary --json '$BATS_TEST_TMPDIR/p.ndjson' | jq -c '[.ttft.n_measured, .e2e.n_measured, .itl.n_measured, (.calibrate.metrics | keys)]'"
	assert_output '[1,1,0,["e2e","ttft"]]'
}

@test "itl_us without ttft_us is refused with its line" {
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":5,"output_tokens":2,"itl_us":[7]}' >"$BATS_TEST_TMPDIR/b.ndjson"
	run trace-replay $M "$BATS_TEST_TMPDIR/b.ndjson"
	assert_failure 1
	assert_output "trace-replay: $BATS_TEST_TMPDIR/b.ndjson:1: itl_us without ttft_us (the gaps need the first token's time)"
}

@test "--summary --json carries BLIS's calibrate report: exact replay" {
	trace-replay $M --tokens "$SMALL" >"$BATS_TEST_TMPDIR/made.ndjson"
	run sh -c "trace-replay $M --summary --json '$BATS_TEST_TMPDIR/made.ndjson' | jq -c '.calibrate | [.trace_info, (.metrics | map_values(.request_level)), .metrics.ttft.count]'"
	assert_output '[{"num_requests":3,"warm_up_excluded":0,"matched_pairs":3,"token_mismatches":0},{"ttft":{"mape":0,"pearson_r":1,"bias_direction":"neutral","quality":"excellent"},"e2e":{"mape":0,"pearson_r":1,"bias_direction":"neutral","quality":"excellent"},"itl":{"mape":0,"pearson_r":1,"bias_direction":"neutral","quality":"excellent"}},3]'
}

@test "BLIS's calibrate fields: measured twice the prediction, field for field" {
	trace-replay $M --output-lag 0 --tokens "$SMALL" >"$BATS_TEST_TMPDIR/made.ndjson"
	# Predicted TTFTs 76371, 76361, 3050; measured twice that.
	jq -c '.ttft_us *= 2 | .e2e_us *= 2 | del(.itl_us, .itl_mean_us, .itl_p99_us)' \
	    "$BATS_TEST_TMPDIR/made.ndjson" >"$BATS_TEST_TMPDIR/x2.ndjson"
	run sh -c "trace-replay $M --output-lag 0 --summary --json '$BATS_TEST_TMPDIR/x2.ndjson' | jq -c '.calibrate.metrics.ttft'"
	assert_output '{"workload_level":{"real_mean":103854.66666666667,"sim_mean":51927.333333333336,"mean_error":-51927.333333333336,"mean_percent_error":0.5,"real_median":152722,"sim_median":76361,"median_error":-76361,"median_percent_error":0.5,"real_p50":152722,"sim_p50":76361,"p50_error":-76361,"p50_percent_error":0.5,"real_p90":152738,"sim_p90":76369,"p90_error":-76369,"p90_percent_error":0.5,"real_p95":152740,"sim_p95":76370,"p95_error":-76370,"p95_percent_error":0.5,"real_p99":152741.6,"sim_p99":76370.8,"p99_error":-76370.8,"p99_percent_error":0.5},"request_level":{"mape":0.5,"pearson_r":1,"bias_direction":"under-predict","quality":"poor"},"count":3}'
	# --warmup-requests leaves the first out, --network-rtt-us shifts sim.
	run sh -c "trace-replay $M --output-lag 0 --summary --json --warmup-requests 1 --network-rtt-us 1000 '$BATS_TEST_TMPDIR/x2.ndjson' | jq -c '[.calibrate.trace_info.warm_up_excluded, .calibrate.metrics.ttft.count, .calibrate.metrics.ttft.workload_level.sim_mean, .ttft.n]'"
	assert_output '[1,2,40705.5,2]'
	run trace-replay $M --output-lag 0 --summary --warmup-requests 1 "$BATS_TEST_TMPDIR/x2.ndjson"
	assert_line -n 0 "3 requests replayed in 7 steps; the first 1 left out of the report"
	run sh -c "trace-replay $M --output-lag 0 --network-rtt-us 1000 '$SMALL' | jq -c '[.ttft_us, .e2e_us]' | tail -1"
	assert_output '[4050,7097]'
}

@test "prefix cache: a record's cached_tokens start its prefill there, and are written back" {
	printf '%s\n' '{"request_id":"c","arrival_us":0,"input_tokens":50,"output_tokens":2,"cached_tokens":32}' >"$BATS_TEST_TMPDIR/c.ndjson"
	# 18 tokens computed with 32 in the context, then one decode at 50.
	pf=$(pred '{"prefill_requests":[{"progress_index":32,"num_new_prefill_tokens":18}],"decode_requests":[]}')
	dc=$(pred '{"prefill_requests":[],"decode_requests":[{"progress_index":50,"num_new_decode_tokens":1}]}')
	run trace-replay $M --output-lag 0 "$BATS_TEST_TMPDIR/c.ndjson"
	assert_output "{\"request_id\":\"c\",\"arrival_us\":0,\"input_tokens\":50,\"output_tokens\":2,\"cached_tokens\":32,\"queue_us\":0,\"ttft_us\":$pf,\"itl_mean_us\":$dc,\"itl_p99_us\":$dc,\"e2e_us\":$((pf + dc)),\"preemptions\":0}"
	# Without it nothing is cached and nothing is written: as before.
	run sh -c "trace-replay $M --output-lag 0 '$SMALL' | jq -c 'has(\"cached_tokens\")' | sort -u"
	assert_output false
}

@test "--prefix-cache blocks|F assumes whole blocks of each prompt; a record's own count wins" {
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":50,"output_tokens":1}' \
	    '{"request_id":"b","arrival_us":100000,"input_tokens":50,"output_tokens":1,"cached_tokens":0}' \
	    '{"request_id":"c","arrival_us":200000,"input_tokens":16,"output_tokens":1}' \
	    '{"request_id":"d","arrival_us":300000,"input_tokens":17,"output_tokens":1}' >"$BATS_TEST_TMPDIR/c.ndjson"
	# blocks: floor((I - 1) / 16) * 16, so 48, given 0, 0 and 16.
	run sh -c "trace-replay $M --prefix-cache blocks '$BATS_TEST_TMPDIR/c.ndjson' | jq -c '.cached_tokens'"
	assert_output $'48\n0\nnull\n16'
	# 0.5: round(0.5 I / 16) * 16, at most floor((I - 1) / 16) * 16:
	# 32, given 0, 0 (16 capped), 16.
	run sh -c "trace-replay $M --prefix-cache 0.5 '$BATS_TEST_TMPDIR/c.ndjson' | jq -c '.cached_tokens'"
	assert_output $'32\n0\nnull\n16'
	# The first N requests find the cache cold.
	run sh -c "trace-replay $M --prefix-cache blocks --prefix-cache-cold 1 '$BATS_TEST_TMPDIR/c.ndjson' | jq -c '.cached_tokens'"
	assert_output $'null\n0\nnull\n16'
	run sh -c "trace-replay $M --prefix-cache none '$BATS_TEST_TMPDIR/c.ndjson' | jq -c '.cached_tokens'"
	assert_output $'null\n0\nnull\nnull'
}

@test "--prefix-cache: bad values are bad usage; a cached count that leaves nothing to compute is bad data" {
	run trace-replay $M --prefix-cache 1.5 "$SMALL"
	assert_failure 2
	assert_line -n 0 "trace-replay: --prefix-cache: must be none, blocks or a fraction in [0, 1], got '1.5'"
	run trace-replay $M --prefix-cache-cold -1 "$SMALL"
	assert_failure 2
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":50,"output_tokens":1,"cached_tokens":50}' >"$BATS_TEST_TMPDIR/c.ndjson"
	run trace-replay $M "$BATS_TEST_TMPDIR/c.ndjson"
	assert_failure 1
	assert_output "trace-replay: $BATS_TEST_TMPDIR/c.ndjson:1: cached_tokens 50: must be less than input_tokens 50 (the last prompt token is always computed)"
}

@test "a preempted request keeps its cached prefix when it comes back" {
	# 7 blocks of 16 cannot hold both: b, admitted last, is evicted when
	# it needs its fourth block (9 tokens generated), and comes back after
	# a finishes to prefill its 40 + 9 tokens from its cached 32.
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":40,"output_tokens":30}' \
	    '{"request_id":"b","arrival_us":0,"input_tokens":40,"output_tokens":30,"cached_tokens":32}' >"$BATS_TEST_TMPDIR/c.ndjson"
	run sh -c "batchify --mode replay --step-us 10 --kv-blocks 7 --block-size 16 '$BATS_TEST_TMPDIR/c.ndjson' | jq -c 'select(any(.prefill_requests[]; .request_id == \"b\")) | [.step, [.prefill_requests[] | select(.request_id == \"b\") | .progress_index, .num_new_prefill_tokens]]'"
	assert_output $'[0,[32,8]]\n[30,[32,17]]'
	run sh -c "trace-replay $M --kv-blocks 7 '$BATS_TEST_TMPDIR/c.ndjson' | jq -c '[.request_id, .cached_tokens, .preemptions]'"
	assert_output $'["a",null,0]\n["b",32,1]'
}

@test "--ttft-steps: the step that prefilled an unqueued request whole, timed by its measured TTFT less the wait" {
	jq -c '.ttft_us = 100000 | .e2e_us = 200000' "$SMALL" >"$BATS_TEST_TMPDIR/m.ndjson"
	run --separate-stderr trace-replay $M --output-lag 0 --ttft-steps "$BATS_TEST_TMPDIR/ts.ndjson" "$BATS_TEST_TMPDIR/m.ndjson"
	assert_success
	# a is not prefilled whole in its first step; b arrives 10 us into
	# step 0 and is prefilled whole in step 1 (from 49409): its wait is
	# 49399 us; c finds the engine idle.
	run cat "$BATS_TEST_TMPDIR/ts.ndjson"
	assert_output '{"request_id":"b","ttft_wait_us":49399,"measured_ttft_us":100000,"step":1,"ts_us":49409,"dur_us":50601,"dur_source":"ttft","prefill_requests":[{"request_id":"a","progress_index":2048,"num_new_prefill_tokens":952},{"request_id":"b","progress_index":0,"num_new_prefill_tokens":100}],"decode_requests":[]}
{"request_id":"c","ttft_wait_us":0,"measured_ttft_us":100000,"step":5,"ts_us":100000,"dur_us":100000,"dur_source":"ttft","prefill_requests":[{"request_id":"c","progress_index":0,"num_new_prefill_tokens":50}],"decode_requests":[]}'
	[ "$stderr" = "trace-replay: $BATS_TEST_TMPDIR/ts.ndjson: 2 ttft-steps, of 2 requests with a measured TTFT prefilled whole in the first step after arrival (0 left out: TTFT not longer than the predicted wait, lag and overheads)" ]
	# roofline-eval takes them as they are.
	run sh -c "roofline-eval $M '$BATS_TEST_TMPDIR/ts.ndjson' | jq -c '[.request_id, .dur_source, .pred_us > 0]'"
	assert_output $'["b","ttft",true]\n["c","ttft",true]'
	# --network-rtt-us comes off first; a TTFT not longer than the rest
	# gives no step.
	run --separate-stderr trace-replay $M --output-lag 0 --network-rtt-us 60000 --ttft-steps "$BATS_TEST_TMPDIR/ts.ndjson" "$BATS_TEST_TMPDIR/m.ndjson"
	run jq -c '[.request_id, .dur_us]' "$BATS_TEST_TMPDIR/ts.ndjson"
	assert_output '["c",40000]'
	[ "$stderr" = "trace-replay: $BATS_TEST_TMPDIR/ts.ndjson: 1 ttft-step, of 2 requests with a measured TTFT prefilled whole in the first step after arrival (1 left out: TTFT not longer than the predicted wait, lag and overheads)" ]
	# With the output lag, the step after comes off too: c's first token
	# waits out its own decode step.
	dc=$(pred '{"prefill_requests":[],"decode_requests":[{"progress_index":50,"num_new_decode_tokens":1}]}')
	trace-replay $M --ttft-steps "$BATS_TEST_TMPDIR/ts.ndjson" "$BATS_TEST_TMPDIR/m.ndjson" >/dev/null 2>&1
	run sh -c "jq -c 'select(.request_id == \"c\") | .dur_us' '$BATS_TEST_TMPDIR/ts.ndjson'"
	assert_output "$((100000 - dc))"
	# Valid step records.
	run schema_check "$ROOT/schemas/step.schema.json" "$BATS_TEST_TMPDIR/ts.ndjson"
	assert_success
}

@test "the h100-vllm requests (TTFT and E2E only) replay and compare: no prefix cache saturates, blocks does not" {
	require_shared fixtures/h100-vllm/codellama-34b-tp2-general.requests.ndjson
	R="$SHARED/fixtures/h100-vllm/codellama-34b-tp2-general.requests.ndjson"
	H=(-m codellama-34b-instruct-hf -g H100 -t 2 --max-num-seqs 128 --max-num-batched-tokens 2048 --block-size 16 --kv-blocks 26602 --output-lag 0)
	jq '.H100.BwPeakTBs *= 0.5356' "$ROOT/share/hardware_config.json" >"$BATS_TEST_TMPDIR/hw.json"
	run sh -c "trace-replay ${H[*]} -q '$R' 2>'$BATS_TEST_TMPDIR/err' | jq -c 'select(has(\"measured_ttft_us\") and has(\"measured_e2e_us\") and (has(\"measured_itl_mean_us\") | not))' | wc -l"
	assert_output 16800
	# Without the prefix cache the queue runs away, and the replay says so.
	run cat "$BATS_TEST_TMPDIR/err"
	assert_output --partial "trace-replay: the replay's queue runs away: the last 256 requests wait a median"
	# Scored on the 12,000 requests arriving in the second half.
	score='[.steps, (.e2e.median_ape_pct * 10 | round / 10), (.ttft.median_ape_pct * 10 | round / 10), (.calibrate.metrics.ttft.workload_level | [.sim_p99, .real_p99] | map(. / 1000 | round)), .calibrate.metrics.e2e.request_level.bias_direction]'
	run sh -c "trace-replay ${H[*]} -q --summary --json --warmup-requests 4800 '$R' 2>/dev/null | jq -c '$score + [.queue_runs_away]'"
	assert_output '[85283,473.1,31886.8,[36690,73],"over-predict",true]'
	run sh -c "trace-replay ${H[*]} -q --hardware-config '$BATS_TEST_TMPDIR/hw.json' --prefix-cache blocks --summary --json --warmup-requests 4800 '$R' | jq -c '$score'"
	assert_output '[76359,0.7,52.7,[34,73],"over-predict"]'
	run sh -c "trace-replay ${H[*]} -q --hardware-config '$BATS_TEST_TMPDIR/hw.json' --prefix-cache blocks --network-rtt-us 22910 --summary --json --warmup-requests 4800 '$R' | jq -c '$score'"
	assert_output '[76359,0.9,11.9,[57,73],"over-predict"]'
}

@test "requests held in the sort window keep their own ids and counts while later lines are parsed" {
	T="$BATS_TEST_TMPDIR"
	# Long ids, in reverse arrival order: the window holds all of them
	# while the lines after are parsed into the same reused memory.
	for i in 5 4 3 2 1 0; do
		printf '{"request_id":"request-%s-%s","arrival_us":%d,"input_tokens":%d,"output_tokens":2}\n' \
		    "$i" "$(printf '%0200d' "$i")" $((i * 1000)) $((10 + i))
	done >"$T/r"
	run sh -c "trace-replay $M -q '$T/r' 2>/dev/null | jq -r '[(.request_id | .[0:9]), (.request_id | length), .arrival_us, .input_tokens] | @tsv'"
	assert_success
	assert_output "$(printf 'request-0\t210\t0\t10\nrequest-1\t210\t1000\t11\nrequest-2\t210\t2000\t12\nrequest-3\t210\t3000\t13\nrequest-4\t210\t4000\t14\nrequest-5\t210\t5000\t15')"
}
