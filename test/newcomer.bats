#!/usr/bin/env bats
# What a newcomer meets first: options blamed on the right argument,
# numbers printed as they were written.

setup() {
	load helpers/common
	T="$BATS_TEST_TMPDIR"
}

@test "an unknown short option in a group is named, not the argument before it" {
	run batchify --step-us 5 -zq
	assert_failure 2
	assert_line -n 0 "batchify: unknown option '-z'"
	run roofline-eval -m llama-3.1-8b-instruct -g H100 -qz
	assert_failure 2
	assert_line -n 0 "roofline-eval: unknown option '-z'"
	# A value missing after a group names the option that wants it.
	run trace-replay -qm
	assert_failure 2
	assert_line -n 0 "trace-replay: option '-m' needs a value"
	run batchify --bogus=3
	assert_failure 2
	assert_line -n 0 "batchify: unknown option '--bogus'"
	run batchify --strict=1
	assert_failure 2
	assert_line -n 0 "batchify: option '--strict' takes no value"
}

@test "a number in a message reads as it was written, not as %.17g spells it" {
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":5,"output_tokens":2,"ttft_us":-0.1}' >"$T/r"
	run trace-replay -m llama-3.1-8b-instruct -g H100 "$T/r"
	assert_failure 1
	assert_output "trace-replay: $T/r:1: ttft_us: must not be negative, got -0.1"
}
