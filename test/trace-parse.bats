#!/usr/bin/env bats
# trace-parse: every format against real samples (../shared/fixtures) and
# the project's own fixtures, numbers checked against jq/awk computations;
# exact timestamps; every kind of malformed input; the CLI contract.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	TP="$FIXTURES/trace-parse"
	AZ="$SHARED/fixtures/azure"
	MC="$SHARED/fixtures/mooncake"
	T="$BATS_TEST_TMPDIR"
}

# Sum of a field over NDJSON records.
jsum() {	# field file
	jq -s "map(.$1) | add" "$2"
}

# ---- vLLM iteration logs ------------------------------------------------

@test "vllm-log: the real PR #31193 excerpt gives three exact steps" {
	require_shared fixtures/vllm-logs/vllm_pr31193_iteration_details.log
	run --separate-stderr trace-parse "$SHARED/fixtures/vllm-logs/vllm_pr31193_iteration_details.log"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line -n 0 '{"step":515,"engine":0,"ts_us":0,"dur_us":10990,"dur_source":"engine_wait","n_prefill":0,"prefill_tokens":0,"n_decode":20,"decode_tokens":20}'
	assert_line -n 2 '{"step":517,"engine":0,"ts_us":0,"dur_us":10790,"dur_source":"engine_wait","n_prefill":0,"prefill_tokens":0,"n_decode":20,"decode_tokens":20}'
	assert_equal "$stderr" ""
}

@test "vllm-log: durations and counts match an awk reading of the real log" {
	f="$SHARED/fixtures/vllm-logs/vllm_pr31193_iteration_details.log"
	require_shared fixtures/vllm-logs/vllm_pr31193_iteration_details.log
	want=$(awk -F'time: ' '/Iteration\(/ { split($2, a, " "); s += a[1] * 1000; n++ } END { print n, s }' "$f")
	got=$(trace-parse "$f" | jq -s '"\(length) \(map(.dur_us) | add)"' -r)
	assert_equal "$got" "$want"
	want=$(grep -o '[0-9]* generation tokens' "$f" | awk '{ s += $1 } END { print s }')
	assert_equal "$(trace-parse "$f" | jq -s 'map(.decode_tokens) | add')" "$want"
}

@test "vllm-log: prefix, KV suffix, dummy marker and other lines, all spellings" {
	run --separate-stderr trace-parse "$TP/vllm-iterations.log"
	assert_success
	assert_equal "${#lines[@]}" 4
	assert_line -n 0 '{"step":1,"engine":0,"ts_us":0,"dur_us":35200,"dur_source":"engine_wait","n_prefill":1,"prefill_tokens":512,"n_decode":0,"decode_tokens":0}'
	assert_line -n 1 '{"step":2,"engine":0,"ts_us":0,"dur_us":28125,"dur_source":"engine_wait","n_prefill":1,"prefill_tokens":300,"n_decode":1,"decode_tokens":1,"kv_usage":0.015}'
	assert_line -n 2 '{"step":3,"engine":0,"ts_us":1000000,"dur_us":410,"dur_source":"engine_wait","n_prefill":0,"prefill_tokens":0,"n_decode":0,"decode_tokens":0,"kv_usage":0.015,"dummy":true}'
	assert_line -n 3 '{"step":4,"engine":0,"ts_us":2000000,"dur_us":9001,"dur_source":"engine_wait","n_prefill":0,"prefill_tokens":0,"n_decode":2,"decode_tokens":2,"kv_usage":0.1225}'
	assert_equal "$stderr" 'trace-parse: ignored 3 log lines without an iteration record
trace-parse: 1 dummy iteration kept, flagged "dummy": true'
}

@test "vllm-log: ms with more than 3 decimals round half up to whole us" {
	for t in "1.0004:1000" "1.0005:1001" "0.0009:1" "7:7000" "12.:12000"; do
		line="Iteration(9): 0 context requests, 0 context tokens, 1 generation requests, 1 generation tokens, iteration elapsed time: ${t%%:*} ms"
		assert_equal "$(trace-parse <<<"$line" | jq .dur_us)" "${t##*:}"
	done
}

@test "vllm-log: --keep-clock keeps the log clock; New Year does not go back" {
	printf '%s\n' \
	    'INFO 12-31 23:59:59 [core.py:1] Iteration(1): 0 context requests, 0 context tokens, 1 generation requests, 1 generation tokens, iteration elapsed time: 1 ms' \
	    'INFO 01-01 00:00:01 [core.py:1] Iteration(2): 0 context requests, 0 context tokens, 1 generation requests, 1 generation tokens, iteration elapsed time: 1 ms' >"$T/ny.log"
	run trace-parse "$T/ny.log"
	assert_success
	assert_equal "$(jq -r .ts_us <<<"$output" | paste -sd,)" "0,2000000"
	run trace-parse --keep-clock "$T/ny.log"
	assert_equal "$(jq -r .ts_us <<<"$output" | head -1)" $(((364 * 86400 + 86399) * 1000000))
}

@test "vllm-log: data-parallel engines are told apart; no engine, no field" {
	it=': 0 context requests, 0 context tokens, 1 generation requests, 1 generation tokens, iteration elapsed time: 1 ms'
	printf '%s\n' "(EngineCore_DP1 pid=7) INFO 01-02 00:00:00 [core.py:1] Iteration(3)$it" \
	    "(EngineCore_DP0 pid=7) INFO 01-02 00:00:00 [core.py:1] Engine 002: Iteration(3)$it" \
	    "INFO 01-02 00:00:00 [core.py:1] Iteration(4)$it" >"$T/dp.log"
	run trace-parse "$T/dp.log"
	assert_success
	assert_equal "$(jq -c '[.step, .engine]' <<<"$output" | paste -sd' ')" "[3,1] [3,2] [4,null]"
}

@test "vllm-log: a malformed iteration line is an error with file and line" {
	printf 'hello\nx Iteration(5): 1 context requests, x context tokens\n' >"$T/b.log"
	run trace-parse "$T/b.log"
	assert_failure 1
	assert_output 'trace-parse: '"$T"'/b.log:2: context tokens: expected a whole count, got "x"'
	printf 'Iteration(5): 1 context requests, 2 context tokens, 3 generation requests, iteration elapsed time: 5 ms\n' >"$T/c.log"
	run trace-parse "$T/c.log"
	assert_failure 1
	assert_output 'trace-parse: '"$T"'/c.log:1: iteration line without "generation tokens"'
	printf 'Iteration(5): 1 context requests, 2 context tokens, 3 generation requests, 3 generation tokens, iteration elapsed time: 5 s\n' >"$T/d.log"
	run trace-parse "$T/d.log"
	assert_failure 1
	assert_output 'trace-parse: '"$T"'/d.log:1: iteration elapsed time: expected "<number> ms"'
	printf 'Iteration(5): 1 context requests, 2 context tokens, 3 generation requests, 3 generation tokens, iteration elapsed time: 5 ms, GPU KV cache usage: 101%%\n' >"$T/e.log"
	run trace-parse "$T/e.log"
	assert_failure 1
	assert_output 'trace-parse: '"$T"'/e.log:1: GPU KV cache usage: expected a percentage from 0 to 100'
}

@test "vllm-log: a log with no iteration lines counts them and names the flag" {
	printf 'INFO starting\nINFO Avg prompt throughput: 0.0 tokens/s\n\nINFO ready\n' >"$T/none.log"
	run trace-parse --from vllm-log "$T/none.log"
	assert_success
	assert_output "trace-parse: $T/none.log: no iteration lines in 4 lines read; vLLM writes them with --enable-logging-iteration-details
trace-parse: ignored 3 log lines without an iteration record"
	# Detected, not forced: the same; a log with records says nothing.
	run trace-parse "$T/none.log" "$TP/vllm-iterations.log"
	assert_line -n 0 "trace-parse: $T/none.log: no iteration lines in 4 lines read; vLLM writes them with --enable-logging-iteration-details"
	refute_output --partial "vllm-iterations.log: no"
}

@test "vllm-log: every step time is an engine wait (dur_source), async logs too" {
	run --separate-stderr trace-parse "$TP/vllm-iterations.log"
	assert_equal "$(jq -r .dur_source <<<"$output" | sort -u)" engine_wait
	# Async scheduling: 0.02-0.04 ms logged for steps of tens of ms.
	run --separate-stderr trace-parse "$TP/vllm-async.log"
	assert_success
	assert_equal "${#lines[@]}" 8
	assert_line -n 0 '{"step":4100,"engine":0,"ts_us":0,"dur_us":30,"dur_source":"engine_wait","n_prefill":0,"prefill_tokens":0,"n_decode":48,"decode_tokens":48,"kv_usage":0.142}'
	assert_line -n 4 '{"step":4104,"engine":0,"ts_us":0,"dur_us":40,"dur_source":"engine_wait","n_prefill":1,"prefill_tokens":2048,"n_decode":47,"decode_tokens":47,"kv_usage":0.171}'
	assert_equal "$(jq -s 'map(select(.dur_source == "engine_wait" and .dur_us >= 20 and .dur_us <= 40)) | length' <<<"$output")" 8
	assert_equal "$stderr" "trace-parse: ignored 2 log lines without an iteration record"
}

# ---- Azure ---------------------------------------------------------------

@test "azure: code trace: count, first/last records and token sums match awk" {
	require_shared fixtures/azure/AzureLLMInferenceTrace_code.csv
	f="$AZ/AzureLLMInferenceTrace_code.csv"
	trace-parse "$f" >"$T/o"
	assert_equal "$(wc -l <"$T/o")" "$(awk 'END { print NR - 1 }' "$f")"
	assert_equal "$(wc -l <"$T/o")" 8819
	assert_equal "$(jsum input_tokens "$T/o")" "$(awk -F, 'NR > 1 { s += $2 } END { print s }' "$f")"
	assert_equal "$(jsum output_tokens "$T/o")" "$(awk -F, 'NR > 1 { s += $3 } END { print s }' "$f")"
	assert_equal "$(head -1 "$T/o")" '{"request_id":"0","arrival_us":0,"input_tokens":4808,"output_tokens":10}'
	# The last arrival, from the text in integer arithmetic (same day).
	want=$(awk -F, 'function us(t,  a, h) { split(t, a, /[ :.]/);
	    return ((a[2] * 60 + a[3]) * 60 + a[4]) * 1000000 + substr(a[5], 1, 6) + (substr(a[5], 7, 1) >= 5) }
	    NR == 2 { t0 = us($1) } END { sub(/\r$/, "", $3); printf "%.0f %d %d\n", us($1) - t0, $2, $3 }' "$f")
	assert_equal "$(tail -1 "$T/o" | jq -r '"\(.arrival_us) \(.input_tokens) \(.output_tokens)"')" "$want"
	assert_equal "$(tail -1 "$T/o" | jq -r .request_id)" 8818
}

@test "azure: conv trace: every arrival equals an awk computation from the text" {
	require_shared fixtures/azure/AzureLLMInferenceTrace_conv.csv
	f="$AZ/AzureLLMInferenceTrace_conv.csv"
	awk -F, 'function us(t,  a) { split(t, a, /[ :.]/);
	    return ((a[2] * 60 + a[3]) * 60 + a[4]) * 1000000 + substr(a[5], 1, 6) + (substr(a[5], 7, 1) >= 5) }
	    NR == 2 { t0 = us($1) } NR > 1 { printf "%.0f\n", us($1) - t0 }' "$f" >"$T/want"
	trace-parse "$f" | jq .arrival_us >"$T/got"
	assert_equal "$(wc -l <"$T/got")" 19366
	run cmp "$T/want" "$T/got"
	assert_success
	assert_equal "$(trace-parse "$f" | jsum output_tokens -)" "$(awk -F, 'NR > 1 { s += $3 } END { print s }' "$f")"
}

@test "azure 2023: 7-digit timestamps are exact; the 100 ns digit rounds half up" {
	run trace-parse "$TP/azure-2023.csv"
	assert_success
	assert_equal "$(jq -r .arrival_us <<<"$output" | paste -sd,)" "0,1,2000000,86400000000"
	run trace-parse --keep-clock "$TP/azure-2023.csv"
	# 2023-11-16 is day 19677 since 1970; .0000004 rounds down.
	assert_line -n 0 '{"request_id":"0","arrival_us":1700092800000000,"input_tokens":1024,"output_tokens":128}'
	assert_equal "$(date -u -d '2023-11-16 23:59:59' +%s)000000" "$(($(jq -r .arrival_us <<<"${lines[3]}") - 1000000))"
}

@test "azure 2024: six digits and a UTC offset, rows without a fraction, exact" {
	assert_equal "$(sed -n 2p "$TP/azure-2024.csv")" "2024-05-10 00:00:00.009930+00:00,1024,128"
	run --separate-stderr trace-parse "$TP/azure-2024.csv"
	assert_success
	assert_equal "$(jq -r .arrival_us <<<"$output" | paste -sd,)" "0,7360,990070,86399990069"
	assert_equal "$stderr" ""
	run trace-parse --keep-clock "$TP/azure-2024.csv"
	# 2024-05-10 is day 19853 since 1970.
	assert_line -n 0 '{"request_id":"0","arrival_us":1715299200009930,"input_tokens":1024,"output_tokens":128}'
	assert_line -n 2 '{"request_id":"2","arrival_us":1715299201000000,"input_tokens":2048,"output_tokens":1}'
	assert_equal "$(trace-parse "$TP/azure-2024.csv" | md5sum)" "$(trace-parse --from azure "$TP/azure-2024.csv" | md5sum)"
}

@test "azure 2024: the offset is applied; a bad offset is refused" {
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 02:00:00.000001+02:00,1,1\n2024-05-09 19:30:00-04:30,1,1\n2024-05-10 00:00:00.5Z,1,1\n' >"$T/o.csv"
	run trace-parse --keep-clock "$T/o.csv"
	assert_success
	assert_equal "$(jq -r .arrival_us <<<"$output" | paste -sd,)" "1715299200000001,1715299200000000,1715299200500000"
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2024-05-10 00:00:00.009930+0000,1,1\n' >"$T/b.csv"
	run trace-parse "$T/b.csv"
	assert_failure 1
	assert_output "trace-parse: $T/b.csv:2: TIMESTAMP: expected \"YYYY-MM-DD HH:MM:SS[.fffffff][+HH:MM]\", got \"2024-05-10 00:00:00.009930+0000\""
}

@test "azure: a row with too few fields names file, line and the count" {
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:17:03.97,10\r\n' >"$T/a.csv"
	run trace-parse "$T/a.csv"
	assert_failure 1
	assert_output "trace-parse: $T/a.csv:2: expected 3 fields, got 2"
}

@test "azure: a non-numeric token count is refused with its column" {
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.97,5,10\n2023-11-16 18:17:04,abc,10\n' >"$T/a.csv"
	run --separate-stderr trace-parse "$T/a.csv"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/a.csv:3: ContextTokens: expected a whole number, got \"abc\""
	assert_equal "${#lines[@]}" 1
}

@test "azure: negative counts, fractions and bad dates are refused" {
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.97,5,-10\n' >"$T/a.csv"
	run trace-parse "$T/a.csv"
	assert_failure 1
	assert_output "trace-parse: $T/a.csv:2: GeneratedTokens: must not be negative, got \"-10\""
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:17:03.97,5.5,10\n' >"$T/b.csv"
	run trace-parse "$T/b.csv"
	assert_output "trace-parse: $T/b.csv:2: ContextTokens: expected a whole number, got \"5.5\""
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-02-29 18:17:03.97,5,10\n' >"$T/c.csv"
	run trace-parse "$T/c.csv"
	assert_failure 1
	assert_output "trace-parse: $T/c.csv:2: TIMESTAMP: expected \"YYYY-MM-DD HH:MM:SS[.fffffff][+HH:MM]\", got \"2023-02-29 18:17:03.97\""
}

@test "azure: a BOM, CRLF and no final newline are read as usual" {
	printf '\357\273\277TIMESTAMP,ContextTokens,GeneratedTokens\r\n2023-11-16 18:17:03.5,5,10\r\n2023-11-16 18:17:04,6,11' >"$T/a.csv"
	run --separate-stderr trace-parse "$T/a.csv"
	assert_success
	assert_output '{"request_id":"0","arrival_us":0,"input_tokens":5,"output_tokens":10}
{"request_id":"1","arrival_us":500000,"input_tokens":6,"output_tokens":11}'
}

@test "azure: --from azure on a file without the header says what it expected" {
	printf '2023-11-16 18:17:03.5,5,10\n' >"$T/a.csv"
	run trace-parse --from azure --skip-bad "$T/a.csv"
	assert_failure 1
	assert_output "trace-parse: $T/a.csv:1: expected the header \"TIMESTAMP,ContextTokens,GeneratedTokens\""
}

@test "azure: --skip-bad skips, counts and reports every bad row" {
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\nx,1,1\n2023-11-16 18:17:03,1,1\n2023-11-16 18:17:04,1\n2023-11-16 18:17:05,2,2\n' >"$T/a.csv"
	run --separate-stderr trace-parse --skip-bad "$T/a.csv"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line -n 1 '{"request_id":"1","arrival_us":2000000,"input_tokens":2,"output_tokens":2}'
	assert_equal "$stderr" "trace-parse: $T/a.csv:2: TIMESTAMP: expected \"YYYY-MM-DD HH:MM:SS[.fffffff][+HH:MM]\", got \"x\"
trace-parse: $T/a.csv:4: expected 3 fields, got 2
trace-parse: skipped 2 bad records of 4"
}

# ---- Mooncake ----------------------------------------------------------

@test "mooncake: conversation trace: count, first/last and sums match jq" {
	require_shared fixtures/mooncake/conversation_trace.first2000.jsonl
	f="$MC/conversation_trace.first2000.jsonl"
	trace-parse "$f" >"$T/o"
	assert_equal "$(wc -l <"$T/o")" 2000
	assert_equal "$(jsum input_tokens "$T/o")" "$(jq -s 'map(.input_length) | add' "$f")"
	assert_equal "$(jsum output_tokens "$T/o")" "$(jq -s 'map(.output_length) | add' "$f")"
	assert_equal "$(head -1 "$T/o")" '{"request_id":"0","arrival_us":0,"input_tokens":6758,"output_tokens":500}'
	assert_equal "$(tail -1 "$T/o" | jq -c '[.arrival_us, .input_tokens, .output_tokens]')" \
	    "$(jq -sc '(.[0].timestamp) as $t0 | last | [(.timestamp - $t0) * 1000, .input_length, .output_length]' "$f")"
}

@test "mooncake: synthetic trace: every arrival is timestamp x 1000" {
	require_shared fixtures/mooncake/synthetic_trace.jsonl
	f="$MC/synthetic_trace.jsonl"
	trace-parse --keep-clock "$f" | jq .arrival_us >"$T/got"
	jq '.timestamp * 1000' "$f" >"$T/want"
	assert_equal "$(wc -l <"$T/got")" 3993
	run cmp "$T/want" "$T/got"
	assert_success
	assert_equal "$(trace-parse "$f" | jsum input_tokens -)" "$(jq -s 'map(.input_length) | add' "$f")"
}

@test "mooncake: own fixture, relative to the first request" {
	run trace-parse "$TP/mooncake.jsonl"
	assert_success
	assert_equal "$(jq -r .arrival_us <<<"$output" | paste -sd,)" "0,1000,3500000"
}

@test "mooncake: truncated JSON gives line and column" {
	printf '{"timestamp": 0, "input_length": 5, "output_length": 1}\n{"timestamp": 1, "input_length": 5, "outp\n' >"$T/m.jsonl"
	run --separate-stderr trace-parse "$T/m.jsonl"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/m.jsonl:2: truncated record: unclosed string, object or array at end of input (column 42)"
	assert_equal "${#lines[@]}" 1
}

@test "mooncake: wrong types, negatives, missing fields name the JSON path" {
	printf '{"timestamp": 0, "input_length": -5, "output_length": 1}\n' >"$T/a.jsonl"
	run trace-parse "$T/a.jsonl"
	assert_failure 1
	assert_output "trace-parse: $T/a.jsonl:1: input_length: must not be negative, got -5"
	printf '{"timestamp": 0, "input_length": "5", "output_length": 1}\n' >"$T/b.jsonl"
	run trace-parse "$T/b.jsonl"
	assert_output "trace-parse: $T/b.jsonl:1: input_length: expected an integer, got a string"
	printf '{"timestamp": 0.5, "input_length": 5, "output_length": 1}\n' >"$T/c.jsonl"
	run trace-parse "$T/c.jsonl"
	assert_output "trace-parse: $T/c.jsonl:1: timestamp: expected an integer, got 0.5"
	printf '{"timestamp": 0, "input_length": 5}\n' >"$T/d.jsonl"
	run trace-parse "$T/d.jsonl"
	assert_output "trace-parse: $T/d.jsonl:1: missing field \"output_length\""
	printf '{"timestamp": 0, "input_length": 5, "output_length": 1, "hash_ids": 3}\n' >"$T/e.jsonl"
	run trace-parse "$T/e.jsonl"
	assert_output "trace-parse: $T/e.jsonl:1: hash_ids: expected an array, got 3"
}

# ---- SplitwiseSim measured table ---------------------------------------------

@test "splitwise: real table: two steps a row, durations sum as awk says" {
	require_shared fixtures/measured/splitwise_perf_model.csv
	f="$SHARED/fixtures/measured/splitwise_perf_model.csv"
	trace-parse "$f" >"$T/o"
	assert_equal "$(wc -l <"$T/o")" 2520
	assert_equal "$(jq -s '[.[] | select(.n_prefill > 0) | .dur_us] | add' "$T/o")" \
	    "$(awk -F, 'NR > 1 { s += sprintf("%.0f", $8 * 1000) } END { printf "%d\n", s }' "$f")"
	assert_equal "$(jq -s '[.[] | select(.estimated) | .dur_us] | add' "$T/o")" \
	    "$(awk -F, 'NR > 1 { s += sprintf("%.0f", $9 * 1000) } END { printf "%d\n", s }' "$f")"
	assert_equal "$(jq -s 'map(.prefill_tokens) | add' "$T/o")" \
	    "$(awk -F, 'NR > 1 { s += $3 * $4 } END { print s }' "$f")"
	assert_equal "$(head -1 "$T/o" | jq -c '[.step, .dur_us, .n_prefill, .prefill_tokens, .model, .hardware, .tp, (.prefill_requests | length), .decode_requests]')" \
	    '[0,196253,1,512,"llama2-70b","a100-80gb",2,1,[]]'
	assert_equal "$(tail -1 "$T/o" | jq -c '[.step, .n_decode, .estimated, .decode_requests[0].progress_index, (.decode_requests | length)]')" \
	    "$(tail -1 "$f" | awk -F, '{ printf "[2519,%d,true,%d,%d]\n", $4, $3 + ($5 - 2) / 2, $4 }')"
	assert_equal "$(jq -s 'map(select(.model == "bloom-176b")) | length' "$T/o")" \
	    "$(awk -F, '$1 == "bloom-176b" { n += 2 } END { print n }' "$f")"
}

@test "splitwise: ms round half up to us; decode at the phase's mean context" {
	run trace-parse "$TP/splitwise.csv"
	assert_success
	assert_equal "${#lines[@]}" 4
	assert_equal "$(jq -c '[.dur_us, .n_prefill, .n_decode, .estimated, (.decode_requests[0].progress_index)]' <<<"$output" | paste -sd' ')" \
	    "[120000,4,0,null,null] [30001,0,4,true,1151] [55500,2,0,null,null] [41250,0,2,true,128]"
}

@test "splitwise: steps feed roofline-eval unchanged" {
	[ -x "$BIN/roofline-eval" ] || skip "roofline-eval not built"
	run sh -c "trace-parse '$TP/splitwise.csv' | roofline-eval -m llama-3.1-70b-instruct -g H100 -t 4 | jq -s length"
	assert_success
	assert_output 4
}

@test "splitwise: a zero batch_size is refused" {
	printf 'model,hardware,prompt_size,batch_size,token_size,peak_power,average_power,prompt_time,token_time,e2e_time,tensor_parallel\nm,h,128,0,2,1,1,1,1,1,8\n' >"$T/s.csv"
	run trace-parse "$T/s.csv"
	assert_failure 1
	assert_output "trace-parse: $T/s.csv:2: batch_size: must be at least 1"
	sed '2s/,128,0,/,9007199254740,4096,/' "$T/s.csv" >"$T/o.csv"
	run trace-parse "$T/o.csv"
	assert_failure 1
	assert_output "trace-parse: $T/o.csv:2: prompt_size x batch_size or token_size is too large"
}

# ---- BurstGPT ----------------------------------------------------------

@test "burstgpt: failures are kept with error; model passes through" {
	run --separate-stderr trace-parse "$TP/burstgpt.csv"
	assert_success
	assert_line -n 0 '{"request_id":"0","arrival_us":0,"input_tokens":472,"output_tokens":18,"model":"ChatGPT"}'
	assert_line -n 1 '{"request_id":"1","arrival_us":40000000,"input_tokens":1087,"output_tokens":0,"error":"failed (0 response tokens)","model":"GPT-4"}'
	assert_line -n 2 '{"request_id":"2","arrival_us":113500000,"input_tokens":417,"output_tokens":147,"model":"ChatGPT"}'
}

@test "burstgpt 2.0: columns by name, decimal timestamps exact, session_id kept" {
	assert_equal "$(head -1 "$TP/burstgpt-2.csv")" "Timestamp,Session ID,Elapsed time,Model,Request tokens,Response tokens,Total tokens,Log Type"
	run --separate-stderr trace-parse "$TP/burstgpt-2.csv"
	assert_success
	assert_equal "${#lines[@]}" 4
	assert_line -n 0 '{"request_id":"0","arrival_us":0,"input_tokens":472,"output_tokens":18,"model":"ChatGPT","session_id":"2391"}'
	assert_line -n 1 '{"request_id":"1","arrival_us":1250000,"input_tokens":530,"output_tokens":95,"model":"ChatGPT","session_id":"2391"}'
	assert_line -n 2 '{"request_id":"2","arrival_us":5125000,"input_tokens":1087,"output_tokens":0,"error":"failed (0 response tokens)","model":"GPT-4"}'
	assert_line -n 3 '{"request_id":"3","arrival_us":10000001,"input_tokens":417,"output_tokens":276,"model":"GPT-4","session_id":"2405"}'
	# Elapsed time has no documented unit: not a latency, and said so.
	assert_equal "$stderr" 'trace-parse: BurstGPT "Elapsed time" not written: its unit is not documented'
	run --separate-stderr trace-parse --keep-clock "$TP/burstgpt-2.csv"
	assert_line -n 0 --partial '"arrival_us":19440110000000,'
	assert_equal "$(trace-parse --from burstgpt "$TP/burstgpt-2.csv" 2>/dev/null | md5sum)" "$(trace-parse "$TP/burstgpt-2.csv" 2>/dev/null | md5sum)"
	run schema_check "$ROOT/schemas/request.schema.json" <(trace-parse "$TP/burstgpt-2.csv" 2>/dev/null)
	assert_success
}

@test "burstgpt: columns in any order; a missing one, a short row" {
	printf 'Log Type,Total tokens,Response tokens,Request tokens,Model,Timestamp\nAPI log,490,18,472,ChatGPT,5.5\n' >"$T/r.csv"
	run --separate-stderr trace-parse "$T/r.csv"
	assert_success
	assert_output '{"request_id":"0","arrival_us":0,"input_tokens":472,"output_tokens":18,"model":"ChatGPT"}'
	printf 'Timestamp,Model,Request tokens,Response tokens,Log Type\n5,ChatGPT,472,18,API log\n' >"$T/m.csv"
	run trace-parse --from burstgpt "$T/m.csv"
	assert_failure 1
	assert_output "trace-parse: $T/m.csv:1: expected a BurstGPT header with Timestamp, Model, Request tokens, Response tokens, Total tokens and Log Type; no \"Total tokens\""
	printf 'Timestamp,Session ID,Elapsed time,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,s,1,ChatGPT,472,18,490\n' >"$T/s.csv"
	run --separate-stderr trace-parse "$T/s.csv"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/s.csv:2: expected 8 fields, got 7"
}

@test "burstgpt: Total tokens must add up" {
	printf 'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n5,ChatGPT,472,18,491,Conversation log\n' >"$T/b.csv"
	run trace-parse "$T/b.csv"
	assert_failure 1
	assert_output "trace-parse: $T/b.csv:2: Total tokens: 491 is not Request tokens + Response tokens (490)"
}

# ---- vllm bench serve ----------------------------------------------------

@test "bench-serve: ttft, itl, e2e in us; the failed request kept with error" {
	run --separate-stderr trace-parse "$TP/bench-serve.json"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line -n 0 '{"request_id":"0","arrival_us":0,"input_tokens":120,"output_tokens":4,"ttft_us":25100,"e2e_us":55300,"itl_us":[10200,9900,10100],"model":"meta-llama/Llama-3.1-8B-Instruct"}'
	assert_line -n 1 '{"request_id":"1","arrival_us":250000,"input_tokens":64,"output_tokens":0,"error":"ClientResponseError: 500, Internal Server Error","model":"meta-llama/Llama-3.1-8B-Instruct"}'
	assert_line -n 2 '{"request_id":"2","arrival_us":875000,"input_tokens":300,"output_tokens":2,"ttft_us":500000,"e2e_us":512000,"itl_us":[12000],"model":"meta-llama/Llama-3.1-8B-Instruct"}'
}

@test "bench-serve: a summary without per-request data names --save-detailed" {
	# vllm bench serve --save-result without --save-detailed.
	jq 'del(.input_lens, .output_lens, .ttfts, .itls, .generated_texts, .errors, .start_times) + {"request_throughput": 2.5, "mean_ttft_ms": 25.1}' "$TP/bench-serve.json" >"$T/sum.json"
	assert_equal "$(jq 'has("completed") and has("request_throughput")' "$T/sum.json")" true
	run --separate-stderr trace-parse "$T/sum.json"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "trace-parse: $T/sum.json: a vllm bench serve summary without per-request data (input_lens, ttfts, itls): save the run with --save-result --save-detailed"
	jq -c . "$T/sum.json" >"$T/sum1.json"
	run --separate-stderr trace-parse --skip-bad --from bench-serve "$T/sum1.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/sum1.json: a vllm bench serve summary without per-request data (input_lens, ttfts, itls): save the run with --save-result --save-detailed"
}

@test "bench-serve: without start_times every arrival is 0, and it says so" {
	jq 'del(.start_times)' "$TP/bench-serve.json" >"$T/b.json"
	run --separate-stderr trace-parse "$T/b.json"
	assert_success
	assert_equal "$(jq -r .arrival_us <<<"$output" | paste -sd,)" "0,0,0"
	assert_equal "$stderr" "trace-parse: $T/b.json: no start_times: arrival_us is 0 for every request"
}

@test "bench-serve: bad documents: truncated, wrong type, lengths disagree" {
	head -c 300 "$TP/bench-serve.json" >"$T/a.json"
	run trace-parse "$T/a.json"
	assert_failure 1
	assert_output "trace-parse: $T/a.json:11: truncated JSON: unclosed string, object or array at end of input (column 302)"
	jq -c '.ttfts[2] = "x"' "$TP/bench-serve.json" >"$T/b.json"
	run --separate-stderr trace-parse "$T/b.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/b.json: ttfts[2]: expected a number, got a string"
	assert_equal "${#lines[@]}" 2
	jq -c '.ttfts = [1]' "$TP/bench-serve.json" >"$T/c.json"
	run trace-parse "$T/c.json"
	assert_output "trace-parse: $T/c.json: ttfts: 1 entries, but input_lens has 3"
	jq -c '.itls[0][1] = -0.5' "$TP/bench-serve.json" >"$T/d.json"
	run trace-parse "$T/d.json"
	assert_output "trace-parse: $T/d.json: itls[0][1]: must not be negative"
}

# ---- OpenTelemetry -------------------------------------------------------

@test "otel: a pretty-printed export; other spans counted; error status kept" {
	run --separate-stderr trace-parse "$TP/otel.json"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 '{"request_id":"cmpl-a1","arrival_us":0,"input_tokens":120,"output_tokens":4,"ttft_us":25100,"e2e_us":250300,"queue_us":1200,"prefill_us":20100,"decode_us":229000,"model":"meta-llama/Llama-3.1-8B-Instruct"}'
	assert_line -n 1 '{"request_id":"cmpl-a2","arrival_us":750000,"input_tokens":64,"output_tokens":0,"error":"aborted"}'
	assert_equal "$stderr" "trace-parse: otel: 2 request spans; latency attributes seen: time_in_queue, time_to_first_token, e2e, time_in_model_prefill, time_in_model_decode
trace-parse: ignored 1 span without gen_ai.request.id"
	run --separate-stderr trace-parse --keep-clock "$TP/otel.json"
	assert_equal "$(jq -r .arrival_us <<<"${lines[0]}")" 1740823300250000
}

@test "otel: one export a line streams; a duplicate id is an error" {
	run --separate-stderr trace-parse "$TP/otel.jsonl"
	assert_success
	assert_equal "$(jq -r .request_id <<<"$output" | paste -sd,)" "cmpl-a1,cmpl-a2,cmpl-b1"
	cat "$TP/otel.jsonl" "$TP/otel.jsonl" >"$T/dup.jsonl"
	run --separate-stderr trace-parse "$T/dup.jsonl"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/dup.jsonl:3: duplicate request id \"cmpl-a1\" (first at line 1)"
	run --separate-stderr trace-parse --skip-bad "$T/dup.jsonl"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_equal "$(tail -1 <<<"$stderr")" "trace-parse: skipped 3 bad records of 6"
}

@test "otel: a bad attribute names its JSON path" {
	jq -c '.resourceSpans[0].scopeSpans[0].spans[2].attributes[1].value.intValue = "6x"' "$TP/otel.json" >"$T/o.jsonl"
	run --separate-stderr trace-parse "$T/o.jsonl"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/o.jsonl:1: resourceSpans[0].scopeSpans[0].spans[2].attributes[gen_ai.usage.prompt_tokens]: expected a whole number, got \"6x\""
}

# ---- BLIS trace v2 and ITL ---------------------------------------------

@test "blis: header model, send-based ttft/e2e, ITL joined, failure kept" {
	run --separate-stderr trace-parse "$TP/blis-header.yaml" "$TP/blis-trace.csv" --itl "$TP/blis-itl.csv"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line -n 0 '{"request_id":"0","arrival_us":0,"input_tokens":512,"output_tokens":4,"ttft_us":30000,"e2e_us":60000,"itl_us":[10000,10000,10000],"model":"meta-llama/Llama-3.1-8B-Instruct"}'
	assert_line -n 1 '{"request_id":"1","arrival_us":100000,"input_tokens":700,"output_tokens":3,"ttft_us":50000,"e2e_us":80000,"itl_us":[15000,15000],"model":"meta-llama/Llama-3.1-8B-Instruct"}'
	assert_line -n 2 '{"request_id":"2","arrival_us":250000,"input_tokens":64,"output_tokens":0,"error":"upstream 503, retry later","model":"meta-llama/Llama-3.1-8B-Instruct"}'
	assert_equal "$stderr" "trace-parse: --itl: 1 request id not in any trace"
}

@test "blis: a header given alone warns that the data file is missing" {
	run --separate-stderr trace-parse "$TP/blis-header.yaml"
	assert_success
	assert_output ""
	assert_equal "$stderr" "trace-parse: $TP/blis-header.yaml: a BLIS trace v2 header without its data file: give the request CSV after it"
	# The header last, after a data file: still alone.
	run --separate-stderr trace-parse "$TP/blis-header.yaml" "$TP/blis-trace.csv" "$TP/blis-header.yaml"
	assert_equal "$stderr" "trace-parse: $TP/blis-header.yaml: a BLIS trace v2 header without its data file: give the request CSV after it"
	run --separate-stderr trace-parse "$TP/blis-header.yaml" "$TP/blis-trace.csv"
	assert_equal "$stderr" ""
}

@test "blis: a good header leaves --skip-bad in force for the data" {
	sed '3s/,700,3,/,700,x,/' "$TP/blis-trace.csv" >"$T/t.csv"
	run --separate-stderr trace-parse --skip-bad "$TP/blis-header.yaml" "$T/t.csv"
	assert_success
	assert_equal "$(jq -r .request_id <<<"$output" | paste -sd,)" "0,2"
	assert_equal "$stderr" "trace-parse: $T/t.csv:3: output_tokens: expected a whole number, got \"x\"
trace-parse: skipped 1 bad record of 3"
}

@test "blis: the itl sums agree with the ITL file (awk)" {
	got=$(trace-parse "$TP/blis-trace.csv" --itl "$TP/blis-itl.csv" 2>/dev/null | jq -s '[.[] | .itl_us // [] | add // 0] | add')
	want=$(awk -F, 'NR > 1 && $1 != 9 { if (!($1 in lo) || $3 < lo[$1]) lo[$1] = $3; if ($3 > hi[$1]) hi[$1] = $3 }
	    END { for (k in lo) s += hi[k] - lo[k]; print s }' "$TP/blis-itl.csv")
	assert_equal "$got" "$want"
}

@test "blis: an ITL CSV alone is a usage error; bad rows name their column" {
	run trace-parse "$TP/blis-itl.csv"
	assert_failure 2
	assert_output "trace-parse: $TP/blis-itl.csv: a BLIS ITL CSV joins a trace: give it with --itl"
	sed '2s/,512,4,/,512,-4,/' "$TP/blis-trace.csv" >"$T/t.csv"
	run trace-parse "$T/t.csv"
	assert_failure 1
	assert_output "trace-parse: $T/t.csv:2: output_tokens: must not be negative, got \"-4\""
	sed '3s/^1,/0,/' "$TP/blis-trace.csv" >"$T/d.csv"
	run --separate-stderr trace-parse "$T/d.csv"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/d.csv:3: duplicate request id \"0\" (first at line 2)"
	printf 'trace_version: 2\ntime_unit: ms\n' >"$T/h.yaml"
	run trace-parse "$T/h.yaml"
	assert_failure 1
	assert_output "trace-parse: $T/h.yaml:2: time_unit: only microseconds is supported, got \"ms\""
	printf 'request_id,chunk_index,timestamp_us\n0,1,x\n' >"$T/i.csv"
	run trace-parse --itl "$T/i.csv" "$TP/blis-trace.csv"
	assert_failure 1
	assert_output "trace-parse: $T/i.csv:2: timestamp_us: expected a whole number, got \"x\""
	cut -d, -f1-10 "$TP/blis-trace.csv" >"$T/n.csv"
	run trace-parse --from blis "$T/n.csv"
	assert_failure 1
	assert_output "trace-parse: $T/n.csv:1: trace v2 header has no column \"output_tokens\""
}

# ---- detection, CLI, output ---------------------------------------------

@test "detection picks each format of the project's fixtures" {
	for f in vllm-iterations.log:step azure-2024.csv:request mooncake.jsonl:request \
	    splitwise.csv:step burstgpt.csv:request bench-serve.json:request \
	    otel.json:request otel.jsonl:request blis-trace.csv:request; do
		out=$(trace-parse "$TP/${f%%:*}" 2>/dev/null | head -1)
		case ${f##*:} in
		step)	key=n_prefill ;;
		request) key=request_id ;;
		esac
		[ "$(jq "has(\"$key\")" <<<"$out")" = true ] || fail "$f: no $key in: $out"
	done
	assert_equal "$(trace-parse "$TP/azure-2024.csv" | md5sum)" "$(trace-parse --from azure "$TP/azure-2024.csv" | md5sum)"
	assert_equal "$(trace-parse < "$TP/otel.json" | md5sum)" "$(trace-parse --from otel "$TP/otel.json" | md5sum)"
}

@test "an unknown --from value is a usage error naming --from and the formats" {
	run trace-parse --from parquet "$TP/azure-2024.csv"
	assert_failure 2
	assert_output "trace-parse: --from: unknown format 'parquet' (one of: vllm-log, bench-serve, vllm-steps, otel, dynamo-fpm, trtllm-iterations, azure, mooncake, burstgpt, splitwise, blis)
Try 'trace-parse --help' for more information."
}

@test "an undetectable CSV or JSON document asks for --from" {
	printf 'a,b,c\n1,2,3\n' >"$T/u.csv"
	run trace-parse "$T/u.csv"
	assert_failure 1
	assert_output "trace-parse: $T/u.csv:1: cannot tell the format from \"a,b,c\"; use --from (one of: vllm-log, bench-serve, vllm-steps, otel, dynamo-fpm, trtllm-iterations, azure, mooncake, burstgpt, splitwise, blis)"
	printf '[1, 2]\n' >"$T/a.json"
	run trace-parse "$T/a.json"
	assert_failure 1
	assert_output "trace-parse: $T/a.json:1: cannot tell the format from \"[1, 2]\"; use --from (one of: vllm-log, bench-serve, vllm-steps, otel, dynamo-fpm, trtllm-iterations, azure, mooncake, burstgpt, splitwise, blis)"
	printf '{"x": 1}\n' >"$T/u.json"
	run trace-parse "$T/u.json"
	assert_failure 1
	assert_output "trace-parse: $T/u.json: a JSON document with neither input_lens (bench-serve) nor resourceSpans (otel); use --from"
}

@test "--list-formats, --help, --version go to stdout and exit 0" {
	run --separate-stderr trace-parse --list-formats
	assert_success
	assert_equal "${#lines[@]}" 11
	assert_line -n 0 --regexp '^vllm-log +step +vLLM iteration log'
	assert_equal "$(cut -d' ' -f1 <<<"$output" | paste -sd' ')" "vllm-log bench-serve vllm-steps otel dynamo-fpm trtllm-iterations azure mooncake burstgpt splitwise blis"
	run trace-parse --help
	assert_success
	assert_line -n 0 "usage: trace-parse [options] [FILE...]"
	run trace-parse --version
	assert_success
	assert_output --regexp '^trace-parse \(rooftrace\) [0-9]+\.[0-9]+\.[0-9]+$'
	run trace-parse --bogus
	assert_failure 2
}

# ---- shards ---------------------------------------------------------------

@test "shards merge: --keep-clock gives one clock, --id-prefix unique ids" {
	f="$TP/azure-2024.csv"
	{ head -1 "$f"; sed -n 2,3p "$f"; } >"$T/s0.csv"
	{ head -1 "$f"; sed -n 4,5p "$f"; } >"$T/s1.csv"
	for i in 0 1; do
		trace-parse -q --keep-clock --id-prefix "s$i:" "$T/s$i.csv" >"$T/o$i.ndjson"
	done
	cat "$T/o0.ndjson" "$T/o1.ndjson" >"$T/merged.ndjson"
	assert_equal "$(jq -r .request_id "$T/merged.ndjson" | paste -sd' ')" "s0:0 s0:1 s1:0 s1:1"
	assert_equal "$(jq -r .request_id "$T/merged.ndjson" | sort -u | wc -l)" 4
	# One clock: the arrivals of one process over the whole file.
	assert_equal "$(jq -r .arrival_us "$T/merged.ndjson" | paste -sd' ')" "$(trace-parse -q --keep-clock "$f" | jq -r .arrival_us | paste -sd' ')"
	assert_equal "$(jq -r '[.input_tokens, .output_tokens] | @tsv' "$T/merged.ndjson" | md5sum)" "$(trace-parse -q "$f" | jq -r '[.input_tokens, .output_tokens] | @tsv' | md5sum)"
	# Without them, each shard restarts its ids and its clock.
	trace-parse -q "$T/s1.csv" >"$T/bare1.ndjson"
	assert_equal "$(jq -r '"\(.request_id):\(.arrival_us)"' "$T/bare1.ndjson" | paste -sd' ')" "0:0 1:86398999999"
	# The trace's own ids are prefixed too.
	run --separate-stderr trace-parse --id-prefix host-a/ "$TP/otel.jsonl"
	assert_success
	assert_equal "$(jq -r .request_id <<<"$output" | grep -vc '^host-a/')" 0
	run trace-parse --id-prefix "$(printf '%0129d' 0)" "$f"
	assert_failure 2
	assert_line -n 0 "trace-parse: --id-prefix: longer than 128 bytes"
}

@test "empty input warns no records, exits 0; a missing file exits 1" {
	run trace-parse </dev/null
	assert_success
	assert_output "trace-parse: -: no records"
	run trace-parse "$T/nope"
	assert_failure 1
	assert_output "trace-parse: $T/nope: No such file or directory"
}

@test "--csv writes a header then rows; kinds cannot mix in one CSV" {
	run trace-parse --csv "$TP/burstgpt.csv"
	assert_success
	assert_line -n 0 "request_id,arrival_us,input_tokens,output_tokens,ttft_us,e2e_us,queue_us,prefill_us,decode_us,error,model,inference_us,scheduler_us,model_forward_us,model_execute_us"
	assert_line -n 2 "1,40000000,1087,0,,,,,,failed (0 response tokens),GPT-4,,,,"
	run --separate-stderr trace-parse --csv "$TP/vllm-iterations.log"
	assert_line -n 0 "step,engine,ts_us,dur_us,n_prefill,prefill_tokens,n_decode,decode_tokens,kv_usage,dummy,estimated,model,hardware,tp,dur_source,prefill_kv_tokens,prefill_len_var,decode_kv_tokens,decode_kv_var"
	assert_line -n 3 "3,0,1000000,410,0,0,0,0,0.015,1,0,,,,engine_wait,,,,"
	run --separate-stderr trace-parse --csv "$TP/burstgpt.csv" "$TP/splitwise.csv"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: --csv: cannot write request and step records into one CSV; run once per kind"
}

@test "several files: ids continue; arrivals restart per file" {
	run trace-parse "$TP/mooncake.jsonl" "$TP/mooncake.jsonl"
	assert_success
	assert_equal "$(jq -r .request_id <<<"$output" | paste -sd,)" "0,1,2,3,4,5"
	assert_equal "$(jq -r .arrival_us <<<"$output" | paste -sd,)" "0,1000,3500000,0,1000,3500000"
}

@test "streaming: peak RSS does not grow with the input (1 MB vs 40 MB)" {
	[ -x /usr/bin/time ] || skip "/usr/bin/time not installed"
	gen() {	# rows
		awk -v n="$1" 'BEGIN { printf "TIMESTAMP,ContextTokens,GeneratedTokens"
		    for (i = 0; i < n; i++) printf "\r\n2023-11-16 %02d:%02d:%02d.%07d,%d,%d",
		        int(i / 360000) % 24, int(i / 6000) % 60, int(i / 100) % 60, (i % 100) * 100000, 1 + i % 4000, 1 + i % 500 }'
	}
	gen 25000 >"$T/s.csv"
	gen 1000000 >"$T/b.csv"
	small=$(/usr/bin/time -f %M trace-parse -q "$T/s.csv" 2>&1 >/dev/null | tail -1)
	big=$(/usr/bin/time -f %M trace-parse -q "$T/b.csv" 2>&1 >/dev/null | tail -1)
	[ "$(trace-parse "$T/b.csv" | wc -l)" -eq 1000000 ]
	# Flat: within 1 MB of each other (the SAN build has its own baseline).
	[ $((big - small)) -lt 1024 ] || fail "peak RSS ${small} KB at 1 MB, ${big} KB at 40 MB"
}

@test "-o writes the file atomically" {
	run trace-parse -o "$T/out.ndjson" "$TP/mooncake.jsonl"
	assert_success
	assert_output ""
	assert_equal "$(wc -l <"$T/out.ndjson")" 3
}

@test "every fixture's output validates against the schemas" {
	for f in azure-2024.csv mooncake.jsonl burstgpt.csv bench-serve.json otel.json otel.jsonl blis-trace.csv; do
		trace-parse "$TP/$f" 2>/dev/null >"$T/r.ndjson"
		run schema_check "$ROOT/schemas/request.schema.json" "$T/r.ndjson"
		assert_success
	done
	for f in vllm-iterations.log splitwise.csv; do
		trace-parse "$TP/$f" 2>/dev/null >"$T/s.ndjson"
		run schema_check "$ROOT/schemas/step.schema.json" "$T/s.ndjson"
		assert_success
	done
	assert_output "4 records valid"
}

@test "the real fixtures' output validates against the schemas" {
	require_shared fixtures/azure
	for f in azure/AzureLLMInferenceTrace_code.csv azure/AzureLLMInferenceTrace_conv.csv \
	    mooncake/synthetic_trace.jsonl mooncake/conversation_trace.first2000.jsonl; do
		trace-parse "$SHARED/fixtures/$f" >"$T/r.ndjson"
		run schema_check "$ROOT/schemas/request.schema.json" "$T/r.ndjson"
		assert_success
	done
	trace-parse "$SHARED/fixtures/measured/splitwise_perf_model.csv" "$SHARED/fixtures/vllm-logs/vllm_pr31193_iteration_details.log" >"$T/s.ndjson"
	run schema_check "$ROOT/schemas/step.schema.json" "$T/s.ndjson"
	assert_success
	assert_output "2523 records valid"
}

@test "the schemas reject what they must" {
	echo '{"request_id":"1","arrival_us":0,"input_tokens":-1,"output_tokens":1}' >"$T/r.ndjson"
	run schema_check "$ROOT/schemas/request.schema.json" "$T/r.ndjson"
	assert_failure
	echo '{"step":1,"n_prefill":1}' >"$T/s.ndjson"
	run schema_check "$ROOT/schemas/step.schema.json" "$T/s.ndjson"
	assert_failure
}
