#!/bin/sh
# Benchmark trace-parse on generated inputs, next to wc -l and miller on
# the same files in the same run: throughput (MB/s) on an Azure-style CSV
# and a vLLM iteration log, and peak RSS at a small and a large size (it
# must stay flat: the readers stream).
#
# usage: bench/trace-parse.sh [--mb N] [--small-mb N] [--rss-mb N] [--keep DIR]
#   --mb N        size of the throughput inputs in MB (default 300: miller
#                 beside it takes over a minute at that size)
#   --small-mb N  size of the small inputs for the RSS check (default 10)
#   --rss-mb N    size of the largest inputs for the RSS check (default
#                 1000; trace-parse alone reads them, one at a time)
#   --keep DIR    generate into DIR and keep the files (default: a
#                 temporary directory, removed at exit)
# BIN names the directory holding trace-parse (default: ./bin).
set -eu

big=300 small=10 huge=1000 dir=
while [ $# -gt 0 ]; do
	case $1 in
	--mb)       big=$2; shift 2 ;;
	--small-mb) small=$2; shift 2 ;;
	--rss-mb)   huge=$2; shift 2 ;;
	--keep)     dir=$2; shift 2 ;;
	*) echo "usage: bench/trace-parse.sh [--mb N] [--small-mb N] [--rss-mb N] [--keep DIR]" >&2
	   exit 2 ;;
	esac
done
BIN=${BIN:-$(cd "$(dirname "$0")/.." && pwd)/bin}
TP=$BIN/trace-parse
[ -x "$TP" ] || { echo "bench: $TP not built" >&2; exit 1; }
if [ -z "$dir" ]; then
	dir=$(mktemp -d)
	trap 'rm -rf "$dir"' EXIT
fi
mkdir -p "$dir"
export LC_ALL=C

# Azure 2023 shape: 7 fractional digits, CRLF, no final newline.
gen_azure() {	# MB file
	awk -v bytes=$(($1 * 1000000)) 'BEGIN {
		srand(7); t = 0; n = 0
		printf "TIMESTAMP,ContextTokens,GeneratedTokens"
		while (n < bytes) {
			t += int(rand() * 20000)	# 100 ns ticks, mean 1 ms
			s = int(t / 10000000); f = t - s * 10000000
			line = sprintf("\r\n2023-11-16 %02d:%02d:%02d.%07d,%d,%d",
			    int(s / 3600) % 24, int(s / 60) % 60, s % 60, f,
			    1 + int(rand() * 8000), 1 + int(rand() * 700))
			printf "%s", line; n += length(line)
		}
	}' >"$2"
}

# Iteration lines in the newer spelling amid ordinary log lines.
gen_log() {	# MB file
	awk -v bytes=$(($1 * 1000000)) 'BEGIN {
		srand(11); n = 0; it = 0
		while (n < bytes) {
			s = int(it / 50)
			pre = sprintf("(EngineCore_DP0 pid=41) INFO 03-02 %02d:%02d:%02d [core.py:349] ",
			    int(s / 3600) % 24, int(s / 60) % 60, s % 60)
			if (it % 20 == 0)
				line = sprintf("INFO 03-02 %02d:%02d:%02d [loggers.py:123] Engine 000: Avg prompt throughput: %.1f tokens/s, Running: %d reqs",
				    int(s / 3600) % 24, int(s / 60) % 60, s % 60, rand() * 9000, int(rand() * 256))
			else {
				cr = rand() < 0.3; ct = cr ? 1 + int(rand() * 2048) : 0
				gr = int(rand() * 256)
				line = sprintf("%sEngine 000: Iteration(%d): %d context requests, %d context tokens, %d generation requests, %d generation tokens, iteration elapsed time: %.2f ms, GPU KV cache usage: %.1f%%",
				    pre, it, cr, ct, gr, gr, 5 + rand() * 60, rand() * 100)
			}
			print line; n += length(line) + 1; it++
		}
	}' >"$2"
}

size_mb() {
	wc -c <"$1" | awk '{ printf "%.1f", $1 / 1e6 }'
}

# Seconds a command takes over a file (its output discarded).
seconds() {	# file command...
	f=$1; shift
	t0=$(date +%s.%N)
	"$@" <"$f" >/dev/null 2>&1
	t1=$(date +%s.%N)
	echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }'
}

row() {	# input tool file command...
	name=$1 tool=$2 f=$3; shift 3
	sec=$(seconds "$f" "$@")
	mb=$(size_mb "$f")
	rate=$(echo "$mb $sec" | awk '{ printf "%.1f", ($2 > 0 ? $1 / $2 : 0) }')
	printf '%-12s %7s MB  %-26s %7s s  %8s MB/s\n' "$name" "$mb" "$tool" \
	    "$sec" "$rate"
}

peak_kb() {	# file command...
	f=$1; shift
	/usr/bin/time -f %M "$@" <"$f" 2>&1 >/dev/null | tail -1
}

echo "bench: generating ${big} MB and ${small} MB inputs in $dir" >&2
gen_azure "$big" "$dir/azure-big.csv"
gen_azure "$small" "$dir/azure-small.csv"
gen_log "$big" "$dir/vllm-big.log"
gen_log "$small" "$dir/vllm-small.log"

echo "== throughput (same files, same run; output to /dev/null)"
row azure.csv "trace-parse" "$dir/azure-big.csv" "$TP" -q
row azure.csv "wc -l" "$dir/azure-big.csv" wc -l
if command -v mlr >/dev/null; then
	row azure.csv "mlr --icsv --ojsonl cat" "$dir/azure-big.csv" mlr --icsv --ojsonl cat
else
	echo "azure.csv    miller not installed: skipped"
fi
row vllm.log "trace-parse" "$dir/vllm-big.log" "$TP" -q
row vllm.log "wc -l" "$dir/vllm-big.log" wc -l
echo "vllm.log     (mlr reads no free-form log text: not comparable)"

echo "== peak RSS (/usr/bin/time -f %M), KB: flat from ${small} MB to ${huge} MB"
for kind in azure:csv:gen_azure vllm:log:gen_log; do
	k=${kind%%:*} rest=${kind#*:}
	x=${rest%%:*} gen=${rest#*:}
	s=$(peak_kb "$dir/$k-small.$x" "$TP" -q)
	b=$(peak_kb "$dir/$k-big.$x" "$TP" -q)
	"$gen" "$huge" "$dir/$k-huge.$x"
	h=$(peak_kb "$dir/$k-huge.$x" "$TP" -q)
	printf '%-12s %6s KB at %s MB   %6s KB at %s MB   %6s KB at %s MB\n' \
	    "$k.$x" "$s" "$(size_mb "$dir/$k-small.$x")" "$b" \
	    "$(size_mb "$dir/$k-big.$x")" "$h" "$(size_mb "$dir/$k-huge.$x")"
	rm -f "$dir/$k-huge.$x"
done
