#!/usr/bin/env bats
# trace-parse against hostile or unlucky input: linear time on bench-serve
# documents, and what the next stage would refuse refused at its source,
# with the file and line.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	TP="$FIXTURES/trace-parse"
	T="$BATS_TEST_TMPDIR"
}

# A bench-serve document of n requests.
bench_doc() {	# n file
	awk -v n="$1" 'function arr(v,  i, s) { s = "["; for (i = 0; i < n; i++) s = s (i ? "," : "") v; return s "]" }
	BEGIN { st = "["; for (i = 0; i < n; i++) st = st (i ? "," : "") i / 1000; st = st "]"
		printf "{\"model_id\":\"m\",\"input_lens\":%s,\"output_lens\":%s,\"ttfts\":%s,\"itls\":%s,\"errors\":%s,\"start_times\":%s}\n", arr(100), arr(3), arr(0.1), arr("[0.01,0.02]"), arr("\"\""), st }' >"$2"
}

@test "bench-serve: 10x the requests takes at most 20x the time (the arrays are walked)" {
	bench_doc 1000 "$T/s.json"
	bench_doc 10000 "$T/l.json"
	t0=$EPOCHREALTIME
	trace-parse -q "$T/s.json" >"$T/s.out"
	t1=$EPOCHREALTIME
	trace-parse -q "$T/l.json" >"$T/l.out"
	t2=$EPOCHREALTIME
	assert_equal "$(wc -l <"$T/l.out")" 10000
	small=$(echo "$t1 - $t0" | bc -l)
	large=$(echo "$t2 - $t1" | bc -l)
	assert_equal "$(echo "$large <= 20 * $small + 0.05" | bc -l)" 1
}

@test "bench-serve: 8 outputs in 4 chunks (3 gaps) is kept, gaps as chunk_itl_us, TTFT and E2E whole" {
	printf '%s\n' '{"model_id":"m","input_lens":[10,10],"output_lens":[8,3],"ttfts":[0.1,0.2],"itls":[[0.01,0.02,0.03],[0.01,0.01,0.01]],"errors":["",""],"start_times":[1.0,2.0]}' >"$T/c.json"
	run --separate-stderr trace-parse --skip-bad "$T/c.json"
	assert_success
	assert_output '{"request_id":"0","arrival_us":0,"input_tokens":10,"output_tokens":8,"ttft_us":100000,"e2e_us":160000,"chunk_itl_us":[10000,20000,30000],"model":"m"}'
	assert_equal "$stderr" "trace-parse: $T/c.json: itls[1]: 3 gaps for 3 output tokens (at most one fewer)
trace-parse: bench-serve: 1 request streamed several tokens a chunk (fewer itls than output tokens): gaps kept as chunk_itl_us, no itl_us; ttft_us and e2e_us hold
trace-parse: skipped 1 bad record of 2"
}

@test "a record before the file's first is refused at its line, not written as a negative arrival" {
	printf 'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,ChatGPT,10,5,15,Conversation log\n3,ChatGPT,10,5,15,Conversation log\n' >"$T/early.csv"
	run --separate-stderr trace-parse "$T/early.csv"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/early.csv:3: arrives 2000000 us before the file's first record (times count from it): sort the file by time, or give --keep-clock"
}

@test "ttft_us greater than e2e_us is refused at its line" {
	jq -c '.resourceSpans[0].scopeSpans[0].spans[0].attributes |= map(if .key == "gen_ai.latency.e2e" then .value.doubleValue = 0.001 else . end)' "$TP/otel.json" >"$T/o.json"
	run --separate-stderr trace-parse --skip-bad "$T/o.json"
	assert_success
	assert_line -n 0 --partial '"request_id":"cmpl-a2"'
	run grep -c 'ttft_us 25100 is greater than e2e_us 1000 (the first token after the last)' <<<"$stderr"
	assert_output 1
}

@test "vllm-log: counts no batch can have are refused at their log line" {
	printf 'Iteration(1): 1 context requests, 0 context tokens, 0 generation requests, 0 generation tokens, iteration elapsed time: 10 ms\nIteration(2): 0 context requests, 0 context tokens, 3 generation requests, 5 generation tokens, iteration elapsed time: 10 ms\n' >"$T/bad.log"
	run --separate-stderr trace-parse --skip-bad "$T/bad.log"
	assert_success
	assert_output ""
	assert_equal "$stderr" "trace-parse: $T/bad.log:1: 1 context requests but 0 context tokens (each computes at least one)
trace-parse: $T/bad.log:2: 3 generation requests but 5 generation tokens (a decode is one token; speculative decoding is not modelled)
trace-parse: skipped 2 bad records of 2"
}

@test "blis --itl: a duplicated row is refused, naming both ITL lines" {
	cp "$TP/blis-itl.csv" "$T/itl.csv"
	sed -n 2p "$TP/blis-itl.csv" >>"$T/itl.csv"
	n=$(wc -l <"$T/itl.csv")
	run --separate-stderr trace-parse --itl "$T/itl.csv" "$TP/blis-header.yaml" "$TP/blis-trace.csv"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $TP/blis-trace.csv:3: --itl $T/itl.csv:$n: request 1: chunk 2 given twice (first at line 2)"
}

@test "vllm-steps: two steps 400 ns apart: the cycle rounds to 0 us, said as such" {
	jq -c '(.resourceSpans[0].scopeSpans[0].spans[0].events[] | select(.name == "step.BATCH_SUMMARY") | .attributes[1].value.intValue) |= (if . == "5000020000499" then "5000000000400" else . end)' "$TP/steptrace-rich.json" >"$T/near.json"
	run --separate-stderr trace-parse "$T/near.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/near.json:2: step 11: step.ts_start_ns 5000000000400 is only 400 ns after step 10's 5000000000000: a cycle that rounds to 0 us is no step time"
}

@test "messages: a lone surrogate, Python's NaN, -1e308 say what they are" {
	printf '%s' '{"model_id":"m","input_lens":[10],"output_lens":[1],"ttfts":[0.1],"itls":[[]],"errors":[""],"x":"\ud800"}' >"$T/sur.json"
	run --separate-stderr trace-parse "$T/sur.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/sur.json:1: a lone UTF-16 surrogate \\ud800 at column 98: no character, so no UTF-8 text can hold it"
	printf '%s' '{"model_id":"m","input_lens":[-1e308],"output_lens":[1],"ttfts":[0.1],"itls":[[]],"errors":[""],"start_times":[0]}' >"$T/neg.json"
	run --separate-stderr trace-parse "$T/neg.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/neg.json: input_lens[0]: must not be negative, got -1e+308"
}

@test "bench-serve: Python's NaN in a field not used is read as null, and said" {
	printf '%s' '{"model_id":"m","input_lens":[10],"output_lens":[1],"ttfts":[0.1],"itls":[[]],"errors":[""],"start_times":[0],"std_ttft_ms":NaN,"max":-Infinity,"note":"NaN stays"}' >"$T/nan.json"
	run --separate-stderr trace-parse "$T/nan.json"
	assert_success
	assert_output '{"request_id":"0","arrival_us":0,"input_tokens":10,"output_tokens":1,"ttft_us":100000,"e2e_us":100000,"itl_us":[],"model":"m"}'
	assert_equal "$stderr" "trace-parse: $T/nan.json: read 2 NaN or Infinity (Python's, not JSON) as null"
	printf '%s' '{"model_id":"m","input_lens":[10],"output_lens":[1],"ttfts":[NaN],"itls":[[]],"errors":[""],"start_times":[0]}' >"$T/used.json"
	run --separate-stderr trace-parse "$T/used.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/used.json: read 1 NaN or Infinity (Python's, not JSON) as null
trace-parse: $T/used.json: ttfts[0]: expected a number, got null"
}

@test "invalid UTF-8 is never written raw: each bad byte becomes U+FFFD, counted" {
	printf '{"model_id":"m\377ok\303\251","input_lens":[10],"output_lens":[1],"ttfts":[0.1],"itls":[[]],"errors":[""],"start_times":[0]}' >"$T/u.json"
	run --separate-stderr trace-parse "$T/u.json"
	assert_success
	assert_output "$(printf '{"request_id":"0","arrival_us":0,"input_tokens":10,"output_tokens":1,"ttft_us":100000,"e2e_us":100000,"itl_us":[],"model":"m\357\277\275ok\303\251"}')"
	assert_equal "$stderr" "trace-parse: 1 string held invalid UTF-8: written with each bad byte replaced by U+FFFD"
}

@test "chunked and span records pass the request schema" {
	printf '%s\n' '{"model_id":"m","input_lens":[10],"output_lens":[8],"ttfts":[0.1],"itls":[[0.01,0.02,0.03]],"errors":[""],"start_times":[1.0]}' >"$T/c.json"
	trace-parse -q "$T/c.json" "$TP/otel.json" >"$T/r.ndjson" 2>/dev/null
	run schema_check "$ROOT/schemas/request.schema.json" "$T/r.ndjson"
	assert_success
}
