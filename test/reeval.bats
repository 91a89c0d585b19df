#!/usr/bin/env bats
# roofline-eval on its own output: the record's fields keep their bytes.

load helpers/common

M=llama-3.1-8b-instruct
STEP='"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":512}],"decode_requests":[]'
TAIL='"pred_us":11884,"compute_us":11884.946351337936,"memory_us":3105.036991044776,"minority_fraction":0,"regime":"compute","compute_prefill_us":11884.946351337936,"compute_decode_us":0,"floor_us":5348.2258581020715'

@test "numbers no double holds pass a second evaluation as written" {
	rec="{\"big\":12345678901234567890,\"inf\":1e400,\"z\":-0,$STEP}"
	run bash -c "roofline-eval -m $M -g H100 <<<'$rec' | roofline-eval -m $M -g H100"
	assert_success
	assert_output "{\"big\":12345678901234567890,\"inf\":1e400,\"z\":-0,$STEP,$TAIL}"
}

@test "old eval fields anywhere, spacing and brackets in strings: the rest kept, ours once at the end" {
	rec="{ \"pred_us\" : 5 , \"s\" : \"a,}\\\"]{\" ,\"a\":[1, {\"b\":\"}\"}],$STEP, \"regime\":\"x\" }"
	run roofline-eval -m $M -g H100 <<<"$rec"
	assert_success
	assert_output "{\"s\" : \"a,}\\\"]{\",\"a\":[1, {\"b\":\"}\"}],$STEP,$TAIL}"
}

@test "a record of eval fields only comes back as the new ones" {
	run roofline-eval -m $M -g H100 <<<"{$STEP,\"pred_us\":1}"
	assert_success
	assert_output "{$STEP,$TAIL}"
}
