#!/bin/sh
# The request-level fit's cost in replays (fit-penalty --requests), as CPU
# time, which the other processes of a shared machine do not inflate:
#  shared:    on the real H100 run (../shared/fixtures/h100-vllm, when
#             present), the first half of the requests fitted with the
#             first half of the steps, and from the requests alone; the
#             fit's CPU time over one replay of all 16,800 requests (the
#             goal: at most 50), as the report says it.
#  synthetic: BENCH_REQUESTS synthetic requests (default 3000, made by
#             test/helpers/reqfit-synth with a known entry), fitted alone.
# usage: BIN=bin bench/reqfit.sh
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
: "${BIN:=bin}"
root=$(cd "$(dirname "$0")/.." && pwd)
n=${BENCH_REQUESTS:-3000}
export LC_ALL=C

row() {	# name report
	jq -r --arg n "$1" '"\($n)\t\(.replays.count) replays\tfit \(.replays.fit_s * 100 | round / 100) s CPU\tone replay \(.replays.one_replay_s * 1000 | round) ms\t\(.replays.fit_in_replays * 10 | round / 10)x one replay"' "$2"
}

sh_dir=$root/../shared/fixtures/h100-vllm
if [ -d "$sh_dir" ]; then
	M="-m codellama-34b-instruct-hf -g H100 -t 2"
	S="--max-num-seqs 128 --max-num-batched-tokens 2048 --block-size 16 --kv-blocks 26602"
	R=$sh_dir/codellama-34b-tp2-general.requests.ndjson
	head -n 37 "$sh_dir/codellama-34b-tp2-general.step_traces.json" |
	    "$BIN/trace-parse" -q | "$BIN/batchify" -q --mode expand |
	    "$BIN/roofline-eval" -q $M >"$scratch/first.eval"
	# shellcheck disable=SC2086
	"$BIN/fit-penalty" -q $M $S --requests "$R" --request-holdout 0.5 \
	    "$scratch/first.eval" >"$scratch/a.json"
	row "h100-vllm, steps + requests" "$scratch/a.json"
	# shellcheck disable=SC2086
	"$BIN/fit-penalty" -q $M $S --requests "$R" --request-holdout 0.5 \
	    >"$scratch/b.json"
	row "h100-vllm, requests only" "$scratch/b.json"
else
	echo "h100-vllm: ../shared not present, skipped"
fi
ROOFTRACE_BIN=$BIN "$root/test/helpers/reqfit-synth" --n "$n" -- \
    -m llama-3.1-8b-instruct -g H100 --prior bandwidth=0.6 \
    --prior alpha0=5000 --prior alpha1=10 --prior hit=0.7 >"$scratch/syn"
"$BIN/fit-penalty" -q -m llama-3.1-8b-instruct -g H100 --requests \
    "$scratch/syn" >"$scratch/s.json"
row "synthetic, $n requests" "$scratch/s.json"
