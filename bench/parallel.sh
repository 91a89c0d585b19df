#!/bin/sh
# GNU parallel: roofline-eval sharded over this machine's cores
# (parallel --pipe -k and --pipepart -k, -j cores) against one process on
# the same busy steps, the outputs compared byte for byte; the speed-up
# by wall time, and what one machine does in a day (steps/s x 86400).
# BENCH_PAR_STEPS steps (default 40000, ~130 requests a step), best of
# BENCH_REPEAT runs (default 3).
set -eu
# shellcheck shell=sh source=bench/lib.sh
. "$(dirname "$0")/lib.sh"
: "${BIN:=bin}"
command -v parallel >/dev/null || {
	echo "GNU parallel not installed (scripts/install-deps.sh bench): skipped"
	exit 0
}
n=${BENCH_PAR_STEPS:-40000}
reps=${BENCH_REPEAT:-3}
jobs=$(nproc)
m="-m llama-3.1-8b-instruct -g H100 --mixed-batch-penalty 0.3 --overlap-penalty 0.2"
bench/gensteps --uniform --decodes 288 --count "$n" --seed 3 >"$scratch/busy"
bytes=$(wc -c <"$scratch/busy")
# Blocks of about 1/(4 jobs) of the input each: enough to balance.
block=$((bytes / (4 * jobs) + 1))
echo "input: $n steps, $(mb "$bytes") MB; $jobs cores; best of $reps runs"

# shellcheck disable=SC2086
one() { "$BIN/roofline-eval" -q $m "$scratch/busy"; }
# shellcheck disable=SC2086
pipe() {
	parallel --will-cite --pipe -k -j "$jobs" --block "$block" \
	    "$BIN/roofline-eval" -q $m <"$scratch/busy"
}
# shellcheck disable=SC2086
part() {
	parallel --will-cite --pipepart -a "$scratch/busy" -k -j "$jobs" \
	    --block "$block" "$BIN/roofline-eval" -q $m
}
one >"$scratch/one"
pipe >"$scratch/pipe"
part >"$scratch/part"
if ! cmp -s "$scratch/one" "$scratch/pipe" ||
    ! cmp -s "$scratch/one" "$scratch/part"; then
	echo "FAIL: sharded output differs from one process" >&2
	exit 1
fi
t1='' tp='' tq=''
i=0
while [ $i -lt "$reps" ]; do
	t1="$t1 $(seconds one)"
	tp="$tp $(seconds pipe)"
	tq="$tq $(seconds part)"
	i=$((i + 1))
done
# shellcheck disable=SC2086
t1=$(least $t1) tp=$(least $tp) tq=$(least $tq)
printf '%-34s %8s %10s %10s\n' "roofline-eval" seconds steps/s speed-up
printf '%-34s %8s %10s %10s\n' "one process" "$t1" \
    "$(rate "$n" "$t1" | cut -d. -f1)" "1.00x"
printf '%-34s %8s %10s %10s\n' "parallel --pipe -k -j $jobs" "$tp" \
    "$(rate "$n" "$tp" | cut -d. -f1)" "$(ratio "$t1" "$tp")x"
printf '%-34s %8s %10s %10s\n' "parallel --pipepart -k -j $jobs" "$tq" \
    "$(rate "$n" "$tq" | cut -d. -f1)" "$(ratio "$t1" "$tq")x"
best=$(least "$t1" "$tp" "$tq")
echo "outputs byte-identical to one process; load average during the run:" \
    "$(cut -d' ' -f1-3 /proc/loadavg) (a speed-up needs idle cores)"
echo "one machine ($jobs cores, best way):" \
    "$(echo "$n $best" | awk '{ printf "%.2g", $1 / $2 * 86400 }') busy" \
    "steps a day through roofline-eval (steps/s x 86400)"
