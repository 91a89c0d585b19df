#!/usr/bin/env bats
# What each source's time measures, checked against physics: a step cannot
# beat the roofline at peak FLOPs and peak bandwidth (roofline-eval's
# floor_us).  Real step times pass; times that are not step times do not.

setup() {
	load helpers/common
	M=llama-3.1-8b-instruct
	H100=h100-vllm/codellama-34b-tp2-general.step_traces.json
}

floor_line() {	# N M
	echo "roofline-eval: $1 of $2 timed steps are below the physical floor (peak FLOPs and peak bandwidth): their times cannot be step times"
}

@test "an async-scheduling iteration log: its waits are caught at the floor and the fit says why" {
	trace-parse "$FIXTURES/trace-parse/vllm-async.log" 2>/dev/null |
	    batchify --mode expand -m $M -g H100 >"$BATS_TEST_TMPDIR/steps"
	run jq -r .dur_source "$BATS_TEST_TMPDIR/steps"
	assert_output "$(printf 'engine_wait\n%.0s' 1 2 3 4 5 6 7 8)"
	run --separate-stderr roofline-eval -m $M -g H100 "$BATS_TEST_TMPDIR/steps"
	assert_success
	assert_equal "$stderr" "$(floor_line 8 8)"
	printf '%s\n' "${lines[@]}" >"$BATS_TEST_TMPDIR/eval"
	run --separate-stderr fit-penalty -g H100 "$BATS_TEST_TMPDIR/eval"
	assert_failure 1
	assert_output ""
	assert_equal "$stderr" "fit-penalty: 8 of 8 steps (engine_wait times from a vLLM iteration log) are below the physical floor: the log was written with async scheduling, and its times are waits for the GPU, not step times
fit-penalty: no usable steps (of 8 read): 8 are below the physical floor (below_floor: true) and 0 have no dur_us; --keep-below-floor fits them anyway"
}

@test "the real H100 run: every measured cycle is above the floor, the scheduler's own time is not a step time" {
	require_shared "fixtures/$H100"
	trace-parse "$SHARED/fixtures/$H100" 2>/dev/null >"$BATS_TEST_TMPDIR/steps"
	batchify --mode expand "$BATS_TEST_TMPDIR/steps" |
	    roofline-eval -m codellama-34b-instruct-hf -g H100 -t 2 \
	    >"$BATS_TEST_TMPDIR/eval" 2>"$BATS_TEST_TMPDIR/err"
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	run jq -s -c '[(map(select(.dur_us != null)) | length),
	    (map(select(.below_floor == true)) | length),
	    (map(select(.dur_us != null) | .dur_us / .floor_us) | min > 1.17)]' \
	    "$BATS_TEST_TMPDIR/eval"
	assert_output '[716,0,true]'
	# step.duration_us (sched_us), taken for a step time, mostly beats physics.
	jq -c 'select(.sched_us != null) | .dur_us = .sched_us' \
	    "$BATS_TEST_TMPDIR/steps" | batchify --mode expand |
	    roofline-eval -m codellama-34b-instruct-hf -g H100 -t 2 \
	    2>"$BATS_TEST_TMPDIR/err" >/dev/null
	assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" "$(floor_line 7096 7441)"
}
