#!/bin/sh
# Do fit-penalty's 95 % intervals cover the truth at their nominal rate?
# Simulates step times with BLIS's own roofline (roofline-eval) for
# llama-3.1-8b-instruct on an H100 whose true entry has the mixed-batch
# penalty 0.27, the overlap penalty 0.12 and a bandwidth of 1, 0.9 or 0.5
# of the physical peak (sets peak, 0.9, 0.5), or decode-only steps with
# the overlap penalty 0.1 at the peak (set decode); 3 % lognormal noise a
# step; then evaluates the steps with the stock entry (its floor
# physical) and fits them: b,o at the peak and on the decode-only set,
# b,o,bandwidth at 0.9 and 0.5.  At the peak the memory-bound steps sit
# on the floor, so noise puts a fifth of them below it.
# Prints, per set and parameter: the truth, the replicates whose
# parameter was fitted, the mean estimate, and how many 95 % intervals
# cover the truth; then the verdict statuses.
# usage: fit-coverage.sh [-n STEPS] [-r REPLICATES] [-B BIN] [SET...]
set -eu
n=300 r=10 root=$(cd "$(dirname "$0")/.." && pwd)
BIN=$root/bin
while getopts n:r:B: c; do
	case $c in
	n) n=$OPTARG ;;
	r) r=$OPTARG ;;
	B) BIN=$OPTARG ;;
	*) echo "usage: fit-coverage.sh [-n STEPS] [-r REPLICATES] [-B BIN] [SET...]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -gt 0 ] || set -- peak 0.9 0.5 decode
m=llama-3.1-8b-instruct
tmp=$(mktemp -d "${TMPDIR:-/tmp}/fit-coverage.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

# set -> bandwidth fraction, b, o, fit, steps filter
for set in "$@"; do
	case $set in
	peak)	bw=1 b=0.27 o=0.12 fit="--fit b,o" ;;
	0.9|0.5) bw=$set b=0.27 o=0.12 fit="-g H100 --fit b,o,bandwidth" ;;
	decode)	bw=1 b=0 o=0.1 fit="--fit b,o" ;;
	*) echo "fit-coverage: unknown set '$set' (peak, 0.9, 0.5, decode)" >&2
	   exit 2 ;;
	esac
	jq --argjson f "$bw" '.H100.BwPhysicalTBs = .H100.BwPeakTBs |
	    .H100.BwPeakTBs *= $f' "$root/share/hardware_config.json" \
	    >"$tmp/truth.json"
	rm -f "$tmp"/rep.* "$tmp"/fit.*
	# Decode-only: the steps without their prefills, and those with
	# decodes (twice as many drawn, the first n x r kept).
	"$root/bench/gensteps" --seed 11 --count $((n * r * 2)) |
	    if [ "$set" = decode ]; then
		sed 's/"prefill_requests":\[[^]]*\]/"prefill_requests":[]/' |
		    grep -v '"decode_requests":\[\]'
	    else cat; fi | head -n $((n * r)) |
	    "$BIN/roofline-eval" -m $m -g H100 --hardware-config "$tmp/truth.json" \
		--mixed-batch-penalty $b --overlap-penalty $o |
	    "$root/test/helpers/fit-synth" --seed 12 --sigma 0.03 |
	    sed -E 's/^\{"dur_us":([0-9]+)\.[0-9]+/{"dur_us":\1/' |
	    "$BIN/roofline-eval" -m $m -g H100 2>/dev/null |
	    awk -v n="$n" -v d="$tmp" '{ print > (d "/rep." int((NR - 1) / n)) }'
	i=0
	while [ $i -lt "$r" ]; do
		# shellcheck disable=SC2086	# the fit's options split on purpose
		"$BIN/fit-penalty" $fit "$tmp/rep.$i" >"$tmp/fit.$i" 2>/dev/null ||
		    echo '{}' >"$tmp/fit.$i"
		i=$((i + 1))
	done
	i=0
	while [ $i -lt "$r" ]; do cat "$tmp/fit.$i"; i=$((i + 1)); done |
	    jq -rs --arg set "$set" --argjson b $b --argjson o $o \
		--argjson bw "$bw" '
	def row(name; truth):
		[.[] | .parameters[name] // empty | select(.fitted)] as $f |
		"\($set)\t\(name)\t\(truth)\t\($f | length)\t" +
		"\(if ($f | length) > 0 then ([$f[].estimate] | add / length * 1000 | round / 1000) else "-" end)\t" +
		"\([$f[] | select(.ci95[0] <= truth and truth <= .ci95[1])] | length)";
	row("mixed_batch_penalty"; $b), row("overlap_penalty"; $o),
	(if $set == "0.9" or $set == "0.5" then row("bandwidth"; $bw) else empty end),
	"\($set)\tstatus\t" + ([.[] | .assessment.status // (if .assessment ==
	    null then "failed" elif .assessment.trustworthy then "trustworthy"
	    else "not trustworthy" end)] | group_by(.) |
	    map("\(length) \(.[0])") | join(", "))'
done
