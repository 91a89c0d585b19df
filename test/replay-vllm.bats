#!/usr/bin/env bats
# The replay as vLLM V1 serves it: output lag, BLIS's request overheads,
# prefix hits from data, what the records carry (no output, chunked
# token times, server spans, duplicate ids), and a queue that runs away.
# Expected values are computed by hand from the roofline's step times.

setup() {
	load helpers/common
	M="-m llama-3.1-8b-instruct -g H100"
	T="$BATS_TEST_TMPDIR"
}

pred() {	# step-json: roofline-eval's pred_us on llama-3.1-8b / H100
	roofline-eval $M <<<"$1" | jq .pred_us
}

prefill() {	# progress tokens
	pred "{\"prefill_requests\":[{\"progress_index\":$1,\"num_new_prefill_tokens\":$2}],\"decode_requests\":[]}"
}

decode() {	# progress
	pred "{\"prefill_requests\":[],\"decode_requests\":[{\"progress_index\":$1,\"num_new_decode_tokens\":1}]}"
}

one() {	# arrival input output: one request "c"
	printf '{"request_id":"c","arrival_us":%s,"input_tokens":%s,"output_tokens":%s}\n' "$1" "$2" "$3" >"$T/c.ndjson"
}

@test "output lag: a token reaches the client when the next step ends; an engine with nothing to run delivers at once" {
	one 0 50 3
	P=$(prefill 0 50) D1=$(decode 50) D2=$(decode 51)
	# Synchronous: tokens at P, P+D1, P+D1+D2.
	run sh -c "trace-replay $M --output-lag 0 --tokens '$T/c.ndjson' | jq -c '[.ttft_us, .itl_us, .e2e_us]'"
	assert_output "[$P,[$D1,$D2],$((P + D1 + D2))]"
	# Lag 1 (the default): token 1 with step 2's end, token 2 with step
	# 3's; after step 3 the engine is idle, so token 3 comes at once.
	run sh -c "trace-replay $M --tokens '$T/c.ndjson' | jq -c '[.ttft_us, .itl_us, .e2e_us]'"
	assert_output "[$((P + D1)),[$D2,0],$((P + D1 + D2))]"
	run sh -c "trace-replay $M --output-lag 1 --tokens '$T/c.ndjson' | jq -c '[.ttft_us, .itl_us, .e2e_us]'"
	assert_output "[$((P + D1)),[$D2,0],$((P + D1 + D2))]"
	# Lag 2: nothing waits two steps here but token 1 (visible at step
	# 3's end, with the rest).
	run sh -c "trace-replay $M --output-lag 2 --tokens '$T/c.ndjson' | jq -c '[.ttft_us, .itl_us, .e2e_us]'"
	assert_output "[$((P + D1 + D2)),[0,0],$((P + D1 + D2))]"
	run trace-replay $M --output-lag 65 "$T/c.ndjson"
	assert_failure 2
}

@test "BLIS's alphas: queueing delay alpha0 + alpha1 * input (truncated), alpha2 on TTFT and every gap, post-decode once on E2E" {
	one 1000 50 3
	P=$(prefill 0 50) D1=$(decode 50) D2=$(decode 51)
	# delay = trunc(100.5 + 2 * 50) = 200: queued at 1200, run at once;
	# alpha2 = trunc(7.9) = 7 a token; post-decode 40.
	run sh -c "trace-replay $M --output-lag 0 --alpha-coeffs 100.5,2,7.9 --post-decode-us 40 --tokens '$T/c.ndjson' | jq -c '[.queue_us, .ttft_us, .itl_us, .e2e_us]'"
	assert_output "[0,$((200 + P + 7)),[$((D1 + 7)),$((D2 + 7))],$((200 + P + D1 + D2 + 3 * 7 + 40))]"
	# With the lag as well: every token one step later, alphas the same.
	run sh -c "trace-replay $M --alpha-coeffs 100.5,2,7.9 --post-decode-us 40 --tokens '$T/c.ndjson' | jq -c '[.ttft_us, .itl_us, .e2e_us]'"
	assert_output "[$((200 + P + D1 + 7)),[$((D2 + 7)),7],$((200 + P + D1 + D2 + 3 * 7 + 40))]"
	# A request without output pays the delay, not the post-decode.
	one 1000 50 0
	run sh -c "trace-replay $M --output-lag 0 --alpha-coeffs 100.5,2,7.9 --post-decode-us 40 '$T/c.ndjson' 2>/dev/null | jq -c '[.ttft_us, .e2e_us]'"
	assert_output "[null,$((200 + P + 7))]"
	run trace-replay $M --alpha-coeffs 1,2 "$T/c.ndjson"
	assert_failure 2
	assert_line -n 0 "trace-replay: --alpha-coeffs: must be three numbers A0,A1,A2, got '1,2'"
	run trace-replay $M --post-decode-us -1 "$T/c.ndjson"
	assert_failure 2
	assert_line -n 0 "trace-replay: --post-decode-us: must be a number of microseconds in [0, 1e15), got '-1'"
}

@test "alpha1: a later, shorter prompt reaches the queue first, as in BLIS's event queue" {
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":1000,"output_tokens":1}' \
	    '{"request_id":"b","arrival_us":10,"input_tokens":10,"output_tokens":1}' >"$T/r.ndjson"
	Pb=$(prefill 0 10) Pa=$(prefill 0 1000)
	# a is queued at 1000, b at 20; b's prefill runs from 20, a's after.
	run sh -c "trace-replay $M --output-lag 0 --alpha-coeffs 0,1,0 '$T/r.ndjson' | jq -c '[.request_id, .queue_us, .ttft_us]'"
	assert_output "[\"a\",$((20 + Pb - 1000)),$((20 + Pb + Pa))]
[\"b\",0,$((10 + Pb))]"
}

@test "the hit fraction takes whole blocks, to the nearest, never the last token; --prefix-cache overrides it" {
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":100,"output_tokens":1}' \
	    '{"request_id":"b","arrival_us":100000,"input_tokens":17,"output_tokens":1}' \
	    '{"request_id":"c","arrival_us":200000,"input_tokens":100,"output_tokens":1,"cached_tokens":5}' >"$T/r.ndjson"
	# 0.9: round(90 / 16) = 6 blocks, 96 (at most floor(99 / 16) = 6);
	# round(15.3 / 16) = 1 block of 17, 16; c says 5.
	run sh -c "trace-replay $M --prefix-hit-fraction 0.9 '$T/r.ndjson' | jq -c .cached_tokens"
	assert_output $'96\n16\n5'
	# 0.5: round(3.125) = 3 blocks, 48; round(0.53) = 1, 16.
	run sh -c "trace-replay $M --prefix-hit-fraction 0.5 '$T/r.ndjson' | jq -c .cached_tokens"
	assert_output $'48\n16\n5'
	run sh -c "trace-replay $M --prefix-hit-fraction 0.5 --prefix-cache none '$T/r.ndjson' | jq -c .cached_tokens"
	assert_output $'null\nnull\n5'
	run trace-replay $M --prefix-hit-fraction 1.5 "$T/r.ndjson"
	assert_failure 2
	assert_line -n 0 "trace-replay: --prefix-hit-fraction: must be a fraction in [0, 1], got '1.5'"
}

@test "--measure-prefix-hits: prompt tokens the steps computed against those that arrived meanwhile" {
	# Two sampled records of steps 0..9: 20 prefill tokens a step, 200 in
	# all, over 0..1 s; 1000 prompt tokens arrived then (the third
	# request arrives after): 1 - 200/1000.
	printf '%s\n' '{"step":0,"ts_us":0,"dur_us":null,"n_prefill":1,"prefill_tokens":10,"n_decode":0,"decode_tokens":0}' \
	    '{"step":9,"ts_us":1000000,"dur_us":null,"n_prefill":1,"prefill_tokens":30,"n_decode":0,"decode_tokens":0}' >"$T/steps.ndjson"
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":500,"output_tokens":1}' \
	    '{"request_id":"b","arrival_us":500000,"input_tokens":500,"output_tokens":0}' \
	    '{"request_id":"c","arrival_us":2000000,"input_tokens":500,"output_tokens":1}' >"$T/r.ndjson"
	run --separate-stderr trace-replay --measure-prefix-hits "$T/steps.ndjson" "$T/r.ndjson"
	assert_success
	assert_output 0.8000
	[ "$stderr" = "trace-replay: prefix hits: 2 step records standing for 10 steps over 1.00 s computed 200 prompt tokens a second; the 2 requests arriving then brought 1000 a second (100.0 computed a request): hit fraction 0.8000" ]
	# Explicit compositions count the same.
	printf '%s\n' '{"step":0,"ts_us":0,"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":10}],"decode_requests":[]}' \
	    '{"step":9,"ts_us":1000000,"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":30}],"decode_requests":[]}' >"$T/steps2.ndjson"
	run --separate-stderr trace-replay --measure-prefix-hits "$T/steps2.ndjson" "$T/r.ndjson"
	assert_output 0.8000
	head -1 "$T/steps.ndjson" >"$T/one.ndjson"
	run trace-replay --measure-prefix-hits "$T/one.ndjson" "$T/r.ndjson"
	assert_failure 1
	assert_output "trace-replay: $T/one.ndjson: 1 step record over 0 us: no span to measure the prefix cache over"
}

@test "the entry's rooftrace object sets the replay; flags override it; a bad value names its field" {
	one 0 50 3
	P=$(prefill 0 50) D1=$(decode 50) D2=$(decode 51)
	jq '.H100.rooftrace = {"alpha0_us": 500, "alpha2_us": 0, "output_lag_steps": 0, "prefix_hit_fraction": 0.5, "provenance": "test"}' \
	    "$ROOT/share/hardware_config.json" >"$T/hw.json"
	run sh -c "trace-replay $M --hardware-config '$T/hw.json' '$T/c.ndjson' | jq -c '[.cached_tokens, .ttft_us]'"
	# 0.5 of 50: round(1.5625) = 2 blocks, 32 cached: 18 computed.
	assert_output "[32,$((500 + $(prefill 32 18)))]"
	run sh -c "trace-replay $M --hardware-config '$T/hw.json' --output-lag 1 --prefix-cache none --alpha-coeffs 0,0,0 '$T/c.ndjson' | jq -c '[.cached_tokens, .ttft_us]'"
	assert_output "[null,$((P + D1))]"
	jq '.H100.rooftrace.output_lag_steps = 1.5' "$T/hw.json" >"$T/bad.json"
	run trace-replay $M --hardware-config "$T/bad.json" "$T/c.ndjson"
	assert_failure 1
	assert_output "trace-replay: $T/bad.json: H100.rooftrace.output_lag_steps: must be a whole number of steps"
	jq '.H100.rooftrace.alpha0_us = "x"' "$T/hw.json" >"$T/bad.json"
	run trace-replay $M --hardware-config "$T/bad.json" "$T/c.ndjson"
	assert_failure 1
	assert_output "trace-replay: $T/bad.json: H100.rooftrace.alpha0_us: must be a number in [0, 1e+15]"
}

@test "output_tokens 0: a prefill that produced nothing, replayed, not scored, counted" {
	printf '%s\n' '{"request_id":"z","arrival_us":0,"input_tokens":50,"output_tokens":0,"ttft_us":9000,"e2e_us":9000}' \
	    '{"request_id":"c","arrival_us":0,"input_tokens":50,"output_tokens":2,"ttft_us":9000,"e2e_us":12000}' >"$T/r.ndjson"
	P2=$(pred '{"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":50},{"progress_index":0,"num_new_prefill_tokens":50}],"decode_requests":[]}')
	run --separate-stderr trace-replay $M --output-lag 0 "$T/r.ndjson"
	assert_success
	assert_line -n 0 "{\"request_id\":\"z\",\"arrival_us\":0,\"input_tokens\":50,\"output_tokens\":0,\"queue_us\":0,\"e2e_us\":$P2,\"preemptions\":0,\"measured_ttft_us\":9000,\"measured_e2e_us\":9000}"
	[ "$stderr" = "trace-replay: 1 request without output (output_tokens 0: a prefill that produced nothing) replayed, not scored" ]
	run sh -c "trace-replay $M --summary --json '$T/r.ndjson' 2>/dev/null | jq -c '[.requests, .without_output, .ttft.n, .e2e.n]'"
	assert_output "[2,1,1,1]"
	run sh -c "trace-replay $M --summary '$T/r.ndjson' 2>/dev/null | head -1"
	assert_output "2 requests replayed in 2 steps; 1 without output, not scored"
}

@test "itl_us with fewer gaps than tokens (several a chunk): TTFT and E2E still compare, ITL not" {
	printf '%s\n' '{"request_id":"c","arrival_us":0,"input_tokens":50,"output_tokens":8,"ttft_us":1000,"itl_us":[10,20,30]}' >"$T/r.ndjson"
	run --separate-stderr trace-replay $M "$T/r.ndjson"
	assert_success
	run jq -c '[.measured_ttft_us, .measured_e2e_us, .measured_itl_mean_us]' <<<"$output"
	assert_output "[1000,1060,null]"
	[ "$stderr" = "trace-replay: 1 request with fewer itl_us gaps than output tokens (several tokens a chunk): TTFT and E2E compared, not ITL" ]
	run sh -c "trace-replay $M --summary --json '$T/r.ndjson' 2>/dev/null | jq -c '[.itl_not_compared, .ttft.n_measured, .e2e.n_measured, .itl.n_measured]'"
	assert_output "[1,1,1,0]"
	# More gaps than tokens is still wrong.
	printf '%s\n' '{"request_id":"c","arrival_us":0,"input_tokens":50,"output_tokens":2,"ttft_us":1000,"itl_us":[10,20,30]}' >"$T/r.ndjson"
	run trace-replay $M "$T/r.ndjson"
	assert_failure 1
	assert_output "trace-replay: $T/r.ndjson:1: itl_us: has 3 gaps, output_tokens 2 needs 1"
}

@test "a server span's queue, prefill and decode times are compared beside the predicted ones" {
	printf '%s\n' '{"request_id":"c","arrival_us":0,"input_tokens":50,"output_tokens":3,"ttft_us":9000,"e2e_us":20000,"queue_us":100,"prefill_us":8000,"decode_us":11000}' >"$T/r.ndjson"
	P=$(prefill 0 50) D1=$(decode 50) D2=$(decode 51)
	run trace-replay $M "$T/r.ndjson"
	# Engine-side: prefill to the first token's output (a step later),
	# decode from it to the last.
	assert_output "{\"request_id\":\"c\",\"arrival_us\":0,\"input_tokens\":50,\"output_tokens\":3,\"queue_us\":0,\"ttft_us\":$((P + D1)),\"itl_mean_us\":$((D2 / 2))$( [ $((D2 % 2)) = 1 ] && echo .5),\"itl_p99_us\":$(jq -n "$D2 * 0.99"),\"e2e_us\":$((P + D1 + D2)),\"prefill_us\":$((P + D1)),\"decode_us\":$D2,\"preemptions\":0,\"measured_ttft_us\":9000,\"measured_e2e_us\":20000,\"measured_queue_us\":100,\"measured_prefill_us\":8000,\"measured_decode_us\":11000}"
	run sh -c "trace-replay $M --summary --json '$T/r.ndjson' | jq -c '[.queue.n_measured, .prefill.p50.measured_us, .decode.p50.predicted_us]'"
	assert_output "[1,8000,$D2]"
	run trace-replay $M --summary "$T/r.ndjson"
	# The table widens for the span's longer names.
	assert_line -n 1 "             n   MAPE %       r  pct     predicted     measured    err %"
	assert_line -n 14 --regexp '^queue +1 +[0-9.]+ +- +P50 +0 +100 '
}

@test "a request id already in flight is refused with both places, in trace-replay and batchify; --skip-bad counts them" {
	printf '%s\n' '{"request_id":"1","arrival_us":0,"input_tokens":5,"output_tokens":2}' \
	    '{"request_id":1,"arrival_us":10,"input_tokens":5,"output_tokens":2}' >"$T/r.ndjson"
	run trace-replay $M "$T/r.ndjson"
	assert_failure 1
	assert_output "trace-replay: $T/r.ndjson:2: duplicate request id \"1\" (first at line 1)"
	# Said when it reaches the queue: after the step that ran before.
	run --separate-stderr batchify --mode replay --step-us 10 "$T/r.ndjson"
	assert_failure 1
	[ "$stderr" = "batchify: $T/r.ndjson:2: duplicate request id \"1\" (first at line 1)" ]
	assert_output '{"step":0,"ts_us":0,"dur_us":10,"dur_source":"step_us","prefill_requests":[{"request_id":"1","progress_index":0,"num_new_prefill_tokens":5}],"decode_requests":[]}'
	head -1 "$T/r.ndjson" >"$T/a.ndjson"
	run batchify --mode replay --step-us 10 "$T/a.ndjson" "$T/a.ndjson"
	assert_failure 1
	assert_output "batchify: $T/a.ndjson:1: duplicate request id \"1\" (first at $T/a.ndjson:1)"
	run --separate-stderr trace-replay $M --skip-bad "$T/r.ndjson"
	assert_success
	assert_equal "$(jq -r .request_id <<<"$output")" 1
	[ "$stderr" = "trace-replay: $T/r.ndjson:2: duplicate request id \"1\" (first at line 1)
trace-replay: skipped 1 bad record of 2" ]
	# Once the first is out, its id may come again: memory follows the
	# requests in flight.
	printf '%s\n' '{"request_id":"1","arrival_us":0,"input_tokens":5,"output_tokens":2}' \
	    '{"request_id":1,"arrival_us":10000000,"input_tokens":5,"output_tokens":2}' >"$T/r.ndjson"
	run sh -c "trace-replay $M '$T/r.ndjson' | jq -c .arrival_us"
	assert_output $'0\n10000000'
}

@test "times out of range are refused, not wrapped: a 2^41-token prompt in 2^40-token steps" {
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":2199023255552,"output_tokens":1}' >"$T/r.ndjson"
	run trace-replay $M --max-num-batched-tokens 1099511627776 "$T/r.ndjson"
	assert_failure 1
	assert_output "trace-replay: 9223372036854775807 us after 0 us passes the replay's clock limit of 2^53 us (285 years): a request's times, token counts or a step's duration are out of range"
	run batchify $M --max-num-batched-tokens 1099511627776 "$T/r.ndjson"
	assert_failure 1
	assert_line "batchify: 9223372036854775807 us after 0 us passes the replay's clock limit of 2^53 us (285 years): a request's times, token counts or a step's duration are out of range"
}

@test "a queue that runs away while the measured TTFTs do not is said, with its likely causes" {
	# 300 requests at 10/s, then 600 at 500/s: far beyond one H100's
	# prefill rate, while the trace says 50 ms throughout.
	jq -nc '(range(0;300) | {request_id: "s\(.)", arrival_us: (. * 100000), input_tokens: 2000, output_tokens: 2, ttft_us: 50000, e2e_us: 60000}),
	    (range(0;600) | {request_id: "r\(.)", arrival_us: (30000000 + . * 2000), input_tokens: 2000, output_tokens: 2, ttft_us: 50000, e2e_us: 60000})' >"$T/r.ndjson"
	run --separate-stderr trace-replay $M --summary "$T/r.ndjson"
	assert_success
	[[ $stderr == "trace-replay: the replay's queue runs away: the last 256 requests wait a median "*" s for their first token against 50 ms measured (the first 256: "*" ms predicted); the replayed engine falls behind where the real one kept up.  Likely causes: prefill capacity (the prompt tokens each step computes; mfuPrefill, --max-num-batched-tokens) or a prefix cache the replay does not see (cached_tokens, --prefix-hit-fraction, --measure-prefix-hits).  This replay's errors measure that, not the calibration" ]]
	assert_line "(the replay's queue runs away: see standard error; these errors are not a calibration result)"
	# The first 300 alone keep up: nothing said.
	head -300 "$T/r.ndjson" >"$T/calm.ndjson"
	run --separate-stderr trace-replay $M --summary --json "$T/calm.ndjson"
	[ "$stderr" = "" ]
	run jq .queue_runs_away <<<"$output"
	assert_output false
}

@test "the h100-vllm run, fitted on the first half, scored on the second: the hit fraction measured and the lag on" {
	require_shared fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json
	H="$SHARED/fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json"
	R="$SHARED/fixtures/h100-vllm/codellama-34b-tp2-general.requests.ndjson"
	X=(-m codellama-34b-instruct-hf -g H100 -t 2)
	S=(--max-num-seqs 128 --max-num-batched-tokens 2048 --block-size 16 --kv-blocks 26602)
	head -n 37 "$H" >"$T/first.json"
	# The second half is this test's held-out part: the driver fits the
	# whole first half (--holdout 0), not its first three quarters.
	rooftrace-calibrate -q --holdout 0 "${X[@]}" -o "$T/hw.json" "$T/first.json" 2>/dev/null
	trace-parse -q "$T/first.json" >"$T/first.steps" 2>/dev/null
	run --separate-stderr trace-replay --measure-prefix-hits "$T/first.steps" "$R"
	assert_output 0.9704
	[ "$stderr" = "trace-replay: prefix hits: 3700 step records standing for 37820 steps over 556.97 s computed 135 prompt tokens a second; the 4439 requests arriving then brought 4577 a second (17.0 computed a request): hit fraction 0.9704" ]
	score='[.steps, (.e2e.median_ape_pct * 10 | round / 10), (.ttft.median_ape_pct * 10 | round / 10), (.calibrate.metrics.ttft.workload_level | [.sim_p99, .real_p99] | map(. / 1000 | round)), .queue_runs_away]'
	run sh -c "trace-replay ${X[*]} ${S[*]} --hardware-config '$T/hw.json' --prefix-hit-fraction 0.9704 -q --summary --json --warmup-requests 4800 '$R' | jq -c '$score'"
	assert_output '[76771,0.6,21,[51,73],false]'
	# The first half's median TTFT residual with these settings (8,448
	# us, doc/replay-vllm.md) as alpha0.
	run sh -c "trace-replay ${X[*]} ${S[*]} --hardware-config '$T/hw.json' --prefix-hit-fraction 0.9704 --alpha-coeffs 8448,0,0 -q --summary --json --warmup-requests 4800 '$R' | jq -c '$score'"
	assert_output '[76771,0.7,10.5,[60,73],false]'
}
