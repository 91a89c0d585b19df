#!/bin/sh
# trace-replay speed on a 1M-request generated trace (requests/s, steps/s)
# and peak RSS at 100k and 1M requests: memory follows the requests in
# flight, not the trace length.  First its throughput as a ratio to the
# cJSON ceiling on the same requests, in the same run.
set -eu
. "$(dirname "$0")/lib.sh"
: "${BIN:=bin}"
n=${BENCH_REQUESTS:-1000000}
m="-m llama-3.1-8b-instruct -g H100 --mixed-batch-penalty 0.3 --overlap-penalty 0.2"
gen=fixtures/batchify/genrequests

# Against the cJSON ceiling on the same requests (lib.sh: vs_ceiling).
BENCH_REPEAT=${BENCH_REPEAT:-3}
nc=${BENCH_CEILING_REQUESTS:-200000}
"$gen" --seed 1 --count "$nc" --rate 20 >"$scratch/ceil"
# shellcheck disable=SC2086
vs_ceiling "trace-replay (requests in)" "$scratch/ceil" trace-replay -q $m
echo

# 20 requests/s of up to 4k in, 512 out: a loaded but stable H100.
"$gen" --seed 1 --count "$n" --rate 20 >"$scratch/req"
"$gen" --seed 1 --count $((n / 10)) --rate 20 >"$scratch/small"
# shellcheck disable=SC2086
t=$(seconds "$BIN/trace-replay" $m -q "$scratch/req")
# shellcheck disable=SC2086
steps=$("$BIN/batchify" $m -q "$scratch/req" | wc -l)
# shellcheck disable=SC2086
t_cat=$(seconds jq -c . "$scratch/req")
echo "input: $n requests, $(mb "$(wc -c <"$scratch/req")") MB; $steps steps"
echo "trace-replay: $t s, $(rate "$n" "$t" | cut -d. -f1) requests/s," \
    "$(rate "$steps" "$t" | cut -d. -f1) steps/s" \
    "($(ratio "$t" "$t_cat")x the time of jq -c . over the input)"
# shellcheck disable=SC2086
r_small=$(peak_rss_kb "$BIN/trace-replay" $m -q "$scratch/small")
# shellcheck disable=SC2086
r_big=$(peak_rss_kb "$BIN/trace-replay" $m -q "$scratch/req")
echo "peak RSS: $r_small KiB at $((n / 10)) requests, $r_big KiB at $n" \
    "(ratio $(ratio "$r_big" "$r_small"))"
# The same trace with every prompt cached but its last partial block.
# shellcheck disable=SC2086
t_pc=$(seconds "$BIN/trace-replay" $m --prefix-cache blocks -q "$scratch/req")
echo "trace-replay --prefix-cache blocks: $t_pc s," \
    "$(rate "$n" "$t_pc" | cut -d. -f1) requests/s"
# The real h100-vllm requests (doc/calibration-replay.md), when present.
h100=${ROOFTRACE_SHARED:-../shared}/fixtures/h100-vllm/codellama-34b-tp2-general.requests.ndjson
if [ -e "$h100" ]; then
	t_h=$(seconds "$BIN/trace-replay" -m codellama-34b-instruct-hf -g H100 \
	    -t 2 --max-num-seqs 128 --kv-blocks 26602 --prefix-cache blocks \
	    -q "$h100")
	echo "trace-replay on the 16,800 h100-vllm requests (blocks): $t_h s"
fi
