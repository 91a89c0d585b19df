#!/usr/bin/env bats
# Faults and hostile input, every program: signals during -o,
# the target's mode and symbolic links, all-or-none outputs, a full disk,
# out of memory, NUL in strings, duplicate keys at any depth, integers
# from 2^53, the step fields' types, cJSON's depth limit, and bytes that
# are not UTF-8 in messages.

setup() {
	load helpers/common
	M=llama-3.1-8b-instruct
	T="$BATS_TEST_TMPDIR"
	DEC='{"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]}'
	REQ='{"request_id":"a","arrival_us":0,"input_tokens":5,"output_tokens":2}'
	MOON='{"timestamp": 27001, "input_length": 2290, "output_length": 316, "hash_ids": [0]}'
	EVAL="$FIXTURES/fit-penalty/synthetic-h100.ndjson"
}

# A program on a small valid input, writing -o TARGET.
prog_out() {	# prog target
	case $1 in
	roofline-eval)	roofline-eval -m "$M" -g H100 -o "$2" <<<"$DEC" ;;
	batchify)	batchify --step-us 1000 -o "$2" <<<"$REQ" ;;
	trace-replay)	trace-replay -m "$M" -g H100 -o "$2" <<<"$REQ" ;;
	trace-parse)	trace-parse -o "$2" <<<"$MOON" ;;
	fit-penalty)	fit-penalty -g H100 -o "$2" "$EVAL" ;;
	esac
}

PROGS="roofline-eval batchify trace-replay trace-parse fit-penalty"

# Print the temporary files left beside $1 (none: nothing, status 1).
leftovers() {	# target
	compgen -G "$1.??????"
}

# Start a program reading a FIFO held open, with -o; wait (a bounded poll,
# no timing) until its temporary file exists, send the signal, and check
# the exit status, that nothing is left beside the target and that the
# target is as it was.
signal_test() {	# signal status line prog args...
	local sig=$1 want=$2 line=$3 out="$T/out" fifo="$T/in" pid st=0 i
	shift 3
	echo old >"$out"
	mkfifo "$fifo"
	# Background jobs start with SIGINT ignored; a program keeps an
	# ignored signal ignored (nohup), so give it the default first.
	env --default-signal=INT,TERM,HUP "$@" -o "$out" <"$fifo" \
	    2>"$T/err" &
	pid=$!
	exec 5>"$fifo"
	printf '%s\n' "$line" >&5
	for ((i = 0; i < 1000; i++)); do
		leftovers "$out" >/dev/null && break
		sleep 0.01
	done
	run leftovers "$out"
	assert_success		# the temporary file is there
	kill -"$sig" "$pid"
	wait "$pid" || st=$?
	exec 5>&-
	[ "$st" -eq "$want" ]
	run leftovers "$out"
	assert_failure
	assert_output ""
	[ "$(cat "$out")" = old ]
}

# --- signals ----------------------------------------------------------

@test "SIGTERM during -o: exit 143, no temporary file, target untouched" {
	signal_test TERM 143 "$DEC" roofline-eval -m "$M" -g H100
}

@test "SIGINT during -o: exit 130, no temporary file, target untouched" {
	signal_test INT 130 "$DEC" roofline-eval -m "$M" -g H100
}

@test "SIGHUP during -o: exit 129, no temporary file, target untouched" {
	signal_test HUP 129 "$DEC" roofline-eval -m "$M" -g H100
}

@test "a signal during -o leaves nothing in batchify, trace-replay, trace-parse" {
	signal_test TERM 143 "$REQ" batchify --step-us 1000
	rm -f "$T/in"
	signal_test INT 130 "$REQ" trace-replay -m "$M" -g H100
	rm -f "$T/in"
	signal_test HUP 129 "$MOON" trace-parse
}

@test "an ignored SIGHUP stays ignored (nohup)" {
	local fifo="$T/in" pid st=0 i
	mkfifo "$fifo"
	(trap '' HUP; exec roofline-eval -m "$M" -g H100 -o "$T/out" <"$fifo") &
	pid=$!
	exec 5>"$fifo"
	printf '%s\n' "$DEC" >&5
	for ((i = 0; i < 1000; i++)); do
		leftovers "$T/out" >/dev/null && break
		sleep 0.01
	done
	kill -HUP "$pid"
	exec 5>&-
	wait "$pid" || st=$?
	[ "$st" -eq 0 ]
	[ "$(jq -r .regime "$T/out")" = memory ]
}

# --- modes and links --------------------------------------------------

@test "-o keeps the target's mode (600 stays 600) in every program" {
	for p in $PROGS; do
		echo old >"$T/$p.out"
		chmod 600 "$T/$p.out"
		prog_out "$p" "$T/$p.out"
		[ "$(stat -c %a "$T/$p.out")" = 600 ] || { echo "$p: $(stat -c %a "$T/$p.out")"; false; }
		[ "$(cat "$T/$p.out")" != old ]
	done
}

@test "a new -o file gets the umask's mode" {
	for p in $PROGS; do
		(umask 077; prog_out "$p" "$T/$p.new")
		[ "$(stat -c %a "$T/$p.new")" = 600 ] || { echo "$p: $(stat -c %a "$T/$p.new")"; false; }
		(umask 027; prog_out "$p" "$T/$p.new2")
		[ "$(stat -c %a "$T/$p.new2")" = 640 ]
	done
}

@test "-o onto a symbolic link writes the file it points to; the link stays" {
	mkdir "$T/d" "$T/e"
	for p in $PROGS; do
		echo old >"$T/e/$p.real"
		chmod 640 "$T/e/$p.real"
		ln -s "../e/$p.real" "$T/d/$p.link"
		prog_out "$p" "$T/d/$p.link"
		[ -L "$T/d/$p.link" ]
		[ "$(readlink "$T/d/$p.link")" = "../e/$p.real" ]
		[ "$(cat "$T/e/$p.real")" != old ]
		[ "$(stat -c %a "$T/e/$p.real")" = 640 ]
	done
	run ls -A "$T/d" "$T/e"
	refute_output --partial .real.
}

@test "-o onto a chain of links and onto a dangling link" {
	echo old >"$T/real"
	ln -s real "$T/l1"
	ln -s "$T/l1" "$T/l2"
	prog_out roofline-eval "$T/l2"
	[ -L "$T/l2" ] && [ -L "$T/l1" ]
	[ "$(jq -r .regime "$T/real")" = memory ]
	ln -s notyet "$T/dangling"
	prog_out roofline-eval "$T/dangling"
	[ -L "$T/dangling" ]
	[ "$(jq -r .regime "$T/notyet")" = memory ]
}

# --- full disk; several outputs ------------------------------------------

@test "-o /dev/full: exit 1 with the write error" {
	run roofline-eval -m "$M" -g H100 -o /dev/full <<<"$DEC"
	assert_failure 1
	assert_output "roofline-eval: /dev/full: write error: No space left on device"
	run batchify --mode replay --step-us 1000 -o /dev/full <<<"$REQ"
	assert_failure 1
	assert_output "batchify: /dev/full: write error: No space left on device"
}

@test "fit-penalty writes all of its outputs or none (-o /dev/full)" {
	echo old >"$T/res.ndjson"
	echo old >"$T/hw.json"
	run fit-penalty -g H100 --residuals "$T/res.ndjson" \
	    --hardware-config-out "$T/hw.json" -o /dev/full "$EVAL"
	assert_failure 1
	assert_output "fit-penalty: /dev/full: write error: No space left on device"
	[ "$(cat "$T/res.ndjson")" = old ]
	[ "$(cat "$T/hw.json")" = old ]
	run ls -A "$T"
	assert_output "$(printf 'hw.json\nres.ndjson')"
	run fit-penalty -g H100 --residuals "$T/res.ndjson" \
	    --hardware-config-out "$T/hw.json" -o "$T/fit.json" "$EVAL"
	assert_success
	[ "$(jq -r .parameters.overlap_penalty.fitted "$T/fit.json")" = true ]
	[ "$(jq -s length "$T/res.ndjson")" -gt 100 ]
	jq -e .H100.overlapPenalty "$T/hw.json"
}

# --- out of memory --------------------------------------------------------

skip_under_san() {
	case $BIN in
	*build/san*) skip "ASan reserves more address space than ulimit -v allows" ;;
	esac
}

@test "out of memory in a valid record: said so, exit 1, never skipped as bad" {
	skip_under_san
	/usr/bin/python3 -c 'import sys; sys.stdout.write("{\"request_id\":\"a\",\"arrival_us\":0,\"input_tokens\":5,\"output_tokens\":2,\"x\":[" + ",".join(["1"] * 3000000) + "]}\n")' >"$T/big.ndjson"
	run batchify --step-us 1000 "$T/big.ndjson"
	assert_success		# valid: without a limit it goes through
	run bash -c 'ulimit -v 100000; exec batchify --step-us 1000 --skip-bad "$1"' _ "$T/big.ndjson"
	assert_failure 1
	assert_output "batchify: out of memory"
}

@test "out of memory in roofline-eval and fit-penalty: said so, exit 1" {
	skip_under_san
	/usr/bin/python3 -c 'import sys; sys.stdout.write("{\"prefill_requests\":[],\"decode_requests\":[" + ",".join(["{\"progress_index\":1,\"num_new_decode_tokens\":1}"] * 400000) + "]}\n")' >"$T/big.ndjson"
	run bash -c 'ulimit -v 100000; exec roofline-eval -m "$1" -g H100 --skip-bad "$2"' _ "$M" "$T/big.ndjson"
	assert_failure 1
	assert_output "roofline-eval: out of memory"
	{ printf '%s' "$(head -1 "$EVAL" | sed 's/}$/,"x":[/')"; yes 1, | head -3000000 | tr -d '\n'; echo '1]}'; } >"$T/bigeval.ndjson"
	run fit-penalty -g H100 "$T/bigeval.ndjson" "$EVAL"
	assert_success
	run bash -c 'ulimit -v 100000; exec fit-penalty -g H100 --skip-bad "$1" "$2"' _ "$T/bigeval.ndjson" "$EVAL"
	assert_failure 1
	assert_output "fit-penalty: out of memory"
}

@test "a line too long for memory is out of memory, not the end of the input" {
	skip_under_san
	run bash -c 'head -c 300000000 /dev/zero | { ulimit -v 100000; exec roofline-eval -m "$1" -g H100; }' _ "$M"
	assert_failure 1
	assert_output "roofline-eval: out of memory"
}

# --- NUL in strings ----------------------------------------------------

@test "a NUL in a string is refused, not cut (JSON escape and raw byte)" {
	run batchify --step-us 1000 <<<'{"request_id":"a\u0000x","arrival_us":0,"input_tokens":5,"output_tokens":2}'
	assert_failure 1
	assert_output "batchify: -:1: request_id: contains a NUL character"
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":1,"num_new_decode_tokens":1,"request_id":"x\u0000y"}]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: decode_requests[0].request_id: contains a NUL character"
	run roofline-eval -m "$M" -g H100 <<<'{"s":"x\u0000y","prefill_requests":[],"decode_requests":[]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: s: contains a NUL character"
	printf '{"prefill_requests":[],"decode_requests":[],"s":"a\0b"}\n' >"$T/raw.ndjson"
	run roofline-eval -m "$M" -g H100 "$T/raw.ndjson"
	assert_failure 1
	assert_output "roofline-eval: $T/raw.ndjson:1: s: contains a NUL character"
	run trace-replay -m "$M" -g H100 <<<'{"request_id":"a\u0000","arrival_us":0,"input_tokens":5,"output_tokens":2}'
	assert_failure 1
	assert_output "trace-replay: -:1: request_id: contains a NUL character"
}

@test "a NUL in a field name is refused; an escaped backslash before u0000 is no NUL" {
	run roofline-eval -m "$M" -g H100 <<<'{"a\u0000b":1,"prefill_requests":[],"decode_requests":[]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: a field name contains a NUL character"
	run roofline-eval -m "$M" -g H100 <<<'{"m":{"k":[{"a\u0000":1}]},"prefill_requests":[],"decode_requests":[]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: m.k[0]: a field name contains a NUL character"
	run roofline-eval -m "$M" -g H100 <<<'{"s":"a\\u0000","prefill_requests":[],"decode_requests":[]}'
	assert_success
	assert_output --partial '"s":"a\\u0000"'
	# cJSON skips every byte up to the space between tokens: so does the
	# walk that names the field.
	printf '{"a":1,\x01\x00"s":"x\\u0000y","prefill_requests":[],"decode_requests":[]}\n' >"$T/ctl.ndjson"
	run roofline-eval -m "$M" -g H100 "$T/ctl.ndjson"
	assert_failure 1
	assert_output "roofline-eval: $T/ctl.ndjson:1: s: contains a NUL character"
}

@test "fit-penalty refuses a NUL in an eval record" {
	{ head -1 "$EVAL" | sed 's/}$/,"note":"a\\u0000b"}/'; cat "$EVAL"; } >"$T/e.ndjson"
	run fit-penalty -g H100 "$T/e.ndjson"
	assert_failure 1
	assert_output "fit-penalty: $T/e.ndjson:1: note: contains a NUL character"
}

# --- duplicate keys ---------------------------------------------------

@test "duplicate keys are refused at every level, named by their path" {
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":0,"progress_index":500,"num_new_decode_tokens":1}]}'
	assert_failure 1
	assert_output 'roofline-eval: -:1: duplicate field "decode_requests[0].progress_index"'
	run roofline-eval -m "$M" -g H100 <<<'{"meta":{"a":{"b":1,"b":2}},"prefill_requests":[],"decode_requests":[]}'
	assert_failure 1
	assert_output 'roofline-eval: -:1: duplicate field "meta.a.b"'
	run batchify --step-us 1000 <<<'{"request_id":"a","arrival_us":0,"input_tokens":5,"output_tokens":2,"x":[{},{"k":1,"k":2}]}'
	assert_failure 1
	assert_output 'batchify: -:1: duplicate field "x[1].k"'
	run trace-replay -m "$M" -g H100 <<<'{"request_id":"a","arrival_us":0,"arrival_us":7,"input_tokens":5,"output_tokens":2}'
	assert_failure 1
	assert_output 'trace-replay: -:1: duplicate field "arrival_us"'
}

@test "duplicate keys: fit-penalty, trace-parse's Mooncake, a hardware config" {
	{ head -1 "$EVAL" | sed 's/}$/,"dur_us":1}/'; cat "$EVAL"; } >"$T/e.ndjson"
	run fit-penalty -g H100 "$T/e.ndjson"
	assert_failure 1
	assert_output "fit-penalty: $T/e.ndjson:1: duplicate field \"dur_us\""
	run trace-parse <<<'{"timestamp": 1, "timestamp": 2, "input_length": 5, "output_length": 3}'
	assert_failure 1
	assert_output 'trace-parse: -:1: duplicate field "timestamp"'
	jq '.H100.TFlopsPeak = 1' "$ROOT/share/hardware_config.json" |
	    sed 's/"TFlopsPeak": 1,/"TFlopsPeak": 1, "TFlopsPeak": 2,/' >"$T/hw.json"
	grep -q '"TFlopsPeak": 1, "TFlopsPeak": 2' "$T/hw.json"
	run roofline-eval -m "$M" -g H100 --hardware-config "$T/hw.json" <<<"$DEC"
	assert_failure 1
	assert_output --partial 'duplicate field "H100.TFlopsPeak"'
}

@test "a duplicate among many keys is found; keys sharing a first byte are fine" {
	obj=$(for i in $(seq 0 39); do printf '"k%d":%d,' "$i" "$i"; done)
	run roofline-eval -m "$M" -g H100 <<<"{$obj\"k17\":0,\"prefill_requests\":[],\"decode_requests\":[]}"
	assert_failure 1
	assert_output 'roofline-eval: -:1: duplicate field "k17"'
	run roofline-eval -m "$M" -g H100 <<<"{$obj\"prefill_requests\":[],\"decode_requests\":[]}"
	assert_success
	run roofline-eval -m "$M" -g H100 <<<'{"s":1,"st":2,"step":3,"prefill_requests":[],"decode_requests":[]}'
	assert_success
}

# --- integers from 2^53 -----------------------------------------------

@test "integers from 2^53 are refused, not rounded (2^53 + 1 reads as 2^53)" {
	for v in 9007199254740993 9007199254740992 1e300; do
		run roofline-eval -m "$M" -g H100 <<<"{\"prefill_requests\":[],\"decode_requests\":[{\"progress_index\":$v,\"num_new_decode_tokens\":1}]}"
		assert_failure 1
		assert_output "roofline-eval: -:1: decode_requests[0].progress_index: integer too large (limit 2^53)"
	done
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":9007199254740993}],"decode_requests":[]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: prefill_requests[0].num_new_prefill_tokens: integer too large (limit 2^53)"
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":9007199254740991,"num_new_decode_tokens":1}]}'
	assert_success
	run batchify --step-us 1000 <<<'{"request_id":"a","arrival_us":9007199254740993,"input_tokens":5,"output_tokens":2}'
	assert_failure 1
	assert_output "batchify: -:1: arrival_us: integer too large (limit 2^53)"
	run trace-replay -m "$M" -g H100 <<<'{"request_id":"a","arrival_us":0,"input_tokens":9007199254740993,"output_tokens":2}'
	assert_failure 1
	assert_output "trace-replay: -:1: input_tokens: integer too large (limit 2^53)"
}

# --- the step's own fields in roofline-eval ---------------------------

@test "roofline-eval checks step, ts_us, dur_us for type and range" {
	L='"prefill_requests":[],"decode_requests":[]'
	while IFS='|' read -r field value msg; do
		run roofline-eval -m "$M" -g H100 <<<"{\"$field\":$value,$L}"
		assert_failure 1
		assert_output "roofline-eval: -:1: $field: $msg"
	done <<'EOF'
step|"5"|expected an integer, got a string
step|true|expected an integer, got true
step|{}|expected an integer, got an object
step|-1|must not be negative, got -1
step|2.5|expected an integer, got 2.5
step|9223372036854775808|integer too large (limit 2^53)
step|null|expected an integer, got null
ts_us|"0"|expected an integer, got a string
ts_us|1.5|expected an integer, got 1.5
ts_us|9007199254740993|integer too large (limit 2^53)
dur_us|1e400|integer too large (limit 2^53)
dur_us|"20"|expected an integer, got a string
dur_us|-3|must not be negative, got -3
dur_us|0|must be positive (or null when unknown), got 0
dur_us|2.5|expected an integer, got 2.5
EOF
	run roofline-eval -m "$M" -g H100 <<<"{\"step\":0,\"ts_us\":-5,\"dur_us\":null,$L}"
	assert_success
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":1,"num_new_decode_tokens":1,"request_id":5}]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: decode_requests[0].request_id: expected a string, got 5"
}

# --- messages ----------------------------------------------------------

@test "JSON nested past cJSON's limit is said to be, not called invalid" {
	deep=$(printf '%*s' 100000 '' | tr ' ' '[')$(printf '%*s' 100000 '' | tr ' ' ']')
	run roofline-eval -m "$M" -g H100 <<<"$deep"
	assert_failure 1
	assert_output "roofline-eval: -:1: nested deeper than 1000 levels (the JSON library's limit)"
	at=$(printf '%*s' 999 '' | tr ' ' '[')$(printf '%*s' 999 '' | tr ' ' ']')
	run roofline-eval -m "$M" -g H100 <<<"{\"x\":$at,\"prefill_requests\":[],\"decode_requests\":[]}"
	assert_success
	run roofline-eval -m "$M" -g H100 <<<"{\"x\":[$at],\"prefill_requests\":[],\"decode_requests\":[]}"
	assert_failure 1
	assert_output "roofline-eval: -:1: nested deeper than 1000 levels (the JSON library's limit)"
	run roofline-eval -m "$M" -g H100 <<<"{\"x\":$at,\"prefill_requests\":[],\"decode_requests\":[,]}"
	assert_failure 1
	assert_output "roofline-eval: -:1: invalid JSON at column 2046"
}

@test "bytes that are not printable UTF-8 are escaped in messages" {
	printf '{"\xff\x01":1,"\xff\x01":2,"prefill_requests":[],"decode_requests":[]}\n' >"$T/bad.ndjson"
	run roofline-eval -m "$M" -g H100 "$T/bad.ndjson"
	assert_failure 1
	assert_output "roofline-eval: $T/bad.ndjson:1: duplicate field \"\\xFF\\x01\""
	run roofline-eval -m "$M" -g H100 <<<'{"é":1,"é":2,"prefill_requests":[],"decode_requests":[]}'
	assert_output 'roofline-eval: -:1: duplicate field "é"'
	run roofline-eval -m "$M" -g H100 "$T/no"$'\t\xc3'"such"
	assert_failure 1
	assert_output "roofline-eval: $T/no\\x09\\xC3such: No such file or directory"
}

@test "batchify --mode expand checks an aggregate step's step, ts_us, dur_us" {
	A='"n_prefill":0,"prefill_tokens":0,"n_decode":1,"decode_tokens":1'
	run batchify --mode expand <<<"{\"step\":1,\"ts_us\":\"x\",$A,\"dur_us\":10}"
	assert_failure 1
	assert_output "batchify: -:1: ts_us: expected an integer, got a string"
	run batchify --mode expand <<<"{\"step\":1,$A,\"dur_us\":9007199254740993}"
	assert_failure 1
	assert_output "batchify: -:1: dur_us: integer too large (limit 2^53)"
	run batchify --mode expand <<<"{\"step\":-2,$A}"
	assert_failure 1
	assert_output "batchify: -:1: step: must not be negative, got -2"
}

@test "fit-penalty refuses a dur_us from 2^53" {
	{ head -1 "$EVAL" | sed 's/"dur_us":[0-9.]*/"dur_us":1e300/'; cat "$EVAL"; } >"$T/e.ndjson"
	run fit-penalty -g H100 "$T/e.ndjson"
	assert_failure 1
	assert_output "fit-penalty: $T/e.ndjson:1: dur_us: too large (limit 2^53)"
}
