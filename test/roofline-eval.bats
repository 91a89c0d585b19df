#!/usr/bin/env bats
# roofline-eval: options, the penalty behaviour of BLIS PR #951, bad input.

setup() {
	load helpers/common
	M=llama-3.1-8b-instruct
	DEC='{"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]}'
	PRE='{"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":512}],"decode_requests":[]}'
}

eval_step() {	# step-json [options...]: print pred_us
	local step=$1
	shift
	roofline-eval -m "$M" -g H100 "$@" <<<"$step" | jq .pred_us
}

# A step of P prefill tokens and D decodes at context C.
mixed() {	# P D C
	jq -cn --argjson p "$1" --argjson d "$2" --argjson c "$3" \
	    '{prefill_requests: [{progress_index: 0, num_new_prefill_tokens: $p}],
	      decode_requests: [range($d) | {progress_index: $c, num_new_decode_tokens: 1}]}'
}

@test "a decode step gives BLIS's value and every eval field" {
	run roofline-eval -m "$M" -g H100 <<<"$DEC"
	assert_success
	assert_output '{"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}],"pred_us":3065,"compute_us":35.276625797540845,"memory_us":3065.089375522388,"minority_fraction":0,"regime":"memory","compute_prefill_us":0,"compute_decode_us":35.276625797540845,"floor_us":3065.089375522388}'
}

@test "unknown fields pass through, in order, and eval fields are replaced" {
	run roofline-eval -m "$M" -g H100 <<<'{"step":7,"ts_us":81234,"dur_us":3100,"pred_us":1,"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1,"request_id":"r1"}],"note":"x"}'
	assert_success
	assert_output '{"step":7,"ts_us":81234,"dur_us":3100,"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1,"request_id":"r1"}],"note":"x","pred_us":3065,"compute_us":35.276625797540845,"memory_us":3065.089375522388,"minority_fraction":0,"regime":"memory","compute_prefill_us":0,"compute_decode_us":35.276625797540845,"floor_us":3065.089375522388,"below_floor":false}'
}

@test "strings pass through with quotes, backslashes, controls and UTF-8 intact" {
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[],"s":"a\"b\\c\n\t\u0001é€"}'
	assert_success
	assert_output --partial '"s":"a\"b\\c\n\t\u0001é€"'
}

@test "output validates against schemas/eval.schema.json" {
	"$ROOT/bench/gensteps" --count 200 --seed 3 |
	    roofline-eval -m "$M" -g H100 >"$BATS_TEST_TMPDIR/e.ndjson"
	run schema_check "$ROOT/schemas/eval.schema.json" "$BATS_TEST_TMPDIR/e.ndjson"
	assert_success
	assert_output "200 records valid"
}

@test "--csv writes a header and one row a step" {
	run roofline-eval -m "$M" -g H100 --csv <<<'{"step":3,"dur_us":12000,"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":512}],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]}'
	assert_success
	assert_line -n 0 "step,ts_us,dur_us,n_prefill,prefill_tokens,n_decode,pred_us,compute_us,memory_us,minority_fraction,regime,compute_prefill_us,compute_decode_us,floor_us,below_floor"
	assert_line -n 1 "3,,12000,1,512,1,11920,11920.222977135478,3125.186865671642,0.0019493177387914784,compute,11884.946351337936,35.276625797540845,5358.808845841334,false"
	[ "${#lines[@]}" -eq 2 ]
}

@test "mixed-batch penalty strictly raises a compute-bound mixed step" {
	step=$(mixed 1024 64 512)
	base=$(eval_step "$step")
	run eval_step "$step" --mixed-batch-penalty 0.5
	assert_success
	[ "$output" -gt "$base" ]
	run roofline-eval -m "$M" -g H100 <<<"$step"
	assert_output --partial '"regime":"compute"'
}

@test "mixed-batch penalty leaves pure prefill and pure decode steps alone" {
	for s in "$DEC" "$PRE" "$(mixed 0 0 0 | jq -c '.decode_requests=[range(64)|{progress_index:900,num_new_decode_tokens:1}]')"; do
		[ "$(eval_step "$s")" = "$(eval_step "$s" --mixed-batch-penalty 1)" ]
	done
	[ "$(eval_step "$PRE")" = 11884 ]
}

@test "a 50/50 mix is penalised more than a 90/10 mix" {
	half=$(mixed 1024 1024 512)
	tenth=$(mixed 9216 1024 512)
	r50=$(( $(eval_step "$half" --mixed-batch-penalty 0.6) * 1000 / $(eval_step "$half") ))
	r90=$(( $(eval_step "$tenth" --mixed-batch-penalty 0.6) * 1000 / $(eval_step "$tenth") ))
	# compute/(1 - 0.6*0.5) = 1.428x and compute/(1 - 0.6*0.1) = 1.063x
	[ "$r50" -eq 1428 ]
	[ "$r90" -eq 1063 ]
}

@test "minority fraction is min(pf, 1-pf) over prefill tokens and decodes" {
	run bash -c "$(declare -f mixed); mixed 300 100 64 | roofline-eval -m $M -g H100 | jq .minority_fraction"
	assert_output "0.25"
}

@test "overlap penalty raises every non-empty step, monotonically" {
	steps="$BATS_TEST_TMPDIR/s.ndjson"
	"$ROOT/bench/gensteps" --count 300 --seed 11 >"$steps"
	for o in 0 0.25 0.5 1; do
		roofline-eval -m "$M" -g H100 --overlap-penalty "$o" "$steps" |
		    jq .pred_us >"$BATS_TEST_TMPDIR/o$o"
	done
	run paste "$BATS_TEST_TMPDIR/o0" "$BATS_TEST_TMPDIR/o0.25" \
	    "$BATS_TEST_TMPDIR/o0.5" "$BATS_TEST_TMPDIR/o1"
	run awk '!($1 < $2 && $2 < $3 && $3 < $4) { bad++ } END { print NR, bad+0 }' <<<"$output"
	assert_output "300 0"
}

@test "zero penalties give max(compute, memory) exactly" {
	"$ROOT/bench/gensteps" --count 300 --seed 5 >"$BATS_TEST_TMPDIR/s"
	run bash -c "roofline-eval -m $M -g H100 --mixed-batch-penalty 0 --overlap-penalty 0 $BATS_TEST_TMPDIR/s |
	    jq -s '[.[] | select(.pred_us != ([.compute_us, .memory_us] | max | floor))] | length'"
	assert_output "0"
	a=$(roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/s" | md5sum)
	b=$(roofline-eval -m "$M" -g H100 --mixed-batch-penalty 0 --overlap-penalty 0 "$BATS_TEST_TMPDIR/s" | md5sum)
	[ "$a" = "$b" ]
}

@test "penalties come from the hardware entry unless a flag overrides them" {
	hw="$BATS_TEST_TMPDIR/hw.json"
	jq '.H100.mixedBatchPenalty = 0.3 | .H100.overlapPenalty = 0.2' \
	    "$ROOT/share/hardware_config.json" >"$hw"
	step=$(jq -c 'del(.expected_us)' <<<'{"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":512},{"progress_index":0,"num_new_prefill_tokens":256}],"decode_requests":[]}' |
	    jq -c '.decode_requests=[range(64)|{progress_index:512,num_new_decode_tokens:1}]')
	[ "$(eval_step "$step" --hardware-config "$hw")" = 21404 ]
	[ "$(eval_step "$step" --hardware-config "$hw" --overlap-penalty 0)" = 20519 ]
	[ "$(eval_step "$step" --hardware-config "$hw" --mixed-batch-penalty 0)" = 20931 ]
	[ "$(eval_step "$step")" = 20046 ]
}

@test "invalid penalty flags are refused with exit 2" {
	for v in nan inf -inf -0.1 1.5 abc "" 0x1p-2x; do
		run roofline-eval -m "$M" -g H100 --mixed-batch-penalty "$v" </dev/null
		assert_failure 2
		assert_line -n 0 "roofline-eval: --mixed-batch-penalty: must be a number in [0, 1], got '$v'"
	done
	run roofline-eval -m "$M" -g H100 --overlap-penalty 2 </dev/null
	assert_failure 2
	assert_line -n 0 "roofline-eval: --overlap-penalty: must be a number in [0, 1], got '2'"
}

@test "an invalid penalty in the hardware config is refused with exit 2" {
	hw="$BATS_TEST_TMPDIR/hw.json"
	jq '.H100.overlapPenalty = 1.5' "$ROOT/share/hardware_config.json" >"$hw"
	run roofline-eval -m "$M" -g H100 --hardware-config "$hw" </dev/null
	assert_failure 2
	assert_line -n 0 "roofline-eval: $hw: H100.overlapPenalty must be in [0, 1], got 1.5"
	jq '.H100.mixedBatchPenalty = -0.5' "$ROOT/share/hardware_config.json" >"$hw"
	run roofline-eval -m "$M" -g H100 --hardware-config "$hw" </dev/null
	assert_failure 2
	assert_line -n 0 "roofline-eval: $hw: H100.mixedBatchPenalty must be in [0, 1], got -0.5"
}

@test "a malformed line stops the run with file, line and column" {
	printf '%s\n{"prefill_requests":[],,}\n' "$DEC" >"$BATS_TEST_TMPDIR/bad.ndjson"
	run --separate-stderr roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/bad.ndjson"
	assert_failure 1
	assert_output --partial '"pred_us":3065'
	[ "$stderr" = "roofline-eval: $BATS_TEST_TMPDIR/bad.ndjson:2: invalid JSON at column 25" ]
}

@test "a truncated record is reported as truncated" {
	printf '{"prefill_requests":[],"decode_requests":[{"progress_index":512' >"$BATS_TEST_TMPDIR/t.ndjson"
	run roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/t.ndjson"
	assert_failure 1
	assert_output "roofline-eval: $BATS_TEST_TMPDIR/t.ndjson:1: truncated record: unclosed string, object or array at end of input (column 64)"
}

@test "a wrong type names the field by its path" {
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":"512","num_new_decode_tokens":1}]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: decode_requests[0].progress_index: expected an integer, got a string"
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":2.5}],"decode_requests":[]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: prefill_requests[0].num_new_prefill_tokens: expected an integer, got 2.5"
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":{},"decode_requests":[]}'
	assert_output "roofline-eval: -:1: prefill_requests: expected an array, got an object"
	run roofline-eval -m "$M" -g H100 <<<'[1]'
	assert_output "roofline-eval: -:1: expected a JSON object (a step record)"
}

@test "a negative token count is refused" {
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[{"progress_index":0,"num_new_prefill_tokens":-5}],"decode_requests":[]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: prefill_requests[0].num_new_prefill_tokens: must not be negative, got -5"
}

@test "huge numbers are refused, not rounded" {
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":1e300,"num_new_decode_tokens":1}]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: decode_requests[0].progress_index: integer too large (limit 2^53)"
}

@test "a missing field is named" {
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[]}'
	assert_failure 1
	assert_output 'roofline-eval: -:1: missing field "decode_requests"'
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[{"num_new_prefill_tokens":5}],"decode_requests":[]}'
	assert_output 'roofline-eval: -:1: prefill_requests[0].progress_index: missing'
}

@test "decodes must carry exactly one new token" {
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":5,"num_new_decode_tokens":4}]}'
	assert_failure 1
	assert_output "roofline-eval: -:1: decode_requests[0].num_new_decode_tokens: must be 1 (the roofline counts one token per decode), got 4"
}

@test "duplicate fields in a record are refused" {
	run roofline-eval -m "$M" -g H100 <<<'{"prefill_requests":[],"decode_requests":[],"step":1,"step":2}'
	assert_failure 1
	assert_output 'roofline-eval: -:1: duplicate field "step"'
}

@test "aggregate steps are sent to batchify" {
	run roofline-eval -m "$M" -g H100 <<<'{"step":1,"n_prefill":1,"prefill_tokens":5,"n_decode":0,"decode_tokens":0,"dur_us":10}'
	assert_failure 1
	assert_output "roofline-eval: -:1: aggregate step (counts only, no \"prefill_requests\"): expand it first with 'batchify --mode expand'"
}

@test "an empty file gives no output and a warning" {
	: >"$BATS_TEST_TMPDIR/empty.ndjson"
	run roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/empty.ndjson"
	assert_success
	assert_output "roofline-eval: $BATS_TEST_TMPDIR/empty.ndjson: no step records"
}

@test "blank lines are not records; a file without final newline is whole" {
	printf '\n%s\n  \n%s' "$DEC" "$PRE" >"$BATS_TEST_TMPDIR/f.ndjson"
	run roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/f.ndjson"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	assert_line -n 1 --partial '"pred_us":11884'
}

@test "CRLF line ends and a byte-order mark are read as plain lines" {
	printf '\xef\xbb\xbf%s\r\n%s\r\n' "$DEC" "$PRE" >"$BATS_TEST_TMPDIR/crlf.ndjson"
	run bash -c "roofline-eval -m $M -g H100 $BATS_TEST_TMPDIR/crlf.ndjson | jq -c .pred_us"
	assert_success
	assert_output $'3065\n11884'
}

@test "--skip-bad skips, reports each skipped record and counts them" {
	printf '%s\n{bad\n%s\n[]\n' "$DEC" "$PRE" >"$BATS_TEST_TMPDIR/m.ndjson"
	run --separate-stderr roofline-eval -m "$M" -g H100 --skip-bad "$BATS_TEST_TMPDIR/m.ndjson"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[ "$stderr" = "roofline-eval: $BATS_TEST_TMPDIR/m.ndjson:2: truncated record: unclosed string, object or array at end of input (column 5)
roofline-eval: $BATS_TEST_TMPDIR/m.ndjson:4: expected a JSON object (a step record)
roofline-eval: skipped 2 bad records of 4" ]
}

@test "several files are read in order; - is standard input" {
	printf '%s\n' "$PRE" >"$BATS_TEST_TMPDIR/a"
	run bash -c "roofline-eval -m $M -g H100 $BATS_TEST_TMPDIR/a - $BATS_TEST_TMPDIR/a <<<'$DEC' | jq .pred_us"
	assert_output $'11884\n3065\n11884'
}

@test "an unreadable input file is exit 1 with the system's reason" {
	run roofline-eval -m "$M" -g H100 /nonexistent/steps
	assert_failure 1
	assert_output "roofline-eval: /nonexistent/steps: No such file or directory"
}

@test "-o writes the file atomically and leaves nothing behind on failure" {
	out="$BATS_TEST_TMPDIR/out.ndjson"
	run roofline-eval -m "$M" -g H100 -o "$out" <<<"$DEC"
	assert_success
	assert_output ""
	assert_file_exists "$out"
	run jq .pred_us "$out"
	assert_output 3065
	echo old >"$out"
	run roofline-eval -m "$M" -g H100 -o "$out" <<<'{bad'
	assert_failure 1
	run cat "$out"
	assert_output old
	run bash -c "ls $BATS_TEST_TMPDIR | grep -c out.ndjson."
	assert_output 0
}

@test "-o onto a FIFO writes into it and leaves it a FIFO" {
	f="$BATS_TEST_TMPDIR/fifo"
	mkfifo "$f"
	cat "$f" >"$BATS_TEST_TMPDIR/got" &
	run roofline-eval -m "$M" -g H100 -o "$f" <<<"$DEC"
	assert_success
	wait
	[ -p "$f" ]
	run jq .pred_us "$BATS_TEST_TMPDIR/got"
	assert_output 3065
}

@test "models load by name, directory or file; text_config nesting works" {
	a=$(eval_step "$DEC")
	M="$ROOT/share/models/llama-3.1-8b-instruct"
	[ "$(eval_step "$DEC")" = "$a" ]
	M="$ROOT/share/models/llama-3.1-8b-instruct/config.json"
	[ "$(eval_step "$DEC")" = "$a" ]
	M=llama-4-scout-17b-16e-instruct-fp8-dynamic
	[ "$(eval_step "$DEC" -t 2)" -gt 0 ]
}

@test "every shipped model and hardware entry loads and evaluates" {
	local m g t n=0
	mkdir "$BATS_TEST_TMPDIR/eval"
	cd "$BATS_TEST_TMPDIR/eval"
	for m in $(roofline-eval --list-models); do
		for g in $(roofline-eval --list-hardware); do
			for t in 1 2 4 8; do
				roofline-eval -m "$m" -g "$g" -t "$t" <<<"$PRE" >"$m $g tp$t"
				n=$((n + 1))
			done
		done
	done
	# One jq pass over them all: each one's single pred_us is above 0.
	run jq -r '"\(input_filename)\t\(.pred_us)"' -- *
	assert_success
	run awk -F '\t' '$2 !~ /^[1-9][0-9]*$/ || seen[$1]++ { bad++; print }
	    END { print NR " evaluations, " bad + 0 " bad" }' <<<"$output"
	assert_output "$n evaluations, 0 bad"
}

@test "--list-models and --list-hardware name what share/ holds" {
	run roofline-eval --list-models
	assert_success
	[ "${#lines[@]}" -eq 13 ]
	assert_line -n 0 codellama-34b-instruct-hf
	assert_line llama-3.1-8b-instruct
	run roofline-eval --list-hardware
	assert_output $'A100-80\nA100-SXM\nH100\nH200\nL40S'
}

@test "unknown model or hardware is exit 2 naming the known ones" {
	run roofline-eval -m nosuch -g H100 </dev/null
	assert_failure 2
	assert_line -n 0 "roofline-eval: unknown model 'nosuch' (known: codellama-34b-instruct-hf, deepseek-v2-lite, glm-5.2-fp8, llama-2-7b-hf, llama-3.1-70b-instruct, llama-3.1-8b-instruct, llama-4-scout-17b-16e-instruct-fp8-dynamic, mistral-nemo-instruct-2407, mixtral-8x7b-v0.1, qwen2.5-7b-instruct, qwen3-14b, qwen3-30b-a3b, yi-34b)"
	run roofline-eval -m "$M" -g B200 </dev/null
	assert_failure 2
	assert_line -n 0 "roofline-eval: unknown hardware 'B200' in $ROOT/share/hardware_config.json (known: A100-80, A100-SXM, H100, H200, L40S)"
}

@test "bad usage is exit 2 with a pointer to --help" {
	run roofline-eval -g H100 </dev/null
	assert_failure 2
	assert_output $'roofline-eval: --model is required (see --list-models)\nTry \'roofline-eval --help\' for more information.'
	run roofline-eval --bogus
	assert_failure 2
	assert_line -n 0 "roofline-eval: unknown option '--bogus'"
	run roofline-eval -m
	assert_failure 2
	assert_line -n 0 "roofline-eval: option '-m' needs a value"
	run roofline-eval -m "$M" -g H100 --tp 0 </dev/null
	assert_failure 2
	assert_line -n 0 "roofline-eval: --tp: must be a whole number from 1 to 4096, got '0'"
}

@test "--help and --version print to standard output and exit 0" {
	run --separate-stderr roofline-eval --help
	assert_success
	assert_line -n 0 "usage: roofline-eval --model NAME|DIR|FILE --hardware NAME [options] [FILE...]"
	[ -z "$stderr" ]
	run roofline-eval --version
	assert_success
	assert_output "roofline-eval (rooftrace) 0.1.0"
}

@test "a broken model config is exit 1 naming file and field" {
	d="$BATS_TEST_TMPDIR/m"
	mkdir -p "$d"
	jq 'del(.num_attention_heads)' "$ROOT/share/models/$M/config.json" >"$d/config.json"
	run roofline-eval -m "$d" -g H100 </dev/null
	assert_failure 1
	assert_output "roofline-eval: $d/config.json: num_attention_heads must be > 0, got 0"
	printf '{"hidden_size": 4096,' >"$d/config.json"
	run roofline-eval -m "$d" -g H100 </dev/null
	assert_failure 1
	assert_output "roofline-eval: $d/config.json: truncated JSON: unclosed string, object or array at end of input (column 22)"
}

@test "ROOFTRACE_SHARE points the programs at another share directory" {
	s="$BATS_TEST_TMPDIR/share"
	mkdir -p "$s/models/tiny"
	cp "$ROOT/share/models/$M/config.json" "$s/models/tiny/"
	jq '{X1: .H100}' "$ROOT/share/hardware_config.json" >"$s/hardware_config.json"
	run env ROOFTRACE_SHARE="$s" roofline-eval --list-models
	assert_output tiny
	run env ROOFTRACE_SHARE="$s" roofline-eval -m tiny -g X1 <<<"$DEC"
	assert_output --partial '"pred_us":3065'
}

# The tail roofline-eval appends to an empty step and to $DEC's step.
ZERO=',"pred_us":0,"compute_us":0,"memory_us":0,"minority_fraction":0,"regime":"memory","compute_prefill_us":0,"compute_decode_us":0,"floor_us":0}'
DECTAIL=',"pred_us":3065,"compute_us":35.276625797540845,"memory_us":3065.089375522388,"minority_fraction":0,"regime":"memory","compute_prefill_us":0,"compute_decode_us":35.276625797540845,"floor_us":3065.089375522388}'

@test "a record comes out as its own bytes, numbers, escapes and spacing kept" {
	in1='{"step": 1, "x": 1.0, "y": 1e3, "z": -0, "w": 12345678901234567890, "prefill_requests": [], "decode_requests": [{"progress_index": 512, "num_new_decode_tokens": 1.0}]}'
	in2='{"s":"\u00e9\/\b\f\u0001","t":"é€","prefill_requests":[],"decode_requests":[]}'
	in3='{"prefill_requests":[],"decode_requests":[],"big":1E400 }'
	run roofline-eval -m "$M" -g H100 <<<"$in1"$'\n'"$in2"$'\n'"$in3"
	assert_success
	assert_output "${in1%\}}$DECTAIL"$'\n'"${in2%\}}$ZERO"$'\n''{"prefill_requests":[],"decode_requests":[],"big":1E400'"$ZERO"
}

@test "a record with eval fields keeps its other fields' bytes, each key once" {
	in='{"step": 2, "pred_us": 1, "prefill_requests": [], "regime": "x", "decode_requests": [{"progress_index": 512, "num_new_decode_tokens": 1}], "y": 1.0}'
	run roofline-eval -m "$M" -g H100 <<<"$in"
	assert_success
	assert_output '{"step": 2,"prefill_requests": [],"decode_requests": [{"progress_index": 512, "num_new_decode_tokens": 1}],"y": 1.0'"$DECTAIL"
	# Its own output evaluated again is the same bytes.
	run bash -c "roofline-eval -m $M -g H100 <<<'$in' | roofline-eval -m $M -g H100"
	assert_output '{"step": 2,"prefill_requests": [],"decode_requests": [{"progress_index": 512, "num_new_decode_tokens": 1}],"y": 1.0'"$DECTAIL"
}

@test "CRLF, byte-order marks and blanks around a record are not copied" {
	e='{"prefill_requests":[],"decode_requests":[]}'
	printf '\xef\xbb\xbf%s\r\n  \t%s \t\r\n\xef\xbb\xbf%s\r\n{"a":1,"prefill_requests":[],"decode_requests":[]  }\r\n' \
	    "$e" "$e" "$e" >"$BATS_TEST_TMPDIR/crlf"
	run roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/crlf"
	assert_success
	assert_output "${e%\}}$ZERO"$'\n'"${e%\}}$ZERO"$'\n'"${e%\}}$ZERO"$'\n''{"a":1,"prefill_requests":[],"decode_requests":[]'"$ZERO"
	[ "$(roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/crlf" | tr -d '\n' | tr -dc '\r\357' | wc -c)" -eq 0 ]
}

@test "every generated step comes out as its input line plus the eval fields" {
	"$ROOT/bench/gensteps" --count 300 --seed 9 >"$BATS_TEST_TMPDIR/s"
	roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/s" |
	    sed -E 's/,"pred_us":[^,]*,"compute_us":[^,]*,"memory_us":[^,]*,"minority_fraction":[^,]*,"regime":"(compute|memory)","compute_prefill_us":[^,]*,"compute_decode_us":[^,]*,"floor_us":[^,]*(,"below_floor":(true|false))?\}$/}/' \
	    >"$BATS_TEST_TMPDIR/back"
	run cmp "$BATS_TEST_TMPDIR/s" "$BATS_TEST_TMPDIR/back"
	assert_success
}

@test "records of any size parse in turn: large, small, large, bad, small" {
	big=$(mixed 512 20000 4096)
	[ "${#big}" -gt 1000000 ]
	small="$DEC"
	printf '%s\n%s\n%s\n{"prefill_requests":[],"decode_requests":[{"progress_index":1}]}\n%s\n' \
	    "$big" "$small" "$big" "$small" >"$BATS_TEST_TMPDIR/mix"
	run --separate-stderr roofline-eval -m "$M" -g H100 --skip-bad "$BATS_TEST_TMPDIR/mix"
	assert_success
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" = "${lines[2]}" ]
	# %, not %%: bash's longest match is quadratic on a 1 MB line.
	[ "${lines[0]%,\"pred_us\":*}}" = "$big" ]
	[ "${lines[1]}" = "${DEC%\}}$DECTAIL" ]
	[ "${lines[3]}" = "${lines[1]}" ]
	[ "$stderr" = "roofline-eval: $BATS_TEST_TMPDIR/mix:4: decode_requests[0].num_new_decode_tokens: missing
roofline-eval: skipped 1 bad record of 5" ]
}

# The floor and its parts (EVALFIELDS: issue 11's floor, issue 12's fit).
FLOOR_MSG="timed steps are below the physical floor (peak FLOPs and peak bandwidth): their times cannot be step times"

@test "compute_prefill_us and compute_decode_us are the step's prefill and decode parts" {
	pre=$(mixed 1024 0 0)
	dec=$(mixed 0 64 512 | jq -c '.prefill_requests = []')
	both=$(jq -c --argjson d "$dec" '.decode_requests = $d.decode_requests' <<<"$pre")
	cp=$(roofline-eval -m "$M" -g H100 <<<"$pre" | jq .compute_us)
	cd=$(roofline-eval -m "$M" -g H100 <<<"$dec" | jq .compute_us)
	# A mixed-batch penalty changes neither part (nor compute_us).
	run bash -c "roofline-eval -m $M -g H100 --mixed-batch-penalty 0.7 <<<'$both' |
	    jq -c '[.compute_prefill_us, .compute_decode_us]'"
	assert_output "[$cp,$cd]"
	run bash -c "roofline-eval -m $M -g H100 <<<'$pre' | jq -c '[.compute_prefill_us, .compute_decode_us]'"
	assert_output "[$cp,0]"
	run bash -c "roofline-eval -m $M -g H100 <<<'$dec' | jq -c '[.compute_prefill_us, .compute_decode_us]'"
	assert_output "[0,$cd]"
}

@test "floor_us is max(cP*mfuPrefill + cD*mfuDecode, memory_us) exactly; the parts sum to compute_us" {
	"$ROOT/bench/gensteps" --count 300 --seed 13 >"$BATS_TEST_TMPDIR/s"
	# H100: mfuPrefill 0.45, mfuDecode 0.3, no BwPhysicalTBs.
	run bash -c "roofline-eval -m $M -g H100 --overlap-penalty 0.3 $BATS_TEST_TMPDIR/s | jq -s '
	    ([.[] | select(.floor_us != ([.compute_prefill_us * 0.45 + .compute_decode_us * 0.3,
	        .memory_us] | max))] | length),
	    ([.[] | select((.compute_us - .compute_prefill_us - .compute_decode_us | fabs) >
	        1e-12 * .compute_us)] | length),
	    ([.[] | select(.floor_us >= .pred_us + 1)] | length),
	    ([.[] | select(.regime == \"compute\" and .floor_us > .memory_us)] | length > 0)'"
	assert_output $'0\n0\n0\ntrue'
}

@test "below_floor: true below the floor, false at or above it, absent without a number dur_us" {
	printf '%s\n' "$(jq -c '.dur_us = 3000' <<<"$DEC")" "$(jq -c '.dur_us = 3100' <<<"$DEC")" \
	    "$DEC" "$(jq -c '.dur_us = null' <<<"$DEC")" \
	    '{"dur_us":1,"prefill_requests":[],"decode_requests":[]}' >"$BATS_TEST_TMPDIR/f"
	run --separate-stderr roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/f"
	assert_success
	[ "${#lines[@]}" -eq 5 ]
	[ "${lines[0]}" = "$(jq -c '.dur_us = 3000' <<<"$DEC" | sed 's/}$//')${DECTAIL%\}},\"below_floor\":true}" ]
	[ "${lines[1]}" = "$(jq -c '.dur_us = 3100' <<<"$DEC" | sed 's/}$//')${DECTAIL%\}},\"below_floor\":false}" ]
	[ "${lines[2]}" = "${DEC%\}}$DECTAIL" ]
	[ "${lines[3]}" = "$(jq -c '.dur_us = null' <<<"$DEC" | sed 's/}$//')$DECTAIL" ]
	[ "${lines[4]}" = "{\"dur_us\":1,\"prefill_requests\":[],\"decode_requests\":[]${ZERO%\}},\"below_floor\":false}" ]
	[ "$stderr" = "roofline-eval: 1 of 3 $FLOOR_MSG" ]
}

@test "no count line when no timed step is below the floor" {
	run --separate-stderr roofline-eval -m "$M" -g H100 <<<"$(jq -c '.dur_us = 3100' <<<"$DEC")"$'\n'"$DEC"
	assert_success
	[ "${#lines[@]}" -eq 2 ]
	[ -z "$stderr" ]
}

@test "the count covers every file, comes after the skip count, and in CSV too" {
	below=$(jq -c '.dur_us = 2000' <<<"$DEC")
	printf '%s\n{bad\n' "$below" >"$BATS_TEST_TMPDIR/a"
	printf '%s\n%s\n' "$below" "$(jq -c '.dur_us = 4000' <<<"$DEC")" >"$BATS_TEST_TMPDIR/b"
	run --separate-stderr roofline-eval -m "$M" -g H100 --skip-bad "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	assert_success
	[ "$stderr" = "roofline-eval: $BATS_TEST_TMPDIR/a:2: truncated record: unclosed string, object or array at end of input (column 5)
roofline-eval: skipped 1 bad record of 4
roofline-eval: 2 of 3 $FLOOR_MSG" ]
	run --separate-stderr roofline-eval -m "$M" -g H100 --csv "$BATS_TEST_TMPDIR/b" - <<<"$DEC"
	assert_success
	assert_output "step,ts_us,dur_us,n_prefill,prefill_tokens,n_decode,pred_us,compute_us,memory_us,minority_fraction,regime,compute_prefill_us,compute_decode_us,floor_us,below_floor
,,2000,0,0,1,3065,35.276625797540845,3065.089375522388,0,memory,0,35.276625797540845,3065.089375522388,true
,,4000,0,0,1,3065,35.276625797540845,3065.089375522388,0,memory,0,35.276625797540845,3065.089375522388,false
,,,0,0,1,3065,35.276625797540845,3065.089375522388,0,memory,0,35.276625797540845,3065.089375522388,"
	[ "$stderr" = "roofline-eval: 1 of 2 $FLOOR_MSG" ]
}

@test "a record's own below_floor is replaced, or dropped when it has no dur_us" {
	run roofline-eval -m "$M" -g H100 <<<'{"below_floor":true,"floor_us":1,"dur_us":3100,"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]}
{"below_floor":false,"compute_decode_us":"x","prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]}'
	assert_success
	assert_output '{"dur_us":3100,"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]'"${DECTAIL%\}}"',"below_floor":false}
{"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]'"$DECTAIL"
}

@test "BwPhysicalTBs lowers the memory floor and nothing else" {
	hw="$BATS_TEST_TMPDIR/hw.json"
	jq '.H100.BwPhysicalTBs = 4.0' "$ROOT/share/hardware_config.json" >"$hw"
	"$ROOT/bench/gensteps" --count 200 --seed 17 | jq -c '.dur_us = 2800' >"$BATS_TEST_TMPDIR/s"
	a=$(roofline-eval -m "$M" -g H100 "$BATS_TEST_TMPDIR/s" 2>/dev/null |
	    jq -c '[.pred_us, .compute_us, .memory_us, .compute_prefill_us, .compute_decode_us, .regime]' | md5sum)
	b=$(roofline-eval -m "$M" -g H100 --hardware-config "$hw" "$BATS_TEST_TMPDIR/s" 2>/dev/null |
	    jq -c '[.pred_us, .compute_us, .memory_us, .compute_prefill_us, .compute_decode_us, .regime]' | md5sum)
	[ "$a" = "$b" ]
	run bash -c "roofline-eval -m $M -g H100 --hardware-config $hw $BATS_TEST_TMPDIR/s 2>/dev/null | jq -s '
	    [.[] | select(.floor_us != ([.compute_prefill_us * 0.45 + .compute_decode_us * 0.3,
	        .memory_us * (3.35 / 4.0)] | max))] | length'"
	assert_output 0
	# The decode step at 512: floor 3065.09 at peak bandwidth, 2567.01 at 4 TB/s.
	run --separate-stderr roofline-eval -m "$M" -g H100 <<<"$(jq -c '.dur_us = 3000' <<<"$DEC")"
	assert_output --partial '"floor_us":3065.089375522388,"below_floor":true}'
	[ "$stderr" = "roofline-eval: 1 of 1 $FLOOR_MSG" ]
	run --separate-stderr roofline-eval -m "$M" -g H100 --hardware-config "$hw" <<<"$(jq -c '.dur_us = 3000' <<<"$DEC")"
	assert_output --partial '"pred_us":3065,'
	assert_output --partial '"floor_us":2567.0123519999997,"below_floor":false}'
	[ -z "$stderr" ]
}

@test "BwPhysicalTBs must be a positive finite number" {
	hw="$BATS_TEST_TMPDIR/hw.json"
	for v in 0 -1.5; do
		jq ".H100.BwPhysicalTBs = $v" "$ROOT/share/hardware_config.json" >"$hw"
		run roofline-eval -m "$M" -g H100 --hardware-config "$hw" </dev/null
		assert_failure 1
		assert_output "roofline-eval: $hw: H100.BwPhysicalTBs must be a positive number, got $v"
	done
	jq '.H100.BwPhysicalTBs = "4"' "$ROOT/share/hardware_config.json" >"$hw"
	run roofline-eval -m "$M" -g H100 --hardware-config "$hw" </dev/null
	assert_failure 1
	assert_output "roofline-eval: $hw: H100.BwPhysicalTBs: expected a number, got a string"
	jq '.H100.BwPhysicalTBs = null' "$ROOT/share/hardware_config.json" >"$hw"
	run roofline-eval -m "$M" -g H100 --hardware-config "$hw" </dev/null
	assert_output "roofline-eval: $hw: H100.BwPhysicalTBs: expected a number, got null"
	sed 's/"BwPeakTBs": 3.35,/&"BwPhysicalTBs": 1e999,/' "$ROOT/share/hardware_config.json" >"$hw"
	grep -q '"BwPhysicalTBs": 1e999' "$hw"
	run roofline-eval -m "$M" -g H100 --hardware-config "$hw" </dev/null
	assert_failure 1
	assert_output "roofline-eval: $hw: H100.BwPhysicalTBs: number out of range"
	# Another entry's bad field does not matter.
	jq '.["A100-80"].BwPhysicalTBs = 0' "$ROOT/share/hardware_config.json" >"$hw"
	run roofline-eval -m "$M" -g H100 --hardware-config "$hw" <<<"$DEC"
	assert_success
}

@test "eval records with dur_us, below_floor both ways, validate against the schema" {
	"$ROOT/bench/gensteps" --count 200 --seed 19 |
	    jq -c 'if .step % 3 == 0 then . elif .step % 3 == 1 then .dur_us = 1 else .dur_us = 1e9 end' |
	    roofline-eval -m "$M" -g H100 2>/dev/null >"$BATS_TEST_TMPDIR/e.ndjson"
	[ "$(grep -c '"below_floor":true' "$BATS_TEST_TMPDIR/e.ndjson")" -gt 0 ]
	[ "$(grep -c '"below_floor":false' "$BATS_TEST_TMPDIR/e.ndjson")" -gt 0 ]
	[ "$(grep -vc '"below_floor"' "$BATS_TEST_TMPDIR/e.ndjson")" -gt 0 ]
	run schema_check "$ROOT/schemas/eval.schema.json" "$BATS_TEST_TMPDIR/e.ndjson"
	assert_success
	assert_output "200 records valid"
	jq -c '.floor_us = -1' "$BATS_TEST_TMPDIR/e.ndjson" | head -1 >"$BATS_TEST_TMPDIR/bad.ndjson"
	run schema_check "$ROOT/schemas/eval.schema.json" "$BATS_TEST_TMPDIR/bad.ndjson"
	assert_failure
}

@test "the byte-copy writer and the re-serialising one write the same eval fields" {
	"$ROOT/bench/gensteps" --count 300 --seed 23 |
	    jq -c 'if .step % 2 == 0 then .dur_us = 4000 else . end' >"$BATS_TEST_TMPDIR/s"
	jq -c '.pred_us = 1 | .below_floor = 1' "$BATS_TEST_TMPDIR/s" >"$BATS_TEST_TMPDIR/r"
	roofline-eval -m "$M" -g H100 --overlap-penalty 0.2 "$BATS_TEST_TMPDIR/s" \
	    >"$BATS_TEST_TMPDIR/a" 2>/dev/null
	roofline-eval -m "$M" -g H100 --overlap-penalty 0.2 "$BATS_TEST_TMPDIR/r" \
	    >"$BATS_TEST_TMPDIR/b" 2>/dev/null
	[ "$(grep -c '"below_floor":true' "$BATS_TEST_TMPDIR/a")" -gt 0 ]
	[ "$(grep -c '"below_floor":false' "$BATS_TEST_TMPDIR/a")" -gt 0 ]
	[ "$(jq -s '[.[] | select(.compute_prefill_us > 0 and .compute_decode_us > 0)] | length' "$BATS_TEST_TMPDIR/a")" -gt 0 ]
	run cmp "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
	assert_success
}
