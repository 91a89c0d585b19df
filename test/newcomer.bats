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

@test "mooncake's unused hash_ids are left out whatever blank JSON allows around them" {
	case $BIN in
	*build/san*) skip "ASan reserves more address space than ulimit -v allows" ;;
	esac
	# A carriage return after the colon and between ids: blanks to
	# cJSON, so to the scanner that leaves the array out (2 M ids
	# parsed by cJSON would take some 130 MB).
	/usr/bin/python3 -c 'import sys; sys.stdout.write("{\"timestamp\": 27001, \"input_length\": 2290, \"output_length\": 316, \"hash_ids\":\r[" + ",\r".join(map(str, range(2000000))) + "]}\n")' >"$T/big.jsonl"
	run bash -c 'ulimit -v 100000; exec trace-parse -q "$1"' _ "$T/big.jsonl"
	assert_success
	assert_output '{"request_id":"0","arrival_us":0,"input_tokens":2290,"output_tokens":316}'
}

@test "trace-replay --summary on no requests: said so, no table of nan" {
	: >"$BATS_TEST_TMPDIR/empty.ndjson"
	run --separate-stderr trace-replay -m llama-3.1-8b-instruct -g H100 --summary "$BATS_TEST_TMPDIR/empty.ndjson"
	assert_success
	assert_output $'0 requests replayed in 0 steps\n\nno requests: nothing to compare'
	[ "$stderr" = "trace-replay: $BATS_TEST_TMPDIR/empty.ndjson: no request records" ]
}
