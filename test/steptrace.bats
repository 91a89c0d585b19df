#!/usr/bin/env bats
# trace-parse vllm-steps: the inference-sim vLLM fork's step traces
# (--step-tracing-enabled, OTLP JSON).  The real H100 run read end to end
# and checked against the raw timestamps; hand-written rich-mode fixtures
# (doc/steptrace.md) with exact records; ordering, errors, memory.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	TP="$FIXTURES/trace-parse"
	H="$SHARED/fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json"
	HREL=fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json
	T="$BATS_TEST_TMPDIR"
	TIMED='trace-parse: 716 of 7441 steps timed: dur_us is the cycle to step N+1, known only where N+1 was sampled too'
}

# The raw summaries as "step.id ts_start_ns duration_us", in file order.
raw_steps() {
	jq -r '.resourceSpans[].scopeSpans[].spans[].events[]
	    | select(.name == "step.BATCH_SUMMARY")
	    | (.attributes | map({(.key): .value.intValue}) | add)
	    | [."step.id", ."step.ts_start_ns", ."step.duration_us"] | @tsv' "$1"
}

# ---- the real H100 run ----------------------------------------------

@test "h100: 7441 steps, 716 timed; first and last step exact" {
	require_shared "$HREL"
	run --separate-stderr trace-parse "$H"
	assert_success
	assert_equal "${#lines[@]}" 7441
	assert_line -n 0 '{"step":27,"ts_us":0,"dur_us":null,"sched_us":80,"n_prefill":0,"prefill_tokens":0,"n_decode":9,"decode_tokens":9,"kv_usage":0.01229230884895871,"kv_blocks_total":26602}'
	assert_line -n 7440 '{"step":76609,"ts_us":1208573659,"dur_us":null,"sched_us":67,"n_prefill":0,"prefill_tokens":0,"n_decode":8,"decode_tokens":8,"kv_usage":0.015036463423802715,"kv_blocks_total":26602}'
	assert_equal "$stderr" "$TIMED"
	assert_equal "$(jq -s 'map(select(.dur_us != null)) | length' <<<"$output")" 716
	assert_equal "$(jq -s 'map(select(.dur_source == "cycle")) | length' <<<"$output")" 716
	assert_equal "$(jq -s 'map(select(.dur_us == null and has("dur_source"))) | length' <<<"$output")" 0
}

@test "h100: every dur_us is the cycle to step N+1, rounded half up; none is step.duration_us" {
	require_shared "$HREL"
	raw_steps "$H" >"$T/raw.tsv"
	# Expected: (ts(N+1) - ts(N) + 500) / 1000 where N+1 follows, else null.
	awk -F'\t' '{ id[NR] = $1; ts[NR] = $2 }
	    END { for (i = 1; i <= NR; i++) {
	        d = "null"
	        if (i < NR && id[i + 1] == id[i] + 1)
	            d = int((ts[i + 1] - ts[i] + 500) / 1000)
	        print id[i], d } }' "$T/raw.tsv" >"$T/want"
	trace-parse -q "$H" 2>/dev/null | jq -r '"\(.step) \(.dur_us)"' >"$T/got"
	assert_equal "$(grep -vc null "$T/want")" 716
	run diff "$T/want" "$T/got"
	assert_success
	# sched_us is step.duration_us, and never the cycle.
	trace-parse -q "$H" 2>/dev/null | jq -r '"\(.step)\t\(.sched_us)"' >"$T/sched"
	run diff <(cut -f1,3 "$T/raw.tsv") "$T/sched"
	assert_success
	assert_equal "$(trace-parse -q "$H" 2>/dev/null | jq -s 'map(select(.dur_us == .sched_us)) | length')" 0
}

@test "h100: the counts are the summary's, kv_usage the ratio as written" {
	require_shared "$HREL"
	jq -r '.resourceSpans[].scopeSpans[].spans[].events[]
	    | (.attributes | map({(.key): (.value.intValue // .value.doubleValue)}) | add)
	    | [."batch.num_prefill_reqs", ."batch.prefill_tokens", ."batch.num_decode_reqs", ."batch.decode_tokens", ."kv.usage_gpu_ratio", ."kv.blocks_total_gpu"]
	    | map(tostring) | join(" ")' "$H" >"$T/want"
	trace-parse -q "$H" 2>/dev/null | jq -r '[.n_prefill, .prefill_tokens, .n_decode, .decode_tokens, .kv_usage, .kv_blocks_total] | map(tostring) | join(" ")' >"$T/got"
	run diff "$T/want" "$T/got"
	assert_success
}

@test "h100: --keep-clock keeps the monotonic clock, to the nearest us" {
	require_shared "$HREL"
	run --separate-stderr trace-parse --keep-clock "$H"
	assert_success
	# 2261067235753402 ns and 2262275809412736 ns
	assert_equal "$(head -1 <<<"$output" | jq .ts_us)" 2261067235753
	assert_equal "$(tail -1 <<<"$output" | jq .ts_us)" 2262275809413
}

@test "h100: exports out of order within the window come back in order" {
	require_shared "$HREL"
	# Swap every pair of exports: 100-step blocks, 200 steps out of place.
	awk 'NR % 2 == 1 { hold = $0; next } { print; print hold } END { if (NR % 2 == 1) print hold }' "$H" >"$T/swap.json"
	assert_equal "$(trace-parse -q "$T/swap.json" 2>/dev/null | md5sum)" "$(trace-parse -q "$H" 2>/dev/null | md5sum)"
}

@test "h100: out of order beyond the 1024-step window is an error" {
	require_shared "$HREL"
	tac "$H" >"$T/rev.json"
	run --separate-stderr trace-parse "$T/rev.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/rev.json:12: step 64876 arrives after step 66221 was written: a duplicate, or out of order by more than the 1024-step reorder window"
}

@test "h100: through batchify --mode expand and roofline-eval" {
	require_shared "$HREL"
	trace-parse -q "$H" 2>/dev/null | batchify --mode expand --kv-blocks 26602 >"$T/exp.ndjson"
	roofline-eval -m codellama-34b-instruct-hf -g H100 -t 2 "$T/exp.ndjson" >"$T/eval.ndjson"
	assert_equal "$(wc -l <"$T/eval.ndjson")" 7441
	# Every timed step kept its cycle and its source through the pipeline.
	assert_equal "$(jq -s 'map(select(.dur_source == "cycle" and .dur_us > .pred_us)) | length' "$T/eval.ndjson")" 716
}

@test "h100: the output validates against the step schema" {
	require_shared "$HREL"
	trace-parse -q "$H" 2>/dev/null >"$T/s.ndjson"
	run schema_check "$ROOT/schemas/step.schema.json" "$T/s.ndjson"
	assert_success
	assert_output "7441 records valid"
}

# ---- rich mode: hand-written fixtures ---------------------------------

@test "rich: exact compositions, request ids, progress indices; reordered exports" {
	run --separate-stderr trace-parse "$TP/steptrace-rich.json"
	assert_success
	assert_equal "${#lines[@]}" 5
	# Step 10: a prompt chunk; "b" finished its prompt last step (the
	# fork's phase still says PREFILL: async scheduling lags a step) and
	# decodes at 300; "c" decodes; "d" runs but has 0 tokens: left out.
	assert_line -n 0 '{"step":10,"ts_us":0,"dur_us":20000,"dur_source":"cycle","sched_us":95,"n_prefill":1,"prefill_tokens":512,"n_decode":2,"decode_tokens":2,"kv_usage":0.25,"kv_blocks_total":1000,"prefill_requests":[{"request_id":"a","progress_index":0,"num_new_prefill_tokens":512}],"decode_requests":[{"request_id":"b","progress_index":300,"num_new_decode_tokens":1},{"request_id":"c","progress_index":204,"num_new_decode_tokens":1}]}'
	# Step 11 came in the second export, after step 12: put back, and
	# without snapshots it has the summary's counts only.
	assert_line -n 1 '{"step":11,"ts_us":20000,"dur_us":20001,"dur_source":"cycle","sched_us":90,"n_prefill":1,"prefill_tokens":488,"n_decode":2,"decode_tokens":2,"kv_usage":0.375,"kv_blocks_total":1000}'
	# Steps 12 and 13: "e" recomputes after preemption (DECODE phase, 512
	# then 188 tokens): chunks at their progress index, not decodes.
	assert_line -n 2 '{"step":12,"ts_us":40001,"dur_us":30000,"dur_source":"cycle","sched_us":88,"n_prefill":1,"prefill_tokens":512,"n_decode":1,"decode_tokens":1,"kv_usage":0.5,"kv_blocks_total":1000,"prefill_requests":[{"request_id":"e","progress_index":0,"num_new_prefill_tokens":512}],"decode_requests":[{"request_id":"c","progress_index":206,"num_new_decode_tokens":1}]}'
	assert_line -n 3 '{"step":13,"ts_us":70001,"dur_us":null,"sched_us":101,"n_prefill":1,"prefill_tokens":188,"n_decode":1,"decode_tokens":1,"kv_usage":0.625,"kv_blocks_total":1000,"prefill_requests":[{"request_id":"e","progress_index":512,"num_new_prefill_tokens":188}],"decode_requests":[{"request_id":"c","progress_index":207,"num_new_decode_tokens":1}]}'
	assert_line -n 4 '{"step":20,"ts_us":470001,"dur_us":null,"sched_us":70,"n_prefill":0,"prefill_tokens":0,"n_decode":1,"decode_tokens":1,"kv_usage":0.125,"kv_blocks_total":1000}'
	assert_equal "$stderr" 'trace-parse: 3 of 5 steps timed: dur_us is the cycle to step N+1, known only where N+1 was sampled too
trace-parse: 1 running request with no tokens scheduled left out of step compositions
trace-parse: ignored 1 span without step events'
}

@test "rich: the cycle rounds half up from nanoseconds, not from rounded ts_us" {
	# 10 -> 11: 20000.499 us; 11 -> 12: 20000.500 us.
	ts=$(jq -r '.resourceSpans[0].scopeSpans[0].spans[0].events[] | select(.name == "step.BATCH_SUMMARY") | .attributes[1].value.intValue' "$TP/steptrace-rich.json" | paste -sd' ')
	assert_equal "$ts" "5000000000000 5000040000999 5000020000499 5000070000999 5000470000999"
	assert_equal "$(trace-parse -q "$TP/steptrace-rich.json" 2>/dev/null | jq -r .dur_us | paste -sd' ')" "20000 20001 30000 null null"
}

@test "rich: composed steps go to roofline-eval as they are, not estimated" {
	trace-parse -q "$TP/steptrace-rich.json" 2>/dev/null | jq -c 'select(has("prefill_requests"))' >"$T/c.ndjson"
	assert_equal "$(wc -l <"$T/c.ndjson")" 3
	run --separate-stderr roofline-eval -m codellama-34b-instruct-hf -g H100 -t 2 "$T/c.ndjson"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_equal "$(jq -s 'map(select(.estimated)) | length' <<<"$output")" 0
	assert_equal "$(jq -s 'map(.pred_us > 0) | all' <<<"$output")" true
	run schema_check "$ROOT/schemas/step.schema.json" "$T/c.ndjson"
	assert_success
}

@test "edge: snapshots without a summary, and snapshots that do not add up" {
	run --separate-stderr trace-parse "$TP/steptrace-edge.json"
	assert_success
	# Step 30 has two snapshots and no summary: no time, no record.
	# Step 31 has one snapshot for two scheduled requests: counts only.
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 '{"step":31,"ts_us":0,"dur_us":15000,"dur_source":"cycle","sched_us":80,"n_prefill":0,"prefill_tokens":0,"n_decode":2,"decode_tokens":2,"kv_usage":0.125,"kv_blocks_total":1000}'
	assert_line -n 1 '{"step":32,"ts_us":15000,"dur_us":null,"sched_us":81,"n_prefill":0,"prefill_tokens":0,"n_decode":2,"decode_tokens":2,"kv_usage":0.125,"kv_blocks_total":1000}'
	assert_equal "$stderr" 'trace-parse: 1 of 2 steps timed: dur_us is the cycle to step N+1, known only where N+1 was sampled too
trace-parse: left out 1 step with 2 step.REQUEST_SNAPSHOT events but no step.BATCH_SUMMARY
trace-parse: 1 step with snapshots that do not add up to the summary: counts only, no composition'
}

# ---- detection, the CLI ---------------------------------------------

@test "detected as a document, on standard input, and with --from; listed" {
	want=$(trace-parse -q "$TP/steptrace-edge.json" 2>/dev/null | md5sum)
	assert_equal "$(trace-parse -q <"$TP/steptrace-edge.json" 2>/dev/null | md5sum)" "$want"
	assert_equal "$(trace-parse -q --from vllm-steps "$TP/steptrace-edge.json" 2>/dev/null | md5sum)" "$want"
	# One export a line, compacted from the document: the same records.
	jq -c . "$TP/steptrace-edge.json" >"$T/edge.jsonl"
	assert_equal "$(trace-parse -q "$T/edge.jsonl" 2>/dev/null | md5sum)" "$want"
	run trace-parse --list-formats
	assert_line --regexp '^vllm-steps +step +vLLM fork step traces'
}

@test "several files are several streams: each starts at 0, each last step untimed" {
	run --separate-stderr trace-parse "$TP/steptrace-edge.json" "$TP/steptrace-edge.json"
	assert_success
	assert_equal "$(jq -r '"\(.step):\(.ts_us):\(.dur_us)"' <<<"$output" | paste -sd' ')" "31:0:15000 32:15000:null 31:0:15000 32:15000:null"
	assert_line -n 0 --partial '"step":31'
	assert_equal "$(head -1 <<<"$stderr")" 'trace-parse: 2 of 4 steps timed: dur_us is the cycle to step N+1, known only where N+1 was sampled too'
}

@test "--csv writes the step columns" {
	run --separate-stderr trace-parse --csv "$TP/steptrace-rich.json"
	assert_success
	assert_line -n 0 'step,engine,ts_us,dur_us,n_prefill,prefill_tokens,n_decode,decode_tokens,kv_usage,dummy,estimated,model,hardware,tp,dur_source,prefill_kv_tokens,prefill_len_var,decode_kv_tokens,decode_kv_var'
	assert_line -n 1 '10,,0,20000,1,512,2,2,0.25,0,0,,,,cycle,,,,'
	assert_line -n 4 '13,,70001,,1,188,1,1,0.625,0,0,,,,,,,,'
}

# ---- bad input ----------------------------------------------------

@test "a missing attribute names its JSON path and line; --skip-bad counts it" {
	jq -c 'del(.resourceSpans[0].scopeSpans[0].spans[0].events[5].attributes[1])' "$TP/steptrace-rich.json" >"$T/m.json"
	run --separate-stderr trace-parse "$T/m.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/m.json:1: resourceSpans[0].scopeSpans[0].spans[0].events[5].attributes[step.ts_start_ns]: missing"
	run --separate-stderr trace-parse --skip-bad "$T/m.json"
	assert_success
	assert_equal "$(jq -r .step <<<"$output" | paste -sd' ')" "10 11 13 20"
	# Step 12's snapshots stay, without a summary: left out and said so;
	# step 11 loses its cycle, since step 12 has no time.
	assert_equal "$(jq -r .dur_us <<<"$output" | paste -sd' ')" "20000 null null null"
	assert_equal "$stderr" "trace-parse: $T/m.json:1: resourceSpans[0].scopeSpans[0].spans[0].events[5].attributes[step.ts_start_ns]: missing
trace-parse: 1 of 4 steps timed: dur_us is the cycle to step N+1, known only where N+1 was sampled too
trace-parse: left out 1 step with 2 step.REQUEST_SNAPSHOT events but no step.BATCH_SUMMARY
trace-parse: 1 running request with no tokens scheduled left out of step compositions
trace-parse: ignored 1 span without step events
trace-parse: skipped 1 bad record of 5"
}

@test "a malformed integer, a negative one, a ratio above 1" {
	jq -c '.resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[3].value.intValue = "9x"' "$TP/steptrace-rich.json" >"$T/a.json"
	run --separate-stderr trace-parse "$T/a.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/a.json:1: resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[step.duration_us]: expected a whole number, got \"9x\""
	jq -c '.resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[0].value.intValue = "-1"' "$TP/steptrace-rich.json" >"$T/b.json"
	run --separate-stderr trace-parse "$T/b.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/b.json:1: resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[step.id]: expected a whole number, got \"-1\""
	jq -c '.resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[13].value.doubleValue = 1.5' "$TP/steptrace-rich.json" >"$T/c.json"
	run --separate-stderr trace-parse "$T/c.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/c.json:1: resourceSpans[0].scopeSpans[0].spans[0].events[0].attributes[kv.usage_gpu_ratio]: expected a fraction in [0, 1]"
}

@test "a clock that goes back between N and N+1, and a second summary, are errors" {
	# Step 11 (line 2) starts before step 10.
	jq -c '(.resourceSpans[0].scopeSpans[0].spans[0].events[] | select(.name == "step.BATCH_SUMMARY") | .attributes[1].value.intValue) |= (if . == "5000020000499" then "4000000000000" else . end)' "$TP/steptrace-rich.json" >"$T/back.json"
	run --separate-stderr trace-parse "$T/back.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/back.json:2: step 11: step.ts_start_ns 4000000000000 is not after step 10's 5000000000000 (the clock is monotonic)"
	head -1 "$TP/steptrace-rich.json" >"$T/dup.json"
	head -1 "$TP/steptrace-rich.json" >>"$T/dup.json"
	run --separate-stderr trace-parse "$T/dup.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/dup.json:2: resourceSpans[0].scopeSpans[0].spans[0].events[0]: step 10 has a second step.BATCH_SUMMARY"
}

@test "a line that is not JSON, and an export without resourceSpans" {
	{ head -1 "$TP/steptrace-rich.json"; echo '{"resourceSpans": 3}'; echo '{oops'; } >"$T/j.json"
	run --separate-stderr trace-parse --skip-bad "$T/j.json"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 --partial '"step":10,'
	assert_equal "$(sed -n 1,2p <<<"$stderr")" "trace-parse: $T/j.json:2: resourceSpans: missing, or not an array
trace-parse: $T/j.json:3: truncated record: unclosed string, object or array at end of input (column 6)"
}

# ---- memory ---------------------------------------------------------

@test "streaming: peak RSS does not grow with the trace (1x vs 8x the H100 run)" {
	require_shared "$HREL"
	[ -x /usr/bin/time ] || skip "/usr/bin/time not installed"
	# Copy k of the run: step ids + k*100000, clock + k*2000 s.
	for k in 0 1 2 3 4 5 6 7; do
		perl -pe "s/(\"step\\.id\",\"value\":\\{\"intValue\":\")(\\d+)/\$1.(\$2+$k*100000)/ge; s/(\"step\\.ts_start_ns\",\"value\":\\{\"intValue\":\")(\\d+)/\$1.(\$2+$k*2000000000000)/ge" "$H"
	done >"$T/big.json"
	# The SAN build keeps freed blocks in quarantine (256 MB): not here.
	export ASAN_OPTIONS=quarantine_size_mb=0
	small=$(/usr/bin/time -f %M trace-parse -q "$H" 2>&1 >/dev/null | tail -1)
	big=$(/usr/bin/time -f %M trace-parse -q "$T/big.json" 2>&1 >/dev/null | tail -1)
	assert_equal "$(trace-parse -q "$T/big.json" 2>/dev/null | jq -s '"\(length) \(map(select(.dur_us != null)) | length)"' -r)" "59528 5728"
	[ $((big - small)) -lt 1024 ] || fail "peak RSS ${small} KB at 1x, ${big} KB at 8x"
}
