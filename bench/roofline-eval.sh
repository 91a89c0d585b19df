#!/bin/sh
# roofline-eval throughput as a ratio to the cJSON ceiling (a loop that
# only parses and frees every line, bench/cjson-ceiling.c) on the same
# file in the same run; then on >= 1M realistic steps, beside wc -l and
# jq -c . on the same file; peak RSS at 100k and 1M steps (it must not
# grow with input length).
set -eu
. "$(dirname "$0")/lib.sh"
: "${BIN:=bin}"
n=${BENCH_STEPS:-1000000}
m="-m llama-3.1-8b-instruct -g H100 --mixed-batch-penalty 0.3 --overlap-penalty 0.2"

# Against the ceiling of the JSON library: ~80 MB of busy steps (~130
# requests a step), every program interleaved with the ceiling loop and
# the best of BENCH_REPEAT runs kept, by wall and by CPU time.  BENCH_BEFORE_BIN (a directory of
# older binaries, e.g. /tmp/before/bin) adds their line for comparison.
reps=${BENCH_REPEAT:-5}
nc=${BENCH_CEILING_STEPS:-12000}
ceil=$(ceiling_build)
bench/gensteps --uniform --decodes 288 --count "$nc" --seed 1 >"$scratch/busy"
cbytes=$(wc -c <"$scratch/busy")
echo "vs the cJSON ceiling: $nc steps, $(mb "$cbytes") MB, ~130 requests a" \
    "step; best of $reps runs each"
# Each entry "WALL CPU"; the fastest of the runs is the least disturbed.
w_c='' c_c='' w_r='' c_r='' w_b='' c_b=''
i=0
while [ $i -lt "$reps" ]; do
	# shellcheck disable=SC2046
	set -- $(wall_cpu "$ceil" "$scratch/busy")
	w_c="$w_c $1" c_c="$c_c $2"
	# shellcheck disable=SC2046,SC2086
	set -- $(wall_cpu "$BIN/roofline-eval" -q $m "$scratch/busy")
	w_r="$w_r $1" c_r="$c_r $2"
	if [ -n "${BENCH_BEFORE_BIN:-}" ]; then
		# shellcheck disable=SC2046,SC2086
		set -- $(wall_cpu "$BENCH_BEFORE_BIN/roofline-eval" -q $m \
		    "$scratch/busy")
		w_b="$w_b $1" c_b="$c_b $2"
	fi
	i=$((i + 1))
done
# shellcheck disable=SC2086
w_c=$(least $w_c) c_c=$(least $c_c)
printf '%-22s %8s %8s %10s %10s %10s %10s\n' program wall cpu MB/s steps/s \
    "vs ceiling" "(cpu)"
line() {	# name wall-times cpu-times
	# shellcheck disable=SC2086
	_w=$(least $2) _c=$(least $3)
	printf '%-22s %8s %8s %10s %10s %10s %10s\n' "$1" "$_w" "$_c" \
	    "$(rate "$(mb "$cbytes")" "$_w")" "$(rate "$nc" "$_w" | cut -d. -f1)" \
	    "$(ratio "$w_c" "$_w")x" "$(ratio "$c_c" "$_c")x"
}
line "cJSON parse+delete" "$w_c" "$c_c"
line "roofline-eval" "$w_r" "$c_r"
[ -z "$w_b" ] || line "roofline-eval (before)" "$w_b" "$c_b"
echo "(MB/s and steps/s from wall time; the ratios from wall and CPU time)"
echo

bench/gensteps --count "$n" --seed 1 >"$scratch/steps"
bench/gensteps --count $((n / 10)) --seed 1 >"$scratch/small"
bytes=$(wc -c <"$scratch/steps")
echo "input: $n steps, $(mb "$bytes") MB (1-256 decodes a step, log-uniform)"

t_wc=$(seconds wc -l "$scratch/steps")
t_jq=$(seconds jq -c . "$scratch/steps")
# shellcheck disable=SC2086
t_re=$(seconds "$BIN/roofline-eval" $m "$scratch/steps")
printf '%-14s %8s %10s %12s %10s\n' program seconds MB/s steps/s "vs jq"
for p in "wc -l:$t_wc" "jq -c .:$t_jq" "roofline-eval:$t_re"; do
	name=${p%%:*} t=${p#*:}
	printf '%-14s %8s %10s %12s %10s\n' "$name" "$t" \
	    "$(rate "$(mb "$bytes")" "$t")" "$(rate "$n" "$t" | cut -d. -f1)" \
	    "$(ratio "$t_jq" "$t")x"
done
# shellcheck disable=SC2086
r_small=$(peak_rss_kb "$BIN/roofline-eval" $m "$scratch/small")
# shellcheck disable=SC2086
r_big=$(peak_rss_kb "$BIN/roofline-eval" $m "$scratch/steps")
echo "peak RSS: $r_small KiB at $((n / 10)) steps, $r_big KiB at $n steps" \
    "(ratio $(ratio "$r_big" "$r_small"))"
