#!/usr/bin/env bats
# fit-penalty --hardware-config-out edits one entry of a hardware config
# as JSON: every other byte kept, whatever the file holds (long comments,
# escapes, many entries or fields, a byte-order mark, fields BLIS added
# later), concurrent fits of one file merged or refused, never lost, and
# two outputs on one path refused before any work.  And the entry's
# "rooftrace" object, written and read back.

setup_file() {
	load helpers/common
	local d="$BATS_FILE_TMPDIR"
	# 300 steps, true b = 0.3, o = 0.2: a fit takes a few milliseconds.
	"$ROOT/bench/gensteps" --seed 11 --count 300 >"$d/steps.ndjson"
	roofline-eval -m llama-3.1-8b-instruct -g H100 \
	    --mixed-batch-penalty 0.3 --overlap-penalty 0.2 \
	    <"$d/steps.ndjson" >"$d/eval.ndjson"
	"$ROOT/test/helpers/fit-synth" --seed 1011 "$d/eval.ndjson" >"$d/syn.ndjson"
	export SYN="$d/syn.ndjson"
	build_hwextras "$d/hwextras"
	export HWX="$d/hwextras"
}

setup() {
	load helpers/common
	D=$BATS_TEST_TMPDIR
	HW="$D/hw.json"
	cp "$ROOT/share/hardware_config.json" "$HW"
}

# The test driver of the rooftrace object, linked with fit-penalty's
# modules from the build the programs under test come from.
build_hwextras() {	# out
	local obj=build san=
	case $BIN in
	*/build/san/bin) obj=build/san san="-fsanitize=address,undefined" ;;
	esac
	cc -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror $san \
	    -I"$ROOT/libcommon" -I"$ROOT/tools/fit-penalty" -o "$1" \
	    "$ROOT/test/helpers/hwextras.c" \
	    $(ls "$ROOT/$obj"/tools/fit-penalty/*.o | grep -v '/main\.o$') \
	    "$ROOT/$obj/libcommon.a" -lcjson -lcsv -lgsl -lgslcblas -lcrypto -lm
}

# Fit entry NAME of FILE in place, report to OUT.
fit_in_place() {	# file name out [args...]
	local f=$1 g=$2 o=$3
	shift 3
	fit-penalty -q -g "$g" --hardware-config "$f" --hardware-config-out "$f" \
	    -o "$o" "$@" "$SYN"
}

# The entry's penalties are the report's estimates: "true true".
assert_fitted() {	# file name report
	run jq -r --arg g "$2" --slurpfile f "$3" '.[$g] |
	    [.mixedBatchPenalty == $f[0].parameters.mixed_batch_penalty.estimate,
	     .overlapPenalty == $f[0].parameters.overlap_penalty.estimate,
	     .mixedBatchPenalty > 0] | @tsv' "$1"
	assert_output "$(printf 'true\ttrue\ttrue')"
}

# Lines that differ between two files (diff's < and > lines).
changed_lines() {	# a b
	diff "$1" "$2" | grep -c '^[<>]'
}

@test "an entry edited in place: only its edited lines change" {
	cp "$HW" "$D/orig.json"
	fit_in_place "$HW" H100 "$D/fit.json"
	assert_fitted "$HW" H100 "$D/fit.json"
	run changed_lines "$D/orig.json" "$HW"
	assert_output 4
}

@test "a _comment of 3,000 bytes with backslashes and quotes is carried whole" {
	local c
	c=$(for i in $(seq -w 1 30); do printf 'C:\\runs\\"shard %s"\\steps-%s.ndjson; ' "$i" "$i"; done)
	c="$c$(printf '%*s' 2000 '' | tr ' ' '\\')end"
	[ "${#c}" -gt 3000 ]
	jq --arg c "$c" '.H100._comment = $c' "$ROOT/share/hardware_config.json" >"$HW"
	fit_in_place "$HW" H100 "$D/fit.json" --fit b,o,bandwidth
	run jq -r --arg c "$c" '.H100._comment | [startswith("Calibrated by fit-penalty"),
	    endswith(" Earlier comment: " + $c)] | @tsv' "$HW"
	assert_output "$(printf 'true\ttrue')"
	roofline-eval -m llama-3.1-8b-instruct -g H100 --hardware-config "$HW" </dev/null
}

@test "two entry names sharing their first 63 bytes: the named one is edited" {
	local p
	p=$(printf 'x%.0s' $(seq 63))
	jq --arg a "${p}A" --arg b "${p}B" '{($a): .H100, ($b): .H100}' \
	    "$ROOT/share/hardware_config.json" >"$HW"
	cp "$HW" "$D/orig.json"
	fit_in_place "$HW" "${p}B" "$D/fit.json"
	assert_fitted "$HW" "${p}B" "$D/fit.json"
	run jq --arg a "${p}A" --slurpfile o "$D/orig.json" '.[$a] == $o[0][$a]' "$HW"
	assert_output true
}

@test "an entry of 75 fields, the penalties last: each written once" {
	jq '.H100 = ([range(67)] | map({key: "x\(.)", value: .}) | from_entries) + .H100' \
	    "$ROOT/share/hardware_config.json" >"$HW"
	[ "$(jq '.H100 | length' "$HW")" -eq 75 ]
	cp "$HW" "$D/orig.json"
	fit_in_place "$HW" H100 "$D/fit.json"
	assert_fitted "$HW" H100 "$D/fit.json"
	run grep -c '"mixedBatchPenalty"' "$HW"
	assert_output 5
	run changed_lines "$D/orig.json" "$HW"
	assert_output 4
	roofline-eval -m llama-3.1-8b-instruct -g H100 --hardware-config "$HW" </dev/null
}

@test "a key spelled with an escape is that key: its value is replaced, its spelling kept" {
	sed '0,/"mixedBatchPenalty"/s//"mixedBatch\\u0050enalty"/' \
	    "$ROOT/share/hardware_config.json" >"$HW"
	run grep -c 'mixedBatch\\u0050enalty": 0.0,' "$HW"
	assert_output 1
	fit_in_place "$HW" H100 "$D/fit.json"
	assert_fitted "$HW" H100 "$D/fit.json"
	# Once an entry, under its own spelling: roofline-eval refuses a key twice.
	run grep -c 'mixedBatch' "$HW"
	assert_output 5
	run grep -cF "\"mixedBatch\\u0050enalty\": $(jq .parameters.mixed_batch_penalty.estimate "$D/fit.json")," "$HW"
	assert_output 1
	roofline-eval -m llama-3.1-8b-instruct -g H100 --hardware-config "$HW" </dev/null
}

@test "300 entries: the 257th is edited, --list-hardware shows them all" {
	jq '.H100 as $h | [range(300)] | map({key: "G\(.)", value: $h}) |
	    from_entries' "$ROOT/share/hardware_config.json" >"$HW"
	cp "$HW" "$D/orig.json"
	fit_in_place "$HW" G256 "$D/fit.json"
	assert_fitted "$HW" G256 "$D/fit.json"
	run jq --slurpfile o "$D/orig.json" 'del(.G256) == ($o[0] | del(.G256))' "$HW"
	assert_output true
	run changed_lines "$D/orig.json" "$HW"
	assert_output 4
	run roofline-eval --list-hardware --hardware-config "$HW"
	assert_success
	[ "${#lines[@]}" -eq 300 ]
	assert_line -n 0 G0
	assert_line -n 299 G99
}

@test "an escaped entry name is found by what it decodes to, and keeps its spelling" {
	sed 's/"H100":/"H\\u0031\\u0030\\u0030x":/' "$ROOT/share/hardware_config.json" >"$HW"
	cp "$HW" "$D/orig.json"
	fit_in_place "$HW" H100x "$D/fit.json"
	assert_fitted "$HW" H100x "$D/fit.json"
	run grep -c '^	"H\\u0031\\u0030\\u0030x": {$' "$HW"
	assert_output 1
	run changed_lines "$D/orig.json" "$HW"
	assert_output 4
}

@test "a byte-order mark is kept, and the entry behind it edited" {
	{ printf '\357\273\277'; cat "$ROOT/share/hardware_config.json"; } >"$HW"
	fit_in_place "$HW" H100 "$D/fit.json"
	run od -An -tx1 -N4 "$HW"
	assert_output " ef bb bf 7b"
	tail -c +4 "$HW" >"$D/nobom.json"
	assert_fitted "$D/nobom.json" H100 "$D/fit.json"
}

@test "control bytes cJSON skips between tokens: kept, and not copied into new fields" {
	printf '{"G": {"TFlopsPeak": 989.5, "BwPeakTBs": 3.35, "mfuPrefill": 0.45,\n\t"mfuDecode"\000\010: 0.3}}\n' >"$HW"
	cp "$HW" "$D/orig.json"
	fit_in_place "$HW" G "$D/fit.json"
	# The NUL and backspace stay where they were (all but the closing
	# "}}\n" is kept); the new fields use blanks.
	run cmp -n $(($(wc -c <"$D/orig.json") - 3)) "$D/orig.json" "$HW"
	assert_success
	run grep -ac $'\x08'': 0.3,' "$HW"
	assert_output 1
	run grep -c $'^\t"mixedBatchPenalty": 0.[0-9]*,$' "$HW"
	assert_output 1
	roofline-eval -m llama-3.1-8b-instruct -g G --hardware-config "$HW" </dev/null
}

@test "fields BLIS added later (IntraNodeBwGBps, objects) are kept byte for byte" {
	jq '.H100 += {IntraNodeBwGBps: 900, InterNodeBwGBps: 50.0,
	    future: {a: [1, 2.50, "x"]}}' "$ROOT/share/hardware_config.json" |
	    sed 's/"InterNodeBwGBps": 50/"InterNodeBwGBps":   50.000/' >"$HW"
	cp "$HW" "$D/orig.json"
	fit_in_place "$HW" H100 "$D/fit.json" --fit b,o,bandwidth
	assert_fitted "$HW" H100 "$D/fit.json"
	run grep -c '"InterNodeBwGBps":   50.000,' "$HW"
	assert_output 1
	run jq -c '.H100 | [.IntraNodeBwGBps, .future]' "$HW"
	assert_output '[900,{"a":[1,2.5,"x"]}]'
}

# Two fits of one file, both having read it before either writes: each
# entry ends up with its own fit, whichever wrote first.
two_fits_read_first() {	# file out-dir name1 name2
	local f=$1 d=$2 rc=0
	mkfifo "$d/in1" "$d/in2"
	fit-penalty -q -g "$3" --hardware-config "$f" --hardware-config-out "$f" \
	    -o "$d/fit1.json" "$d/in1" 3>&- &
	local p1=$!
	fit-penalty -q -g "$4" --hardware-config "$f" --hardware-config-out "$f" \
	    -o "$d/fit2.json" "$d/in2" 3>&- &
	local p2=$!
	# Each open returns once that fit opened its input: it has read f.
	exec 5>"$d/in1" 6>"$d/in2"
	cat "$SYN" >&5
	exec 5>&-
	cat "$SYN" >&6
	exec 6>&-
	wait "$p1" || rc=1
	wait "$p2" || rc=1
	return $rc
}
export -f two_fits_read_first

@test "two fits of one file, each read before the other wrote: no update lost" {
	jq '{G1: .H100, G2: .H100}' "$ROOT/share/hardware_config.json" >"$HW"
	run timeout 60 bash -c 'two_fits_read_first "$@"' - "$HW" "$D" G1 G2
	assert_success
	assert_fitted "$HW" G1 "$D/fit1.json"
	assert_fitted "$HW" G2 "$D/fit2.json"
}

@test "GNU parallel: four fits of four entries of one file at once, none lost" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed"
	jq '{G1: .H100, G2: .H100, G3: .H100, G4: .H100}' \
	    "$ROOT/share/hardware_config.json" >"$HW"
	run parallel -j4 fit-penalty -q -g {} --hardware-config "$HW" \
	    --hardware-config-out "$HW" -o "$D/{}.json" "$SYN" ::: G1 G2 G3 G4
	assert_success
	for g in G1 G2 G3 G4; do
		assert_fitted "$HW" "$g" "$D/$g.json"
	done
}

# A fit that has read f, then f's entry name changed, then the fit goes on.
fit_after_change() {	# file out-dir name jq-edit
	local f=$1 d=$2 rc
	mkfifo "$d/in"
	fit-penalty -q -g "$3" --hardware-config "$f" --hardware-config-out "$f" \
	    -o "$d/fit.json" "$d/in" 3>&- 2>"$d/err" &
	local p=$!
	exec 5>"$d/in"
	jq "$4" "$f" >"$f.new" && mv "$f.new" "$f"
	cat "$SYN" >&5
	exec 5>&-
	wait "$p"
	rc=$?
	cat "$d/err"
	return $rc
}
export -f fit_after_change

@test "the fitted entry changed since it was read: refused, nothing written" {
	run timeout 60 bash -c 'fit_after_change "$@"' - "$HW" "$D" H100 \
	    '.H100.mfuDecode = 0.25'
	assert_failure 1
	assert_output "fit-penalty: $HW: entry \"H100\" changed since it was read (another program wrote it meanwhile); nothing written: run the fit again"
	run jq -c '.H100 | [.mfuDecode, .mixedBatchPenalty]' "$HW"
	assert_output '[0.25,0]'
	assert_file_not_exists "$D/fit.json"
}

@test "another entry changed since it was read: both changes kept" {
	run timeout 60 bash -c 'fit_after_change "$@"' - "$HW" "$D" H100 \
	    '.L40S.mfuDecode = 0.09'
	assert_success
	assert_fitted "$HW" H100 "$D/fit.json"
	run jq '.L40S.mfuDecode' "$HW"
	assert_output 0.09
}

@test "two outputs on one path: exit 2 before any work" {
	# The input does not exist: refused before it is opened.
	run fit-penalty -g H100 -o "$D/x.json" --hardware-config-out "$D/x.json" "$D/nosuch"
	assert_failure 2
	assert_line -n 0 "fit-penalty: -o and --hardware-config-out name one file ($D/x.json): give each output its own"
	assert_file_not_exists "$D/x.json"
	run fit-penalty -g H100 --residuals "$D/r" --hardware-config-out "$D/./r" "$D/nosuch"
	assert_failure 2
	assert_line -n 0 "fit-penalty: --residuals and --hardware-config-out name one file ($D/./r): give each output its own"
	# An existing file, through a symbolic link.
	ln -s "$HW" "$D/link.json"
	run fit-penalty -g H100 -o "$D/link.json" --residuals "$HW" "$D/nosuch"
	assert_failure 2
	assert_line -n 0 "fit-penalty: -o and --residuals name one file ($HW): give each output its own"
	run fit-penalty --residuals - "$D/nosuch"
	assert_failure 2
	assert_line -n 0 "fit-penalty: -o and --residuals name one file (standard output): give each output its own"
	run fit-penalty -g H100 --hardware-config "$HW" -o "$D/link.json" "$D/nosuch"
	assert_failure 2
	assert_line -n 0 "fit-penalty: -o would replace the hardware config it reads ($D/link.json)"
	cmp "$HW" "$ROOT/share/hardware_config.json"
	# Devices may take any number of outputs.
	run fit-penalty -g H100 -o /dev/null --residuals /dev/null \
	    --hardware-config-out /dev/null "$SYN"
	assert_success
}

@test "entry names match ignoring case; the file keeps the canonical name" {
	fit_in_place "$HW" h100 "$D/fit.json"
	assert_fitted "$HW" H100 "$D/fit.json"
	run grep -c '"h100"' "$HW"
	assert_output 0
}

@test "the rooftrace object: written into the entry, read back, merged, checked" {
	run "$HWX" read "$HW" H100
	assert_output "no rooftrace object"
	run "$HWX" write "$HW" h100 "$HW" alpha0_us=1500 alpha1_us_per_token=0.25 \
	    alpha2_us=-3.5 post_decode_us=800 output_lag_steps=1 \
	    prefix_hit_fraction=0.4 "provenance=request fit of \"run\" 1"
	assert_success
	run "$HWX" read "$HW" H100
	assert_output "$(printf '%s\n' 'alpha0_us 1500' 'alpha1_us_per_token 0.25' \
	    'alpha2_us -3.5' 'post_decode_us 800' 'output_lag_steps 1' \
	    'prefix_hit_fraction 0.40000000000000002' 'provenance request fit of "run" 1')"
	# In the entry's layout, after its last field.
	run sed -n '10,19p' "$HW"
	assert_output "$(printf '%s\n' '		"overlapPenalty": 0.0,' '		"rooftrace": {' \
	    '			"alpha0_us": 1500,' '			"alpha1_us_per_token": 0.25,' \
	    '			"alpha2_us": -3.5,' '			"post_decode_us": 800,' \
	    '			"output_lag_steps": 1,' '			"prefix_hit_fraction": 0.4,' \
	    '			"provenance": "request fit of \"run\" 1"' '		}')"
	# A later fit of the penalties keeps it; a later write merges into it.
	fit_in_place "$HW" H100 "$D/fit.json"
	"$HWX" write "$HW" H100 "$HW" alpha0_us=1200
	run "$HWX" read "$HW" H100
	assert_line -n 0 "alpha0_us 1200"
	assert_line -n 1 "alpha1_us_per_token 0.25"
	assert_fitted "$HW" H100 "$D/fit.json"
	# BLIS's readers and ours still read the entry.
	roofline-eval -m llama-3.1-8b-instruct -g H100 --hardware-config "$HW" </dev/null
	# Two edits of one file in one run: the second would not see the first.
	cp "$HW" "$D/before.json"
	run "$HWX" write2 "$HW" H100 "$HW" alpha0_us=1
	assert_failure 1
	assert_output "hwextras: internal error: $HW edited twice in one run: make one struct hwconfig_edits of every edit"
	cmp "$HW" "$D/before.json"
}

@test "a bad rooftrace object is reported by its field" {
	jq '.H100.rooftrace = {alpha0_us: "x"}' "$ROOT/share/hardware_config.json" >"$HW"
	run "$HWX" read "$HW" H100
	assert_failure 1
	assert_output "hwextras: $HW: H100.rooftrace.alpha0_us: expected a number, got a string"
	jq '.H100.rooftrace = {prefix_hit_fraction: 1.5}' "$ROOT/share/hardware_config.json" >"$HW"
	run "$HWX" read "$HW" H100
	assert_output "hwextras: $HW: H100.rooftrace.prefix_hit_fraction: must be in [0, 1], got 1.5"
	jq '.H100.rooftrace = {alpha3_us: 1}' "$ROOT/share/hardware_config.json" >"$HW"
	run "$HWX" read "$HW" H100
	assert_output "hwextras: $HW: H100.rooftrace.alpha3_us: unknown field (known: alpha0_us, alpha1_us_per_token, alpha2_us, post_decode_us, output_lag_steps, prefix_hit_fraction, provenance)"
	run "$HWX" write "$HW" H100 "$HW" alpha0_us=1
	assert_failure 1
	assert_output "hwextras: $HW: H100.rooftrace.alpha3_us: unknown field (known: alpha0_us, alpha1_us_per_token, alpha2_us, post_decode_us, output_lag_steps, prefix_hit_fraction, provenance) (fix or remove the rooftrace object); nothing written"
	jq '.H100.rooftrace = []' "$ROOT/share/hardware_config.json" >"$HW"
	run "$HWX" read "$HW" H100
	assert_output "hwextras: $HW: H100.rooftrace: expected an object, got an array"
}
