#!/usr/bin/env bats
# trace-parse on what production engines record (../shared/sources and
# hand-made fixtures of the documented shapes): Dynamo/SGLang
# ForwardPassMetrics, TensorRT-LLM iteration stats, vLLM's llm_request
# span; --kind for the calibration driver.

bats_require_minimum_version 1.5.0

setup() {
	load helpers/common
	EN="$FIXTURES/engines"
	SRC="$SHARED/sources"
	T="$BATS_TEST_TMPDIR"
}

FPM_EXAMPLE='{"step":42,"engine":"4192/0","ts_us":0,"dur_us":25000,"dur_source":"fpm_wall_time","n_prefill":2,"prefill_tokens":256,"n_decode":3,"decode_tokens":3,"prefill_kv_tokens":64,"decode_kv_tokens":1024,"decode_kv_var":50}'
FPM_VARNOTE='trace-parse: dynamo-fpm: 1 pass without prefill_len_var: FPM'"'"'s var_prefill_length is over full prompt lengths, which differ from the new tokens when prefill_kv_tokens > 0'

@test "dynamo-fpm: Dynamo's documented trace record, pretty-printed, one step" {
	require_shared sources/dynamo-fpm-trace.example.json
	run --separate-stderr trace-parse "$SRC/dynamo-fpm-trace.example.json"
	assert_success
	assert_output "$FPM_EXAMPLE"
	assert_equal "$stderr" "$FPM_VARNOTE"
}

@test "dynamo-fpm: the trace as JSONL, plain and gzip (file and stdin), same record" {
	require_shared sources/dynamo-fpm-trace.example.json
	jq -c . "$SRC/dynamo-fpm-trace.example.json" >"$T/t.jsonl"
	gzip -c "$T/t.jsonl" >"$T/t.jsonl.gz"
	for f in "$T/t.jsonl" "$T/t.jsonl.gz"; do
		run --separate-stderr trace-parse "$f"
		assert_success
		assert_output "$FPM_EXAMPLE"
	done
	run --separate-stderr trace-parse <"$T/t.jsonl.gz"
	assert_output "$FPM_EXAMPLE"
	# Two gzip members one after the other are one file.
	cat "$T/t.jsonl.gz" "$T/t.jsonl.gz" >"$T/two.gz"
	run --separate-stderr trace-parse --from dynamo-fpm --skip-bad "$T/two.gz"
	assert_equal "${#lines[@]}" 2
}

@test "dynamo-fpm: a truncated gzip file is refused, naming it" {
	require_shared sources/dynamo-fpm-trace.example.json
	jq -c . "$SRC/dynamo-fpm-trace.example.json" | gzip -c | head -c 40 >"$T/cut.gz"
	run --separate-stderr trace-parse "$T/cut.gz"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/cut.gz: gzip: truncated (the stream does not end)"
}

@test "dynamo-fpm: exporter NDJSON; engine per worker and rank; heartbeat counted and skipped" {
	run --separate-stderr trace-parse "$EN/fpm-exporter.ndjson"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_line -n 0 '{"step":7,"engine":"w1/1","ts_us":0,"dur_us":21500,"dur_source":"fpm_wall_time","n_prefill":2,"prefill_tokens":700,"n_decode":5,"decode_tokens":5,"prefill_kv_tokens":0,"prefill_len_var":22500,"decode_kv_tokens":4000,"decode_kv_var":1200.5}'
	assert_line -n 1 '{"step":9,"engine":"w1/1","ts_us":1040000,"dur_us":10400,"dur_source":"fpm_wall_time","n_prefill":1,"prefill_tokens":128,"n_decode":0,"decode_tokens":0,"prefill_kv_tokens":384,"prefill_len_var":0,"decode_kv_tokens":0,"decode_kv_var":0}'
	assert_equal "$stderr" "trace-parse: dynamo-fpm: skipped 1 idle pass (heartbeats: nothing scheduled)"
}

@test "dynamo-fpm: a benchmark document holding an array of bare records" {
	run --separate-stderr trace-parse "$EN/fpm-bench.json"
	assert_success
	assert_output '{"step":1,"engine":"7/0","dur_us":12000,"dur_source":"fpm_wall_time","n_prefill":1,"prefill_tokens":64,"n_decode":2,"decode_tokens":2,"prefill_kv_tokens":0,"prefill_len_var":0,"decode_kv_tokens":300,"decode_kv_var":100}'
	assert_equal "$stderr" "trace-parse: dynamo-fpm: skipped 1 idle pass (heartbeats: nothing scheduled)"
	jq .records "$EN/fpm-bench.json" >"$T/a.json"
	run --separate-stderr trace-parse "$T/a.json"
	assert_line -n 0 --partial '"step":1,"engine":"7/0","dur_us":12000'
}

@test "dynamo-fpm: bad records name the field and the line" {
	head -1 "$EN/fpm-exporter.ndjson" >"$T/b.ndjson"
	head -1 "$EN/fpm-exporter.ndjson" | sed 's/"version":1/"version":2/' >>"$T/b.ndjson"
	head -1 "$EN/fpm-exporter.ndjson" | sed 's/"num_prefill_requests":2/"num_prefill_requests":800/' >>"$T/b.ndjson"
	head -1 "$EN/fpm-exporter.ndjson" | sed 's/"wall_time":0.0215,//' >>"$T/b.ndjson"
	run --separate-stderr trace-parse --skip-bad "$T/b.ndjson"
	assert_success
	assert_equal "${#lines[@]}" 1
	assert_equal "$stderr" "trace-parse: $T/b.ndjson:2: metrics.version: 2, this reader knows version 1
trace-parse: $T/b.ndjson:3: metrics.scheduled_requests: 800 prefills but 700 prefill tokens (each computes at least one)
trace-parse: $T/b.ndjson:4: metrics.wall_time: missing
trace-parse: skipped 3 bad records of 4"
}

@test "trtllm-iterations: the documented /metrics payload, gpuForwardTimeMS preferred" {
	require_shared sources/trtllm-metrics.CONSTRUCTED.json
	run --separate-stderr trace-parse "$SRC/trtllm-metrics.CONSTRUCTED.json"
	assert_success
	assert_output '{"step":154,"engine":0,"ts_us":0,"dur_us":6410,"dur_source":"trtllm_gpu_forward","n_prefill":1,"prefill_tokens":1536,"n_decode":31,"decode_tokens":31,"prefill_kv_tokens":512,"decode_kv_tokens":24576,"kv_usage":2.9627873903768665e-05,"kv_blocks_total":101256}'
	assert_equal "$stderr" ""
}

@test "trtllm-iterations: three records, two polls: each takes the NEXT record's prevDeviceStepTimeMS" {
	# iter 10, 11, 12 carry prevDeviceStepTimeMS 4.0, 9.25, 7.5: 4.0 is
	# iteration 9's; 10 ran 9.25 ms, 11 ran 7.5 ms, 12 has no time yet.
	# iterLatencyMS (21.5, 18, 17.75: two loops, overlap) is never taken.
	run --separate-stderr trace-parse "$EN/trtllm-three.json"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line -n 0 '{"step":10,"engine":0,"ts_us":0,"dur_us":9250,"dur_source":"trtllm_device_step","n_prefill":1,"prefill_tokens":512,"n_decode":3,"decode_tokens":3,"prefill_kv_tokens":0,"decode_kv_tokens":900,"kv_usage":0.25,"kv_blocks_total":1000}'
	assert_line -n 1 '{"step":11,"engine":0,"ts_us":10000,"dur_us":7500,"dur_source":"trtllm_device_step","n_prefill":0,"prefill_tokens":0,"n_decode":4,"decode_tokens":4,"decode_kv_tokens":1416,"kv_usage":0.251,"kv_blocks_total":1000}'
	assert_line -n 2 '{"step":12,"engine":0,"ts_us":18500,"n_prefill":0,"prefill_tokens":0,"n_decode":4,"decode_tokens":4,"decode_kv_tokens":1420}'
	assert_equal "$stderr" "trace-parse: trtllm-iterations: 1 iteration without dur_us: the last of its rank (its GPU time is in the next record, prevDeviceStepTimeMS)"
}

@test "trtllm-iterations: a record a line, two ranks, an idle loop, a missing iteration" {
	run --separate-stderr trace-parse "$EN/trtllm-lines.ndjson"
	assert_success
	assert_equal "${#lines[@]}" 3
	assert_line -n 0 '{"step":5,"engine":1,"dur_us":3500,"dur_source":"trtllm_device_step","n_prefill":0,"prefill_tokens":0,"n_decode":2,"decode_tokens":2,"decode_kv_tokens":64}'
	assert_line -n 1 '{"step":5,"engine":0,"dur_us":12125,"dur_source":"trtllm_gpu_forward","n_prefill":2,"prefill_tokens":300,"n_decode":0,"decode_tokens":0}'
	assert_line -n 2 '{"step":8,"engine":1,"n_prefill":0,"prefill_tokens":0,"n_decode":1,"decode_tokens":1,"decode_kv_tokens":40}'
	assert_equal "$stderr" "trace-parse: trtllm-iterations: 1 iteration without dur_us: the last of its rank (its GPU time is in the next record, prevDeviceStepTimeMS)
trace-parse: trtllm-iterations: skipped 1 idle iteration (nothing scheduled)"
	# Rank 1's iteration 6 missing: its 5 gets no time from its 7.
	sed 3d "$EN/trtllm-lines.ndjson" | sed 's/"iter":8/"iter":7/' >"$T/g.ndjson"
	printf '%s\n' '{"iter":7,"attentionDpRank":0,"inflightBatchingStats":{"numContextRequests":0,"numCtxTokens":0,"numGenRequests":1},"prevDeviceStepTimeMS":5}' >>"$T/g.ndjson"
	run --separate-stderr trace-parse "$T/g.ndjson"
	assert_success
	assert_equal "${#lines[@]}" 4
	assert_line -n 0 '{"step":5,"engine":1,"n_prefill":0,"prefill_tokens":0,"n_decode":2,"decode_tokens":2,"decode_kv_tokens":64}'
	assert_equal "$stderr" "trace-parse: trtllm-iterations: 2 iterations without dur_us: the last of each rank (its GPU time is in the next record, prevDeviceStepTimeMS)
trace-parse: trtllm-iterations: 1 iteration without dur_us: the next iteration is missing from the file"
}

@test "trtllm-iterations: a syntax error in the third poll names its line" {
	{ cat "$EN/trtllm-three.json"; echo '[{"iter":13,'; } >"$T/x.json"
	run --separate-stderr trace-parse "$T/x.json"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/x.json:4: truncated record: unclosed string, object or array at end of input (column 14)"
}

@test "otel: vLLM's V1 llm_request span: every latency attribute, and which were seen" {
	require_shared sources/vllm-otlp-llm_request.CONSTRUCTED.json
	run --separate-stderr trace-parse "$SRC/vllm-otlp-llm_request.CONSTRUCTED.json"
	assert_success
	assert_output '{"request_id":"chatcmpl-9f1d2c4b8e7a4f0c9a3b5d6e7f8a9b0c","arrival_us":0,"input_tokens":33,"output_tokens":300,"ttft_us":207198,"e2e_us":1786832,"queue_us":9,"prefill_us":205905,"decode_us":1579928,"inference_us":1785832}'
	assert_equal "$stderr" "trace-parse: otel: 1 request span; latency attributes seen: time_in_queue, time_to_first_token, e2e, time_in_model_prefill, time_in_model_decode, time_in_model_inference"
}

@test "otel: V0-only attributes are kept where a span has them" {
	require_shared sources/vllm-otlp-llm_request.CONSTRUCTED.json
	jq -c '.resourceSpans[0].scopeSpans[0].spans[0].attributes += [{"key":"gen_ai.latency.time_in_scheduler","value":{"doubleValue":0.0015}},{"key":"gen_ai.latency.time_in_model_forward","value":{"doubleValue":1.5}},{"key":"gen_ai.latency.time_in_model_execute","value":{"doubleValue":1.6}}]' "$SRC/vllm-otlp-llm_request.CONSTRUCTED.json" >"$T/v0.json"
	run --separate-stderr trace-parse "$T/v0.json"
	assert_success
	assert_output --partial '"inference_us":1785832,"scheduler_us":1500,"model_forward_us":1500000,"model_execute_us":1600000}'
	assert_equal "$stderr" "trace-parse: otel: 1 request span; latency attributes seen: time_in_queue, time_to_first_token, e2e, time_in_model_prefill, time_in_model_decode, time_in_model_inference, time_in_scheduler, time_in_model_forward, time_in_model_execute"
}

@test "new records pass the schemas" {
	trace-parse -q "$EN/fpm-exporter.ndjson" "$EN/trtllm-three.json" "$EN/trtllm-lines.ndjson" >"$T/s.ndjson" 2>/dev/null
	run schema_check "$ROOT/schemas/step.schema.json" "$T/s.ndjson"
	assert_success
}

@test "--kind: one line a file, the format and what its records hold" {
	gzip -c "$EN/fpm-exporter.ndjson" >"$T/f.jsonl.gz"
	run --separate-stderr trace-parse --kind "$EN/fpm-bench.json" "$T/f.jsonl.gz" "$EN/trtllm-three.json" "$FIXTURES/trace-parse/bench-serve.json" "$FIXTURES/trace-parse/otel.json" "$FIXTURES/trace-parse/azure-2024.csv" "$FIXTURES/trace-parse/blis-trace.csv" "$FIXTURES/trace-parse/steptrace-rich.json" "$FIXTURES/trace-parse/vllm-async.log"
	assert_success
	assert_equal "$stderr" ""
	assert_output "$EN/fpm-bench.json	dynamo-fpm	aggregate-steps
$T/f.jsonl.gz	dynamo-fpm	aggregate-steps
$EN/trtllm-three.json	trtllm-iterations	aggregate-steps
$FIXTURES/trace-parse/bench-serve.json	bench-serve	token-times
$FIXTURES/trace-parse/otel.json	otel	spans
$FIXTURES/trace-parse/azure-2024.csv	azure	requests
$FIXTURES/trace-parse/blis-trace.csv	blis	latencies
$FIXTURES/trace-parse/steptrace-rich.json	vllm-steps	steps
$FIXTURES/trace-parse/vllm-async.log	vllm-log	aggregate-steps"
	run --separate-stderr trace-parse --kind --itl "$FIXTURES/trace-parse/blis-itl.csv" "$FIXTURES/trace-parse/blis-trace.csv"
	assert_output "$FIXTURES/trace-parse/blis-trace.csv	blis	token-times"
}

@test "--kind: unreadable, empty or unknown input exits 1" {
	run --separate-stderr trace-parse --kind "$T/none"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/none: No such file or directory"
	: >"$T/empty"
	run --separate-stderr trace-parse --kind "$T/empty"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/empty: empty: no format to tell"
	printf '# notes\nnothing here\n' >"$T/notes.md"
	run --separate-stderr trace-parse --kind "$T/notes.md"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/notes.md: nothing in it is a trace: no line of any known format"
}

@test "--csv keeps the moments, the string engine and dur_source" {
	run --separate-stderr trace-parse --csv "$EN/fpm-exporter.ndjson"
	assert_success
	assert_line -n 0 "step,engine,ts_us,dur_us,n_prefill,prefill_tokens,n_decode,decode_tokens,kv_usage,dummy,estimated,model,hardware,tp,dur_source,prefill_kv_tokens,prefill_len_var,decode_kv_tokens,decode_kv_var"
	assert_line -n 1 "7,w1/1,0,21500,2,700,5,5,,0,0,,,,fpm_wall_time,0,22500,4000,1200.5"
}
