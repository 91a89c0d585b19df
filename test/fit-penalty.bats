#!/usr/bin/env bats
# fit-penalty: recovery of known penalties from synthetic measurements made
# with roofline-eval itself, identifiability, robust losses, the hardware
# config round trip, and the error contract.

setup_file() {
	load helpers/common
	local d="$BATS_FILE_TMPDIR"
	# 3000 steps of chunked-prefill traffic, true b = 0.3, o = 0.2.
	"$ROOT/bench/gensteps" --seed 11 --count 3000 >"$d/steps.ndjson"
	roofline-eval -m llama-3.1-8b-instruct -g H100 \
	    --mixed-batch-penalty 0.3 --overlap-penalty 0.2 \
	    <"$d/steps.ndjson" >"$d/eval.ndjson"
	"$ROOT/test/helpers/fit-synth" --seed 1011 "$d/eval.ndjson" \
	    >"$d/syn.ndjson"
	export SYN="$d/syn.ndjson" STEPS="$d/steps.ndjson" EVAL="$d/eval.ndjson"
}

setup() {
	load helpers/common
	SCHEMA="$ROOT/schemas/fit.schema.json"
}

# Print a jq expression of the fit of the given arguments.
# The entry written to DIR/hw.json, read by roofline-eval over $STEPS,
# predicts every step exactly as the fit's "after" (DIR/res.ndjson).
assert_round_trip() {	# dir
	local d=$1
	roofline-eval -m llama-3.1-8b-instruct -g H100 \
	    --hardware-config "$d/hw.json" <"$STEPS" |
	    jq -r '"\(.step) \(.pred_us)"' >"$d/rt.txt"
	jq -r '"\(.step) \(.pred_after_us)"' "$d/res.ndjson" >"$d/after.txt"
	run cmp "$d/rt.txt" "$d/after.txt"
	assert_success
	[ "$(wc -l <"$d/rt.txt")" -eq 3000 ]
}

fitq() {	# jq-expr fit-penalty-args...
	local q=$1
	shift
	fit-penalty "$@" | jq -r "$q"
}

# True when |est - truth| <= k * se (awk: floating point).
within() {	# est truth tol
	awk -v e="$1" -v t="$2" -v k="$3" \
	    'BEGIN { d = e - t; if (d < 0) d = -d; exit !(d <= k) }'
}

@test "--help and --version print to standard output and exit 0" {
	run fit-penalty --help
	assert_success
	assert_line --index 0 "usage: fit-penalty [options] [FILE...]"
	run fit-penalty --version
	assert_success
	assert_output --regexp '^fit-penalty \(rooftrace\) [0-9]+\.[0-9]+\.[0-9]+$'
}

@test "recovery: b and o within 2 SE of the truth, o within 0.01" {
	run fitq '.parameters | [.mixed_batch_penalty.estimate,
	    .mixed_batch_penalty.standard_error, .overlap_penalty.estimate,
	    .overlap_penalty.standard_error] | @tsv' "$SYN"
	assert_success
	read -r b sb o so <<<"$output"
	echo "b = $b +- $sb, o = $o +- $so"
	within "$b" 0.3 "$(awk -v s="$sb" 'BEGIN { print 2 * s }')"
	within "$o" 0.2 "$(awk -v s="$so" 'BEGIN { print 2 * s }')"
	within "$o" 0.2 0.01
	# An honest SE: not absurdly small nor useless.
	awk -v s="$sb" 'BEGIN { exit !(s > 0.005 && s < 0.2) }'
}

@test "report validates against schemas/fit.schema.json" {
	fit-penalty --kfold 3 --fit b,o,overhead,scale "$SYN" \
	    >"$BATS_TEST_TMPDIR/fit.json"
	run schema_check "$SCHEMA" "$BATS_TEST_TMPDIR/fit.json"
	assert_success
	assert_output "1 records valid"
	fit-penalty --pretty --loss huber --holdout 0.2 "$SYN" |
	    jq -c . >"$BATS_TEST_TMPDIR/fit2.json"
	run schema_check "$SCHEMA" "$BATS_TEST_TMPDIR/fit2.json"
	assert_output "1 records valid"
}

@test "report: intervals, correlation, condition number, global check" {
	run fitq '[.parameters.mixed_batch_penalty.ci95[0] <
	    .parameters.mixed_batch_penalty.estimate,
	    .parameters.overlap_penalty.ci95[1] > .parameters.overlap_penalty.estimate,
	    (.correlation.matrix | length), .correlation.matrix[0][0],
	    (.correlation.matrix[0][1] | fabs < 1), .condition_number >= 1,
	    .optimizer.global_check, .optimizer.starts_at_optimum,
	    .parameters.scale.fitted, .parameters.scale.identifiability.status]
	    | @tsv' "$SYN"
	assert_output "$(printf 'true\ttrue\t2\t1\ttrue\ttrue\tpassed\t3\tfalse\tnot fitted')"
}

@test "error after the fit is lower than before, by group" {
	run fitq '.error | [.after.all.mape_pct < .before.all.mape_pct,
	    .after.mixed.mape_pct < .before.mixed.mape_pct,
	    .after.all.n == .before.all.n,
	    (.after.all.bias_pct | fabs < 0.5), .after.all.pearson_r > 0.99,
	    .after.prefill.n + .after.decode.n + .after.mixed.n == .after.all.n,
	    ([.after.mixed_by_minority_fraction[].metrics.n] | add) == .after.mixed.n,
	    .after.compute_bound.n + .after.memory_bound.n == .after.all.n]
	    | @tsv' "$SYN"
	assert_output "$(printf 'true\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue\ttrue')"
}

@test "the weakly determined b says how weakly, with its mixed steps" {
	run fitq '.parameters.mixed_batch_penalty.identifiability |
	    [.status, (.reason | test("^the 95 % interval \\[[0-9.]+, [0-9.]+\\] spans [0-9]+ % of \\[0, 1\\]$")),
	    .mixed_steps > 0, .informative_steps == .mixed_steps,
	    .compute_bound_mixed_steps <= .mixed_steps,
	    .minority_fraction.median < 0.1] | @tsv' "$SYN"
	assert_success
	assert_output --regexp $'^(well|weakly) determined\ttrue\ttrue\ttrue\ttrue\ttrue$'
}

@test "decode-only data: b is not identifiable and stays at its prior" {
	jq -c 'select((.prefill_requests | length) == 0)' "$SYN" \
	    >"$BATS_TEST_TMPDIR/dec.ndjson"
	n=$(wc -l <"$BATS_TEST_TMPDIR/dec.ndjson")
	run fitq '.parameters.mixed_batch_penalty | [.fitted, .estimate,
	    .standard_error, .ci95, .identifiability.status,
	    .identifiability.reason] | @tsv' "$BATS_TEST_TMPDIR/dec.ndjson"
	assert_output "$(printf 'false\t0\t\t\tnot identifiable\tno informative steps: 0 of %d steps mix prefill and decode' "$n")"
	run fitq '.parameters.mixed_batch_penalty.estimate' --prior b=0.25 \
	    "$BATS_TEST_TMPDIR/dec.ndjson"
	assert_output "0.25"
	# o is still fitted, and right.
	run fitq '.parameters.overlap_penalty.estimate' "$BATS_TEST_TMPDIR/dec.ndjson"
	within "$output" 0.2 0.01
}

@test "one repeated composition: o and scale cannot be told apart" {
	# Every step the same: max + o*min and the scale are proportional.
	head -1 "$EVAL" | jq -c '.' >"$BATS_TEST_TMPDIR/one1.ndjson"
	awk 'NR == FNR { line = $0; next }
	    { l = line; sub(/"dur_us":[^,]*,?/, "", l); sub(/^\{/, "{\"dur_us\":" $1 ",", l); print l }' \
	    "$BATS_TEST_TMPDIR/one1.ndjson" - >"$BATS_TEST_TMPDIR/one.ndjson" <<-EOF
	20000
	20400
	19700
	20150
	19900
	20320
	20050
	19800
	20210
	19950
	20380
	20090
	EOF
	run fitq '[.parameters.overlap_penalty.identifiability.status,
	    (.parameters.overlap_penalty.identifiability.reason |
	    startswith("the data cannot tell it from the other parameters")),
	    .parameters.overlap_penalty.fitted, .parameters.scale.fitted]
	    | @tsv' --fit o,scale "$BATS_TEST_TMPDIR/one.ndjson"
	assert_output "$(printf 'not identifiable\ttrue\tfalse\ttrue')"
}

@test "memory-bound-only data: b is at best weakly determined" {
	jq -c 'select(.regime == "memory")' "$SYN" >"$BATS_TEST_TMPDIR/mem.ndjson"
	run fitq '.parameters.mixed_batch_penalty.identifiability.status' \
	    "$BATS_TEST_TMPDIR/mem.ndjson"
	assert_output --regexp '^(weakly determined|not identifiable)$'
}

@test "round trip: the fitted hardware config reproduces the after predictions" {
	local d="$BATS_TEST_TMPDIR"
	fit-penalty -g H100 --hardware-config-out "$d/hw.json" \
	    --residuals "$d/res.ndjson" "$SYN" >"$d/fit.json"
	# Everything else in the file is unchanged.
	run diff <(jq -S 'del(.H100.mixedBatchPenalty, .H100.overlapPenalty)' \
	    "$ROOT/share/hardware_config.json") \
	    <(jq -S 'del(.H100.mixedBatchPenalty, .H100.overlapPenalty)' "$d/hw.json")
	assert_success
	run jq -r '[.H100.mixedBatchPenalty == $f[0].parameters.mixed_batch_penalty.estimate,
	    .H100.overlapPenalty == $f[0].parameters.overlap_penalty.estimate] | @tsv' \
	    --slurpfile f "$d/fit.json" "$d/hw.json"
	assert_output "$(printf 'true\ttrue')"
	assert_round_trip "$d"
}

@test "--residuals: one line a step, residual = log(measured / after)" {
	local d="$BATS_TEST_TMPDIR"
	fit-penalty --residuals "$d/res.ndjson" "$SYN" >/dev/null
	[ "$(wc -l <"$d/res.ndjson")" -eq 3000 ]
	run jq -r 'select(((.residual - ((.measured_us / .pred_after_us) | log)) | fabs) > 1e-12)' \
	    "$d/res.ndjson"
	assert_output ""
	run jq -c -r 'select(.step == 0) | keys_unsorted | join(",")' "$d/res.ndjson"
	assert_output "step,measured_us,pred_before_us,pred_after_us,residual"
}

@test "2 % of steps 10x slower: huber recovers within 0.03, least squares fails" {
	local d="$BATS_TEST_TMPDIR" q
	q='.parameters | [.mixed_batch_penalty.estimate,
	    .mixed_batch_penalty.standard_error, .overlap_penalty.estimate] | @tsv'
	"$ROOT/test/helpers/fit-synth" --seed 2022 --outliers 0.02 "$EVAL" \
	    >"$d/out.ndjson"
	# The same noise without the outliers: what any loss could get.
	"$ROOT/test/helpers/fit-synth" --seed 2022 "$EVAL" >"$d/clean.ndjson"
	run fitq "$q" "$d/clean.ndjson"
	read -r b0 sb0 o0 <<<"$output"
	for loss in huber cauchy; do
		run fitq "$q" --loss "$loss" "$d/out.ndjson"
		read -r b sb o <<<"$output"
		echo "$loss: b = $b +- $sb (clean $b0 +- $sb0), o = $o (clean $o0)"
		within "$o" 0.2 0.03
		# b is known to +-0.03 only at best (its SE): within 0.03 of
		# the clean fit, and within 2 SE of the truth.
		within "$b" "$b0" 0.03
		within "$b" 0.3 "$(awk -v s="$sb" 'BEGIN { print 2 * s }')"
	done
	run fitq "$q" "$d/out.ndjson"
	read -r b sb o <<<"$output"
	echo "least squares: b = $b, o = $o"
	! within "$o" 0.2 0.03
	! within "$b" "$b0" 0.03
}

@test "2 % of steps 10x slower, on steps that inform b: huber within 0.03 of both" {
	local d="$BATS_TEST_TMPDIR" q
	q='.parameters | [.mixed_batch_penalty.estimate, .overlap_penalty.estimate] | @tsv'
	"$ROOT/test/helpers/fit-balanced-steps" 3000 |
	    roofline-eval -m llama-3.1-8b-instruct -g H100 \
	    --mixed-batch-penalty 0.3 --overlap-penalty 0.2 >"$d/eval.ndjson"
	"$ROOT/test/helpers/fit-synth" --seed 2022 --outliers 0.02 \
	    "$d/eval.ndjson" >"$d/out.ndjson"
	run fitq "$q" --loss huber "$d/out.ndjson"
	read -r b o <<<"$output"
	echo "huber: b = $b, o = $o"
	within "$b" 0.3 0.03
	within "$o" 0.2 0.03
	run fitq "$q" "$d/out.ndjson"
	read -r b o <<<"$output"
	echo "least squares: b = $b, o = $o"
	! within "$o" 0.2 0.03
}

@test "--outlier-cut drops and counts the outliers" {
	"$ROOT/test/helpers/fit-synth" --seed 2022 --outliers 0.02 "$EVAL" \
	    >"$BATS_TEST_TMPDIR/out.ndjson"
	run fitq '[.steps.excluded.outlier, .steps.used, .steps.read] | @tsv' \
	    --outlier-cut 5 "$BATS_TEST_TMPDIR/out.ndjson"
	read -r x used readn <<<"$output"
	[ "$readn" -eq 3000 ]
	[ $((x + used)) -eq 3000 ]
	# About 2 % of 3000 were slowed 10x.
	[ "$x" -ge 45 ] && [ "$x" -le 80 ]
}

@test "an overhead is flagged when not fitted, and recovered when it is" {
	local d="$BATS_TEST_TMPDIR"
	"$ROOT/test/helpers/fit-synth" --seed 3033 --overhead 3000 "$EVAL" \
	    >"$d/oh.ndjson"
	run fitq '[.diagnostics.overhead_suspected,
	    (.diagnostics.message | endswith("try --fit b,o,overhead"))] | @tsv' \
	    "$d/oh.ndjson"
	assert_output "$(printf 'true\ttrue')"
	run fitq '[.parameters.overhead_us.estimate,
	    .parameters.overhead_us.standard_error,
	    .parameters.overlap_penalty.estimate,
	    .diagnostics.overhead_suspected] | @tsv' --fit b,o,overhead "$d/oh.ndjson"
	read -r h sh o flag <<<"$output"
	echo "h = $h +- $sh, o = $o"
	within "$h" 3000 "$(awk -v s="$sh" 'BEGIN { print 2 * s }')"
	within "$o" 0.2 0.01
	[ "$flag" = false ]
	run fitq '.diagnostics.overhead_suspected' "$SYN"
	assert_output "false"
}

@test "a handful of seeds: the 95 % intervals cover the truth" {
	local s covered=0 total=0
	for s in 1 2 3 4 5 6; do
		"$ROOT/test/helpers/fit-synth" --seed "$((500 + s))" "$EVAL" |
		    fit-penalty | jq -r '.parameters | [.mixed_batch_penalty.ci95[],
		    .overlap_penalty.ci95[]] | @tsv' >"$BATS_TEST_TMPDIR/ci"
		read -r bl bh ol oh <"$BATS_TEST_TMPDIR/ci"
		covered=$((covered + $(awk -v l="$bl" -v h="$bh" 'BEGIN { print (l <= 0.3 && 0.3 <= h) }')))
		covered=$((covered + $(awk -v l="$ol" -v h="$oh" 'BEGIN { print (l <= 0.2 && 0.2 <= h) }')))
		total=$((total + 2))
	done
	echo "$covered of $total intervals cover"
	# 95 % intervals: 12 of 12 or 11 of 12 expected; 9 would be a defect.
	[ "$covered" -ge 10 ]
}

@test "--holdout and --kfold report out-of-sample error" {
	run fitq '.validation | [.method, .folds, (.results | length),
	    ([.results[].test_steps] | add), .results[0].train_steps +
	    .results[0].test_steps, .mean_test_mape_pct < 5] | @tsv' --kfold 4 "$SYN"
	assert_output "$(printf 'kfold\t4\t4\t3000\t3000\ttrue')"
	run fitq '.validation | [.method, .folds, .results[0].test_steps > 400,
	    .results[0].test_steps < 800] | @tsv' --holdout 0.2 --seed 5 "$SYN"
	assert_output "$(printf 'holdout\t1\ttrue\ttrue')"
	# Seeded: the same split twice.
	a=$(fitq '.validation.results[0].estimate' --holdout 0.2 --seed 5 "$SYN")
	b=$(fitq '.validation.results[0].estimate' --holdout 0.2 --seed 5 "$SYN")
	[ "$a" = "$b" ]
	run fitq '.validation' "$SYN"
	assert_output "null"
}

@test "steps without dur_us, dummy and estimated steps are excluded and counted" {
	local f="$BATS_TEST_TMPDIR/mix.ndjson"
	{
		head -300 "$SYN"
		sed -n '301,310p' "$SYN" | jq -c 'del(.dur_us)'
		sed -n '311,315p' "$SYN" | jq -c '.dur_us = null'
		sed -n '316,320p' "$SYN" | jq -c '.dummy = true'
		sed -n '321,327p' "$SYN" | jq -c '.estimated = true'
	} >"$f"
	run fitq '.steps | [.read, .used, .excluded.no_dur_us, .excluded.dummy,
	    .excluded.estimated, .excluded.empty] | @tsv' "$f"
	assert_output "$(printf '327\t307\t15\t5\t0\t0')"
	run fitq '.steps | [.used, .excluded.estimated] | @tsv' --exact-only "$f"
	assert_output "$(printf '300\t7')"
	run fitq '.steps | [.used, .excluded.dummy] | @tsv' --keep-dummy "$f"
	assert_output "$(printf '312\t0')"
}

@test "bad dur_us is refused with file and line, exit 1" {
	local f="$BATS_TEST_TMPDIR/bad.ndjson"
	for v in -5 0 '"NaN"' '"20000"'; do
		{ head -3 "$SYN"; sed -n 4p "$SYN" | jq -c --argjson v "$v" '.dur_us = $v'; } >"$f"
		run fit-penalty "$f"
		assert_failure 1
		case $v in
		-5) assert_output "fit-penalty: $f:4: dur_us: must be a positive number, got -5" ;;
		0) assert_output "fit-penalty: $f:4: dur_us: must be a positive number, got 0" ;;
		'"NaN"') assert_output "fit-penalty: $f:4: dur_us: must be a positive number, got a string" ;;
		*) assert_output --partial "$f:4: dur_us: must be a positive number" ;;
		esac
	done
}

@test "malformed records: exit 1 with the line, or skipped and counted with --skip-bad" {
	local f="$BATS_TEST_TMPDIR/bad.ndjson"
	{ head -20 "$SYN"; echo '{"step": 1,'; sed -n 21p "$SYN" | jq -c 'del(.compute_us)'; } >"$f"
	run fit-penalty "$f"
	assert_failure 1
	assert_output --regexp "^fit-penalty: $f:21: "
	run fit-penalty --skip-bad "$f"
	assert_success
	assert_line --index 0 --regexp "^fit-penalty: $f:21: "
	assert_line --index 1 --regexp "^fit-penalty: $f:22: .*compute_us"
	assert_line --index 2 "fit-penalty: skipped 2 bad records of 22"
	echo '{"compute_us":1,"memory_us":2,"minority_fraction":0.7,"prefill_requests":[],"decode_requests":[]}' >"$f"
	run fit-penalty "$f"
	assert_failure 1
	assert_output "fit-penalty: $f:1: minority_fraction: must be at most 0.5, got 0.7"
}

@test "too few steps with dur_us: exit 1 with a message" {
	head -5 "$SYN" | jq -c 'del(.dur_us)' >"$BATS_TEST_TMPDIR/few.ndjson"
	head -2 "$SYN" >>"$BATS_TEST_TMPDIR/few.ndjson"
	run fit-penalty "$BATS_TEST_TMPDIR/few.ndjson"
	assert_failure 1
	assert_output "fit-penalty: 2 usable steps (of 7 read; 5 without dur_us): too few to fit 2 parameters"
}

@test "usage errors exit 2" {
	run fit-penalty --fit b,x "$SYN"
	assert_failure 2
	assert_line --index 0 "fit-penalty: --fit: unknown parameter 'x' (known: b, o, overhead, scale, client-offset)"
	run fit-penalty --loss l2 "$SYN"
	assert_failure 2
	assert_line --index 0 "fit-penalty: --loss: unknown value 'l2'"
	run fit-penalty --holdout 1.5 "$SYN"
	assert_failure 2
	run fit-penalty --holdout 0.2 --kfold 3 "$SYN"
	assert_failure 2
	run fit-penalty --prior b=2 "$SYN"
	assert_failure 2
	run fit-penalty --hardware-config-out "$BATS_TEST_TMPDIR/x.json" "$SYN"
	assert_failure 2
	assert_line --index 0 "fit-penalty: --hardware-config-out needs --hardware NAME"
	run fit-penalty -g NOPE --hardware-config-out "$BATS_TEST_TMPDIR/x.json" "$SYN"
	assert_failure 2
	assert_line --index 0 --partial "unknown hardware 'NOPE'"
	assert_file_not_exists "$BATS_TEST_TMPDIR/x.json"
}

@test "provenance: input digest, options, reproducible date" {
	run fitq '.provenance | [.program, .input_sha256, .records, .date,
	    .options.fit, .options.loss, .options.residual, .inputs[0]] | @tsv' \
	    --fit b,o,scale "$SYN"
	read -r prog sha recs date fit loss resid input <<<"$output"
	[ "$prog" = fit-penalty ]
	[ "$sha" = "$(sha256sum <"$SYN" | cut -d' ' -f1)" ]
	[ "$recs" -eq 3000 ]
	[ "$fit" = b,o,scale ] && [ "$loss" = ls ] && [ "$resid" = log ]
	[ "$input" = "$SYN" ]
	run env SOURCE_DATE_EPOCH=0 fit-penalty "$SYN"
	a=$output
	run env SOURCE_DATE_EPOCH=0 fit-penalty <"$SYN"
	b=$output
	[ "$(jq -r .provenance.date <<<"$a")" = "1970-01-01T00:00:00Z" ]
	[ "$(jq -c 'del(.provenance.inputs)' <<<"$a")" = "$(jq -c 'del(.provenance.inputs)' <<<"$b")" ]
}

@test "provenance: the digest covers every line read, blank ones too, over every file" {
	head -1500 "$SYN" >"$BATS_TEST_TMPDIR/a.ndjson"
	{ echo; tail -n +1501 "$SYN"; echo; } >"$BATS_TEST_TMPDIR/b.ndjson"
	run fitq '[.provenance.input_sha256, .provenance.records] | @tsv' \
	    "$BATS_TEST_TMPDIR/a.ndjson" "$BATS_TEST_TMPDIR/b.ndjson"
	assert_success
	assert_output "$(cat "$BATS_TEST_TMPDIR/a.ndjson" "$BATS_TEST_TMPDIR/b.ndjson" |
	    sha256sum | cut -d' ' -f1)	3000"
	run fitq .provenance.input_sha256 "$SYN"
	refute_output "$(cat "$BATS_TEST_TMPDIR/a.ndjson" "$BATS_TEST_TMPDIR/b.ndjson" |
	    sha256sum | cut -d' ' -f1)"
}

@test "-o writes the report atomically; --residual relative is accepted" {
	run fit-penalty -o "$BATS_TEST_TMPDIR/r.json" --residual relative "$SYN"
	assert_success
	assert_output ""
	run jq -r '.optimizer.residual' "$BATS_TEST_TMPDIR/r.json"
	assert_output "relative"
	run jq -r '.parameters.overlap_penalty.estimate' "$BATS_TEST_TMPDIR/r.json"
	within "$output" 0.2 0.02
}

@test "the fixture fits as its generator says" {
	run fitq '[.steps.used, .parameters.overlap_penalty.estimate] | @tsv' \
	    "$FIXTURES/fit-penalty/synthetic-h100.ndjson"
	read -r n o <<<"$output"
	[ "$n" -eq 1000 ]
	within "$o" 0.2 0.01
}

@test "a scale is recovered with --fit b,o,scale" {
	"$ROOT/test/helpers/fit-synth" --seed 4044 --scale 1.25 "$EVAL" \
	    >"$BATS_TEST_TMPDIR/sc.ndjson"
	run fitq '.parameters | [.scale.estimate, .scale.standard_error,
	    .overlap_penalty.estimate, .overlap_penalty.standard_error] | @tsv' \
	    --fit b,o,scale "$BATS_TEST_TMPDIR/sc.ndjson"
	read -r s ss o so <<<"$output"
	echo "s = $s +- $ss, o = $o +- $so"
	within "$s" 1.25 "$(awk -v e="$ss" 'BEGIN { print 2 * e }')"
	within "$o" 0.2 "$(awk -v e="$so" 'BEGIN { print 2 * e }')"
	# A scale in the data but not fitted: the penalties go wrong.
	run fitq '.parameters.overlap_penalty.estimate' "$BATS_TEST_TMPDIR/sc.ndjson"
	! within "$output" 0.2 0.05
}

@test "--hardware-config-out on BLIS's own file keeps every other field" {
	require_shared reference/blis/hardware_config.json
	local in="$SHARED/reference/blis/hardware_config.json" d="$BATS_TEST_TMPDIR"
	fit-penalty -g H100 --hardware-config "$in" \
	    --hardware-config-out "$d/hw.json" "$SYN" >"$d/fit.json"
	run diff <(jq -S 'del(.H100.mixedBatchPenalty, .H100.overlapPenalty)' "$in") \
	    <(jq -S 'del(.H100.mixedBatchPenalty, .H100.overlapPenalty)' "$d/hw.json")
	assert_success
	run jq -r '.H100 | [.mixedBatchPenalty > 0, .overlapPenalty > 0, ._comment != null] | @tsv' "$d/hw.json"
	assert_output "$(printf 'true\ttrue\ttrue')"
	# A fitted scale has nowhere to go in the file: a warning says so.
	run fit-penalty -g H100 --fit b,o,scale --hardware-config-out "$d/hw2.json" "$SYN"
	assert_success
	assert_line --index 0 "fit-penalty: $d/hw2.json: holds the penalties only; the fitted overhead and scale have no field in a hardware config"
}

@test "--prior: bad names and values exit 2" {
	run fit-penalty --prior z=1 "$SYN"
	assert_failure 2
	assert_line --index 0 "fit-penalty: --prior: expected NAME=VALUE with NAME one of b, o, overhead, scale, client-offset, got 'z=1'"
	run fit-penalty --prior overhead=-1 "$SYN"
	assert_failure 2
	assert_line --index 0 "fit-penalty: --prior: overhead must be at least 0, got '-1'"
	run fit-penalty --prior scale=0 "$SYN"
	assert_failure 2
	run fitq '.parameters.overlap_penalty | [.fitted, .estimate] | @tsv' \
	    --fit b --prior o=0.2 "$SYN"
	assert_output "$(printf 'false\t0.2')"
}

@test "--plot draws the fit as SVG and PNG, both valid" {
	command -v gnuplot >/dev/null || skip "gnuplot not installed"
	run fit-penalty --plot "$BATS_TEST_TMPDIR/p" "$SYN"
	assert_success
	for f in measured-vs-predicted residual-vs-minority; do
		assert_svg "$BATS_TEST_TMPDIR/p/$f.svg"
		assert_png_size "$BATS_TEST_TMPDIR/p/$f.png" "900 600"
	done
}

@test "a fit that does not converge is exit 1 with the reason" {
	run fit-penalty --max-iter 1 "$SYN"
	assert_failure 1
	assert_output "fit-penalty: fit did not converge: still moving when the iteration limit was reached (--max-iter)"
	run fit-penalty --max-iter 0 "$SYN"
	assert_failure 2
	assert_line -n 0 "fit-penalty: --max-iter: must be a whole number from 1 to 100000, got '0'"
}

# ---------------------------------------------------------------------
# The entry's own fields: mfu-prefill, mfu-decode, bandwidth.

# Estimate and standard error of a parameter of the fit of a file.
est_se() {	# param fit-penalty-args...
	local k=$1
	shift
	fit-penalty -g H100 "$@" |
	    jq -r --arg k "$k" '.parameters[$k] | "\(.estimate) \(.standard_error) \(.identifiability.status)"'
}

@test "mfu-prefill: a known prefill MFU is recovered within 3 SE" {
	local f="$BATS_TEST_TMPDIR/g.ndjson"
	"$ROOT/test/helpers/fit-synth" --generate 3000 --seed 21 \
	    --mfu-prefill 0.3 --bandwidth 0.8 >"$f"
	read -r e se st < <(est_se mfu_prefill --fit mfu-prefill,bandwidth "$f")
	[ "$st" = "well determined" ]
	within "$e" 0.3 "$(awk -v s="$se" 'BEGIN { print 3 * s }')"
	read -r e se st < <(est_se bandwidth --fit mfu-prefill,bandwidth "$f")
	within "$e" 0.8 "$(awk -v s="$se" 'BEGIN { print 3 * s }')"
}

@test "mfu-decode: a known decode MFU is recovered within 3 SE" {
	local f="$BATS_TEST_TMPDIR/g.ndjson"
	"$ROOT/test/helpers/fit-synth" --generate 3000 --seed 22 \
	    --mfu-decode 0.2 --bandwidth 0.8 >"$f"
	read -r e se st < <(est_se mfu_decode --fit mfu-decode,bandwidth "$f")
	[ "$st" = "well determined" ]
	within "$e" 0.2 "$(awk -v s="$se" 'BEGIN { print 3 * s }')"
}

@test "bandwidth: a known effective bandwidth is recovered within 3 SE, in TB/s too" {
	local f="$BATS_TEST_TMPDIR/g.ndjson"
	"$ROOT/test/helpers/fit-synth" --generate 3000 --seed 23 \
	    --bandwidth 0.6 >"$f"
	read -r e se st < <(est_se bandwidth --fit bandwidth "$f")
	[ "$st" = "well determined" ]
	within "$e" 0.6 "$(awk -v s="$se" 'BEGIN { print 3 * s }')"
	run fitq '.parameters.bandwidth | [.tbs == .estimate * 3.35, .entry_tbs] | @tsv' \
	    -g H100 --fit bandwidth "$f"
	assert_output "$(printf 'true\t3.35')"
}

@test "all five at once: b, o, mfu-prefill, mfu-decode, bandwidth recovered" {
	local f="$BATS_TEST_TMPDIR/g.ndjson" k t e se st
	"$ROOT/test/helpers/fit-synth" --generate 3000 --seed 24 \
	    --mfu-prefill 0.35 --mfu-decode 0.22 --bandwidth 0.6 >"$f"
	fit-penalty -g H100 --fit b,o,mfu-prefill,mfu-decode,bandwidth "$f" \
	    >"$BATS_TEST_TMPDIR/fit.json"
	for kt in mfu_prefill:0.35 mfu_decode:0.22 bandwidth:0.6; do
		k=${kt%:*} t=${kt#*:}
		read -r e se < <(jq -r --arg k "$k" '.parameters[$k] | "\(.estimate) \(.standard_error)"' "$BATS_TEST_TMPDIR/fit.json")
		within "$e" "$t" "$(awk -v s="$se" 'BEGIN { print 3 * s }')"
	done
	run jq -r '.assessment | [.trustworthy, (.verdict | startswith("trustworthy for simulation: "))] | @tsv' "$BATS_TEST_TMPDIR/fit.json"
	assert_output "$(printf 'true\ttrue')"
	run schema_check "$SCHEMA" "$BATS_TEST_TMPDIR/fit.json"
	assert_success
}

@test "the entry's fields need -g, and the split compute fields" {
	local f="$BATS_TEST_TMPDIR/g.ndjson"
	"$ROOT/test/helpers/fit-synth" --generate 50 --seed 25 --bandwidth 0.7 >"$f"
	run fit-penalty --fit b,o,bandwidth "$f"
	assert_failure 2
	assert_line --index 0 "fit-penalty: --fit bandwidth needs the hardware entry the eval records were made with: give -g GPU [--hardware-config FILE]"
	run fit-penalty --prior mfu-decode=0.2 "$f"
	assert_failure 2
	assert_line --index 0 "fit-penalty: --prior mfu-decode needs the hardware entry the eval records were made with: give -g GPU [--hardware-config FILE]"
	run fit-penalty -g H100 --prior mfu-decode=1.5 "$f"
	assert_failure 2
	assert_line --index 0 "fit-penalty: --prior: mfu-decode must be in [0.02, 1], got '1.5'"
	jq -c 'if .step == 3 then del(.compute_decode_us) else . end' "$f" >"$f.old"
	run fit-penalty -g H100 --fit mfu-decode "$f.old"
	assert_failure 1
	assert_output "fit-penalty: $f.old:4: missing field \"compute_decode_us\" (--fit mfu-decode needs the compute time of the prefill and of the decode tokens apart: re-run roofline-eval, which writes them)"
	jq -c 'del(.compute_prefill_us)' "$f" >"$f.old"
	run fit-penalty -g H100 --fit mfu-prefill "$f.old"
	assert_failure 1
	assert_output "fit-penalty: $f.old:1: missing field \"compute_prefill_us\" (--fit mfu-prefill needs the compute time of the prefill and of the decode tokens apart: re-run roofline-eval, which writes them)"
	# The bandwidth alone needs only memory_us.
	run fit-penalty -g H100 --fit bandwidth "$f.old"
	assert_success
}

@test "not informed: MFUs of memory-bound steps keep the entry's values, and say so" {
	local f="$BATS_TEST_TMPDIR/g.ndjson"
	"$ROOT/test/helpers/fit-synth" --generate 2000 --seed 26 --decode-only \
	    --memory-bound --bandwidth 0.7 >"$f"
	fit-penalty -g H100 --fit b,o,mfu-prefill,mfu-decode,bandwidth "$f" \
	    >"$BATS_TEST_TMPDIR/fit.json"
	run jq -r '.parameters.mfu_prefill | [.fitted, .estimate, .standard_error,
	    .identifiability.status, .identifiability.reason] | @tsv' "$BATS_TEST_TMPDIR/fit.json"
	assert_output "$(printf 'false\t0.45\t\tnot informed\tnot informed: no step with prefill tokens: the entry'"'"'s value kept')"
	run jq -r '.parameters.mfu_decode | [.fitted, .estimate, .identifiability.status,
	    .identifiability.steps_with_it, .identifiability.steps_it_acts_on] | @tsv' "$BATS_TEST_TMPDIR/fit.json"
	assert_output "$(printf 'false\t0.3\tnot informed\t2000\t0')"
	run jq -r '.parameters.mfu_decode.identifiability.reason' "$BATS_TEST_TMPDIR/fit.json"
	assert_output --regexp "^not informed: 0 compute-bound steps with decode \(of 2000 steps with decode tokens\); any mfuDecode >= 0\.[0-9]+ fits them equally: the entry's 0\.3 kept$"
	read -r e se < <(jq -r '.parameters.bandwidth | "\(.estimate) \(.standard_error)"' "$BATS_TEST_TMPDIR/fit.json")
	within "$e" 0.7 "$(awk -v s="$se" 'BEGIN { print 3 * s }')"
}

@test "at bound: penalties absorbing a bandwidth misfit say so, and the verdict says why not" {
	local f="$BATS_TEST_TMPDIR/g.ndjson"
	# Memory-bound steps at half the bandwidth: b and o cannot explain them.
	"$ROOT/test/helpers/fit-synth" --generate 2000 --seed 31 --memory-bound \
	    --bandwidth 0.5 >"$f"
	fit-penalty "$f" >"$BATS_TEST_TMPDIR/fit.json"
	run jq -r '.parameters.overlap_penalty | [.estimate, .at_bound,
	    .identifiability.status] | @tsv' "$BATS_TEST_TMPDIR/fit.json"
	assert_output "$(printf '1\tupper\tat bound, absorbing misfit')"
	run jq -r '.parameters.overlap_penalty.identifiability.reason' "$BATS_TEST_TMPDIR/fit.json"
	assert_output --regexp "^at bound: absorbs a misfit of [0-9]+\.[0-9] % \(the median error left on the 2000 steps it acts on; the data push it past its upper bound, score z = [0-9.]+\): the model is short of explaining these steps$"
	run jq -r '.assessment | [.trustworthy, .verdict] | @tsv' "$BATS_TEST_TMPDIR/fit.json"
	assert_output --regexp "^false	not trustworthy for simulation: on steps the fit did not see \(a random holdout of [0-9]+ steps\) the median step error is [0-9.]+ % \(limit 5 %\); .*overlap_penalty are at a bound, absorbing a misfit$"
	# The report leads with the assessment.
	run jq -r 'keys_unsorted[0]' "$BATS_TEST_TMPDIR/fit.json"
	assert_output assessment
	# With the bandwidth fitted the model explains them, memory-bound
	# steps all: b, which acts on none, is not vouched for.
	run fitq '.assessment | [.status, .not_informed[]] | @tsv' -g H100 \
	    --fit b,o,bandwidth "$f"
	assert_output "$(printf 'trustworthy for steps like these\tmixed_batch_penalty')"
}

@test "--summary: the report as a table" {
	run fit-penalty -g H100 --fit b,o,mfu-prefill,mfu-decode,bandwidth --summary \
	    "$FIXTURES/fit-penalty/entry-fields.eval.ndjson"
	assert_success
	assert_output - <<'END'
300 steps fitted (300 read, 0 excluded)

parameter                estimate     ci95 low    ci95 high  status
mixed_batch_penalty             0            0      0.03488  well determined
                                                             the 95 % interval [0, 0.0349] spans 3 % of [0, 1]
overlap_penalty                 0            0      0.01537  well determined
                                                             the 95 % interval [0, 0.0154] spans 2 % of [0, 1]
overhead_us                     0            -            -  not fitted
scale                           1            -            -  not fitted
mfu_prefill                0.3485       0.3444       0.3526  well determined
                                                             the 95 % interval [0.3444, 0.3526] is 2.3 % of the estimate
mfu_decode                 0.2206       0.2181       0.2232  well determined
                                                             the 95 % interval [0.2181, 0.2232] is 2.3 % of the estimate
bandwidth                  0.5999       0.5946       0.6051  well determined
                                                             the 95 % interval [0.5946, 0.6051] is 1.7 % of the estimate
  bandwidth, TB/s            2.01        1.992        2.027  TB/s (entry 3.35)

                                  before the fit                    after the fit
kind          n     bias %   median %      P90 %     bias %   median %      P90 %
all         300     -32.83      36.34      41.46       0.04       1.98       4.80
prefill     113     -32.36      36.92      41.22       0.14       1.85       4.99
decode       96     -33.59      35.84      41.34      -0.17       2.19       4.69
mixed        91     -32.60      35.37      41.51       0.14       1.73       4.31

verdict: trustworthy for simulation: on steps the fit did not see (5-fold cross-validation) the median step error is 2.0 % and the P90 4.8 % (limits 5 % and 12 %), and no parameter absorbs a misfit
END
}

@test "--summary without -g: penalties only, lack of fit and an untrustworthy verdict" {
	local f="$BATS_TEST_TMPDIR/g.ndjson"
	"$ROOT/test/helpers/fit-synth" --generate 2000 --seed 31 --memory-bound \
	    --bandwidth 0.5 >"$f"
	run fit-penalty --summary "$f"
	assert_success
	refute_line --partial mfu_prefill
	assert_line --regexp "^overlap_penalty +1 +[0-9.]+ +1  at bound, absorbing misfit$"
	assert_line --regexp "^verdict: not trustworthy for simulation: "
}

@test "below_floor: far below is left out and counted, noise below is kept; --keep-below-floor keeps all" {
	local f="$BATS_TEST_TMPDIR/g.ndjson"
	# 40 steps at half their floor (not step times), 40 at 0.95 of it
	# (noise around a step at the floor).
	"$ROOT/test/helpers/fit-synth" --generate 300 --seed 27 --bandwidth 0.7 |
	    jq -c 'if .step < 40 then .dur_us = .floor_us * 0.5 | .below_floor = true
	    elif .step < 80 then .dur_us = .floor_us * 0.95 | .below_floor = true
	    else . end' >"$f"
	run fitq '.steps | [.used, .excluded.below_floor, .below_floor_kept] | @tsv' "$f"
	assert_output "$(printf '260\t40\t40')"
	run fitq '.steps | [.used, .excluded.below_floor, .below_floor_kept] | @tsv' --keep-below-floor "$f"
	assert_output "$(printf '300\t0\t40')"
}

@test "a vLLM iteration log written with async scheduling: the message, and exit 1: not step times" {
	local f="$FIXTURES/fit-penalty/vllm-log-async.eval.ndjson"
	run fit-penalty -g H100 --fit bandwidth "$f"
	assert_failure 1
	assert_line --index 0 "fit-penalty: 36 of 40 steps (engine_wait times from a vLLM iteration log) are below the physical floor: the log was written with async scheduling, and its times are waits for the GPU, not step times"
	assert_line --index 1 "fit-penalty: 36 of 40 timed steps are far below the physical floor (under 0.8 of it, beyond any timer's noise): their times are not step times, and the fit stops; --keep-below-floor fits them anyway"
	jq -c 'select(.below_floor)' "$f" >"$BATS_TEST_TMPDIR/waits.ndjson"
	run fit-penalty "$BATS_TEST_TMPDIR/waits.ndjson"
	assert_failure 1
	assert_line --index 0 "fit-penalty: 36 of 36 steps (engine_wait times from a vLLM iteration log) are below the physical floor: the log was written with async scheduling, and its times are waits for the GPU, not step times"
	assert_line --index 1 "fit-penalty: no usable steps (of 36 read): 36 are below the physical floor (below_floor: true) and 0 have no dur_us; --keep-below-floor fits them anyway"
	# Step times above the floor from a log without async scheduling: no message.
	jq -c 'select(.below_floor | not)' "$f" >"$BATS_TEST_TMPDIR/sync.ndjson"
	run --separate-stderr fit-penalty --fit o "$BATS_TEST_TMPDIR/sync.ndjson"
	assert_success
	[ -z "$stderr" ]
}

@test "round trip: an entry with a fitted bandwidth, read by roofline-eval, gives the after predictions" {
	local d="$BATS_TEST_TMPDIR"
	# The roofline's steps measured 1.6x slower: an effective bandwidth.
	"$ROOT/test/helpers/fit-synth" --seed 28 --scale 1.6 "$EVAL" >"$d/slow.ndjson"
	fit-penalty -g H100 --fit b,o,bandwidth --hardware-config-out "$d/hw.json" \
	    --residuals "$d/res.ndjson" "$d/slow.ndjson" >"$d/fit.json"
	run jq -r --slurpfile f "$d/fit.json" '.H100 | [.BwPeakTBs == $f[0].parameters.bandwidth.tbs,
	    .BwPhysicalTBs, .mixedBatchPenalty == $f[0].parameters.mixed_batch_penalty.estimate,
	    (._comment | test("effective bandwidth"))] | @tsv' "$d/hw.json"
	assert_output "$(printf 'true\t3.35\ttrue\ttrue')"
	assert_round_trip "$d"
}

@test "round trip: fitted MFUs and bandwidth, read by roofline-eval, give the after predictions" {
	local d="$BATS_TEST_TMPDIR"
	"$ROOT/test/helpers/fit-synth" --seed 29 --scale 1.4 "$EVAL" >"$d/slow.ndjson"
	fit-penalty -g H100 --fit b,o,mfu-prefill,mfu-decode,bandwidth \
	    --hardware-config-out "$d/hw.json" --residuals "$d/res.ndjson" \
	    "$d/slow.ndjson" >"$d/fit.json"
	# Every entry field informed (1.4x slower: 0.45/1.4, 0.30/1.4, 1/1.4).
	run jq -r '.parameters | [.mfu_prefill, .mfu_decode, .bandwidth] |
	    map(.fitted and .estimate != null) | @tsv' "$d/fit.json"
	assert_output "$(printf 'true\ttrue\ttrue')"
	assert_round_trip "$d"
}

@test "BLIS's own hardware_config.json edited in place: every other byte kept" {
	require_shared reference/blis/hardware_config.json
	local d="$BATS_TEST_TMPDIR" hw="$BATS_TEST_TMPDIR/hardware_config.json"
	cp "$SHARED/reference/blis/hardware_config.json" "$hw"
	chmod u+w "$hw"	# ../shared is read-only, and so is a plain copy
	"$ROOT/test/helpers/fit-synth" --generate 1000 --seed 30 --bandwidth 0.6 >"$d/g.ndjson"
	fit-penalty -g H100 --hardware-config "$hw" --hardware-config-out "$hw" \
	    --fit b,o,bandwidth "$d/g.ndjson" >"$d/fit.json"
	# Outside the H100 entry, byte for byte.
	strip() { awk '/^\t"H100": \{/ { skip = 1 } !skip { print } skip && /^\t\}/ { skip = 0 }' "$1"; }
	run cmp <(strip "$SHARED/reference/blis/hardware_config.json") <(strip "$hw")
	assert_success
	# Inside it, the lines of the fields not edited too.
	run diff <(grep -E '"(TFlopsPeak|TFlopsFP8|MemoryGiB)"' "$SHARED/reference/blis/hardware_config.json" | head -3) \
	    <(grep -E '"(TFlopsPeak|TFlopsFP8|MemoryGiB)"' "$hw" | head -3)
	assert_success
	run jq -r --slurpfile f "$d/fit.json" '.H100 | [.BwPeakTBs == $f[0].parameters.bandwidth.tbs,
	    .BwPhysicalTBs, .mfuPrefill, .mfuDecode,
	    (._comment | test("^Calibrated by fit-penalty .* BwPeakTBs is an effective bandwidth .* specific to the model and tensor parallelism"))] | @tsv' "$hw"
	assert_output "$(printf 'true\t3.35\t0.45\t0.3\ttrue')"
	# Unchanged numbers keep their spelling.
	run grep -c '"mfuDecode":   0.30,' "$hw"
	assert_output 1
}

# --sample: 40 prefill compute-bound, 20 decode memory-bound, 6 mixed
# (minority fraction 0.02) memory-bound, 10 mixed (0.3) compute-bound, and
# 4 steps without dur_us (excluded before sampling).
sample_small() {
	awk 'function rec(np, nd, c, m, mf, dur) {
		printf "{\"step\":%d,\"n_prefill\":%d,\"n_decode\":%d,\"compute_us\":%g,\"memory_us\":%g,\"minority_fraction\":%g%s}\n", s++, np, nd, c, m, mf, dur ? ",\"dur_us\":" dur : "" }
	BEGIN {
		for (i = 0; i < 40; i++) rec(1, 0, 3000 + 10 * i, 1000, 0, 3100 + 11 * i)
		for (i = 0; i < 20; i++) rec(0, 8, 500, 2000 + 7 * i, 0, 2050 + 9 * i)
		for (i = 0; i < 6; i++) rec(1, 49, 900, 2500 + 5 * i, 0.02, 2700 + 13 * i)
		for (i = 0; i < 10; i++) rec(3, 7, 4000 + 20 * i, 1500, 0.3, 4500 + 31 * i)
		for (i = 0; i < 4; i++) rec(0, 8, 500, 2000, 0, 0) }'
}

@test "--sample: read, kept and the strata, exact; deterministic for a seed" {
	local d="$BATS_TEST_TMPDIR"
	sample_small >"$d/s.ndjson"
	fit-penalty --sample 20 "$d/s.ndjson" >"$d/fit.json"
	# Budget 20 over 4 strata: 1 each, the other 16 by count x information
	# (1 unmixed; mixed 2 + bin: 2 in bin 0, 5 in bin 3), floors, then the
	# 2 left one each in stratum order.
	run jq -c '(.steps | [.read, .used, .excluded.no_dur_us]), .steps.sample' "$d/fit.json"
	assert_output - <<'OUT'
[80,20,4]
{"budget":20,"read":76,"kept":20,"strata":[{"kind":"prefill","mf_bin":0,"regime":"compute","read":40,"kept":7,"weight":5.714285714285714},{"kind":"decode","mf_bin":0,"regime":"memory","read":20,"kept":4,"weight":5},{"kind":"mixed","mf_bin":0,"regime":"memory","read":6,"kept":2,"weight":3},{"kind":"mixed","mf_bin":3,"regime":"compute","read":10,"kept":7,"weight":1.4285714285714286}]}
OUT
	run jq -r '.provenance.options.seed' "$d/fit.json"
	assert_output 1
	fit-penalty --sample 20 "$d/s.ndjson" >"$d/again.json"
	run cmp <(jq -S 'del(.provenance.date)' "$d/fit.json") <(jq -S 'del(.provenance.date)' "$d/again.json")
	assert_success
	# Another seed keeps other steps of the same strata.
	fit-penalty --sample 20 --seed 2 "$d/s.ndjson" >"$d/seed2.json"
	run jq -c '[.steps.sample.strata[].kept]' "$d/seed2.json"
	assert_output '[7,4,2,7]'
	run cmp <(jq .parameters "$d/fit.json") <(jq .parameters "$d/seed2.json")
	assert_failure
	# The summary says it was sampled.
	run fit-penalty --sample 20 --summary "$d/s.ndjson"
	assert_line --index 0 'sampled: 20 of 76 usable steps kept in 4 strata, weighted (--sample 20)'
	# A budget at least the usable count keeps every step, weight 1.
	run sh -c "fit-penalty --sample 100 '$d/s.ndjson' | jq -c '[.steps.sample.kept, ([.steps.sample.strata[].weight] | unique)]'"
	assert_output '[76,[1]]'
}

@test "--sample: a bad budget is a usage error" {
	run fit-penalty --sample 1 /dev/null
	assert_failure 2
	run fit-penalty --sample x /dev/null
	assert_failure 2
}

@test "--sample 10000 of 100000 steps: the sampled fit's 95 % intervals cover the full fit's estimates" {
	local d="$BATS_TEST_TMPDIR"
	"$ROOT/test/helpers/fit-synth" --generate 100000 --seed 11 \
	    --mfu-prefill 0.35 --bandwidth 0.6 >"$d/g.ndjson"
	set -- -q -g H100 --fit mfu-prefill,mfu-decode,bandwidth
	fit-penalty "$@" "$d/g.ndjson" >"$d/full.json"
	fit-penalty "$@" --sample 10000 "$d/g.ndjson" >"$d/samp.json"
	run jq -r '.steps.sample | "\(.read) \(.kept) \(.strata | length)"' "$d/samp.json"
	assert_output '100000 10000 12'
	# The sample's interval is wider (10x fewer steps) and holds the full
	# fit's estimate, for each field.
	run jq -r --slurpfile f "$d/full.json" '.parameters as $s |
	    ["mfu_prefill", "mfu_decode", "bandwidth"][] as $k |
	    ($f[0].parameters[$k].estimate) as $e |
	    "\($k) \($s[$k].ci95[0] <= $e and $e <= $s[$k].ci95[1]) \(($s[$k].ci95[1] - $s[$k].ci95[0]) > ($f[0].parameters[$k].ci95[1] - $f[0].parameters[$k].ci95[0]))"' "$d/samp.json"
	assert_output - <<'OUT'
mfu_prefill true true
mfu_decode true true
bandwidth true true
OUT
}
