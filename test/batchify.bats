#!/usr/bin/env bats
# batchify: replay (the scheduler), timestamps mode, and bad input.

setup() {
	load helpers/common
	BF="$FIXTURES/batchify"
	T="$BATS_TEST_TMPDIR"
	RL=(-m llama-3.1-8b-instruct -g H100)
}

# Request records from an Azure CSV (TIMESTAMP,ContextTokens,
# GeneratedTokens; one day), microseconds from the first request.
azure_requests() {
	awk -F, 'NR > 1 && NF == 3 {
		split($1, dt, " "); split(dt[2], hms, ":")
		s = hms[3]; sub(/\..*/, "", s); f = hms[3]; sub(/^[^.]*\./, "", f)
		f = substr(f "000000", 1, 6)
		us = ((hms[1] * 60 + hms[2]) * 60 + s) * 1000000 + f
		if (n++ == 0) t0 = us
		printf "{\"request_id\":\"a%d\",\"arrival_us\":%.0f,\"input_tokens\":%d,\"output_tokens\":%d}\n", n, us - t0, $2, $3
	}' "$1"
}

# Request records from a Mooncake JSONL (timestamp in ms).
mooncake_requests() {
	jq -c '{request_id: "m\(input_line_number)", arrival_us: (.timestamp * 1000),
	    input_tokens: .input_length, output_tokens: .output_length}' "$1"
}

steps_only() {	# drop what timestamps mode adds or measures, and the time's source
	jq -c "del(.hidden, .estimated, .dur_source$1)" "$2"
}

@test "--help and --version print to stdout and exit 0" {
	run batchify --help
	assert_success
	assert_line --index 0 --partial "usage: batchify"
	assert_output --partial "--max-num-batched-tokens"
	run batchify --version
	assert_success
	assert_output --regexp '^batchify \(rooftrace\) [0-9]'
}

@test "replay without a clock is a usage error" {
	run batchify "$BF/small.ndjson"
	assert_failure 2
	assert_line --index 0 "batchify: mode replay: none of the 3 requests has token times (ttft_us)"
	assert_line --index 1 "batchify: replay needs a clock: --model and --hardware, or --step-us"
	assert_line --index 2 "Try 'batchify --help' for more information."
	run batchify --mode replay "$BF/small.ndjson"
	assert_failure 2
	assert_line --index 0 "batchify: replay needs a clock: --model and --hardware, or --step-us"
}

@test "bad options exit 2 with their message" {
	run batchify --mode foo
	assert_failure 2
	assert_line --index 0 "batchify: --mode: must be replay, timestamps, expand or auto, got 'foo'"
	run batchify --step-us 0 "$BF/small.ndjson"
	assert_failure 2
	assert_line --index 0 "batchify: --step-us: must be a whole number from 1 to 1099511627776, got '0'"
	run batchify --step-us 10 -m llama-3.1-8b-instruct "$BF/small.ndjson"
	assert_failure 2
	assert_line --index 0 "batchify: --step-us and --model/--hardware exclude each other"
	run batchify --initial-context -1 "$BF/small.ndjson"
	assert_failure 2
	assert_line --index 0 "batchify: --initial-context: must be a whole number from 0 to 1099511627776, got '-1'"
}

@test "replay: chunked prefill, first token with the last chunk, decodes after" {
	run batchify -q --step-us 1000 "$BF/small.ndjson"
	assert_success
	assert_output "$(cat "$BF/small.steps")"
	# a: 3000 tokens in chunks of 2048 and 952; b fills the rest of step 1.
	run jq -c '[.step, .ts_us, [.prefill_requests[] | [.request_id, .progress_index, .num_new_prefill_tokens]], [.decode_requests[] | [.request_id, .progress_index]]]' "$BF/small.steps"
	assert_line --index 0 '[0,0,[["a",0,2048]],[]]'
	assert_line --index 1 '[1,1000,[["a",2048,952],["b",0,100]],[]]'
	assert_line --index 2 '[2,2000,[],[["a",3000],["b",100]]]'
	assert_line --index 4 '[4,4000,[],[["b",102]]]'
	# Idle until c arrives at 100000.
	assert_line --index 5 '[5,100000,[["c",0,50]],[]]'
}

@test "replay: --max-num-seqs holds the third request back" {
	run sh -c "batchify -q --step-us 100 --max-num-seqs 2 '$BF/seqs.ndjson' | jq -c '[.step, [.prefill_requests[].request_id], [.decode_requests[].request_id]]'"
	assert_success
	assert_output '[0,["q1","q2"],[]]
[1,[],["q1","q2"]]
[2,["q3"],[]]
[3,[],["q3"]]'
}

@test "replay: --long-prefill-token-threshold caps chunks, running requests first" {
	run sh -c "batchify -q --step-us 100 --long-prefill-token-threshold 4 --max-num-batched-tokens 6 '$BF/seqs.ndjson' | jq -c '[.step, [.prefill_requests[] | [.request_id, .progress_index, .num_new_prefill_tokens]], [.decode_requests[] | [.request_id, .progress_index]]]'"
	assert_success
	assert_output '[0,[["q1",0,4],["q2",0,2]],[]]
[1,[["q1",4,4],["q2",2,2]],[]]
[2,[["q1",8,2],["q2",4,4]],[]]
[3,[["q2",8,2],["q3",0,3]],[["q1",10]]]
[4,[["q3",3,4]],[["q2",10]]]
[5,[["q3",7,3]],[]]
[6,[],[["q3",10]]]'
}

@test "replay: KV preemption evicts the newest request, which recomputes" {
	run sh -c "batchify -q --step-us 10 --kv-blocks 5 --block-size 4 '$BF/preempt.ndjson' | jq -c '[.step, [.prefill_requests[] | [.request_id, .progress_index, .num_new_prefill_tokens]], [.decode_requests[] | [.request_id, .progress_index]]]'"
	assert_success
	# p2 is evicted in step 1; it prefills its 8 input tokens and the one
	# it had generated (9), which emits its second token; 4 decodes follow.
	assert_output '[0,[["p1",0,8],["p2",0,8]],[]]
[1,[],[["p1",8]]]
[2,[],[["p1",9]]]
[3,[],[["p1",10]]]
[4,[],[["p1",11]]]
[5,[],[["p1",12]]]
[6,[["p2",0,9]],[]]
[7,[],[["p2",9]]]
[8,[],[["p2",10]]]
[9,[],[["p2",11]]]
[10,[],[["p2",12]]]'
	batchify -q --step-us 10 --kv-blocks 5 --block-size 4 "$BF/preempt.ndjson" >"$T/s"
	run "$BF/conservation" "$BF/preempt.ndjson" "$T/s"
	assert_output "2 requests, 11 steps, 0 violations"
}

@test "replay: timed by the roofline, each step's dur_us is roofline-eval's pred_us" {
	batchify "${RL[@]}" "$BF/small.ndjson" >"$T/s"
	run jq -c '[.ts_us, .dur_us]' "$T/s"
	assert_line --index 0 '[0,49409]'
	assert_line --index 1 '[49409,26962]'
	# (its below-the-floor count on stderr is not this test's business)
	run sh -c "roofline-eval ${RL[*]} '$T/s' 2>/dev/null | jq -e 'select(.dur_us != .pred_us)'"
	assert_output ""
	# Steps follow each other while busy.
	run jq -s '[range(1; 5) as $i | .[$i].ts_us == .[$i-1].ts_us + .[$i-1].dur_us] | all' "$T/s"
	assert_output true
}

@test "conservation: generated workload, roofline clock" {
	"$BF/genrequests" --seed 5 --count 2000 --rate 30 >"$T/r"
	batchify "${RL[@]}" "$T/r" >"$T/s"
	run "$BF/conservation" "$T/r" "$T/s"
	assert_output "2000 requests, 14079 steps, 0 violations"
}

@test "conservation: small budget, threshold and seat limit" {
	"$BF/genrequests" --seed 9 --count 500 --rate 100 >"$T/r"
	batchify -q --step-us 2000 --max-num-batched-tokens 512 --max-num-seqs 8 \
	    --long-prefill-token-threshold 128 "$T/r" >"$T/s"
	run "$BF/conservation" --budget 512 --seqs 8 "$T/r" "$T/s"
	assert_output --regexp '^500 requests, [0-9]+ steps, 0 violations$'
}

@test "conservation: KV pressure with preemptions" {
	"$BF/genrequests" --seed 5 --count 2000 --rate 30 >"$T/r"
	batchify -q --step-us 5000 --kv-blocks 400 "$T/r" >"$T/s"
	run "$BF/conservation" "$T/r" "$T/s"
	assert_output "2000 requests, 20255 steps, 0 violations"
	# Some request did start over.
	run sh -c "jq -r '.prefill_requests[] | select(.progress_index == 0) | .request_id' '$T/s' | sort | uniq -d | wc -l"
	[ "$output" -gt 0 ]
}

@test "conservation: Azure code and conversation traces" {
	require_shared fixtures/azure/AzureLLMInferenceTrace_code.csv
	local f
	# Each trace's first 3,000 requests: all of the conversation trace is
	# 394 MB of steps and 22 s of checking, for the same scheduler paths.
	for f in code conv; do
		head -n 3001 "$SHARED/fixtures/azure/AzureLLMInferenceTrace_$f.csv" >"$T/csv"
		azure_requests "$T/csv" >"$T/r"
		batchify "${RL[@]}" "$T/r" >"$T/s"
		run "$BF/conservation" "$T/r" "$T/s"
		assert_output --regexp "^$(wc -l <"$T/r") requests, [0-9]+ steps, 0 violations$"
	done
}

@test "conservation: Mooncake traces, with and without KV limits" {
	require_shared fixtures/mooncake/conversation_trace.first2000.jsonl
	local f
	# Without limits, each file's first 1,000 requests (the steps of all
	# of them take 5 s to check, for the same scheduler paths); with KV
	# limits, below, the whole synthetic trace.
	for f in conversation_trace.first2000 synthetic_trace; do
		head -n 1000 "$SHARED/fixtures/mooncake/$f.jsonl" >"$T/mc.jsonl"
		mooncake_requests "$T/mc.jsonl" >"$T/r"
		batchify "${RL[@]}" "$T/r" >"$T/s"
		run "$BF/conservation" "$T/r" "$T/s"
		assert_output --regexp "^1000 requests, [0-9]+ steps, 0 violations$"
	done
	mooncake_requests "$SHARED/fixtures/mooncake/synthetic_trace.jsonl" >"$T/r"
	# 12000 blocks of 16 hold the longest request (191386 tokens).
	batchify -q --step-us 10000 --kv-blocks 12000 "$T/r" >"$T/s"
	run "$BF/conservation" "$T/r" "$T/s"
	assert_output --regexp "^3993 requests, [0-9]+ steps, 0 violations$"
}

@test "a request longer than the KV cache is reported, never waited for" {
	run batchify -q --step-us 10 --kv-blocks 3 --block-size 4 "$BF/preempt.ndjson"
	assert_failure 1
	assert_output 'batchify: '"$BF"'/preempt.ndjson:1: request "p1" needs 4 KV blocks at its longest (13 tokens), more than --kv-blocks 3: it can never run'
	run batchify -q --step-us 10 --kv-blocks 3 --block-size 4 --skip-bad "$BF/preempt.ndjson"
	assert_success
	assert_line --index 2 "batchify: skipped 2 bad records of 2"
}

@test "out-of-order arrivals are sorted with one warning, refused with --strict" {
	printf '%s\n' '{"request_id":"b","arrival_us":200,"input_tokens":4,"output_tokens":1}' \
	    '{"request_id":"a","arrival_us":100,"input_tokens":4,"output_tokens":1}' \
	    '{"request_id":"c","arrival_us":50,"input_tokens":4,"output_tokens":1}' >"$T/r"
	run batchify -q --step-us 10 "$T/r"
	assert_success
	assert_line --index 0 "batchify: $T/r:2: arrival_us 100 is earlier than the previous request's 200; sorting by arrival"
	assert_line --index 1 --partial '"ts_us":50,'
	assert_line --index 2 --partial '"ts_us":100,'
	assert_line --index 3 --partial '"ts_us":200,'
	[ "${#lines[@]}" -eq 4 ]
	run batchify -q --step-us 10 --strict "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:2: arrival_us 100 is earlier than the previous request's 200 (--strict)"
	run batchify -q --step-us 10 --sort-window 1 "$T/r"
	assert_failure 1
	assert_line --index 1 "batchify: $T/r:3: arrival_us 50 is more than --sort-window 1 records out of order"
}

@test "zero and negative token counts, bad JSON: messages, exit 1, --skip-bad counts" {
	printf '%s\n' '{"request_id":"x","arrival_us":5,"input_tokens":0,"output_tokens":3}' >"$T/r"
	run batchify -q --step-us 10 "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:1: input_tokens: must be at least 1, got 0"
	printf '%s\n' '{"request_id":"x","arrival_us":5,"input_tokens":4,"output_tokens":-2}' >"$T/r"
	run batchify -q --step-us 10 "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:1: output_tokens: must be at least 1, got -2"
	printf '%s\n' '{"request_id":"x","arrival_us":-5,"input_tokens":4,"output_tokens":2}' >"$T/r"
	run batchify -q --step-us 10 "$T/r"
	assert_output "batchify: $T/r:1: arrival_us: must not be negative, got -5"
	printf '%s\n' '{"request_id":["x"],"arrival_us":5,"input_tokens":4,"output_tokens":2}' >"$T/r"
	run batchify -q --step-us 10 "$T/r"
	assert_output "batchify: $T/r:1: request_id: expected a string, got an array"
	printf '%s\n' '{"request_id":"ok","arrival_us":1,"input_tokens":4,"output_tokens":1}' \
	    '{"request_id":"x","arrival_us":5,"input_tokens":2.5,"output_tokens":2}' \
	    '{"request_id":"y",' >"$T/r"
	run sh -c "batchify -q --step-us 10 --skip-bad '$T/r' 2>'$T/err'"
	assert_success
	assert_output --partial '"request_id":"ok"'
	[ "${#lines[@]}" -eq 1 ]
	run cat "$T/err"
	assert_line --index 0 "batchify: $T/r:2: input_tokens: expected an integer, got 2.5"
	assert_line --index 1 --partial "batchify: $T/r:3: truncated record"
	assert_line --index 2 "batchify: skipped 2 bad records of 3"
}

@test "failed requests are ignored and counted; empty input warns" {
	printf '%s\n' '{"request_id":"x","arrival_us":0,"input_tokens":4,"output_tokens":1}' \
	    '{"request_id":"y","arrival_us":1,"input_tokens":0,"output_tokens":0,"error":"timeout"}' >"$T/r"
	run sh -c "batchify -q --step-us 10 '$T/r' 2>&1 >/dev/null"
	assert_success
	assert_output 'batchify: ignored 1 failed request (with "error")'
	: >"$T/empty"
	run batchify -q --step-us 10 "$T/empty"
	assert_success
	assert_output "batchify: $T/empty: no request records"
}

@test "-o writes atomically; --csv writes counts" {
	run batchify -q --step-us 1000 -o "$T/out" "$BF/small.ndjson"
	assert_success
	assert_output ""
	assert_equal "$(cat "$T/out")" "$(cat "$BF/small.steps")"
	run batchify -q --step-us 1000 --csv "$BF/small.ndjson"
	assert_line --index 0 "step,ts_us,dur_us,n_prefill,prefill_tokens,n_decode,decode_tokens"
	assert_line --index 2 "1,1000,1000,2,1052,0,0"
}

@test "timestamps: missing timestamps are reported" {
	printf '%s\n' '{"request_id":"x","arrival_us":5,"input_tokens":4,"output_tokens":2}' >"$T/r"
	run batchify --mode timestamps "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:1: missing field \"ttft_us\" (timestamps mode needs the time of every output token)"
	printf '%s\n' '{"request_id":"x","arrival_us":5,"input_tokens":4,"output_tokens":3,"ttft_us":100}' >"$T/r"
	run batchify -q "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:1: missing field \"itl_us\" (timestamps mode needs the time of every output token)"
	printf '%s\n' '{"request_id":"x","arrival_us":5,"input_tokens":4,"output_tokens":3,"ttft_us":100,"itl_us":[5]}' >"$T/r"
	run batchify -q "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:1: itl_us: fewer gaps than output_tokens 3 needs (2): several tokens a chunk, but timestamps mode needs the time of every output token"
	run batchify -q --mode timestamps "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:1: itl_us: has 1 gaps, output_tokens 3 needs 2"
	printf '%s\n' '{"request_id":"x","arrival_us":5,"input_tokens":4,"output_tokens":2,"ttft_us":100,"itl_us":[-5]}' >"$T/r"
	run batchify -q "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:1: itl_us[0]: must not be negative, got -5"
}

@test "round trip: replay, per-token times, timestamps mode: the same steps" {
	batchify "${RL[@]}" "$BF/small.ndjson" >"$T/s"
	"$BF/steps2requests" "$BF/small.ndjson" "$T/s" >"$T/t"
	batchify "${RL[@]}" "$T/t" >"$T/s2"
	# Step 0 emitted no token: it comes back as hidden, timed by the model.
	run jq -c 'select(.hidden) | .step' "$T/s2"
	assert_output 0
	# Steps 0 and 1 share one measured interval: their split is estimated.
	run jq -c 'select(.estimated) | .step' "$T/s2"
	assert_output $'0\n1'
	run steps_only "" "$T/s2"
	assert_output "$(steps_only "" "$T/s")"
}

@test "round trip on 1000 requests: every step, composition and duration" {
	"$BF/genrequests" --seed 5 --count 1000 --rate 30 >"$T/r"
	batchify "${RL[@]}" "$T/r" >"$T/s"
	"$BF/steps2requests" "$T/r" "$T/s" >"$T/t"
	batchify "${RL[@]}" "$T/t" >"$T/s2"
	steps_only "" "$T/s2" >"$T/s3"
	steps_only "" "$T/s" >"$T/s1"
	run cmp "$T/s1" "$T/s3"
	assert_success
	[ "$(wc -l <"$T/s")" -eq 7314 ]
}

@test "round trip with +-200 us jitter: at least 95% of steps come back exactly" {
	"$BF/genrequests" --seed 5 --count 2000 --rate 30 >"$T/r"
	batchify "${RL[@]}" "$T/r" >"$T/s"
	"$BF/steps2requests" --jitter 200 --seed 1 "$T/r" "$T/s" >"$T/t"
	batchify "${RL[@]}" "$T/t" 2>/dev/null >"$T/s2"
	jq -c 'del(.step, .ts_us, .dur_us, .dur_source)' "$T/s" | sort >"$T/a"
	jq -c 'del(.step, .ts_us, .dur_us, .dur_source, .hidden, .estimated)' "$T/s2" | sort >"$T/b"
	run sh -c "comm -12 '$T/a' '$T/b' | wc -l"
	echo "exact: $output of $(wc -l <"$T/a")"
	[ "$output" -ge $(( $(wc -l <"$T/a") * 95 / 100 )) ]
}

@test "timestamps: tokens streamed together are spread over the steps they ran in" {
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":10,"output_tokens":4}' \
	    '{"request_id":"b","arrival_us":0,"input_tokens":10,"output_tokens":4}' >"$T/r"
	batchify --mode replay --step-us 10000 "$T/r" >"$T/s"
	"$BF/steps2requests" "$T/r" "$T/s" >"$T/t"
	# b's second and third tokens arrive in one chunk.
	jq -c 'if .request_id == "b" then .itl_us = [20000, 0, 10000] else . end' "$T/t" >"$T/t2"
	run sh -c "batchify -q --step-us 10000 '$T/t2' 2>/dev/null | jq -c 'del(.estimated, .dur_source)'"
	assert_success
	assert_output "$(jq -c 'del(.dur_source)' "$T/s")"
	# Steps 1 and 2 end at b's spread-out times: not measured, estimated.
	run sh -c "batchify -q --step-us 10000 '$T/t2' 2>/dev/null | jq -c 'select(.estimated) | .step'"
	assert_output $'1\n2'
}

@test "timestamps mode is chosen from the records, and says so" {
	printf '%s\n' '{"request_id":"x","arrival_us":5,"input_tokens":4,"output_tokens":3,"ttft_us":1000,"itl_us":[1000,1000]}' >"$T/r"
	run batchify "$T/r"
	assert_success
	assert_line --index 0 'batchify: mode timestamps: 1 request has token times (ttft_us)'
	# The first step runs from the request's arrival: a client-side TTFT.
	assert_line --index 1 '{"step":0,"ts_us":5,"dur_us":1000,"dur_source":"client_ttft","prefill_requests":[{"request_id":"x","progress_index":0,"num_new_prefill_tokens":4}],"decode_requests":[]}'
	assert_line --index 3 '{"step":2,"ts_us":2005,"dur_us":1000,"dur_source":"token_times","prefill_requests":[],"decode_requests":[{"request_id":"x","progress_index":5,"num_new_decode_tokens":1}]}'
}

# Aggregate steps (an iteration log's counts) from explicit ones.
aggregate() {
	jq -c '{step, ts_us, dur_us, n_prefill: (.prefill_requests | length),
	    prefill_tokens: ([.prefill_requests[].num_new_prefill_tokens] | add // 0),
	    n_decode: (.decode_requests | length), decode_tokens: (.decode_requests | length)}' "$1"
}

@test "expand: counts match the log exactly, every step says it is estimated" {
	"$BF/genrequests" --seed 5 --count 300 --rate 30 >"$T/r"
	batchify "${RL[@]}" "$T/r" >"$T/s"
	aggregate "$T/s" >"$T/a"
	run batchify -q "$T/a"
	assert_success
	printf '%s\n' "$output" >"$T/x"
	jq -c 'del(.estimated, .estimate, .prefill_requests, .decode_requests)' "$T/x" >"$T/x2"
	run cmp "$T/x2" "$T/a"
	assert_success
	run jq -c 'select(.estimated != true)' "$T/x"
	assert_output ""
	# Every expanded step is a valid step for roofline-eval.
	run sh -c "roofline-eval ${RL[*]} '$T/x' 2>/dev/null | wc -l"
	assert_output "$(wc -l <"$T/a")"
}

@test "expand: contexts follow the population (worked example)" {
	printf '%s\n' '{"n_prefill":2,"prefill_tokens":301,"n_decode":0}' \
	    '{"n_prefill":0,"prefill_tokens":0,"n_decode":3}' \
	    '{"n_prefill":0,"prefill_tokens":0,"n_decode":1}' >"$T/a"
	run sh -c "batchify -q --mode expand --max-num-batched-tokens 2048 '$T/a' | jq -c '[[.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]'"
	assert_success
	# 301 tokens shared 151 + 150; both join the decoders, a third comes
	# in with their mean (150); then the two oldest leave.
	assert_output '[[[0,151],[0,150]],[]]
[[],[151,150,150]]
[[],[151]]'
}

@test "expand: a step that fills the budget carries its last prefill over" {
	printf '%s\n' '{"n_prefill":1,"prefill_tokens":2048,"n_decode":0}' \
	    '{"n_prefill":2,"prefill_tokens":1000,"n_decode":0}' \
	    '{"n_prefill":0,"prefill_tokens":0,"n_decode":2}' >"$T/a"
	run sh -c "batchify -q --mode expand '$T/a' | jq -c '[[.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]'"
	assert_output '[[[0,2048]],[]]
[[[2048,500],[0,500]],[]]
[[],[2548,500]]'
}

@test "expand: kv_usage scales decode contexts to the cache's fill" {
	printf '%s\n' '{"n_prefill":0,"prefill_tokens":0,"n_decode":4,"kv_usage":0.5}' >"$T/a"
	run sh -c "batchify -q --kv-blocks 1000 --block-size 16 '$T/a' | jq -c '[.decode_requests[].progress_index]'"
	assert_output '[2000,2000,2000,2000]'
}

@test "expand: bad aggregate steps are reported with their line" {
	printf '%s\n' '{"n_prefill":1,"prefill_tokens":0,"n_decode":0}' >"$T/a"
	run batchify --mode expand "$T/a"
	assert_failure 1
	assert_output "batchify: $T/a:1: prefill_tokens 0 is less than n_prefill 1"
	printf '%s\n' '{"n_prefill":0,"prefill_tokens":0,"n_decode":3,"decode_tokens":4}' >"$T/a"
	run batchify --mode expand "$T/a"
	assert_output "batchify: $T/a:1: decode_tokens 4 is not n_decode 3 (one token a decode)"
	printf '%s\n' '{"n_prefill":0,"prefill_tokens":0,"n_decode":3}' '{"n_prefill":0,"n_decode":3,"kv_usage":1.5}' >"$T/a"
	run sh -c "batchify -q '$T/a' 2>&1 >/dev/null"
	assert_failure 1
	assert_output "batchify: $T/a:2: missing field \"prefill_tokens\""
	run sh -c "batchify -q --skip-bad '$T/a' 2>&1 >/dev/null"
	assert_success
	assert_line --index 1 "batchify: skipped 1 bad record of 2"
}

@test "expand: the vLLM iteration log, through trace-parse" {
	require_shared fixtures/vllm-logs/vllm_pr31193_iteration_details.log
	[ -x "$BIN/trace-parse" ] || skip "trace-parse not built"
	trace-parse "$SHARED/fixtures/vllm-logs/vllm_pr31193_iteration_details.log" >"$T/a" 2>/dev/null
	batchify "$T/a" >"$T/x"
	run sh -c "jq -c '[.n_prefill == (.prefill_requests | length), .prefill_tokens == ([.prefill_requests[].num_new_prefill_tokens] | add // 0), .n_decode == (.decode_requests | length)] | all' '$T/x' | sort | uniq -c | awk '{print \$2}'"
	assert_output true
	[ "$(wc -l <"$T/x")" -eq "$(wc -l <"$T/a")" ]
}

@test "timestamps: a vllm bench serve --save-detailed result, through trace-parse" {
	[ -x "$BIN/trace-parse" ] || skip "trace-parse not built"
	# Made by make-bench-serve from a replay of 859 steps, with jitter.
	trace-parse "$BF/bench-serve.json" >"$T/t" 2>/dev/null
	batchify "${RL[@]}" "$T/t" >"$T/s"
	run wc -l <"$T/s"
	assert_output 859
	run jq -s '[.[].prefill_requests[].num_new_prefill_tokens] | add' "$T/s"
	assert_output "$(jq '.input_lens | add' "$BF/bench-serve.json")"
	run jq -s '[.[].decode_requests | length] | add' "$T/s"
	assert_output "$(jq '(.output_lens | add) - (.output_lens | length)' "$BF/bench-serve.json")"
	# The replay it was made from, step for step (compositions).
	"$BF/genrequests" --seed 11 --count 100 --rate 20 --max-output 128 >"$T/r"
	batchify "${RL[@]}" "$T/r" | jq -c '[[.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]' >"$T/a"
	jq -c '[[.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]' "$T/s" >"$T/b"
	run sh -c "diff '$T/a' '$T/b' | grep -c '^<'"
	[ "$output" -le 43 ]	# at least 95% exact
}

@test "every mode's output is valid against schemas/step.schema.json" {
	[ -e "$ROOT/schemas/step.schema.json" ] || skip "no step schema"
	"$BF/genrequests" --seed 3 --count 200 --rate 30 >"$T/r"
	batchify "${RL[@]}" --kv-blocks 2000 "$T/r" >"$T/s"
	run schema_check "$ROOT/schemas/step.schema.json" "$T/s"
	assert_success
	"$BF/steps2requests" "$T/r" "$T/s" >"$T/t"
	batchify "${RL[@]}" "$T/t" >"$T/s2"
	run schema_check "$ROOT/schemas/step.schema.json" "$T/s2"
	assert_success
	aggregate "$T/s" | batchify >"$T/x"
	run schema_check "$ROOT/schemas/step.schema.json" "$T/x"
	assert_success
}

@test "expand --requests: with the run's request trace, the replay's compositions exactly" {
	"$BF/genrequests" --seed 5 --count 2000 --rate 30 >"$T/r"
	batchify "${RL[@]}" "$T/r" >"$T/s"
	aggregate "$T/s" >"$T/a"
	batchify --requests "$T/r" "$T/a" >"$T/x"
	jq -c '[[.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]' "$T/s" >"$T/c1"
	jq -c '[[.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]' "$T/x" >"$T/c2"
	run cmp "$T/c1" "$T/c2"
	assert_success
	run jq -s 'map(select(.estimated == true)) | length' "$T/x"
	assert_output 14079
}

@test "--requests goes with expand only" {
	run batchify --mode replay --step-us 10 --requests "$BF/small.ndjson" "$BF/small.ndjson"
	assert_failure 2
	assert_line --index 0 "batchify: --requests goes with --mode expand"
}

@test "conservation: trace-parse's own request fixtures, replayed" {
	[ -x "$BIN/trace-parse" ] || skip "trace-parse not built"
	local f
	for f in azure-2024.csv burstgpt.csv mooncake.jsonl blis-trace.csv bench-serve.json; do
		[ -e "$FIXTURES/trace-parse/$f" ] || continue
		# Failed requests (with "error") are ignored; zero counts are
		# bad records, skipped with --skip-bad.
		trace-parse "$FIXTURES/trace-parse/$f" >"$T/all" 2>/dev/null
		batchify --mode replay --step-us 10000 --skip-bad "$T/all" \
		    >"$T/s" 2>/dev/null
		jq -c 'select(.error == null and .input_tokens >= 1 and .output_tokens >= 1)' "$T/all" >"$T/r"
		run "$BF/conservation" "$T/r" "$T/s"
		assert_output --regexp "^$(wc -l <"$T/r") requests, [0-9]+ steps, 0 violations$"
	done
}

@test "timestamps: hidden prefill steps are timed by the model, or share the interval by tokens" {
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":3000,"output_tokens":2,"ttft_us":10000,"itl_us":[1000]}' >"$T/t"
	run sh -c "batchify -q '$T/t' | jq -c '[.ts_us, .dur_us, .hidden, .estimated, [.prefill_requests[].num_new_prefill_tokens], (.decode_requests | length)]'"
	# 3000 tokens over 10 ms: 2048 of them take 6826 us; only the 10 ms
	# was measured, so both shares are estimated.
	assert_output '[0,6826,true,true,[2048],0]
[6826,3174,null,true,[952],0]
[10000,1000,null,null,[],1]'
	run sh -c "batchify -q --step-us 4000 '$T/t' | jq -c '[.ts_us, .dur_us]'"
	assert_output '[0,4000]
[4000,6000]
[10000,1000]'
}

@test "timestamps: tokens that arrive together never give a measured 0 us step" {
	# Two tokens at one instant: the step between them was not measured.
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":10,"output_tokens":3,"ttft_us":5000,"itl_us":[0,3000]}' >"$T/t"
	run sh -c "batchify -q '$T/t' | jq -c '[.dur_us, .estimated]'"
	assert_success
	# The burst's two tokens are spread over 0..5000: both steps estimated.
	assert_output '[2500,true]
[2500,true]
[3000,null]'
}

@test "round trip holds with chunk caps, seat limits and a budget below the seat limit" {
	"$BF/genrequests" --seed 8 --count 500 --rate 40 >"$T/r"
	local opts
	for opts in "--long-prefill-token-threshold 256 --max-num-batched-tokens 512" \
	    "--max-num-seqs 16" "--max-num-batched-tokens 300 --max-num-seqs 300"; do
		# shellcheck disable=SC2086
		batchify "${RL[@]}" $opts "$T/r" >"$T/s"
		"$BF/steps2requests" "$T/r" "$T/s" >"$T/t"
		# shellcheck disable=SC2086
		batchify "${RL[@]}" $opts "$T/t" | jq -c 'del(.hidden, .estimated, .dur_source)' >"$T/s2"
		jq -c 'del(.dur_source)' "$T/s" >"$T/s1"
		run cmp "$T/s1" "$T/s2"
		assert_success
	done
}

@test "expand: the file of aggregate steps that holds none says so, in the skip count's words" {
	printf '%s\n' '{"n_prefill":1,"prefill_tokens":10,"n_decode":0}' '' \
	    '{"n_prefill":"x"}' >"$T/agg"
	: >"$T/empty"
	run --separate-stderr batchify -q --skip-bad "$T/agg" "$T/empty"
	assert_success
	[ "$(jq -c '[.estimated, (.prefill_requests | length)]' <<<"$output")" = '[true,1]' ]
	[ "$stderr" = "batchify: $T/agg:3: n_prefill: expected an integer, got a string
batchify: $T/empty: no step records
batchify: skipped 1 bad record of 2" ]
}

# --- dur_source, kv_blocks_total, exact steps, expand --csv ----

@test "every timed step says where its dur_us came from" {
	run sh -c "batchify -q --step-us 1000 '$BF/small.ndjson' | jq -r .dur_source | sort | uniq -c | awk '{print \$1, \$2}'"
	assert_output "7 step_us"
	run sh -c "batchify -q ${RL[*]} '$BF/small.ndjson' | jq -r .dur_source | sort | uniq -c | awk '{print \$1, \$2}'"
	assert_output "7 roofline"
	batchify "${RL[@]}" "$BF/small.ndjson" >"$T/s"
	"$BF/steps2requests" "$BF/small.ndjson" "$T/s" >"$T/t"
	run sh -c "batchify -q ${RL[*]} '$T/t' | jq -r .dur_source | sort | uniq -c | awk '{print \$1, \$2}'"
	# Step 0 emitted no token: the roofline timed it.  Steps 1 and 5
	# end intervals that began at an arrival: client-side TTFTs.
	assert_output $'2 client_ttft\n1 roofline\n4 token_times'
	# Shares of one measured interval take its source, estimated.
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":3000,"output_tokens":1,"ttft_us":5000}' >"$T/t"
	run sh -c "batchify -q '$T/t' | jq -c '[.dur_us, .dur_source, .estimated]'"
	assert_output $'[3413,"client_ttft",true]\n[1587,"client_ttft",true]'
	# An unknown time has no source.
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":3000,"output_tokens":1,"ttft_us":0}' >"$T/t"
	run sh -c "batchify -q '$T/t' | jq -c '[.dur_us, .dur_source]'"
	assert_output $'[null,null]\n[null,null]'
	# Expand passes the record's own.
	printf '%s\n' '{"step":4,"dur_us":5,"dur_source":"cycle","n_prefill":0,"prefill_tokens":0,"n_decode":1}' >"$T/a"
	run sh -c "batchify -q '$T/a' | jq -c '[.dur_us, .dur_source, .estimated]'"
	assert_output '[5,"cycle",true]'
}

@test "expand: kv_usage is scaled by the record's kv_blocks_total unless --kv-blocks is given" {
	printf '%s\n' '{"n_prefill":0,"prefill_tokens":0,"n_decode":4,"kv_usage":0.5,"kv_blocks_total":1000}' >"$T/a"
	run sh -c "batchify -q --block-size 16 '$T/a' | jq -c '[.decode_requests[].progress_index]'"
	assert_output '[2000,2000,2000,2000]'
	run sh -c "batchify -q --kv-blocks 500 --block-size 16 '$T/a' | jq -c '[.decode_requests[].progress_index]'"
	assert_output '[1000,1000,1000,1000]'
	printf '%s\n' '{"n_prefill":0,"prefill_tokens":0,"n_decode":4,"kv_usage":0.5,"kv_blocks_total":0}' >"$T/a"
	run batchify "$T/a"
	assert_failure 1
	assert_output --partial "batchify: $T/a:1: kv_blocks_total: "
}

@test "expand: steps with exact request lists pass through byte for byte, and the estimate follows them" {
	printf '%s\n' '{"step":0,"dur_us":5,"dur_source":"cycle","n_prefill":1,"prefill_tokens":100,"n_decode":0,"decode_tokens":0}' \
	    '{"step":1,"ts_us":7,  "dur_us":9,"dur_source":"cycle","prefill_requests":[{"request_id":"a","progress_index":100,"num_new_prefill_tokens":20,"x":1}],"decode_requests":[{"progress_index":50,"num_new_decode_tokens":1}]}' \
	    '{"step":2,"n_prefill":0,"prefill_tokens":0,"n_decode":2,"kv_usage":0.5,"kv_blocks_total":10}' >"$T/a"
	run batchify --mode expand "$T/a"
	assert_success
	assert_line -n 1 "$(sed -n 2p "$T/a")"
	# Step 1's decoder (at 50, next at 51) and its prefill (finished at
	# 120) decode in step 2, scaled to 0.5 x 10 x 16 = 80 tokens.
	assert_line -n 2 '{"step":2,"n_prefill":0,"prefill_tokens":0,"n_decode":2,"kv_usage":0.5,"kv_blocks_total":10,"estimated":true,"estimate":"population","prefill_requests":[],"decode_requests":[{"progress_index":24,"num_new_decode_tokens":1},{"progress_index":56,"num_new_decode_tokens":1}]}'
	run sh -c "batchify -q --mode expand '$T/a' | jq -c '.estimated'"
	assert_output $'true\nnull\ntrue'
	# A bad exact step is reported with its line.
	printf '%s\n' '{"prefill_requests":[],"decode_requests":[{"progress_index":5,"num_new_decode_tokens":2}]}' >"$T/b"
	run batchify --mode expand "$T/b"
	assert_failure 1
	assert_output "batchify: $T/b:1: decode_requests[0].num_new_decode_tokens: must be 1 (the roofline counts one token per decode), got 2"
}

@test "expand --csv: the step column is the record's step, else its place" {
	printf '%s\n' '{"step":7,"ts_us":0,"dur_us":5,"n_prefill":1,"prefill_tokens":100,"n_decode":0}' \
	    '{"n_prefill":0,"prefill_tokens":0,"n_decode":1,"dur_us":null}' \
	    '{"step":9,"ts_us":20,"dur_us":6,"prefill_requests":[],"decode_requests":[{"progress_index":3,"num_new_decode_tokens":1}]}' >"$T/a"
	run batchify --mode expand --csv "$T/a"
	assert_success
	assert_output 'step,ts_us,dur_us,n_prefill,prefill_tokens,n_decode,decode_tokens
7,0,5,1,100,0,0
1,,,0,0,1,1
9,20,6,0,0,1,1'
}

@test "replay: --prefix-cache blocks prefills only each prompt's last partial block" {
	run sh -c "batchify -q --step-us 1000 --prefix-cache blocks '$BF/small.ndjson' | jq -c '[.step, [.prefill_requests[] | [.request_id, .progress_index, .num_new_prefill_tokens]]]' | head -2"
	# a: 2992 of 3000 cached; b (arriving 10 us in): 96 of 100.
	assert_output '[0,[["a",2992,8]]]
[1,[["b",96,4]]]'
}

@test "the h100-vllm step trace: expand takes the cache size from the records" {
	require_shared fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json
	[ -x "$BIN/trace-parse" ] || skip "trace-parse not built"
	trace-parse "$SHARED/fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json" >"$T/agg" 2>/dev/null
	[ "$(wc -l <"$T/agg")" -eq 7441 ]
	jq -e -s 'map(has("kv_blocks_total")) | all' "$T/agg" >/dev/null
	batchify --mode expand --block-size 16 -q "$T/agg" >"$T/a"
	batchify --mode expand --block-size 16 --kv-blocks 26602 -q "$T/agg" >"$T/b"
	run cmp "$T/a" "$T/b"
	assert_success
	run sh -c "jq -c 'select(.dur_us != null) | .dur_source' '$T/a' | sort | uniq -c | awk '{print \$1, \$2}'"
	assert_output '716 "cycle"'
}

# --- records passed through as read -------------------------

@test "expand: an aggregate step's own bytes come out as read, the estimate appended" {
	printf '%s\n' '{"step": 7, "ts_us": 1000, "dur_us": 2.5e3, "n_prefill": 1, "prefill_tokens": 100, "n_decode": 2, "note": "caf\u00e9" }' >"$T/a"
	run batchify --mode expand -q "$T/a"
	assert_success
	assert_output '{"step": 7, "ts_us": 1000, "dur_us": 2.5e3, "n_prefill": 1, "prefill_tokens": 100, "n_decode": 2, "note": "caf\u00e9","estimated":true,"estimate":"population","prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":100}],"decode_requests":[{"progress_index":1024,"num_new_decode_tokens":1},{"progress_index":1024,"num_new_decode_tokens":1}]}'
}

@test "expand: an aggregate step that already says estimated is written with each key once" {
	printf '%s\n' '{"step": 1, "n_prefill": 0, "prefill_tokens": 0, "n_decode": 1, "estimated": true}' >"$T/a"
	run batchify --mode expand -q "$T/a"
	assert_success
	assert_output '{"step":1,"n_prefill":0,"prefill_tokens":0,"n_decode":1,"estimated":true,"estimate":"population","prefill_requests":[],"decode_requests":[{"progress_index":1024,"num_new_decode_tokens":1}]}'
}

@test "expand --requests: the steps' and the requests' parses do not disturb each other" {
	batchify --step-us 1000 -q "$BF/small.ndjson" >"$T/true"
	jq -c '{step, "n_prefill": (.prefill_requests | length), "prefill_tokens": ([.prefill_requests[].num_new_prefill_tokens] | add // 0), "n_decode": (.decode_requests | length)}' "$T/true" >"$T/agg"
	run sh -c "batchify --mode expand --requests '$BF/small.ndjson' -q '$T/agg' | jq -c '[.step, [.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]'"
	assert_success
	expected=$(jq -c '[.step, [.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]' "$T/true")
	assert_output "$expected"
}
