#!/bin/sh
# Benchmark trace-parse on generated inputs, next to wc -l and miller on
# the same files in the same run: throughput (MB/s) on an Azure-style CSV
# and a vLLM iteration log, and peak RSS at a small and a large size (it
# must stay flat: the readers stream).  Its JSON formats (Mooncake JSONL,
# OTel JSONL, the vLLM fork's step traces) as a ratio to the cJSON ceiling
# on the same file in the same run (lib.sh: vs_ceiling); and the step-trace
# reader's steps/s and peak RSS at ~10 MB and ~1 GB of step traces made by
# a stream (renumbered copies of the h100-vllm run, piped in: never stored;
# skipped, saying so, without ../shared).
#
# usage: bench/trace-parse.sh [--mb N] [--small-mb N] [--rss-mb N]
#                             [--json-mb N] [--keep DIR]
#   --mb N        size of the throughput inputs in MB (default 300: miller
#                 beside it takes over a minute at that size)
#   --small-mb N  size of the small inputs for the RSS check (default 10)
#   --rss-mb N    size of the largest inputs for the RSS check (default
#                 1000; trace-parse alone reads them, one at a time)
#   --json-mb N   size of each JSON input against the ceiling (default 30)
#   --keep DIR    generate into DIR and keep the files (default: the
#                 bench's scratch directory, removed at exit)
# BIN names the directory holding trace-parse (default: ./bin);
# BENCH_BEFORE_BIN adds older binaries' lines against the ceiling.
set -eu
. "$(dirname "$0")/lib.sh"

big=300 small=10 huge=1000 json=30 dir=
while [ $# -gt 0 ]; do
	case $1 in
	--mb)       big=$2; shift 2 ;;
	--small-mb) small=$2; shift 2 ;;
	--rss-mb)   huge=$2; shift 2 ;;
	--json-mb)  json=$2; shift 2 ;;
	--keep)     dir=$2; shift 2 ;;
	*) echo "usage: bench/trace-parse.sh [--mb N] [--small-mb N] [--rss-mb N] [--json-mb N] [--keep DIR]" >&2
	   exit 2 ;;
	esac
done
BIN=${BIN:-$(cd "$(dirname "$0")/.." && pwd)/bin}
TP=$BIN/trace-parse
[ -x "$TP" ] || { echo "bench: $TP not built" >&2; exit 1; }
[ -n "$dir" ] || dir=$scratch
mkdir -p "$dir"
export LC_ALL=C
H100=${ROOFTRACE_SHARED:-../shared}/fixtures/h100-vllm/codellama-34b-tp2-general.step_traces.json

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

# Mooncake JSONL: ms timestamps, prompt block hashes.
gen_mooncake() {	# MB file
	awk -v bytes=$(($1 * 1000000)) 'BEGIN {
		srand(5); n = 0; t = 0; h = 0
		while (n < bytes) {
			t += int(rand() * 40)
			in_ = 1 + int(rand() * 16000); k = int((in_ + 511) / 512)
			ids = ""
			for (i = 0; i < k; i++)
				ids = ids (i ? ", " : "") (rand() < 0.5 ? i : h++)
			line = sprintf("{\"timestamp\": %d, \"input_length\": %d, \"output_length\": %d, \"hash_ids\": [%s]}",
			    t, in_, 1 + int(rand() * 700), ids)
			print line; n += length(line) + 1
		}
	}' >"$2"
}

# OTel JSONL: an OTLP export a line, 50 llm_request spans each.
gen_otel() {	# MB file
	awk -v bytes=$(($1 * 1000000)) 'BEGIN {
		srand(9); n = 0; t = 0; r = 0
		while (n < bytes) {
			line = "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"vllm\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"vllm.llm_engine\"},\"spans\":["
			for (i = 0; i < 50; i++) {
				t += int(rand() * 50000000); e = t + 100000000 + int(rand() * 5e9)
				ttft = 0.01 + rand() * 0.09; e2e = (e - t) / 1e9
				line = line sprintf("%s{\"traceId\":\"%032d\",\"spanId\":\"%016d\",\"name\":\"llm_request\",\"startTimeUnixNano\":\"%d%09d\",\"endTimeUnixNano\":\"%d%09d\",\"status\":{},\"attributes\":[{\"key\":\"gen_ai.request.id\",\"value\":{\"stringValue\":\"cmpl-%d\"}},{\"key\":\"gen_ai.usage.prompt_tokens\",\"value\":{\"intValue\":\"%d\"}},{\"key\":\"gen_ai.usage.completion_tokens\",\"value\":{\"intValue\":\"%d\"}},{\"key\":\"gen_ai.latency.time_in_queue\",\"value\":{\"doubleValue\":%.4f}},{\"key\":\"gen_ai.latency.time_to_first_token\",\"value\":{\"doubleValue\":%.4f}},{\"key\":\"gen_ai.latency.e2e\",\"value\":{\"doubleValue\":%.4f}}]}",
				    i ? "," : "", r, r, 1740823300 + int(t / 1e9), t % 1000000000,
				    1740823300 + int(e / 1e9), e % 1000000000, r,
				    1 + int(rand() * 8000), 1 + int(rand() * 700),
				    rand() * 0.01, ttft, e2e)
				r++
			}
			line = line "]}]}]}"
			print line; n += length(line) + 1
		}
	}' >"$2"
}

# The vLLM fork's step traces: copies of the h100-vllm run (OTLP JSONL),
# each with its step ids and every timestamp moved past the previous
# copy's, so that both keep increasing; on standard output, never stored.
gen_steps() {	# MB
	perl -e '
	my ($f, $bytes) = @ARGV;
	open(my $h, "<", $f) or die "$f: $!\n";
	my @l = <$h>;
	close $h;
	my ($maxid, $lo, $hi) = (0, undef, undef);
	for (@l) {
		while (/"step\.id","value":\{"intValue":"(\d+)"/g) {
			$maxid = $1 if $1 > $maxid;
		}
		while (/"step\.ts_(?:start|end)_ns","value":\{"intValue":"(\d+)"/g) {
			$lo = $1 if !defined $lo || $1 < $lo;
			$hi = $1 if !defined $hi || $1 > $hi;
		}
	}
	my ($did, $dns, $n) = ($maxid + 1, $hi - $lo + 1000000000, 0);
	for (my $k = 0; $n < $bytes; $k++) {
		my ($i, $t) = ($k * $did, $k * $dns);
		for (@l) {
			last if $n >= $bytes;
			(my $s = $_) =~ s/("step\.id","value":\{"intValue":")(\d+)/$1 . ($2 + $i)/ge;
			$s =~ s/("(?:step\.ts_(?:start|end)_ns","value":\{"intValue"|\w*[tT]imeUnixNano)":")(\d+)/$1 . ($2 + $t)/ge;
			print $s;
			$n += length $s;
		}
	}' "$H100" "$(($1 * 1000000))"
}

# vllm bench serve --save-detailed: one document on one line (json.dump).
gen_benchserve() {	# MB file
	awk -v bytes=$(($1 * 1000000)) 'BEGIN {
		srand(3); n = int(bytes / 200)
		printf "{\"model_id\":\"m\",\"input_lens\":["
		for (i = 0; i < n; i++) printf "%s%d", i ? "," : "", 1 + int(rand() * 8000)
		printf "],\"output_lens\":["
		for (i = 0; i < n; i++) printf "%s%d", i ? "," : "", 8
		printf "],\"ttfts\":["
		for (i = 0; i < n; i++) printf "%s%.6f", i ? "," : "", 0.01 + rand()
		printf "],\"itls\":["
		for (i = 0; i < n; i++) {
			printf "%s[", i ? "," : ""
			for (k = 0; k < 7; k++) printf "%s%.6f", k ? "," : "", rand() * 0.05
			printf "]"
		}
		printf "],\"errors\":["
		for (i = 0; i < n; i++) printf "%s\"\"", i ? "," : ""
		printf "],\"start_times\":["
		for (i = 0; i < n; i++) printf "%s%.6f", i ? "," : "", i * 0.01
		printf "]}\n"
	}' >"$2"
}

# Dynamo --fpm-trace JSONL, one pass a line.
gen_fpm() {	# MB file
	awk -v bytes=$(($1 * 1000000)) 'BEGIN {
		srand(13); n = 0; c = 0
		while (n < bytes) {
			np = int(rand() * 3); nd = 1 + int(rand() * 64)
			line = sprintf("{\"timestamp\":%d,\"event\":{\"schema\":\"dynamo.fpm.trace.v1\",\"source\":{\"namespace\":\"default\",\"component\":\"backend\",\"producer_id\":\"4192\"},\"capture_mode\":\"full\",\"observed_at_unix_ms\":%d,\"fpm\":{\"version\":1,\"worker_id\":\"4192\",\"dp_rank\":0,\"counter_id\":%d,\"wall_time\":%.6f,\"scheduled_requests\":{\"num_prefill_requests\":%d,\"sum_prefill_tokens\":%d,\"var_prefill_length\":0.0,\"sum_prefill_kv_tokens\":0,\"num_decode_requests\":%d,\"sum_decode_kv_tokens\":%d,\"var_decode_kv_tokens\":%.1f},\"queued_requests\":{\"num_prefill_requests\":0,\"sum_prefill_tokens\":0,\"var_prefill_length\":0.0,\"num_decode_requests\":0,\"sum_decode_kv_tokens\":0,\"var_decode_kv_tokens\":0.0}}}}",
			    c * 20, 1782777600000 + c * 20, c, 0.01 + rand() * 0.03,
			    np, np * (1 + int(rand() * 2048)), nd, nd * (100 + int(rand() * 3000)), rand() * 1e5)
			print line; n += length(line) + 1; c++
		}
	}' >"$2"
}

# trtllm-serve /metrics polls appended: an array of 50 iterations a line.
gen_trtllm() {	# MB file
	awk -v bytes=$(($1 * 1000000)) 'BEGIN {
		srand(17); n = 0; it = 0
		while (n < bytes) {
			line = "["
			for (k = 0; k < 50; k++) {
				nc = int(rand() * 2); ng = 1 + int(rand() * 64)
				line = line sprintf("%s{\"cpuMemUsage\":0,\"gpuMemUsage\":76665782272,\"inflightBatchingStats\":{\"avgNumDecodedTokensPerIter\":0.0,\"microBatchId\":0,\"numContextRequests\":%d,\"numCtxKvTokens\":0,\"numCtxTokens\":%d,\"numGenKvTokens\":%d,\"numGenRequests\":%d,\"numPausedKvTokens\":0,\"numPausedRequests\":0,\"numScheduledRequests\":%d},\"iter\":%d,\"iterLatencyMS\":%.3f,\"kvCacheStats\":{\"maxNumBlocks\":101256,\"usedNumBlocks\":%d,\"tokensPerBlock\":32},\"numActiveRequests\":%d,\"timestamp\":\"05-14-2026 10:21:07.118236\",\"attentionDpRank\":0,\"hostStepTimeMS\":1.5,\"prevDeviceStepTimeMS\":%.3f,\"gpuForwardTimeMS\":null,\"schedulerMode\":\"overlap\"}",
				    k ? "," : "", nc, nc * (1 + int(rand() * 2048)), ng * 900, ng, nc + ng, it, 10 + rand() * 20,
				    int(rand() * 101256), nc + ng, 5 + rand() * 20)
				it++
			}
			line = line "]"
			print line; n += length(line) + 1
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

echo "== CSV against the libcsv ceiling (csv_parse over the file, fields and rows counted; same file, same run)"
${CC:-cc} -O2 -o "$scratch/csv-ceiling" bench/csv-ceiling.c -lcsv
gen_azure "$json" "$dir/azure-json-mb.csv"
BENCH_CEILING=$scratch/csv-ceiling BENCH_CEILING_NAME="libcsv csv_parse" \
    vs_ceiling "azure.csv" "$dir/azure-json-mb.csv" trace-parse -q -f azure
rm -f "$dir/azure-json-mb.csv"

echo "== JSON formats against the cJSON ceiling (same file, same run)"
gen_benchserve "$json" "$dir/bench-serve.json"
vs_ceiling "bench-serve.json (one line)" "$dir/bench-serve.json" trace-parse -q -f bench-serve
rm -f "$dir/bench-serve.json"
gen_fpm "$json" "$dir/fpm.jsonl"
vs_ceiling "dynamo-fpm.jsonl" "$dir/fpm.jsonl" trace-parse -q -f dynamo-fpm
rm -f "$dir/fpm.jsonl"
gen_trtllm "$json" "$dir/trtllm.json"
vs_ceiling "trtllm-iterations (an array a line)" "$dir/trtllm.json" trace-parse -q -f trtllm-iterations
rm -f "$dir/trtllm.json"
gen_mooncake "$json" "$dir/mooncake.jsonl"
vs_ceiling "mooncake.jsonl" "$dir/mooncake.jsonl" trace-parse -q -f mooncake
rm -f "$dir/mooncake.jsonl"
gen_otel "$json" "$dir/otel.jsonl"
vs_ceiling "otel.jsonl" "$dir/otel.jsonl" trace-parse -q -f otel
rm -f "$dir/otel.jsonl"
if [ -r "$H100" ]; then
	gen_steps "$json" >"$dir/steps.jsonl"
	vs_ceiling "vllm-steps (h100-vllm, renumbered)" "$dir/steps.jsonl" \
	    trace-parse -q -f vllm-steps
	rm -f "$dir/steps.jsonl"
else
	echo "vllm-steps   skipped: $H100 absent (needs ../shared)"
fi

# Issue 11: the step-trace reader on a stream, its CPU time and peak RSS
# measured on trace-parse alone (the generator runs beside it).
echo "== vllm-steps from a stream: steps/s and peak RSS, ${small} MB and ${huge} MB"
if [ -r "$H100" ]; then
	rss_first=
	for sz in "$small" "$huge"; do
		st=$(gen_steps "$sz" | /usr/bin/time -f '%U %S %M' \
		    -o "$scratch/st" "$TP" -q -f vllm-steps |
		    wc -l)
		read -r u sy rss <"$scratch/st"
		cpu=$(echo "$u $sy" | awk '{ printf "%.2f", $1 + $2 }')
		printf '%-12s %6s MB  %8s steps  %7s s cpu  %9s steps/s  %6s MB/s  peak RSS %6s KB\n' \
		    vllm-steps "$sz" "$st" "$cpu" "$(rate "$st" "$cpu" | cut -d. -f1)" \
		    "$(rate "$sz" "$cpu")" "$rss"
		: "${rss_first:=$rss}"
	done
	echo "vllm-steps   peak RSS ratio ${huge} MB / ${small} MB: $(ratio "$rss" "$rss_first")"
else
	echo "vllm-steps   skipped: $H100 absent (needs ../shared)"
fi
