#!/usr/bin/env bats
# fit-penalty --requests: a replay's line is progress, shown as every
# program shows it (libcommon/io/progress.h): on a terminal, redrawn in
# place and cleared at the end; elsewhere only with ROOFTRACE_PROGRESS=1,
# a line an update; never with -q.  The first 40 requests of the demo.

setup_file() {
	load helpers/common
	trace-parse -q "$FIXTURES/demo/bench-serve.json" | head -40 \
	    >"$BATS_FILE_TMPDIR/r40.ndjson"
}

setup() {
	load helpers/common
	R="$BATS_FILE_TMPDIR/r40.ndjson"
	FIT="fit-penalty -m llama-3.1-8b-instruct -g H100 --output-lag 0 --requests $R"
}

@test "standard error not a terminal: no replay line; ROOFTRACE_PROGRESS=1: a line a replay; -q: none" {
	run --separate-stderr env -u ROOFTRACE_PROGRESS $FIT
	assert_success
	assert_equal "$stderr" ""
	run --separate-stderr env ROOFTRACE_PROGRESS=1 $FIT
	assert_success
	[ "${#stderr_lines[@]}" -ge 2 ]
	for l in "${stderr_lines[@]}"; do
		[[ $l =~ ^"fit-penalty: replay "[0-9]+": "[0-9]+" steps, largest move "[0-9.e+-]+", latencies moved "[0-9.e+-]+" %"$ ]] ||
		    fail "not a replay line: $l"
	done
	run --separate-stderr env ROOFTRACE_PROGRESS=1 $FIT -q
	assert_success
	assert_equal "$stderr" ""
}

@test "on a terminal: one line redrawn in place, cleared at the end" {
	command -v script >/dev/null || skip "script(1) not installed"
	run script -q -c "env -u ROOFTRACE_PROGRESS $FIT >/dev/null" /dev/null
	assert_success
	[[ $output == $'\rfit-penalty: replay 1: '* ]] || fail "not redrawn: $output"
	[[ $output == *$' %\e[K\r\e[K' ]] || fail "not cleared: $output"
	[[ $output != *$'\n'* ]] || fail "a line of its own: $output"
	run script -q -c "env -u ROOFTRACE_PROGRESS $FIT -q >/dev/null" /dev/null
	assert_success
	assert_output ""
}
