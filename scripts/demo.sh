#!/bin/sh
# make demo: run rooftrace on the project's own fixtures and print the
# result in a form a person reads.
set -eu
cd "$(dirname "$0")/.."
: "${BIN:=$PWD/bin}"
PATH="$BIN:$PATH"

model=llama-3.1-8b-instruct hw=H100
echo "roofline-eval: $model on $hw, fixtures/demo/steps.ndjson"
echo "  pred0: no penalty; pred: mixed-batch 0.3, overlap 0.2 (BLIS PR #951)"
echo
roofline-eval -m "$model" -g "$hw" --csv fixtures/demo/steps.ndjson \
    >"${TMPDIR:-/tmp}/rooftrace-demo0.$$"
roofline-eval -m "$model" -g "$hw" --csv --mixed-batch-penalty 0.3 \
    --overlap-penalty 0.2 fixtures/demo/steps.ndjson |
paste -d, "${TMPDIR:-/tmp}/rooftrace-demo0.$$" - |
awk -F, 'NR == 1 {
	printf "%5s %9s %8s %9s %9s %9s %9s %8s\n", "step", "prefill",
	    "decodes", "compute", "memory", "pred0", "pred", "regime"
	next
}
{
	printf "%5s %9s %8s %9.1f %9.1f %9s %9s %8s\n", $1, $5, $6, $8, $9,
	    $7, $18, $22
}'
rm -f "${TMPDIR:-/tmp}/rooftrace-demo0.$$"
