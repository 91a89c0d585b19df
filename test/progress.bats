#!/usr/bin/env bats
# libcommon/io/progress: an update about once a second on a terminal,
# whatever the records' size; on elsewhere only when a driver asks.

setup() {
	load helpers/common
	T="$BATS_TEST_TMPDIR"
	trace-parse "$FIXTURES/demo/bench-serve.json" >"$T/req.ndjson"
	# 300 requests, a pause of 1.05 s, the other 300: the pause is
	# time the program waits, so an update after it is due.
	cat >"$T/slow" <<-SH
	{ head -n 300 "$T/req.ndjson"; sleep 1.05; tail -n +301 "$T/req.ndjson"; } |
	    batchify --mode timestamps "\$@" >/dev/null
	SH
}

@test "on a terminal: batchify redraws one line after a second and clears it at the end" {
	# script(1) runs the pipeline on a pseudo-terminal: stderr is a tty.
	script -qfec "PATH='$PATH' sh '$T/slow'" /dev/null </dev/null >"$T/tty"
	run cat -v "$T/tty"
	assert_output --regexp '^(\^Mbatchify: -: [0-9]+ lines read\^\[\[K)+\^M\^\[\[K$'
}

@test "off when standard error is not a terminal; ROOFTRACE_PROGRESS=1 turns it on, a line an update" {
	# The three side by side: each waits out its own pause.
	sh "$T/slow" 2>"$T/plain" &
	ROOFTRACE_PROGRESS=1 ROOFTRACE_PROGRESS_LABEL=requests \
	    sh "$T/slow" 2>"$T/forced" &
	# --quiet wins over the variable.
	ROOFTRACE_PROGRESS=1 sh "$T/slow" -q 2>"$T/quiet" &
	wait
	assert_equal "$(cat "$T/plain")" ""
	assert_equal "$(cat "$T/quiet")" ""
	run cat "$T/forced"
	[[ $output =~ ^(batchify:\ requests:\ [0-9]+\ lines\ read$'\n'?)+$ ]] ||
	    fail "stderr: $output"
}
