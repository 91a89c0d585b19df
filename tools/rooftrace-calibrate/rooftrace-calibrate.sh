#!/bin/sh
# rooftrace-calibrate: one command from a run's traces to a calibrated
# hardware entry.  Runs trace-parse, batchify (expand for aggregate steps,
# timestamps for request records with token times; exact steps pass
# through), roofline-eval, fit-penalty (the whole entry), and trace-replay
# of --requests with the fitted entry.  The fitted hardware_config.json goes
# to -o FILE or standard output; the readable report to standard error.
# The programs are taken from this script's own directory when they are
# there, else from PATH.  POSIX sh: no pipefail, so every step writes a file
# in a private temporary directory and is checked on its own.
set -u
me=rooftrace-calibrate
version=@VERSION@

usage() {
	cat <<'USAGE'
usage: rooftrace-calibrate -m MODEL -g GPU [options] [TRACE...]
Calibrate a hardware entry on a run's traces: trace-parse | batchify |
roofline-eval | fit-penalty (b,o,mfu-prefill,mfu-decode,bandwidth).

  -m, --model NAME|DIR|FILE         model config (see roofline-eval)
  -g, --hardware NAME               GPU entry to start from
      --hardware-config FILE        hardware_config.json to start from
  -t, --tp N                        tensor parallelism (default 1)
  -f, --from FORMAT                 trace format (see trace-parse)
      --requests FILE               the run's request records: contexts
                                    for aggregate steps, and replayed
                                    with the fitted entry
      --loss ls|huber|cauchy        fit-penalty's loss (default huber)
      --max-num-seqs N              scheduler options, as in trace-replay
      --max-num-batched-tokens N
      --long-prefill-token-threshold N
      --kv-blocks N
      --block-size N
  -o, --output FILE                 write the fitted hardware_config.json
                                    to FILE (default standard output)
      --list-models                 list shipped models
      --list-hardware               list hardware entries
  -q, --quiet                       no progress display
  -h, --help                        show this help
  -V, --version                     show the version
USAGE
}

die_usage() {
	echo "$me: $*" >&2
	exit 2
}

# An option's value: the next word, which must exist.
need() {
	[ "$n" -ge 2 ] || die_usage "option '$1' needs a value"
}

here=$(dirname "$0")
[ -x "$here/fit-penalty" ] && PATH=$here:$PATH

model='' hw='' tp='' hwcfg='' from='' requests='' loss=huber out='' quiet=''
sched=''
# Options and traces in any order, as getopt_long takes them: each trace is
# rotated to the end of "$@", n counts the words still to look at.
n=$#
while [ "$n" -gt 0 ]; do
	case $1 in
	--*=*)	o=${1%%=*} v=${1#*=}; shift; set -- "$o" "$v" "$@"
		n=$((n + 1)); continue ;;
	esac
	case $1 in
	-m|--model)	need "$1"; model=$2 ;;
	-g|--hardware)	need "$1"; hw=$2 ;;
	-t|--tp)	need "$1"; tp=$2 ;;
	--hardware-config) need "$1"; hwcfg=$2 ;;
	-f|--from)	need "$1"; from=$2 ;;
	--requests)	need "$1"; requests=$2 ;;
	--loss)		need "$1"; loss=$2 ;;
	--max-num-seqs|--max-num-batched-tokens|--long-prefill-token-threshold|\
	--kv-blocks|--block-size)
		need "$1"
		case $2 in
		*[!0-9]*|'') die_usage "$1: '$2' is not a positive integer" ;;
		esac
		sched="$sched $1 $2" ;;
	-o|--output)	need "$1"; out=$2 ;;
	-q|--quiet)	quiet=-q; shift; n=$((n - 1)); continue ;;
	--list-models|--list-hardware)
		exec roofline-eval "$1" ${hwcfg:+--hardware-config "$hwcfg"} ;;
	-h|--help)	usage; exit 0 ;;
	-V|--version)	echo "$me (rooftrace) $version"; exit 0 ;;
	--)		shift; n=$((n - 1))
		while [ "$n" -gt 0 ]; do set -- "$@" "$1"; shift; n=$((n - 1)); done
		break ;;
	-?*)		die_usage "unknown option '$1'" ;;
	*)		set -- "$@" "$1"; shift; n=$((n - 1)); continue ;;
	esac
	shift 2; n=$((n - 2))
done
[ -n "$model" ] || die_usage "-m MODEL is required (see --help)"
[ -n "$hw" ] || die_usage "-g GPU is required (see --help)"
case $loss in
ls|huber|cauchy) ;;
*) die_usage "--loss: unknown loss '$loss' (one of: ls, huber, cauchy)" ;;
esac
case $tp in
''|*[!0-9]*) [ -z "$tp" ] || die_usage "--tp: '$tp' is not a positive integer" ;;
esac
[ -z "$requests" ] || [ -r "$requests" ] ||
    { echo "$me: $requests: cannot read the request records" >&2; exit 1; }
for a in "$@"; do
	[ "$a" = - ] || [ -r "$a" ] || { echo "$me: $a: cannot read the trace" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/$me.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

# One step: its standard output to a file; on failure its own message is
# already on standard error, then the step is named and the driver stops.
step() {	# OUTFILE PROG ARG...
	o=$1; shift
	"$@" >"$o" || { echo "$me: $1 failed (exit $?); stopped" >&2; exit 1; }
}

# shellcheck disable=SC2086	# the option words split on purpose
step "$tmp/parsed" trace-parse $quiet ${from:+--from "$from"} -- "$@"
[ -s "$tmp/parsed" ] || { echo "$me: the traces hold no records" >&2; exit 1; }
first=$(head -n 1 "$tmp/parsed")
case $first in
*'"prefill_requests"'*)	# exact steps
	cp "$tmp/parsed" "$tmp/steps" ;;
*'"n_prefill"'*)		# aggregate steps
	# shellcheck disable=SC2086
	step "$tmp/steps" batchify $quiet --mode expand $sched ${requests:+--requests "$requests"} "$tmp/parsed" ;;
*'"itl_us"'*)			# requests with the time of every token
	# shellcheck disable=SC2086
	step "$tmp/steps" batchify $quiet --mode timestamps $sched "$tmp/parsed" ;;
*)	echo "$me: the traces are request records without token times" \
	    "(itl_us): no step was measured, nothing to fit" >&2
	exit 1 ;;
esac
# shellcheck disable=SC2086
step "$tmp/eval" roofline-eval $quiet -m "$model" -g "$hw" ${tp:+-t "$tp"} ${hwcfg:+--hardware-config "$hwcfg"} "$tmp/steps"
# shellcheck disable=SC2086
step "$tmp/summary" fit-penalty $quiet -g "$hw" ${hwcfg:+--hardware-config "$hwcfg"} \
    --fit b,o,mfu-prefill,mfu-decode,bandwidth --loss "$loss" --summary \
    --hardware-config-out "$tmp/hw.json" "$tmp/eval"
cat "$tmp/summary" >&2
# The entry's provenance names the traces, not the temporary eval file
# (characters JSON would need escaped become _).
names=
for a in "$@"; do names="$names${names:+, }$(basename -- "$a")"; done
[ $# -gt 0 ] && names="the traces $names" || names="standard input"
# shellcheck disable=SC1003
names=$(printf '%s' "$names" | tr '"\\' '__')
awk -v from="$tmp/eval" -v to="$names" '
{
	out = ""
	while ((i = index($0, from)) > 0) {
		out = out substr($0, 1, i - 1) to
		$0 = substr($0, i + length(from))
	}
	print out $0
}' "$tmp/hw.json" >"$tmp/hw.out" || exit 1
if [ -n "$requests" ]; then
	echo >&2
	echo "replay of $requests with the fitted entry:" >&2
	# shellcheck disable=SC2086
	step "$tmp/replay" trace-replay $quiet -m "$model" -g "$hw" ${tp:+-t "$tp"} \
	    --hardware-config "$tmp/hw.json" $sched --summary "$requests"
	cat "$tmp/replay" >&2
fi
if [ -n "$out" ]; then
	# Atomic: a temporary file beside FILE, renamed over it.
	if ! { cp "$tmp/hw.out" "$out.$$.tmp" && mv "$out.$$.tmp" "$out"; }; then
		rm -f "$out.$$.tmp"
		echo "$me: $out: cannot write it" >&2
		exit 1
	fi
else
	cat "$tmp/hw.out"
fi
