#!/usr/bin/env bats
# batchify --mode expand from moments (prefill_kv_tokens, prefill_len_var,
# decode_kv_tokens, decode_kv_var): compositions whose roofline is as near
# the exact one as the moments allow.

setup() {
	load helpers/common
	BF="$FIXTURES/batchify"
	T="$BATS_TEST_TMPDIR"
}

# The moments of exact steps, as a forward-pass-metrics reader writes
# them (population variances).
moments() {
	jq -c '(.prefill_requests | map(.num_new_prefill_tokens)) as $t |
	    (.decode_requests | map(.progress_index)) as $d |
	    ($t | length) as $np | ($d | length) as $nd |
	    {step, n_prefill: $np, prefill_tokens: ($t | add // 0),
	    prefill_kv_tokens: (.prefill_requests | map(.progress_index) | add // 0),
	    prefill_len_var: (if $np > 0 then ($t | map(. * .) | add) / $np - (($t | add) / $np) * (($t | add) / $np) else 0 end),
	    n_decode: $nd, decode_kv_tokens: ($d | add // 0),
	    decode_kv_var: (if $nd > 0 then ($d | map(. * .) | add) / $nd - (($d | add) / $nd) * (($d | add) / $nd) else 0 end)}' "$1"
}

# Relative error of the second file's pred_us against the first's, step by
# step: "median max" in percent.
rel_error() {
	paste <(jq .pred_us "$1") <(jq .pred_us "$2") | awk '{
		e = ($2 - $1) / $1; print e < 0 ? -e : e }' | sort -g |
	    awk '{ a[NR] = $1 } END {
		printf "%.4f %.4f\n", 100 * a[int((NR + 1) / 2)], 100 * a[NR] }'
}

@test "moments: worked example, sums exact and variances as near as whole numbers allow" {
	printf '%s\n' '{"n_prefill":3,"prefill_tokens":300,"prefill_len_var":5000,"prefill_kv_tokens":100,"n_decode":3,"decode_kv_tokens":3000,"decode_kv_var":10000}' \
	    '{"n_prefill":0,"prefill_tokens":0,"n_decode":2,"decode_kv_tokens":20}' >"$T/a"
	run sh -c "batchify -q '$T/a' | jq -c '[.estimate, [.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]'"
	assert_success
	# 200, 50, 50: mean 100, variance 5000; 1142, 929, 929: mean 1000,
	# variance 10082 (10000 is not reachable in whole numbers).
	assert_output '["moments",[[34,200],[33,50],[33,50]],[1142,929,929]]
["moments",[],[10,10]]'
}

@test "moments: part of a step from moments, the rest followed, and said so" {
	printf '%s\n' '{"n_prefill":2,"prefill_tokens":30,"n_decode":0}' \
	    '{"n_prefill":0,"prefill_tokens":0,"n_decode":2,"decode_kv_tokens":100}' \
	    '{"n_prefill":1,"prefill_tokens":7,"n_decode":2}' \
	    '{"n_prefill":1,"prefill_tokens":7,"prefill_kv_tokens":3,"n_decode":2}' >"$T/a"
	run sh -c "batchify -q '$T/a' | jq -c '[.estimate, [.prefill_requests[] | [.progress_index, .num_new_prefill_tokens]], [.decode_requests[].progress_index]]'"
	assert_success
	# The population follows the moments (50, 50 go on as 51, 51); the
	# prefill of 7 joins them and the oldest unknown one leaves.
	assert_output '["population",[[0,15],[0,15]],[]]
["moments",[],[50,50]]
["population",[[0,7]],[51,51]]
["moments+population",[[3,7]],[52,7]]'
}

@test "moments: bad values are reported with their line" {
	printf '%s\n' '{"n_prefill":0,"prefill_tokens":0,"n_decode":0,"decode_kv_tokens":5}' >"$T/a"
	run batchify -q --mode expand "$T/a"
	assert_failure 1
	assert_output "batchify: $T/a:1: decode_kv_tokens 5 with n_decode 0"
	printf '%s\n' '{"n_prefill":1,"prefill_tokens":4,"prefill_len_var":-1,"n_decode":0}' >"$T/a"
	run batchify -q --mode expand "$T/a"
	assert_failure 1
	assert_output "batchify: $T/a:1: prefill_len_var: must be a variance (finite, not negative), got -1"
	printf '%s\n' '{"n_prefill":1,"prefill_tokens":4,"prefill_kv_tokens":2.5,"n_decode":0}' >"$T/a"
	run batchify -q --mode expand "$T/a"
	assert_failure 1
	assert_output "batchify: $T/a:1: prefill_kv_tokens: expected an integer, got 2.5"
}

@test "moments: the roofline of the estimate against the exact steps' (replay of 2000 requests)" {
	"$BF/genrequests" --seed 5 --count 2000 --rate 30 >"$T/r"
	batchify -q -m llama-3.1-8b-instruct -g H100 "$T/r" >"$T/true"
	moments "$T/true" >"$T/agg"
	batchify -q --mode expand "$T/agg" >"$T/est"
	run jq -s 'map(select(.estimate != "moments")) | length' "$T/est"
	assert_output 0
	local m
	for m in llama-3.1-8b-instruct qwen3-14b; do
		roofline-eval -m "$m" -g H100 "$T/true" >"$T/e1" 2>/dev/null
		roofline-eval -m "$m" -g H100 "$T/est" >"$T/e2" 2>/dev/null
		read -r med max < <(rel_error "$T/e1" "$T/e2")
		echo "$m: median $med%, max $max%"
		# Measured: median 0 (only steps with several prefills, one of
		# them with cached context, differ), max 9.83% (llama) and
		# 8.16% (qwen3): lengths times contexts, taken as unrelated.
		awk -v a="$med" -v b="$max" 'BEGIN { exit !(a < 0.1 && b < 12) }'
	done
}
