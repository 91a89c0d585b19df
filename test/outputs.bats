#!/usr/bin/env bats
# -o never destroys what the run reads, nor a file its owner protected.

load helpers/common

setup() {
	cd "$BATS_TEST_TMPDIR"
	printf '%s\n' '{"request_id":"a","arrival_us":0,"input_tokens":5,"output_tokens":2}' >r.json
	cp r.json keep.json
}

# prog args...: the output onto its own input is refused before any work,
# exit 2, and the input is left as it was.
refuses_own_input() {
	run "$@"
	assert_failure 2
	assert_output "$1: r.json: is also an input; not replaced"
	cmp r.json keep.json
}

@test "-o onto an input is refused by every program, the input untouched" {
	refuses_own_input trace-parse -o r.json r.json
	refuses_own_input batchify --step-us 100 -o r.json r.json
	refuses_own_input trace-replay -m llama-3.1-8b-instruct -g H100 -o r.json r.json
	refuses_own_input roofline-eval -m llama-3.1-8b-instruct -g H100 -o r.json r.json
	refuses_own_input fit-penalty -o r.json r.json
}

@test "-o onto a link to an input names both" {
	ln -s r.json link.json
	run trace-parse -o link.json r.json
	assert_failure 2
	assert_output "trace-parse: link.json: is the same file as the input r.json; not replaced"
	cmp r.json keep.json
}

@test "fit-penalty --residuals onto an input is refused too" {
	run fit-penalty --residuals r.json r.json
	assert_failure 2
	assert_output "fit-penalty: r.json: is also an input; not replaced"
}

@test "a read-only target is not replaced, even by root" {
	cp r.json ro.json
	chmod 444 ro.json
	run trace-parse -o ro.json keep.json
	assert_failure 1
	assert_output "trace-parse: ro.json: is read-only (mode 0444); not replaced"
	cmp ro.json r.json
	run stat -c %a ro.json
	assert_output 444
}

@test "a writable target is still replaced atomically, its mode kept" {
	printf 'old\n' >w.json
	chmod 640 w.json
	printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:15:46.6805900,4808,10\n' >az.csv
	run trace-parse -q -o w.json az.csv
	assert_success
	run stat -c %a w.json
	assert_output 640
	run jq -c '[.input_tokens, .output_tokens]' w.json
	assert_output '[4808,10]'
	run find . -name 'w.json.*'
	refute_output
}
