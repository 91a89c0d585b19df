#!/bin/sh
# fit-penalty benchmarks.
#  speed:    fit BENCH_STEPS steps (default 1M: 100k distinct ones,
#            repeated, since generating is slower than fitting) and, in the
#            same run, a plain roofline-eval pass over the same records;
#            prints both times (wall and CPU), their ratio (the goal:
#            at most 0.3x) and the fit's peak memory per step;
#            BENCH_BEFORE_BIN (older binaries) adds their line.
#  sample:   fit-penalty --sample 20000 on 10^6 and 10^7 eval records
#            streamed from a generator (never stored), 10^8 too with
#            BENCH_SAMPLE_1E8=1: peak RSS at each size (flat).
#  coverage: BENCH_REPLICATES seeded replicates (default 200) of 3000
#            synthetic steps with known penalties (b = 0.3, o = 0.2,
#            lognormal noise sigma 0.03), each with its own workload and
#            noise: how often each 95 % interval covers the truth (93-97 %
#            expected), and the mean squared z-score (1 if the standard
#            errors are right).
# usage: BIN=bin bench/fit-penalty.sh [--speed-only | --coverage-only |
#            --sample-only]
set -eu
# shellcheck source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
: "${BIN:=bin}"
root=$(cd "$(dirname "$0")/.." && pwd)
steps=${BENCH_STEPS:-1000000}
reps=${BENCH_REPLICATES:-200}
speed=1 coverage=1 sample=1
case ${1:-} in
--speed-only)	 coverage=0 sample=0 ;;
--coverage-only) speed=0 sample=0 ;;
--sample-only)	 speed=0 coverage=0 ;;
'') ;;
*) echo "usage: fit-penalty.sh [--speed-only | --coverage-only |" \
       "--sample-only]" >&2; exit 2 ;;
esac
export LC_ALL=C

# shellcheck disable=SC2120  # called with and without a file
eval_steps() {
	"$BIN/roofline-eval" -m llama-3.1-8b-instruct -g H100 \
	    --mixed-batch-penalty 0.3 --overlap-penalty 0.2 "$@"
}

if [ "$speed" = 1 ]; then
	base=$((steps < 100000 ? steps : 100000))
	# shellcheck disable=SC2119
	"$root/bench/gensteps" --seed 1 --count "$base" >"$scratch/base.steps"
	eval_steps "$scratch/base.steps" |
	    "$root/test/helpers/fit-synth" --seed 2 >"$scratch/base"
	# The steps and their eval records, repeated to $steps alike.
	for f in base.steps base; do
		i=0
		while [ "$i" -lt "$steps" ]; do
			cat "$scratch/$f"
			i=$((i + base))
		done | head -n "$steps" >"$scratch/$f.all"
		rm -f "$scratch/$f"
	done
	mv "$scratch/base.all" "$scratch/syn"
	echo "input: $steps eval records ($base distinct), $(mb "$(wc -c <"$scratch/syn")") MB"
	# The roofline-eval pass that made them: over the steps, as in a
	# pipeline (a shell function cannot be timed by time(1)).
	# shellcheck disable=SC2046
	set -- $(wall_cpu "$BIN/roofline-eval" -q -m llama-3.1-8b-instruct \
	    -g H100 --mixed-batch-penalty 0.3 --overlap-penalty 0.2 \
	    "$scratch/base.steps.all")
	w_re=$1 c_re=$2
	rm -f "$scratch/base.steps.all"
	# shellcheck disable=SC2046
	set -- $(wall_cpu "$BIN/fit-penalty" -q -o "$scratch/fit.json" "$scratch/syn")
	w_fp=$1 c_fp=$2
	rss=$(peak_rss_kb "$BIN/fit-penalty" -q "$scratch/syn")
	echo "roofline-eval pass: $w_re s wall, $c_re s CPU; fit-penalty:" \
	    "$w_fp s wall, $c_fp s CPU; ratio $(ratio "$w_fp" "$w_re") wall," \
	    "$(ratio "$c_fp" "$c_re") CPU (goal <= 0.3)"
	echo "fit-penalty peak RSS: $((rss / 1024)) MB, $(echo "$rss $steps" | awk '{ printf "%.0f", $1 * 1024 / $2 }') bytes/step (goal <= 40)"
	if [ -n "${BENCH_BEFORE_BIN:-}" ]; then
		# shellcheck disable=SC2046
		set -- $(wall_cpu "$BENCH_BEFORE_BIN/fit-penalty" -q "$scratch/syn")
		rss=$(peak_rss_kb "$BENCH_BEFORE_BIN/fit-penalty" -q "$scratch/syn")
		echo "before ($BENCH_BEFORE_BIN): $1 s wall, $2 s CPU; ratio" \
		    "$(ratio "$1" "$w_re") wall, $(ratio "$2" "$c_re") CPU;" \
		    "$(echo "$rss $steps" | awk '{ printf "%.0f", $1 * 1024 / $2 }') bytes/step"
	fi
	jq -r '.parameters | "estimates: b = \(.mixed_batch_penalty.estimate) +- \(.mixed_batch_penalty.standard_error), o = \(.overlap_penalty.estimate) +- \(.overlap_penalty.standard_error)"' \
	    "$scratch/fit.json"
	rm -f "$scratch/syn"
fi

if [ "$sample" = 1 ]; then
	# 10^5 distinct eval records, then a stream of copies: the input is
	# never stored, so 10^8 costs only time.
	"$root/test/helpers/fit-synth" --generate 100000 --seed 5 \
	    --mfu-prefill 0.35 --bandwidth 0.6 >"$scratch/block"
	stream() {	# N
		awk -v n="$1" 'BEGIN { while (n > 0) {
		    while (n > 0 && (getline l <ARGV[1]) > 0) { print l; n-- }
		    close(ARGV[1]) } }' "$scratch/block"
	}
	sizes="1000000 10000000"
	[ "${BENCH_SAMPLE_1E8:-0}" = 1 ] && sizes="$sizes 100000000"
	printf '%-12s %10s %10s %10s %12s
' "steps read" kept "peak KiB" \
	    seconds "steps/s"
	for n in $sizes; do
		t0=$(now)
		stream "$n" | /usr/bin/time -f %M -o "$scratch/rss" \
		    "$BIN/fit-penalty" -q --sample 20000 -g H100 \
		    --fit mfu-prefill,mfu-decode,bandwidth >"$scratch/s.json"
		t1=$(now)
		t=$(echo "$t0 $t1" | awk '{ printf "%.1f", $2 - $1 }')
		printf '%-12s %10s %10s %10s %12s
' "$n" \
		    "$(jq .steps.sample.kept "$scratch/s.json")" \
		    "$(cat "$scratch/rss")" "$t" "$(rate "$n" "$t" | cut -d. -f1)"
	done
	[ "${BENCH_SAMPLE_1E8:-0}" = 1 ] ||
		echo "(10^8: BENCH_SAMPLE_1E8=1; memory is bounded by the" \
		    "budget, time linear in the steps read)"
fi

if [ "$coverage" = 1 ]; then
	i=1
	while [ "$i" -le "$reps" ]; do
		# shellcheck disable=SC2119
		"$root/bench/gensteps" --seed "$i" --count 3000 | eval_steps |
		    "$root/test/helpers/fit-synth" --seed "$((100000 + i))" |
		    "$BIN/fit-penalty" | jq -r '.parameters | [
			.mixed_batch_penalty.ci95[], .overlap_penalty.ci95[],
			.mixed_batch_penalty.estimate,
			.mixed_batch_penalty.standard_error,
			.overlap_penalty.estimate,
			.overlap_penalty.standard_error] | @tsv'
		i=$((i + 1))
	done >"$scratch/cov"
	awk -F '\t' '
	    { n++; cb += ($1 <= 0.3 && 0.3 <= $2); co += ($3 <= 0.2 && 0.2 <= $4)
	      zb += (($5 - 0.3) / $6) ^ 2; zo += (($7 - 0.2) / $8) ^ 2
	      sb += $5; so += $7 }
	    END {
		printf "coverage over %d replicates of 3000 steps: b %.1f %%, " \
		    "o %.1f %% (expected 93-97 %%)\n", n, 100 * cb / n,
		    100 * co / n
		printf "mean estimate b %.4f (0.3), o %.4f (0.2); mean " \
		    "squared z b %.2f, o %.2f (1 if the SEs are right)\n",
		    sb / n, so / n, zb / n, zo / n }' "$scratch/cov"
fi

if [ "$coverage" = 1 ]; then
	i=1
	while [ "$i" -le "$reps" ]; do
		"$root/test/helpers/fit-synth" --generate 3000 --seed "$((200000 + i))" \
		    --mfu-prefill 0.35 --mfu-decode 0.22 --bandwidth 0.6 |
		    "$BIN/fit-penalty" -g H100 \
			--fit mfu-prefill,mfu-decode,bandwidth |
		    jq -r '.parameters | [.mfu_prefill, .mfu_decode, .bandwidth] |
			map(.ci95[0], .ci95[1], .estimate, .standard_error) | @tsv'
		i=$((i + 1))
	done >"$scratch/cov2"
	awk -F '\t' '
	    function one(j, t) { c[j] += ($(4*j+1) <= t && t <= $(4*j+2))
		z[j] += (($(4*j+3) - t) / $(4*j+4)) ^ 2; m[j] += $(4*j+3) }
	    { n++; one(0, 0.35); one(1, 0.22); one(2, 0.6) }
	    END {
		printf "entry fields, %d replicates of 3000 steps: coverage " \
		    "mfu-prefill %.1f %%, mfu-decode %.1f %%, bandwidth %.1f %% " \
		    "(expected 93-97 %%)\n", n, 100 * c[0] / n, 100 * c[1] / n,
		    100 * c[2] / n
		printf "mean estimate mfu-prefill %.4f (0.35), mfu-decode %.4f " \
		    "(0.22), bandwidth %.4f (0.6); mean squared z %.2f, %.2f, " \
		    "%.2f\n", m[0] / n, m[1] / n, m[2] / n, z[0] / n, z[1] / n,
		    z[2] / n }' "$scratch/cov2"
fi
