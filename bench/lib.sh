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
rate() { echo "$1 $2" | awk '{ printf "%.1f", $1 / $2 }'; }
ratio() { echo "$1 $2" | awk '{ printf "%.2f", $1 / $2 }'; }

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
