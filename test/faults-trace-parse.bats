#!/usr/bin/env bats
# Faults and hostile input in trace-parse: a NUL in a CSV
# field, libcsv out of memory, a step of no time, a duplicate id across
# files, binary data read as a log, and a Mooncake line of millions of
# hash_ids.  Every case failed on main before (see each test).

setup() {
	load helpers/common
	T="$BATS_TEST_TMPDIR"
	TP="$FIXTURES/trace-parse"
	BG='Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type'
	AZ='TIMESTAMP,ContextTokens,GeneratedTokens'
	SW='model,hardware,prompt_size,batch_size,token_size,peak_power,average_power,prompt_time,token_time,e2e_time,tensor_parallel'
	IT='Iteration(1): 0 context requests, 0 context tokens, 1 generation requests, 1 generation tokens, iteration elapsed time:'
}

skip_under_san() {
	case $BIN in
	*build/san*) skip "ASan reserves more address space than ulimit -v allows" ;;
	esac
}

# --- NUL in a CSV field -------------------------------------------------

# Before: input_tokens 1 and model "Chat", exit 0.
@test "a raw NUL in a CSV field is refused, named by its column, never cut" {
	printf '%s\n1.0,Chat\0GPT,5,3,8,Conversation log\n' "$BG" >"$T/b.csv"
	run trace-parse "$T/b.csv"
	assert_failure 1
	assert_output "trace-parse: $T/b.csv:2: Model: contains a NUL character"
	printf '%s\n2023-11-16 18:15:46.6805900,1\0002,3\n' "$AZ" >"$T/a.csv"
	run trace-parse "$T/a.csv"
	assert_failure 1
	assert_output "trace-parse: $T/a.csv:2: ContextTokens: contains a NUL character"
	printf '%s\n1.0,ChatGPT,1\0002,3,5,Conversation log\n' "$BG" >"$T/c.csv"
	run trace-parse "$T/c.csv"
	assert_failure 1
	assert_output "trace-parse: $T/c.csv:2: Request tokens: contains a NUL character"
}

@test "a NUL in a quoted field is a bad record too; --skip-bad counts it" {
	printf '%s\n1.0,"Chat\0GPT",5,3,8,c\n2.0,ok,1,1,2,c\n' "$BG" >"$T/q.csv"
	run --separate-stderr trace-parse --skip-bad "$T/q.csv"
	assert_success
	assert_output '{"request_id":"0","arrival_us":0,"input_tokens":1,"output_tokens":1,"model":"ok"}'
	assert_equal "$stderr" "trace-parse: $T/q.csv:2: Model: contains a NUL character
trace-parse: skipped 1 bad record of 2"
}

@test "a NUL in a BLIS row names its column; a NUL in a header is fatal" {
	sed '2s/,c1,/,c\x001,/' "$TP/blis-trace.csv" >"$T/t.csv"
	run trace-parse "$T/t.csv"
	assert_failure 1
	assert_output "trace-parse: $T/t.csv:2: client_id: contains a NUL character"
	# Before: the header matched up to the NUL, and the rows were read.
	printf '%s\0x\n2023-11-16 18:15:46.6805900,1,3\n' "$AZ" >"$T/h.csv"
	run trace-parse --skip-bad "$T/h.csv"
	assert_failure 1
	assert_output "trace-parse: $T/h.csv:1: the header contains a NUL character"
}

# --- libcsv out of memory --------------------------------------------------

# Before: "field 2: text after the closing quote", skipped with --skip-bad,
# exit 0: a valid record lost and called malformed.
@test "libcsv out of memory: said so, exit 1, never skipped as bad" {
	skip_under_san
	{ printf '%s\n1.0,' "$BG"; head -c 40000000 /dev/zero | tr '\0' x
	    printf ',5,3,8,c\n'; } >"$T/big.csv"
	run bash -c 'ulimit -v 100000; exec trace-parse -q --skip-bad "$1"' _ "$T/big.csv"
	assert_failure 1
	assert_output "trace-parse: out of memory"
}

# --- a step of no time -----------------------------------------------------

# Before: "dur_us":0, which fit-penalty refuses much later.
@test "splitwise: a prompt_time or token_time of 0 is a bad record" {
	printf '%s\nllama,a100,512,1,10,0,0,0,20.5,200,1\n' "$SW" >"$T/p.csv"
	run trace-parse "$T/p.csv"
	assert_failure 1
	assert_output "trace-parse: $T/p.csv:2: prompt_time: a step takes at least 0.001 ms (1 microsecond), got \"0\""
	printf '%s\nllama,a100,512,1,10,0,0,12,0.0004,200,1\n' "$SW" >"$T/t.csv"
	run trace-parse "$T/t.csv"
	assert_failure 1
	assert_output "trace-parse: $T/t.csv:2: token_time: a step takes at least 0.001 ms (1 microsecond), got \"0.0004\""
	# One token: no decode step, token_time unused.
	printf '%s\nllama,a100,512,1,1,0,0,12,0,200,1\n' "$SW" >"$T/one.csv"
	run trace-parse "$T/one.csv"
	assert_success
	assert_output '{"step":0,"dur_us":12000,"n_prefill":1,"prefill_tokens":512,"n_decode":0,"decode_tokens":0,"model":"llama","hardware":"a100","tp":1,"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":512}],"decode_requests":[]}'
}

@test "vllm-log: an iteration of 0 ms (or rounding to 0 us) is a bad record" {
	for t in 0 0.0004; do
		run trace-parse <<<"$IT $t ms"
		assert_failure 1
		assert_output "trace-parse: -:1: dur_us: a step takes at least 1 microsecond, got 0"
	done
	run --separate-stderr trace-parse --skip-bad <<<"$IT 0 ms
$IT 1 ms"
	assert_success
	assert_equal "$(jq -c .dur_us <<<"$output")" 1000
	assert_equal "$stderr" "trace-parse: -:1: dur_us: a step takes at least 1 microsecond, got 0
trace-parse: skipped 1 bad record of 2"
}

# --- duplicate ids across files ------------------------------------------

# Before: "(first at line 2)", a line of some other file, not named.
@test "a duplicate request id from another file names that file" {
	cp "$TP/blis-trace.csv" "$T/a.csv"
	cp "$TP/blis-trace.csv" "$T/b.csv"
	run --separate-stderr trace-parse "$T/a.csv" "$T/b.csv"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/b.csv:2: duplicate request id \"0\" (first at $T/a.csv:2)"
	head -3 "$TP/otel.jsonl" >"$T/o.jsonl"
	run --separate-stderr trace-parse "$T/o.jsonl" - <"$T/o.jsonl"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: -:1: duplicate request id \"cmpl-a1\" (first at $T/o.jsonl:1)"
	sed '3s/^1,/0,/' "$TP/blis-trace.csv" >"$T/d.csv"
	run --separate-stderr trace-parse "$T/d.csv"
	assert_failure 1
	assert_equal "$stderr" "trace-parse: $T/d.csv:3: duplicate request id \"0\" (first at line 2)"
}

# --- binary data and text of no format ---------------------------------------

# Before: "ignored 16 log lines without an iteration record", exit 0.
@test "binary data is not a trace: said so, exit 1" {
	/usr/bin/python3 -c 'import random, sys; r = random.Random(14); sys.stdout.buffer.write(bytes(r.choice([c for c in range(256) if c not in b",[{"]) for _ in range(4096)))' >"$T/g.bin"
	run trace-parse "$T/g.bin"
	assert_failure 1
	assert_output "trace-parse: $T/g.bin: nothing in it is a trace: no record and no line of any known format"
	run trace-parse --from vllm-log --skip-bad "$T/g.bin"
	assert_failure 1
	assert_output "trace-parse: $T/g.bin: nothing in it is a trace: no record and no line of any known format"
	printf 'hello\nworld\n' >"$T/readme"
	run trace-parse "$T/readme"
	assert_failure 1
	assert_output "trace-parse: $T/readme: nothing in it is a trace: no record and no line of any known format"
}

@test "a log without iteration lines, a file of blanks, a header alone: no records, exit 0" {
	printf 'binary \1\2\3\nINFO 03-02 10:00:00 [api_server.py:1] Avg prompt throughput: 0 tokens/s\n' >"$T/v.log"
	run --separate-stderr trace-parse "$T/v.log"
	assert_success
	# A real log's line makes it a log: the hint, not "nothing in it".
	assert_equal "${stderr%%$'\n'*}" "trace-parse: $T/v.log: no iteration lines in 2 lines read; vLLM writes them with --enable-logging-iteration-details"
	printf '\n  \n' >"$T/blank"
	run trace-parse "$T/blank"
	assert_success
	assert_output "trace-parse: $T/blank: no records"
	printf '%s\n' "$AZ" >"$T/h.csv"
	run trace-parse "$T/h.csv"
	assert_success
	assert_output "trace-parse: $T/h.csv: no records"
	# A known line of another format in the file counts as one.
	printf 'junk\n%s\n' "$AZ" >"$T/j.log"
	run --separate-stderr trace-parse "$T/j.log"
	assert_success
}

# --- Mooncake hash_ids --------------------------------------------------------

# Before: 12.5 M hash_ids peaked at 1.07 GB; 3 M are out of memory at 100 MB.
@test "mooncake: 3 M hash_ids (unused) fit in 100 MB of address space" {
	skip_under_san
	/usr/bin/python3 -c 'import sys; sys.stdout.write("{\"timestamp\": 27001, \"input_length\": 2290, \"output_length\": 316, \"hash_ids\": [" + ", ".join(map(str, range(3000000))) + "]}\n")' >"$T/big.jsonl"
	run bash -c 'ulimit -v 100000; exec trace-parse -q "$1"' _ "$T/big.jsonl"
	assert_success
	assert_output '{"request_id":"0","arrival_us":0,"input_tokens":2290,"output_tokens":316}'
}

@test "mooncake: hash_ids left out keep every message and column as before" {
	M='"timestamp": 1, "input_length": 5, "output_length": 3'
	run trace-parse <<<'{"hash_ids": [1, 2, 3], "timestamp": x, "input_length": 5, "output_length": 3}'
	assert_failure 1
	assert_output "trace-parse: -:1: invalid JSON at column 38"
	run trace-parse <<<"{$M, \"hash_ids\": [1, 2, 3]} x"
	assert_failure 1
	assert_output "trace-parse: -:1: unexpected text after the JSON value at column 79"
	run trace-parse <<<"{$M, \"hash_ids\": [1, 2, 3], \"hash_ids\": [4]}"
	assert_failure 1
	assert_output 'trace-parse: -:1: duplicate field "hash_ids"'
	run trace-parse <<<"{$M, \"hash_ids\": [1, 2, 3"
	assert_failure 1
	assert_output "trace-parse: -:1: truncated record: unclosed string, object or array at end of input (column 77)"
	run trace-parse <<<"{$M, \"hash_ids\": 7}"
	assert_failure 1
	assert_output "trace-parse: -:1: hash_ids: expected an array, got 7"
	for h in '[1, "a", {"b": 2}]' '[-1.5e3, 0, 01]' '[]' '[ 1 ,2 ]'; do
		run trace-parse <<<"{$M, \"hash_ids\": $h}"
		assert_success
		assert_output '{"request_id":"0","arrival_us":0,"input_tokens":5,"output_tokens":3}'
	done
	run trace-parse <<<"{\"x\": {\"hash_ids\": [1]}, \"s\": \"\\\"hash_ids\\\": [2]\", $M}"
	assert_success
	run trace-parse <<<"{$M, \"hash_ids\": [1, 2\"a\\u0000\"]}"
	assert_failure 1
	assert_output "trace-parse: -:1: invalid JSON at column 74"
}
