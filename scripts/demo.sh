#!/bin/sh
# make demo: the whole pipeline on the project's own fixture, from a
# `vllm bench serve --save-detailed` result to a fitted hardware_config.json,
# then a check that the fitted entry predicts what the requests felt.
#
# fixtures/demo/bench-serve.json was made by fixtures/demo/make-demo-trace:
# 600 requests on a simulated H100 whose steps follow BLIS's roofline for
# llama-3.1-8b-instruct with mixed-batch penalty 0.3 and overlap penalty 0.2,
# times 3 % lognormal noise a step.  The demo should find them again.
set -eu
cd "$(dirname "$0")/.."
: "${BIN:=$PWD/bin}"
PATH="$BIN:$PATH"
out=build/demo
mkdir -p "$out"
model=llama-3.1-8b-instruct hw=H100
trace=fixtures/demo/bench-serve.json

echo "== 1. trace-parse | batchify | roofline-eval | fit-penalty"
echo "   $trace -> $out/hardware_config.json"
trace-parse "$trace" >"$out/requests.ndjson"
batchify "$out/requests.ndjson" >"$out/steps.ndjson"
roofline-eval -m "$model" -g "$hw" "$out/steps.ndjson" >"$out/eval.ndjson"
fit-penalty -g "$hw" --exact-only --hardware-config-out \
    "$out/hardware_config.json" "$out/eval.ndjson" >"$out/fit.json"
echo "   $(wc -l <"$out/requests.ndjson") requests," \
    "$(wc -l <"$out/steps.ndjson") steps"
echo
jq -r '
def f(x; d): if x == null then "-" else (x * pow(10; d) | round / pow(10; d) | tostring) end;
def row(name; p; truth):
	"   \(name)  \(f(p.estimate; 3)) +- \(f(p.standard_error; 3))" +
	"   95% [\(f(p.ci95[0]; 3)), \(f(p.ci95[1]; 3))]   truth \(truth)" +
	"   (\(p.identifiability.status))";
"   parameter              estimate         interval               used to make the trace",
row("mixed-batch penalty"; .parameters.mixed_batch_penalty; 0.3),
row("overlap penalty    "; .parameters.overlap_penalty; 0.2),
"",
"   step-time error      MAPE   median   P90    P99   Pearson r",
"   before (no penalty)  \(f(.error.before.all.mape; 2))%  \(f(.error.before.all.median_ape; 2))%  \(f(.error.before.all.p90_ape; 2))%  \(f(.error.before.all.p99_ape; 2))%  \(f(.error.before.all.pearson_r; 4))",
"   after the fit        \(f(.error.after.all.mape; 2))%  \(f(.error.after.all.median_ape; 2))%  \(f(.error.after.all.p90_ape; 2))%  \(f(.error.after.all.p99_ape; 2))%  \(f(.error.after.all.pearson_r; 4))",
"",
"   b is weakly determined by design: in chunked-prefill traffic most mixed",
"   steps have a small minority fraction, so they say little about it."
' "$out/fit.json"
echo
echo "   fitted entry ($out/hardware_config.json):"
jq -c ".\"$hw\"" "$out/hardware_config.json" | sed 's/^/   /'

echo
echo "== 2. trace-replay: does the fitted entry predict what users felt?"
for cfg in share/hardware_config.json "$out/hardware_config.json"; do
	echo "   with $cfg:"
	trace-replay -m "$model" -g "$hw" --hardware-config "$cfg" --summary \
	    --json "$out/requests.ndjson" |
	jq -r '"     TTFT MAPE \(.ttft.mape_pct * 100 | round / 100)%," +
	    "  ITL MAPE \(.itl.mape_pct * 100 | round / 100)%," +
	    "  E2E MAPE \(.e2e.mape_pct * 100 | round / 100)%," +
	    "  E2E P99 error \(.e2e.p99.rel_err_pct * 100 | round / 100)%"'
done
