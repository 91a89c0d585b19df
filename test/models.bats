#!/usr/bin/env bats
# The GPUs and models the programs take: BLIS's H200 entry, entry names in
# any case, what a bad entry says, how to add a GPU; a Hugging Face model
# id found in the local hub cache (never the network); model geometry no
# transformer has refused, naming the field; tensor parallelism as BLIS
# allows it.

setup() {
	load helpers/common
	D=$BATS_TEST_TMPDIR
	DEC='{"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]}'
	M8="$ROOT/share/models/llama-3.1-8b-instruct/config.json"
	HW="$ROOT/share/hardware_config.json"
}

pred() {	# roofline-eval args...: the pred_us of $DEC
	roofline-eval "$@" <<<"$DEC" | jq -r .pred_us
}

# A model directory D/m whose config.json is $M8 edited by a jq filter.
model_with() {	# jq-filter [config]
	mkdir -p "$D/m"
	jq "$1" "${2:-$M8}" >"$D/m/config.json"
}

# A hub cache entry: CACHE/models--ORG--NAME/snapshots/REV/config.json.
hub_model() {	# cache id rev config [main]
	local r="$1/models--${2//\//--}"
	mkdir -p "$r/snapshots/$3" "$r/refs"
	cp "$4" "$r/snapshots/$3/config.json"
	[ -z "${5:-}" ] || printf '%s' "$5" >"$r/refs/main"
}

@test "H200: BLIS's entry, memory-bound steps at 4.8 TB/s" {
	run jq -c .H200 "$HW"
	assert_output '{"TFlopsPeak":989.5,"TFlopsFP8":1979,"BwPeakTBs":4.8,"mfuPrefill":0.45,"mfuDecode":0.3,"MemoryGiB":141,"mixedBatchPenalty":0,"overlapPenalty":0}'
	# The H100's 3065 us decode step, 3.35 / 4.8 as long.
	run pred -m llama-3.1-8b-instruct -g H200
	assert_output 2139
}

@test "hardware names match ignoring case; messages give the file's own name" {
	run pred -m llama-3.1-8b-instruct -g h200
	assert_output 2139
	jq 'del(.H100.mfuDecode)' "$HW" >"$D/hw.json"
	run roofline-eval -m llama-3.1-8b-instruct -g h100 --hardware-config "$D/hw.json" </dev/null
	assert_failure 1
	assert_output "roofline-eval: $D/hw.json: H100.mfuDecode is missing (it must be a positive number)"
	jq '.H100 = []' "$HW" >"$D/hw.json"
	run roofline-eval -m llama-3.1-8b-instruct -g H100 --hardware-config "$D/hw.json" </dev/null
	assert_failure 1
	assert_output "roofline-eval: $D/hw.json: entry \"H100\" is not an object (got an array)"
	# Two entries one name but for case: the exact one, or none.
	jq '{GPU: .H100, gpu: .L40S}' "$HW" >"$D/hw.json"
	run roofline-eval -m llama-3.1-8b-instruct -g Gpu --hardware-config "$D/hw.json" </dev/null
	assert_failure 2
	assert_line -n 0 "roofline-eval: hardware 'Gpu' matches more than one entry of $D/hw.json ignoring case: give the exact name (known: GPU, gpu)"
	[ "$(pred -m llama-3.1-8b-instruct -g GPU --hardware-config "$D/hw.json")" = 3065 ]
}

@test "--list-hardware at a terminal says how to add a GPU, piped it lists names only" {
	command -v script >/dev/null || skip "script(1) is not installed"
	run script -qec "roofline-eval --list-hardware" /dev/null
	assert_success
	assert_line -n 3 --partial H200
	assert_line --partial "Entries of $HW.  To add a GPU, add an object to a copy of it"
	assert_line --partial "  TFlopsPeak   dense BF16 TFLOPS, the vendor datasheet's figure without"
	assert_line --partial "  BwPeakTBs    HBM bandwidth in TB/s, from the datasheet (H100 SXM: 3.35)"
	run roofline-eval --list-hardware
	assert_output $'A100-80\nA100-SXM\nH100\nH200\nL40S'
}

@test "-m takes a Hugging Face model id from HF_HUB_CACHE, HF_HOME or ~/.cache" {
	local want id=meta-llama/Llama-2-70b-hf
	want=$(pred -m llama-3.1-70b-instruct -g H100)
	hub_model "$D/hub" "$id" abc123 "$ROOT/share/models/llama-3.1-70b-instruct/config.json" abc123
	run env -u HF_HOME -u XDG_CACHE_HOME HOME="$D/none" HF_HUB_CACHE="$D/hub" \
	    roofline-eval -m "$id" -g H100 <<<"$DEC"
	assert_success
	[ "$(jq .pred_us <<<"$output")" = "$want" ]
	mkdir -p "$D/home/hf" && mv "$D/hub" "$D/home/hf/hub"
	[ "$(unset HF_HUB_CACHE XDG_CACHE_HOME; HF_HOME="$D/home/hf" \
	    HOME="$D/none" pred -m "$id" -g H100)" = "$want" ]
	mkdir -p "$D/home/.cache/huggingface" && mv "$D/home/hf/hub" "$D/home/.cache/huggingface/hub"
	[ "$(unset HF_HUB_CACHE HF_HOME XDG_CACHE_HOME; HOME="$D/home" \
	    pred -m "$id" -g H100)" = "$want" ]
}

@test "the hub cache's refs/main picks the snapshot; several without it are refused" {
	local id=org/model
	hub_model "$D/hub" "$id" old "$M8"
	hub_model "$D/hub" "$id" new "$ROOT/share/models/llama-3.1-70b-instruct/config.json"
	run env HF_HUB_CACHE="$D/hub" HOME="$D/none" roofline-eval -m "$id" -g H100 </dev/null
	assert_failure 2
	assert_line -n 1 "roofline-eval: not a file or directory either, nor in the Hugging Face cache: looked in $D/hub/models--org--model (\$HF_HUB_CACHE: 2 snapshots hold a config.json and refs/main names none of them: give -m the snapshot's directory); $D/none/.cache/huggingface/hub/models--org--model (~/.cache/huggingface/hub: not there); rooftrace never downloads: fetch it with 'huggingface-cli download org/model config.json', or give -m a directory holding its config.json"
	printf new >"$D/hub/models--org--model/refs/main"
	[ "$(HF_HUB_CACHE="$D/hub" pred -m "$id" -g H100)" = "$(pred -m llama-3.1-70b-instruct -g H100)" ]
}

@test "an unknown model id says every place it looked" {
	run env -u HUGGINGFACE_HUB_CACHE HF_HUB_CACHE="$D/a" HF_HOME="$D/b" \
	    XDG_CACHE_HOME="$D/c" HOME="$D/d" roofline-eval -m org/nope -g H100 </dev/null
	assert_failure 2
	assert_line -n 0 --partial "roofline-eval: unknown model 'org/nope' (known: codellama-34b-instruct-hf, "
	assert_line -n 1 "roofline-eval: not a file or directory either, nor in the Hugging Face cache: looked in $D/a/models--org--nope (\$HF_HUB_CACHE: not there); $D/b/hub/models--org--nope (\$HF_HOME/hub: not there); $D/c/huggingface/hub/models--org--nope (\$XDG_CACHE_HOME/huggingface/hub: not there); $D/d/.cache/huggingface/hub/models--org--nope (~/.cache/huggingface/hub: not there); rooftrace never downloads: fetch it with 'huggingface-cli download org/nope config.json', or give -m a directory holding its config.json"
	run roofline-eval -m ./no/such -g H100 </dev/null
	assert_failure 2
	assert_line -n 1 "roofline-eval: ./no/such: no such file or directory"
}

@test "a hub id names the model for the weight width, as a directory name does" {
	hub_model "$D/hub" org/Llama-3.1-8B-FP8 r1 "$M8" r1
	mkdir -p "$D/Llama-3.1-8B-FP8" && cp "$M8" "$D/Llama-3.1-8B-FP8/"
	run env HF_HUB_CACHE="$D/hub" roofline-eval -m org/Llama-3.1-8B-FP8 -g H100 <<<"$DEC"
	assert_output "$(roofline-eval -m "$D/Llama-3.1-8B-FP8" -g H100 <<<"$DEC")"
	# One byte a weight: faster than the bfloat16 model's 3065 us.
	[ "$(jq .pred_us <<<"$output")" -lt 3065 ]
}

@test "sizes and counts: whole, not negative, not absurd, the field named" {
	local f
	while IFS='#' read -r f want; do
		model_with "$f"
		run roofline-eval -m "$D/m" -g H100 </dev/null
		assert_failure 1
		assert_output "roofline-eval: $D/m/config.json: $want"
	done <<-'EOF'
	.n_shared_experts = 1e15 | .num_local_experts = 8 | .num_experts_per_tok = 2#n_shared_experts is too large (1000000000000000; at most 2147483647)
	.num_hidden_layers = 1e300#num_hidden_layers is too large (1e+300; at most 2147483647)
	.num_key_value_heads = -8#num_key_value_heads must not be negative, got -8
	.num_key_value_heads = 0.5#num_key_value_heads must be a whole number, got 0.5
	.intermediate_size = -14336#intermediate_size must not be negative, got -14336
	.num_hidden_layers = "32"#num_hidden_layers must be a whole number, got a string
	EOF
	model_with '.text_config.num_key_value_heads = 0.5' \
	    "$ROOT/share/models/llama-4-scout-17b-16e-instruct-fp8-dynamic/config.json"
	run roofline-eval -m "$D/m" -g H100 </dev/null
	assert_output "roofline-eval: $D/m/config.json: text_config.num_key_value_heads must be a whole number, got 0.5"
}

@test "geometry: KV heads divide the heads, the heads the hidden size" {
	model_with '.num_key_value_heads = 5'
	run roofline-eval -m "$D/m" -g H100 </dev/null
	assert_failure 1
	assert_output "roofline-eval: $D/m/config.json: num_key_value_heads (5) must divide num_attention_heads (32)"
	model_with '.num_attention_heads = 100000'
	run roofline-eval -m "$D/m" -g H100 </dev/null
	assert_output "roofline-eval: $D/m/config.json: num_attention_heads (100000) must divide hidden_size (4096) when head_dim is not given"
	# head_dim given: the heads need not divide the hidden size.
	model_with '.num_attention_heads = 40 | .num_key_value_heads = 8 | .head_dim = 128'
	run pred -m "$D/m" -g H100
	assert_success
}

@test "--tp as BLIS allows it: KV heads split evenly or replicated, never more GPUs than heads" {
	run roofline-eval -m llama-3.1-8b-instruct -g H100 --tp 3 </dev/null
	assert_failure 2
	assert_line -n 0 "roofline-eval: --tp 3 does not fit the model in $M8: its 8 KV heads (num_key_value_heads) are not a multiple of 3 (BLIS needs them split evenly across the GPUs, or fewer than the GPUs, then replicated)"
	for t in 64 4096; do
		run roofline-eval -m llama-3.1-8b-instruct -g H100 --tp "$t" </dev/null
		assert_failure 2
		assert_line -n 0 "roofline-eval: --tp $t does not fit the model in $M8: more GPUs than its 32 attention heads (num_attention_heads)"
	done
	# 8 KV heads on 16 GPUs: replicated, as BLIS's KVBytesPerToken accepts.
	run pred -m llama-3.1-8b-instruct -g H100 --tp 16
	assert_output 191
}
