#!/usr/bin/env bats
# batchify at scale and at the edges: linear time in the requests in
# flight (the same program on n and 10n records in one run, CPU time),
# empty input, times near 2^53.

setup() {
	load helpers/common
	T="$BATS_TEST_TMPDIR"
}

# cpu FILE CMD...: run CMD (output discarded), write its CPU seconds.
cpu() {
	local f=$1
	shift
	/usr/bin/time -f '%U %S' -o "$f.time" "$@" >/dev/null 2>&1
	awk '{ printf "%.3f\n", $1 + $2 }' "$f.time" >"$f"
}

# no_worse_than_20x SMALL BIG: 10n took at most 20 times n (n's time is
# taken as at least 20 ms: the clock's grain is 10).
no_worse_than_20x() {
	echo "n: $(cat "$1") s, 10n: $(cat "$2") s"
	awk -v a="$(cat "$1")" -v b="$(cat "$2")" \
	    'BEGIN { if (a < 0.02) a = 0.02; exit !(b <= 20 * a) }'
}

# N requests all arriving at 0, token-timed as a scheduler of W seats
# would emit them: waves of W, each 8 tokens 1 ms apart.
all_at_zero() {	# N W
	awk -v n="$1" -v s="$2" 'BEGIN { for (i = 0; i < n; i++) {
		w = int(i / s)
		printf "{\"request_id\":\"r%d\",\"arrival_us\":0,\"input_tokens\":100,\"output_tokens\":8,\"ttft_us\":%d,\"itl_us\":[1000,1000,1000,1000,1000,1000,1000]}\n", i, (w + 1) * 10000
	} }'
}

@test "timestamps: every request arriving at 0, 4000 and 40000 of them, in linear time" {
	all_at_zero 4000 256 >"$T/small"
	all_at_zero 40000 256 >"$T/big"
	cpu "$T/t1" batchify -q --mode timestamps --step-us 1000 "$T/small"
	cpu "$T/t10" batchify -q --mode timestamps --step-us 1000 "$T/big"
	run sh -c "batchify -q --mode timestamps --step-us 1000 '$T/big' 2>/dev/null | wc -l"
	# 157 waves: 25600 prompt tokens in steps of 2048 (hidden but the
	# last, which ends with the first tokens), then 7 decode steps.
	assert_output 3131
	no_worse_than_20x "$T/t1" "$T/t10"
}

@test "timestamps: a server running fewer than --max-num-seqs, thousands waiting, in linear time" {
	# Waves of 32 under 256 seats: every step, the waiting requests
	# whose prompts fit the budget are passed over (they would have
	# finished early), never walked one by one.
	all_at_zero 10000 32 >"$T/small"
	all_at_zero 100000 32 >"$T/big"
	cpu "$T/t1" batchify -q --mode timestamps --step-us 1000 "$T/small"
	cpu "$T/t10" batchify -q --mode timestamps --step-us 1000 "$T/big"
	run sh -c "batchify -q --mode timestamps --step-us 1000 '$T/big' 2>/dev/null | jq -c '[(.prefill_requests | length), (.decode_requests | length)]' | sort | uniq -c | awk '{ print \$1, \$2 }'"
	# 3125 waves: 3200 prompt tokens in a hidden step of 2048 (21
	# requests, the last in part) and one of 1152 ending with the 32
	# first tokens, then 7 decode steps of 32.
	assert_output $'21875 [0,32]\n3125 [21,0]\n3125 [32,0]'
	no_worse_than_20x "$T/t1" "$T/t10"
}

@test "expand: 50000 then 500000 decoders leaving at once, in linear time" {
	printf '%s\n' '{"n_prefill":0,"prefill_tokens":0,"n_decode":50000}' \
	    '{"n_prefill":0,"prefill_tokens":0,"n_decode":0}' >"$T/small"
	printf '%s\n' '{"n_prefill":0,"prefill_tokens":0,"n_decode":500000}' \
	    '{"n_prefill":0,"prefill_tokens":0,"n_decode":0}' >"$T/big"
	cpu "$T/t1" batchify -q --mode expand "$T/small"
	cpu "$T/t10" batchify -q --mode expand "$T/big"
	no_worse_than_20x "$T/t1" "$T/t10"
}

@test "empty input: a warning and exit 0, in every mode, without a clock" {
	: >"$T/empty"
	run batchify "$T/empty"
	assert_success
	assert_output "batchify: $T/empty: no request records"
	run batchify --mode expand "$T/empty"
	assert_success
	assert_output "batchify: $T/empty: no step records"
	run batchify --mode timestamps <"$T/empty"
	assert_success
	assert_output "batchify: -: no request records"
	# Only failed requests: nothing to batch, said.
	printf '%s\n' '{"request_id":"f","arrival_us":1,"error":"boom"}' >"$T/failed"
	run batchify "$T/failed"
	assert_success
	assert_output 'batchify: ignored 1 failed request (with "error")'
}

@test "a step that would start past 2^53 us is refused, not written for roofline-eval to refuse" {
	printf '%s\n' '{"request_id":"x","arrival_us":9007199254740991,"input_tokens":4,"output_tokens":3}' >"$T/r"
	run --separate-stderr batchify -q --step-us 10 "$T/r"
	assert_failure 1
	# The replay's clock refuses it (batchify's own check, on every
	# step it writes, is the net under it).
	assert_equal "$stderr" "batchify: 10 us after 9007199254740991 us passes the replay's clock limit of 2^53 us (285 years): a request's times, token counts or a step's duration are out of range"
	assert_output ""
}

@test "a bench-serve result whose first request failed is read by its token times" {
	printf '%s\n' '{"request_id":"0","arrival_us":0,"input_tokens":5,"output_tokens":1,"error":"timeout"}' \
	    '{"request_id":"1","arrival_us":10,"input_tokens":4,"output_tokens":2,"ttft_us":1000,"itl_us":[500]}' \
	    '{"request_id":"2","arrival_us":20,"input_tokens":4,"output_tokens":2,"ttft_us":990,"itl_us":[500]}' >"$T/r"
	run --separate-stderr batchify -m llama-3.1-8b-instruct -g H100 "$T/r"
	assert_success
	assert_equal "$stderr" 'batchify: mode timestamps: all 2 requests have token times (ttft_us), failed ones aside
batchify: ignored 1 failed request (with "error")'
	run sh -c "printf '%s\n' '$output' | jq -r .dur_source | tr '\n' ' '"
	assert_output "client_ttft token_times "
	# A mix of timed and untimed requests is refused, naming both.
	printf '%s\n' '{"request_id":"3","arrival_us":30,"input_tokens":4,"output_tokens":2}' >>"$T/r"
	run batchify -m llama-3.1-8b-instruct -g H100 "$T/r"
	assert_failure 1
	assert_output "batchify: $T/r:4: request \"3\" has no ttft_us, but 2 of the 3 requests do ($T/r:2): give --mode timestamps (with --skip-bad to skip the others) or --mode replay"
	run --separate-stderr batchify --mode timestamps --skip-bad -m llama-3.1-8b-instruct -g H100 "$T/r"
	assert_success
	assert_equal "$stderr" "batchify: $T/r:4: missing field \"ttft_us\" (timestamps mode needs the time of every output token)
batchify: ignored 1 failed request (with \"error\")
batchify: skipped 1 bad record of 4"
}
