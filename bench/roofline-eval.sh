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
# the best of BENCH_REPEAT runs kept.  BENCH_BEFORE_BIN (a directory of
# older binaries, e.g. /tmp/before/bin) adds their line for comparison.
reps=${BENCH_REPEAT:-5}
nc=${BENCH_CEILING_STEPS:-12000}
ceil=$(ceiling_build)
bench/gensteps --uniform --decodes 288 --count "$nc" --seed 1 >"$scratch/busy"
cbytes=$(wc -c <"$scratch/busy")
echo "vs the cJSON ceiling: $nc steps, $(mb "$cbytes") MB, ~130 requests a" \
    "step; best of $reps runs each"
t_c='' t_r='' t_b=''
i=0
while [ $i -lt "$reps" ]; do
	t_c="$t_c $(seconds "$ceil" "$scratch/busy")"
	# shellcheck disable=SC2086
	t_r="$t_r $(seconds "$BIN/roofline-eval" -q $m "$scratch/busy")"
	if [ -n "${BENCH_BEFORE_BIN:-}" ]; then
		# shellcheck disable=SC2086
		t_b="$t_b $(seconds "$BENCH_BEFORE_BIN/roofline-eval" -q $m \
		    "$scratch/busy")"
	fi
	i=$((i + 1))
done
# shellcheck disable=SC2086
t_c=$(least $t_c) t_r=$(least $t_r)
printf '%-22s %8s %10s %12s %12s\n' program seconds MB/s steps/s "vs ceiling"
line() {	# name seconds
	printf '%-22s %8s %10s %12s %12s\n' "$1" "$2" \
	    "$(rate "$(mb "$cbytes")" "$2")" "$(rate "$nc" "$2" | cut -d. -f1)" \
	    "$(ratio "$t_c" "$2")x"
}
line "cJSON parse+delete" "$t_c"
line "roofline-eval" "$t_r"
# shellcheck disable=SC2086
[ -z "$t_b" ] || line "roofline-eval (before)" "$(least $t_b)"
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
