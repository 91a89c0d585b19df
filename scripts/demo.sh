#!/bin/sh
# make demo: the whole pipeline on the project's own fixture, from a
# `vllm bench serve --save-detailed` result to a fitted hardware_config.json,
# then a check that the fitted entry predicts what the requests felt.
#
# fixtures/demo/bench-serve.json was made by fixtures/demo/make-demo-trace:
# 600 requests on a simulated H100 whose steps follow BLIS's roofline for
# llama-3.1-8b-instruct with an entry of its own (effective bandwidth
# 0.8 x BwPeakTBs, mfuPrefill 0.40, mfuDecode 0.25, mixed-batch penalty 0.3,
# overlap penalty 0.2), times 3 % lognormal noise a step.  The demo fits
# the whole entry against the stock one and should find all five again.
# Its engine (batchify's replay) is synchronous: a token reaches the client
# at the end of the step that made it, so the replay's output lag is 0,
# not the default 1 step of vLLM V1's async scheduling.
set -eu
cd "$(dirname "$0")/.."
: "${BIN:=$PWD/bin}"
PATH="$BIN:$PATH"
out=build/demo
mkdir -p "$out"
model=llama-3.1-8b-instruct hw=H100
trace=fixtures/demo/bench-serve.json
fit=b,o,mfu-prefill,mfu-decode,bandwidth

echo "== 1. trace-parse | batchify | roofline-eval | fit-penalty --fit $fit"
echo "   $trace -> $out/hardware_config.json"
trace-parse "$trace" >"$out/requests.ndjson"
batchify "$out/requests.ndjson" >"$out/steps.ndjson"
roofline-eval -m "$model" -g "$hw" "$out/steps.ndjson" >"$out/eval.ndjson"
fit-penalty -g "$hw" --fit "$fit" --hardware-config-out \
    "$out/hardware_config.json" "$out/eval.ndjson" >"$out/fit.json"
fit-penalty -g "$hw" --fit "$fit" --summary "$out/eval.ndjson" |
    sed 's/^/   /; s/ *$//'
echo
jq -r '
def f(x): x * 10000 | round / 10000 | tostring;
def pad(n): tostring | . + ([range(n - length)] | map(" ") | add // "");
def row(name; p; truth):
	"   " + (name | pad(20)) + (truth | pad(7)) + (f(p.estimate) | pad(10)) +
	("[\(f(p.ci95[0])), \(f(p.ci95[1]))]" | pad(20)) +
	(if p.ci95[0] <= truth and truth <= p.ci95[1] then "yes" else "NO" end);
"   field               truth  estimate  95% interval        covers the truth",
row("mixedBatchPenalty"; .parameters.mixed_batch_penalty; 0.3),
row("overlapPenalty"; .parameters.overlap_penalty; 0.2),
row("mfuPrefill"; .parameters.mfu_prefill; 0.4),
row("mfuDecode"; .parameters.mfu_decode; 0.25),
row("bandwidth (x peak)"; .parameters.bandwidth; 0.8)
' "$out/fit.json"
echo
echo "   fitted entry ($out/hardware_config.json):"
jq -c ".\"$hw\"" "$out/hardware_config.json" | sed 's/^/   /'

echo
echo "== 2. trace-replay: does the fitted entry predict what users felt?"
for cfg in share/hardware_config.json "$out/hardware_config.json"; do
	echo "   with $cfg:"
	trace-replay -m "$model" -g "$hw" --hardware-config "$cfg" \
	    --output-lag 0 --summary --json "$out/requests.ndjson" |
	jq -r '"     TTFT MAPE \(.ttft.mape_pct * 100 | round / 100)%," +
	    "  ITL MAPE \(.itl.mape_pct * 100 | round / 100)%," +
	    "  E2E MAPE \(.e2e.mape_pct * 100 | round / 100)%," +
	    "  E2E P99 error \(.e2e.p99.rel_err_pct * 100 | round / 100)%"'
done

echo
echo "== Next: calibrate your own run"
echo "   export PATH=\"$BIN:\$PATH\"        # or: make install"
echo "   rooftrace-calibrate -m MODEL -g GPU -o hw.json YOUR-TRACE"
echo "   README.md, \"Calibrate your own run\", says which trace your run has and what it can fit."
