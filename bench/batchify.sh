#!/bin/sh
# batchify: replay throughput (steps/s, roofline clock) on a generated
# trace of 1M requests; peak RSS at 1x and 10x trace length (it must not
# grow: memory follows the requests in flight); timestamps-mode
# throughput; each mode's throughput as a ratio to the cJSON ceiling on
# its own input, in the same run; and expand mode's error: iteration-log
# counts made from a replay whose compositions are known, expanded, and
# both timed by the roofline: median and P95 relative error of the
# estimated steps' time, from the counts alone (population), with the
# run's requests, and from the moments forward-pass metrics carry.
set -eu
. "$(dirname "$0")/lib.sh"
: "${BIN:=bin}"
n=${BENCH_REQUESTS:-1000000}
gen=fixtures/batchify/genrequests
m="-m llama-3.1-8b-instruct -g H100"

# Against the cJSON ceiling (lib.sh: vs_ceiling), on batchify's own
# inputs: requests for the replay; aggregate steps for expand, whose
# records pass through as read with the estimate appended.
BENCH_REPEAT=${BENCH_REPEAT:-3}
nc=${BENCH_CEILING_REQUESTS:-200000}
"$gen" --count "$nc" --seed 1 --rate 30 >"$scratch/ceil"
# shellcheck disable=SC2086
vs_ceiling "replay (requests in)" "$scratch/ceil" batchify -q $m
outsize() {	# FILE ARG...: batchify's output against its input
	_in=$1
	shift
	_o=$("$BIN/batchify" "$@" "$_in" | wc -c)
	echo "  (its output is $(mb "$_o") MB, $(ratio "$_o" \
	    "$(wc -c <"$_in")")x its input: writing the steps' request lists," \
	    "not reading, bounds it)"
}
# shellcheck disable=SC2086
outsize "$scratch/ceil" -q $m

# Against the cJSON ceiling on what batchify writes: its output is 58 to
# 77 times its input (every step lists its requests), so writing, not
# reading, bounds it.  The ceiling parses the output, batchify makes it
# from the input; both by CPU and wall time, the best of BENCH_REPEAT.
vs_output_ceiling() {	# LABEL INPUT ARG...
	_olbl=$1 _oin=$2
	shift 2
	"$BIN/batchify" "$@" "$_oin" >"$scratch/vsout"
	BENCH_CEILING_FILE=$scratch/vsout
	vs_ceiling "$_olbl, against its output" "$_oin" batchify "$@"
	unset BENCH_CEILING_FILE
	rm -f "$scratch/vsout"
}
no=${BENCH_OUTPUT_REQUESTS:-20000}
"$gen" --count "$no" --seed 1 --rate 30 >"$scratch/ceilo"
# shellcheck disable=SC2086
vs_output_ceiling "replay ($no requests)" "$scratch/ceilo" -q $m
awk -v n="$nc" 'BEGIN { srand(3); t = 0
	for (i = 0; i < n; i++) {
		p = rand() < 0.3; d = 1 + int(rand() * 256); dur = 5000 + int(rand() * 30000)
		printf "{\"step\":%d,\"ts_us\":%d,\"dur_us\":%d,\"n_prefill\":%d,\"prefill_tokens\":%d,\"n_decode\":%d,\"kv_usage\":%.3f}\n",
		    i, t, dur, p, p ? 1 + int(rand() * 2048) : 0, d, rand()
		t += dur
	} }' >"$scratch/aggc"
vs_ceiling "expand (aggregate steps in)" "$scratch/aggc" batchify --mode expand -q
outsize "$scratch/aggc" --mode expand -q
head -n "$no" "$scratch/aggc" >"$scratch/aggo"
vs_output_ceiling "expand ($no aggregate steps)" "$scratch/aggo" --mode expand -q
echo

"$gen" --count "$n" --seed 1 --rate 30 >"$scratch/big"
"$gen" --count $((n / 10)) --seed 1 --rate 30 >"$scratch/small"
echo "input: $n requests at 30/s, input 1-4096, output 1-512 tokens" \
    "(log-uniform)"

# Replay: steps/s with the roofline clock; output counted, not kept.
t0=$(now)
# shellcheck disable=SC2086
steps=$("$BIN/batchify" -q $m "$scratch/big" | wc -l)
t1=$(now)
t=$(echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }')
echo "replay: $steps steps in $t s: $(rate "$steps" "$t" | cut -d. -f1)" \
    "steps/s"

# shellcheck disable=SC2086
r_small=$(peak_rss_kb "$BIN/batchify" -q $m "$scratch/small")
# shellcheck disable=SC2086
r_big=$(peak_rss_kb "$BIN/batchify" -q $m "$scratch/big")
echo "peak RSS: $r_small KiB at $((n / 10)) requests, $r_big KiB at $n" \
    "(ratio $(ratio "$r_big" "$r_small"))"

# Timestamps mode on the replay of the small trace, as token times.
# shellcheck disable=SC2086
"$BIN/batchify" -q $m "$scratch/small" >"$scratch/steps"
fixtures/batchify/steps2requests "$scratch/small" "$scratch/steps" \
    >"$scratch/timed"
tsteps=$(wc -l <"$scratch/steps")
# shellcheck disable=SC2086
t=$(seconds "$BIN/batchify" -q $m "$scratch/timed")
# shellcheck disable=SC2086
r_ts=$(peak_rss_kb "$BIN/batchify" -q $m "$scratch/timed")
echo "timestamps: $tsteps steps in $t s: $(rate "$tsteps" "$t" |
    cut -d. -f1) steps/s, peak RSS $r_ts KiB"

# Expand: estimated against true roofline time, step by step.
"$gen" --count 5000 --seed 2 --rate 30 >"$scratch/req"
for model in llama-3.1-8b-instruct qwen3-14b; do
	"$BIN/batchify" -q -m "$model" -g H100 "$scratch/req" >"$scratch/true"
	jq -c '{step, n_prefill: (.prefill_requests | length),
	    prefill_tokens: ([.prefill_requests[].num_new_prefill_tokens] |
	    add // 0), n_decode: (.decode_requests | length)}' \
	    "$scratch/true" >"$scratch/agg"
	"$BIN/roofline-eval" -m "$model" -g H100 "$scratch/true" |
	    jq .pred_us >"$scratch/p_true"
	# The moments a forward-pass-metrics record carries.
	jq -c '(.prefill_requests | map(.num_new_prefill_tokens)) as $t |
	    (.decode_requests | map(.progress_index)) as $d |
	    ($t | length) as $np | ($d | length) as $nd |
	    {step, n_prefill: $np, prefill_tokens: ($t | add // 0),
	    prefill_kv_tokens: (.prefill_requests | map(.progress_index) |
	    add // 0), prefill_len_var: (if $np > 0 then ($t | map(. * .) |
	    add) / $np - (($t | add) / $np) * (($t | add) / $np) else 0 end),
	    n_decode: $nd, decode_kv_tokens: ($d | add // 0),
	    decode_kv_var: (if $nd > 0 then ($d | map(. * .) | add) / $nd -
	    (($d | add) / $nd) * (($d | add) / $nd) else 0 end)}' \
	    "$scratch/true" >"$scratch/mom"
	for how in population requests moments; do
		in=$scratch/agg
		case $how in
		requests) set -- --requests "$scratch/req" ;;
		moments) set --; in=$scratch/mom ;;
		*) set -- ;;
		esac
		"$BIN/batchify" -q --mode expand "$@" "$in" >"$scratch/est"
		"$BIN/roofline-eval" -m "$model" -g H100 "$scratch/est" |
		    jq .pred_us >"$scratch/p_est"
		paste "$scratch/p_true" "$scratch/p_est" | awk '{
			e = ($2 - $1) / $1; print e < 0 ? -e : e }' |
		    sort -g | awk -v what="$model, from $how" '
		    { a[NR] = $1 } END {
			printf "expand (%s): %d steps, relative error of " \
			    "roofline time: median %.2f%%, P95 %.2f%%, " \
			    "max %.2f%%\n", what, NR,
			    100 * a[int((NR + 1) / 2)],
			    100 * a[int(NR * 0.95 + 0.999)], 100 * a[NR] }'
	done
done
