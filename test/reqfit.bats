#!/usr/bin/env bats
# fit-penalty --requests: a synthetic run made with a known entry, known
# request overheads and a known prefix-cache hit fraction is recovered
# within its intervals, from the requests alone and with steps; the entry
# carries the overheads in its "rooftrace" object; the error contract.

setup_file() {
	load helpers/common
	local d="$BATS_FILE_TMPDIR"
	# 300 requests at 8/s on llama-3.1-8b, H100: bandwidth 0.6 of the
	# entry's, alpha0 5 ms, alpha1 10 us a prompt token, 70 % of each
	# prompt cached, output lag 1, 2 % noise.
	"$ROOT/test/helpers/reqfit-synth" --n 300 --seed 3 -- \
	    -m llama-3.1-8b-instruct -g H100 --prior bandwidth=0.6 \
	    --prior alpha0=5000 --prior alpha1=10 --prior hit=0.7 \
	    >"$d/req.ndjson"
	# Steps timed by the same bandwidth.
	"$ROOT/test/helpers/fit-synth" --generate 200 --seed 3 --bandwidth 0.6 \
	    --memory-bound >"$d/steps.ndjson"
	export REQ="$d/req.ndjson" STEPS="$d/steps.ndjson"
}

setup() {
	load helpers/common
	M=(-m llama-3.1-8b-instruct -g H100)
}

# Each truth NAME=X inside its 95 % interval: "NAME in" lines.
covers() {	# report truths...
	local r=$1
	shift
	for t in "$@"; do
		jq -r --arg n "${t%%=*}" --argjson x "${t#*=}" \
		    '.parameters[] | select(.short == $n) |
		     "\(.short) \(if .ci95[0] <= $x and $x <= .ci95[1]
		       then "in" else "out: \(.estimate) \(.ci95)" end)"' "$r"
	done
}

@test "requests alone: entry, overheads and hit fraction recovered within their intervals" {
	fit-penalty -q "${M[@]}" --requests "$REQ" \
	    --fit bandwidth,alpha0,alpha1,hit -o "$BATS_TEST_TMPDIR/r.json"
	run covers "$BATS_TEST_TMPDIR/r.json" bandwidth=0.6 alpha0=5000 \
	    alpha1=10 hit=0.7
	assert_output "bandwidth in
alpha0 in
alpha1 in
hit in"
	run jq -r '[.mode, .requests.fitted, .replays.converged,
	    (.parameters[] | select(.short == "hit") | .status)] | @tsv' \
	    "$BATS_TEST_TMPDIR/r.json"
	assert_output "$(printf 'requests\t300\ttrue\twell determined')"
}

@test "steps and requests together: the bandwidth both time is recovered" {
	fit-penalty -q "${M[@]}" --requests "$REQ" \
	    --fit bandwidth,alpha0,alpha1,hit -o "$BATS_TEST_TMPDIR/r.json" \
	    "$STEPS"
	run covers "$BATS_TEST_TMPDIR/r.json" bandwidth=0.6 hit=0.7
	assert_output "bandwidth in
hit in"
	run jq -r '[.mode, .steps.fitted] | @tsv' "$BATS_TEST_TMPDIR/r.json"
	assert_output "$(printf 'steps+requests\t200')"
}

@test "the entry keeps BLIS's fields and carries the overheads beside them" {
	local d=$BATS_TEST_TMPDIR
	fit-penalty -q "${M[@]}" --requests "$REQ" \
	    --fit bandwidth,alpha0,alpha1,hit --hardware-config-out "$d/hw.json" \
	    -o "$d/r.json"
	run jq -r '.H100 | [(.BwPeakTBs / 3.35 * 100 | round),
	    .BwPhysicalTBs, .mfuPrefill, (.rooftrace | keys | join(","))] |
	    @tsv' "$d/hw.json"
	assert_output "$(printf '60\t3.35\t0.45\talpha0_us,alpha1_us_per_token,alpha2_us,output_lag_steps,post_decode_us,prefix_hit_fraction,provenance')"
	# The same numbers as the report's, and BLIS's trained-physics order.
	run jq -r --slurpfile r "$d/r.json" '.H100.rooftrace |
	    [.alpha0_us == ($r[0].parameters[] | select(.short == "alpha0") |
	      .estimate), "\(.alpha0_us * 1e6 | round / 1e6)"] | @tsv' "$d/hw.json"
	assert_output --regexp $'^true\t[0-9.]+$'
	run jq -r '.blis_alpha_coeffs | split(",") | length' "$d/r.json"
	assert_output 3
	# roofline-eval reads the entry: BLIS ignores the object.
	run roofline-eval -q "${M[@]}" --hardware-config "$d/hw.json" \
	    <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":100,"num_new_decode_tokens":1}]}'
	assert_success
	run jq -r .regime <<<"$output"
	assert_output memory
}

@test "--summary: the overheads as --alpha-coeffs, and the twins not fitted without token times" {
	run fit-penalty -q "${M[@]}" --requests "$REQ" --summary \
	    --fit bandwidth,alpha0,alpha1,hit
	assert_success
	assert_line --regexp '^BLIS trained-physics: --alpha-coeffs [0-9.]+,0,0 \(queueing, post-decode, per token; alpha1 [0-9.]+ us a prompt token has no place there\); output lag 1 step$'
	assert_line --regexp '^verdict: trustworthy for request latencies: on the 300 fitted \(no --request-holdout: in-sample\) requests'
	run fit-penalty -q "${M[@]}" --requests "$REQ" --max-replays 1 \
	    --prefix-hit-fraction 0.7
	assert_success
	run jq -r '.parameters[] | select(.short == "alpha2" or .short == "hit") |
	    "\(.short): \(.status): \(.why)"' <<<"$output"
	assert_output "alpha2: not fitted: not fitted: no token times or decode spans to tell it from the step time (--fit names it to fit it anyway)
hit: given: given (--prefix-hit-fraction or --prefix-cache)"
}

@test "--request-holdout: the last part in time is replayed and scored, not fitted" {
	run fit-penalty -q "${M[@]}" --requests "$REQ" --request-holdout 0.5 \
	    --fit bandwidth,alpha0,alpha1,hit
	assert_success
	run jq -r '[.requests.fitted + .requests.held_out, .held_out.n,
	    (.verdict | test("held-out requests"))] | @tsv' <<<"$output"
	assert_output --regexp $'^300\t1[0-9][0-9]\ttrue$'
}

@test "a request with 0 output tokens is replayed and counted, never scored" {
	local d=$BATS_TEST_TMPDIR
	{ head -n 40 "$REQ"
	  echo '{"request_id":"z","arrival_us":2000000,"input_tokens":300,"output_tokens":0,"ttft_us":9000,"e2e_us":9000}'
	} >"$d/z.ndjson"
	run fit-penalty -q "${M[@]}" --requests "$d/z.ndjson" --fit bandwidth \
	    --max-replays 1
	assert_success
	run jq -r '[.requests.read, .requests.no_output, .fitted.n] | @tsv' \
	    <<<"$output"
	assert_output "$(printf '41\t1\t40')"
}

@test "--requests: usage and bad records" {
	run fit-penalty --requests "$REQ" --fit bandwidth
	assert_failure 2
	assert_line --index 0 "fit-penalty: --requests needs -m MODEL and -g GPU (the replay times the steps with the roofline)"
	run fit-penalty "${M[@]}" --requests "$REQ" --fit beta
	assert_failure 2
	assert_line --index 0 "fit-penalty: --fit: unknown parameter 'beta' (known: b, o, mfu-prefill, mfu-decode, bandwidth, alpha0, alpha1, alpha2, post-decode, hit)"
	printf '{"request_id":"a","arrival_us":1,"input_tokens":-3,"output_tokens":4}\n' \
	    >"$BATS_TEST_TMPDIR/bad.ndjson"
	run fit-penalty -q "${M[@]}" --requests "$BATS_TEST_TMPDIR/bad.ndjson"
	assert_failure 1
	assert_line --index 0 --regexp "^fit-penalty: $BATS_TEST_TMPDIR/bad.ndjson:1: input_tokens"
}

@test "the fit's replay is trace-replay's: the entry alone reproduces the report's errors" {
	local d=$BATS_TEST_TMPDIR
	fit-penalty -q "${M[@]}" --requests "$REQ" \
	    --fit bandwidth,alpha0,alpha1,hit --hardware-config-out "$d/hw.json" \
	    -o "$d/r.json"
	trace-replay -q "${M[@]}" --hardware-config "$d/hw.json" --summary \
	    --json "$REQ" >"$d/t.json"
	run jq -r --slurpfile t "$d/t.json" '[.fitted.ttft_median_ape_pct ==
	    $t[0].ttft.median_ape_pct, .fitted.e2e_median_ape_pct ==
	    $t[0].e2e.median_ape_pct, .fitted.ttft_p99_pred_us ==
	    $t[0].ttft.p99.predicted_us] | @tsv' "$d/r.json"
	assert_output "$(printf 'true\ttrue\ttrue')"
}

@test "the driver's contract: the step fit's options, given overheads, steps on standard input" {
	local d=$BATS_TEST_TMPDIR
	run fit-penalty --help
	assert_line --regexp '^usage: fit-penalty -m MODEL -g GPU \[-t TP\] \[scheduler options\] --requests FILE$'
	fit-penalty -q -g H100 --fit b,o,mfu-prefill,mfu-decode,bandwidth \
	    --loss huber --hardware-config-out "$d/hw.json" --max-iter 50 \
	    --source-name run.json -m llama-3.1-8b-instruct -t 1 \
	    --requests "$REQ" --alpha-coeffs 5000,10,0 --max-num-seqs 256 \
	    --output-lag 1 --max-replays 3 - <"$STEPS" >"$d/r.json"
	run jq -r '[.mode, .steps.fitted, (.parameters[] |
	    select(.short == "alpha0" or .short == "hit") | .status)] | @tsv' \
	    "$d/r.json"
	assert_output "$(printf 'steps+requests\t200\tgiven\twell determined')"
	run jq -r '.H100.rooftrace | [.alpha0_us, .alpha1_us_per_token,
	    (.provenance | startswith("fit-penalty --requests: 300 requests of run.json and 200 measured steps"))] | @tsv' "$d/hw.json"
	assert_output "$(printf '5000\t10\ttrue')"
}

@test "a replay whose queue runs away while the measured TTFTs do not says so, and earns no verdict" {
	# 40 requests a second whose prompts the cache mostly served, fitted
	# as if nothing were cached.
	"$ROOT/test/helpers/reqfit-synth" --n 300 --rate 40 --seed 3 -- \
	    "${M[@]}" --prior hit=0.9 >"$BATS_TEST_TMPDIR/fast.ndjson"
	run --separate-stderr fit-penalty -q "${M[@]}" --requests \
	    "$BATS_TEST_TMPDIR/fast.ndjson" --fit alpha0 \
	    --prefix-hit-fraction 0 --max-replays 2 --summary
	assert_success
	[[ $stderr =~ ^fit-penalty:\ the\ replay\'s\ queue\ runs\ away\ \(TTFT\ P99\ [0-9]+\ us\ predicted,\ [0-9]+\ us\ measured\):\ the\ predicted\ prefill\ capacity\ is\ short\;\ the\ likely\ cause\ is\ the\ prefix\ cache\ \(hit\ fraction\ 0\)\ or\ mfuPrefill\ \(0.45\)$ ]]
	assert_line --regexp '^verdict: not trustworthy for request latencies'
}
