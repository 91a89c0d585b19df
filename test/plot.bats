#!/usr/bin/env bats
# libcommon/io/plot: a gnuplot that is missing or fails costs one warning,
# never the program or its report, whatever the timing.

setup() {
	load helpers/common
	M=(-m llama-3.1-8b-instruct -g H100)
	T="$BATS_TEST_TMPDIR"
	WARN="no plots: gnuplot is not installed or failed"
	# A gnuplot that fails at once, reading nothing: the plot commands
	# meet a pipe with no reader, before or after it is gone.
	mkdir "$T/bin"
	printf '#!/bin/sh\nexit 1\n' >"$T/bin/gnuplot"
	chmod +x "$T/bin/gnuplot"
}

# Run "$@" with the failing gnuplot first on PATH, N times; each run must
# exit 0, print the report it prints without --plot, and warn once.
plot_runs() {	# N prog args...
	local n=$1 k want
	shift
	want=$("$@")
	for ((k = 1; k <= n; k++)); do
		run --separate-stderr env PATH="$T/bin:$PATH" "$@" --plot "$T/p"
		[ "$status" -eq 0 ] || fail "run $k: exit $status: $stderr"
		[ "$stderr" = "$1: $WARN" ] || fail "run $k: stderr: $stderr"
		[ "$output" = "$want" ] || fail "run $k: the report differs"
	done
}

@test "trace-replay: a gnuplot that exits without reading costs one warning, every time" {
	trace-replay "${M[@]}" --tokens "$ROOT/fixtures/batchify/small.ndjson" \
	    >"$T/small.ndjson"
	# 3000 requests: CDFs larger than a pipe holds, so the writes always
	# outlive the reader.
	"$ROOT/fixtures/batchify/genrequests" --seed 5 --count 3000 --rate 30 |
	    trace-replay "${M[@]}" --tokens >"$T/large.ndjson"
	plot_runs 30 trace-replay "${M[@]}" --summary "$T/small.ndjson"
	plot_runs 3 trace-replay "${M[@]}" --summary "$T/large.ndjson"
	plot_runs 2 trace-replay "${M[@]}" --summary --json "$T/large.ndjson"
}

@test "fit-penalty: a gnuplot that exits without reading costs one warning, every time" {
	local syn="$ROOT/fixtures/fit-penalty/synthetic-h100.ndjson"
	export SOURCE_DATE_EPOCH=0
	plot_runs 15 fit-penalty "$syn"
	# Four copies: 4000 points, more than a pipe holds.
	cat "$syn" "$syn" "$syn" "$syn" >"$T/large.ndjson"
	plot_runs 3 fit-penalty "$T/large.ndjson"
}
