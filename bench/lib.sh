# Shared by the bench scripts: timing, peak RSS and a scratch directory.
# Sourced, not run.  GNU time is not everywhere; /proc's own accounting is.

scratch=$(mktemp -d "${TMPDIR:-/tmp}/rooftrace-bench.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM

now() { date +%s.%N; }

# seconds CMD...: run CMD with output discarded, print wall seconds.
seconds() {
	_t0=$(now)
	"$@" >/dev/null
	_t1=$(now)
	echo "$_t0 $_t1" | awk '{ printf "%.3f", $2 - $1 }'
}

# peak_rss_kb CMD...: run CMD (output discarded), print its peak RSS in KiB.
peak_rss_kb() {
	/usr/bin/time -f %M -o "$scratch/rss" "$@" >/dev/null
	cat "$scratch/rss"
}

mb() { echo "$1" | awk '{ printf "%.1f", $1 / 1e6 }'; }
rate() { echo "$1 $2" | awk '{ printf "%.1f", ($2 > 0 ? $1 / $2 : 0) }'; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", ($2 > 0 ? $1 / $2 : 0) }'; }

# wall_cpu CMD...: run CMD (output discarded), print "WALL CPU" seconds, CPU
# being user + system time: on a machine shared with other work, wall
# time counts the waits for a core and CPU time does not.
wall_cpu() {
	/usr/bin/time -f '%e %U %S' -o "$scratch/times" "$@" >/dev/null
	awk '{ printf "%.3f %.3f", $1, $2 + $3 }' "$scratch/times"
}

# least T...: the smallest of the times given.  The machine is shared:
# the fastest of several runs is the one least disturbed by the rest.
least() {
	echo "$@" | tr ' ' '\n' |
	    awk 'NF && (m == "" || $1 < m) { m = $1 } END { print m }'
}

# ceiling_build: compile bench/cjson-ceiling.c (cJSON_ParseWithLength and
# cJSON_Delete of every line, nothing else) into $scratch; print its path.
# The ceiling a program built on cJSON is measured against, in the same
# run on the same file.
ceiling_build() {
	${CC:-cc} -O2 -o "$scratch/cjson-ceiling" bench/cjson-ceiling.c -lcjson
	echo "$scratch/cjson-ceiling"
}

# vs_ceiling LABEL FILE PROG ARG...: $BIN/PROG ARG... FILE (output
# discarded) and the cJSON ceiling over FILE, interleaved, the best of
# BENCH_REPEAT runs (default 5) kept by wall and by CPU time; with
# BENCH_BEFORE_BIN (a directory of older binaries) its PROG too, as
# "(before)".  Prints a row each: wall and CPU seconds, MB/s and records/s
# (the file's lines) by wall time, and the ratio to the ceiling by wall and
# by CPU time.  The ceiling is the same loop roofline-eval.sh measures
# against (ceiling_build), built once a run.  BENCH_CEILING_FILE, when
# set, is what the ceiling parses and what the bytes and records count
# instead of FILE (a program's output, when writing bounds it).
vs_ceiling() {
	_lbl=$1 _f=$2 _p=$3
	shift 3
	[ -x "$scratch/cjson-ceiling" ] || ceiling_build >/dev/null
	# BENCH_CEILING (and its name, BENCH_CEILING_NAME): another library's
	# parse-only loop over the same file, e.g. libcsv's.
	_ceil=${BENCH_CEILING:-$scratch/cjson-ceiling}
	_cf=${BENCH_CEILING_FILE:-$_f}
	_bytes=$(wc -c <"$_cf") _recs=$(wc -l <"$_cf")
	_wc='' _cc='' _wa='' _ca='' _wb='' _cb='' _i=0
	while [ "$_i" -lt "${BENCH_REPEAT:-5}" ]; do
		# shellcheck disable=SC2046
		set -- $(wall_cpu "$_ceil" "$_cf") "$@"
		_wc="$_wc $1" _cc="$_cc $2"
		shift 2
		# shellcheck disable=SC2046
		set -- $(wall_cpu "$BIN/$_p" "$@" "$_f") "$@"
		_wa="$_wa $1" _ca="$_ca $2"
		shift 2
		if [ -n "${BENCH_BEFORE_BIN:-}" ]; then
			# shellcheck disable=SC2046
			set -- $(wall_cpu "$BENCH_BEFORE_BIN/$_p" "$@" "$_f") "$@"
			_wb="$_wb $1" _cb="$_cb $2"
			shift 2
		fi
		_i=$((_i + 1))
	done
	# shellcheck disable=SC2086
	_wc=$(least $_wc) _cc=$(least $_cc)
	echo "$_lbl: $(mb "$_bytes") MB, $_recs records; best of" \
	    "${BENCH_REPEAT:-5} runs each, interleaved"
	printf '  %-26s %8s %8s %9s %11s %10s %8s\n' program wall cpu MB/s \
	    records/s "vs ceiling" "(cpu)"
	_row "${BENCH_CEILING_NAME:-cJSON parse+delete}" "$_wc" "$_cc"
	_row "$_p" "$_wa" "$_ca"
	[ -z "$_wb" ] || _row "$_p (before)" "$_wb" "$_cb"
}

_row() {	# name wall-times cpu-times
	# shellcheck disable=SC2086
	_w=$(least $2) _c=$(least $3)
	printf '  %-26s %8s %8s %9s %11s %10s %8s\n' "$1" "$_w" "$_c" \
	    "$(rate "$(mb "$_bytes")" "$_w")" \
	    "$(rate "$_recs" "$_w" | cut -d. -f1)" \
	    "$(ratio "$_wc" "$_w")x" "$(ratio "$_cc" "$_c")x"
}
