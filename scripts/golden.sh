#!/bin/sh
# Write every program's NDJSON and CSV output on every fixture (the
# project's own and ../shared's) into DIR, so two builds can be compared
# byte for byte:  scripts/golden.sh OLD_BIN a; scripts/golden.sh bin b;
# diff -r a b.  Exit statuses and standard error are kept beside each file.
# Usage: golden.sh BIN DIR
set -u
[ $# -eq 2 ] || { echo "usage: golden.sh BIN DIR" >&2; exit 2; }
bin=$(cd "$1" && pwd) out=$2
cd "$(dirname "$0")/.."
shared=${ROOFTRACE_SHARED:-../shared}
mkdir -p "$out"
PATH="$bin:$PATH"
export LC_ALL=C
unset ROOFTRACE_SHARE

# run NAME CMD...: stdout to NAME, stderr and status to NAME.err
run() {
	_n=$1; shift
	"$@" >"$out/$_n" 2>"$out/$_n.err"
	echo "exit $?" >>"$out/$_n.err"
}

m=llama-3.1-8b-instruct
# Every trace fixture the project has, whatever its format.
traces="$(ls fixtures/trace-parse/* | grep -v -e blis- -e '\.yaml$')
fixtures/batchify/bench-serve.json fixtures/demo/bench-serve.json"
for f in $shared/fixtures/azure/*.csv $shared/fixtures/mooncake/*.jsonl \
    $shared/fixtures/measured/*.csv $shared/fixtures/vllm-logs/*.log \
    $shared/fixtures/h100-vllm/*.json $shared/fixtures/h100-vllm/*.ndjson; do
	[ -e "$f" ] && traces="$traces $f"
done
for f in $traces; do
	n=tp.$(basename "$f")
	run "$n.ndjson" trace-parse "$f"
	run "$n.csv" trace-parse --csv "$f"
done
run tp.blis.ndjson trace-parse fixtures/trace-parse/blis-header.yaml \
    fixtures/trace-parse/blis-trace.csv --itl fixtures/trace-parse/blis-itl.csv

for f in fixtures/batchify/small.ndjson fixtures/batchify/seqs.ndjson \
    fixtures/batchify/preempt.ndjson "$out/tp.bench-serve.json.ndjson" \
    "$out/tp.vllm-iterations.log.ndjson"; do
	n=bf.$(basename "$f")
	run "$n" batchify -m $m -g H100 "$f"
	run "$n.csv" batchify --csv -m $m -g H100 "$f"
	run "$n.eval" roofline-eval -m $m -g H100 "$out/$n"
	run "$n.eval.csv" roofline-eval --csv -m $m -g H100 "$out/$n"
done
run bf.expand batchify --mode expand -m $m -g H100 \
    "$out/tp.vllm-iterations.log.ndjson"
run bf.expand.eval roofline-eval -m $m -g H100 "$out/bf.expand"
run re.small.steps roofline-eval -m $m -g H100 fixtures/batchify/small.steps
run re.pen roofline-eval -m $m -g A100-80 --mixed-batch-penalty 0.3 \
    --overlap-penalty 0.2 fixtures/batchify/small.steps

run tp.demo trace-parse fixtures/demo/bench-serve.json
run bf.demo batchify -m $m -g H100 "$out/tp.demo"
run re.demo roofline-eval -m $m -g H100 "$out/bf.demo"
run fp.demo fit-penalty -g H100 --exact-only --residuals "$out/fp.demo.res" \
    --hardware-config-out "$out/fp.demo.hw" "$out/re.demo"
run fp.synth fit-penalty fixtures/fit-penalty/synthetic-h100.ndjson
run tr.demo trace-replay -m $m -g H100 "$out/tp.demo"
run tr.demo.csv trace-replay --csv -m $m -g H100 "$out/tp.demo"
run tr.demo.sum trace-replay -m $m -g H100 --summary --json "$out/tp.demo"
# Provenance names the files read: the same names in both runs, but the
# directory differs, so it is written relative.
sed -i -e "s#$out/##g" -e 's/"date":"[^"]*"/"date":"-"/' "$out"/fp.* "$out"/*.err 2>/dev/null
exit 0
