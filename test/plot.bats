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

@test "--plot DIR is a path, never gnuplot commands; a quote in it works" {
	local syn="$ROOT/fixtures/fit-penalty/synthetic-h100.ndjson" d
	cd "$T"
	d="p'; system('touch INJECTED'); print '"
	run fit-penalty --plot "$d" "$syn"
	assert_success
	assert_file_not_exists "$T/INJECTED"
	assert_file_not_exists "$T/$d/INJECTED"
	assert_png_size "$T/$d/measured-vs-predicted.png" "900 600"
	trace-replay "${M[@]}" --tokens "$ROOT/fixtures/batchify/small.ndjson" \
	    >"$T/small.ndjson"
	run trace-replay "${M[@]}" --summary --plot "bob's plots" "$T/small.ndjson"
	assert_success
	assert_svg "$T/bob's plots/e2e.svg"
	assert_png_size "$T/bob's plots/ttft.png" "900 600"
	# A model named by a path goes into the title as text.
	d="m'.system('touch INJECTED').'"
	mkdir "$T/$d"
	cp "$ROOT/share/models/llama-3.1-8b-instruct/config.json" "$T/$d/"
	run trace-replay -m "$T/$d" -g H100 --summary --plot "$T/q" "$T/small.ndjson"
	assert_success
	assert_file_not_exists "$T/INJECTED"
	assert_file_not_exists "$T/q/INJECTED"
	assert_png_size "$T/q/e2e.png" "900 600"
}

# The ranges of a kept script (ROOFTRACE_PLOT_SCRIPT=1), and the smallest
# and largest value of each axis in its data blocks.
plot_ranges() {	# script.gp
	awk '
	/^set xrange/ || /^set yrange/ { print $2, $3 }
	/^\$.* << EOD$/ { data = 1; next }
	/^EOD$/ { data = 0; next }
	data { for (i = 1; i <= 2; i++) {
		if (!(i in lo) || $i + 0 < lo[i]) lo[i] = $i + 0
		if (!(i in hi) || $i + 0 > hi[i]) hi[i] = $i + 0 } }
	END { printf "data x [%.9g:%.9g] y [%.9g:%.9g]\n", lo[1], hi[1], lo[2], hi[2] }
	' "$1"
}

@test "measured against predicted: one range on both axes, from the data, y = x the diagonal" {
	export ROOFTRACE_PLOT_SCRIPT=1
	fit-penalty --plot "$T/p" "$ROOT/fixtures/fit-penalty/synthetic-h100.ndjson" >/dev/null
	run plot_ranges "$T/p/measured-vs-predicted.gp"
	assert_success
	local xr yr lo hi
	xr=$(sed -n 's/^xrange //p' <<<"$output")
	yr=$(sed -n 's/^yrange //p' <<<"$output")
	assert_equal "$xr" "$yr"
	grep -qx 'set size square' "$T/p/measured-vs-predicted.gp"
	# The range holds every point and is at most 10 % wider than the
	# points' own span in log space, on each side.
	/usr/bin/python3 - "$output" <<-'PY'
	import math, re, sys
	t = sys.argv[1]
	lo, hi = map(float, re.search(r"xrange \[(.*):(.*)\]", t).groups())
	d = list(map(float, re.findall(r"[-0-9.e+]+", t.split("data")[1])))
	dlo, dhi = min(d), max(d)
	assert lo <= dlo and dhi <= hi, (lo, hi, dlo, dhi)
	span = math.log(dhi / dlo)
	assert math.log(dlo / lo) <= 0.1 * span + 1e-9, (lo, dlo)
	assert math.log(hi / dhi) <= 0.1 * span + 1e-9, (hi, dhi)
	PY
	# Each step kind its own colour and point shape, counted in the key.
	run sh -c "grep -o \"pt [0-9]* ps 0.7 lc rgb '#40[0-9A-F]*' title '[a-z]* ([0-9]*)'\" \"\$1\" | sort -u" sh "$T/p/measured-vs-predicted.gp"
	assert_equal "${#lines[@]}" 3
	assert_equal "$(printf '%s\n' "${lines[@]}" | cut -d' ' -f2 | sort -u | wc -l)" 3
	assert_equal "$(printf '%s\n' "${lines[@]}" | cut -d' ' -f7 | sort -u | wc -l)" 3
}

@test "trace-replay's CDFs: the x range spans the data, ticks in one style, the run in the title" {
	export ROOFTRACE_PLOT_SCRIPT=1
	trace-replay "${M[@]}" --tokens "$ROOT/fixtures/batchify/small.ndjson" \
	    >"$T/small.ndjson"
	trace-replay "${M[@]}" --summary --warmup-requests 1 --plot "$T/p" \
	    "$T/small.ndjson" >/dev/null
	run plot_ranges "$T/p/e2e.gp"
	/usr/bin/python3 - "$output" <<-'PY'
	import re, sys
	t = sys.argv[1]
	lo, hi = map(float, re.search(r"xrange \[(.*):(.*)\]", t).groups())
	dlo, dhi = map(float, re.search(r"data x \[(.*):(.*)\] y", t).groups())
	assert lo < dlo and dhi < hi and hi / lo <= (dhi / dlo) ** 1.1 * 1.0001, (lo, hi, dlo, dhi)
	PY
	run grep '^set xtics' "$T/p/e2e.gp"
	assert_output --regexp '^set xtics \("[0-9.]+ (µs|ms|s)" [0-9.e+]+(, "[0-9.]+ (µs|ms|s)" [0-9.e+]+)+\)$'
	run grep '^set title' "$T/p/e2e.gp"
	assert_output "set title 'End-to-end latency, predicted and measured: CDF over requests'.\"\\n\".'llama-3.1-8b-instruct on H100, TP 1, entry shipped; prefix cache none; first 1 requests left out'"
}
