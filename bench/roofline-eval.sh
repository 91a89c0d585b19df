#!/bin/sh
# roofline-eval throughput on >= 1M realistic steps, beside wc -l and
# jq -c . on the same file in the same run; peak RSS at 100k and 1M steps
# (it must not grow with input length).
set -eu
. "$(dirname "$0")/lib.sh"
: "${BIN:=bin}"
n=${BENCH_STEPS:-1000000}
m="-m llama-3.1-8b-instruct -g H100 --mixed-batch-penalty 0.3 --overlap-penalty 0.2"

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
