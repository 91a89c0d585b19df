#!/usr/bin/env bats
# The toolkit as a Unix citizen: man pages that match --help, an install
# that finds its data without help, bash completion from --help.

setup() {
	load helpers/common
	# Every room under tools/ is a program; six at least, so that no
	# loop below can pass by looping over nothing.
	PROGS=$(cd "$ROOT/tools" && ls -d */ | tr -d /)
	[ "$(echo $PROGS | wc -w)" -ge 6 ] ||
	    fail "found only '$PROGS' under tools/"
}

@test "every program has a man page naming every option of its --help" {
	local p opt missing="" text
	command -v man >/dev/null || skip "man (man-db) not installed"
	for p in $PROGS; do
		page="$ROOT/share/man/man1/$p.1"
		[ -f "$page" ] || { missing="$missing $p.1"; continue; }
		# Rendered, so man and mdoc pages alike; wide, so nothing wraps.
		text=$(MANWIDTH=1000 man -l "$page" 2>/dev/null | col -b)
		for opt in $("$p" --help | grep -oE -- '--[a-z0-9][a-z0-9-]*' | sort -u); do
			grep -qF -- "$opt" <<<"$text" || missing="$missing $p:$opt"
		done
	done
	[ -z "$missing" ] || fail "missing from man pages:$missing"
}

@test "every program answers --help and --version on stdout, exit 0" {
	local p
	for p in $PROGS; do
		run --separate-stderr "$p" --help
		assert_success
		assert_line -n 0 --partial "usage: $p"
		[ -z "$stderr" ]
		run "$p" --version
		assert_success
		assert_output "$p (rooftrace) 0.1.0"
	done
}

@test "every program refuses an unknown option with exit 2" {
	local p
	for p in $PROGS; do
		run "$p" --no-such-option
		assert_failure 2
		assert_line -n 0 "$p: unknown option '--no-such-option'"
	done
}

@test "make install puts a working tree under DESTDIR" {
	d="$BATS_TEST_TMPDIR/root"
	run make -C "$ROOT" -s install DESTDIR="$d" PREFIX=/usr
	assert_success
	for p in $PROGS; do
		assert_file_executable "$d/usr/bin/$p"
		assert_file_exists "$d/usr/share/man/man1/$p.1"
		assert_file_exists "$d/usr/share/bash-completion/completions/$p"
	done
	assert_file_exists "$d/usr/share/rooftrace/hardware_config.json"
	assert_file_exists "$d/usr/share/rooftrace/models/llama-3.1-8b-instruct/config.json"
	assert_file_exists "$d/usr/share/rooftrace/schemas/eval.schema.json"
	# The installed program finds its own share directory, no env needed.
	run env -u ROOFTRACE_SHARE "$d/usr/bin/roofline-eval" --list-hardware
	assert_output $'A100-80\nA100-SXM\nH100\nH200\nL40S'
	run env -u ROOFTRACE_SHARE "$d/usr/bin/roofline-eval" -m llama-3.1-8b-instruct -g H100 \
	    <<<'{"prefill_requests":[],"decode_requests":[{"progress_index":512,"num_new_decode_tokens":1}]}'
	assert_output --partial '"pred_us":3065'
	# Every installed program, in the whole pipeline, from that tree alone.
	local b="$d/usr/bin" m="-m llama-3.1-8b-instruct -g H100"
	run env -u ROOFTRACE_SHARE bash -c "
		'$b/trace-parse' '$ROOT/fixtures/demo/bench-serve.json' >'$BATS_TEST_TMPDIR/req' &&
		'$b/batchify' -q '$BATS_TEST_TMPDIR/req' >'$BATS_TEST_TMPDIR/steps' &&
		'$b/roofline-eval' $m '$BATS_TEST_TMPDIR/steps' 2>/dev/null |
		'$b/fit-penalty' -g H100 --exact-only \
		    --fit b,o,mfu-prefill,mfu-decode,bandwidth \
		    --hardware-config-out '$BATS_TEST_TMPDIR/hw.json' >'$BATS_TEST_TMPDIR/fit' &&
		'$b/trace-replay' $m --hardware-config '$BATS_TEST_TMPDIR/hw.json' \
		    --summary --json '$BATS_TEST_TMPDIR/req' | jq .requests"
	assert_success
	assert_output 600
	run jq -r '.parameters.overlap_penalty.identifiability.status' "$BATS_TEST_TMPDIR/fit"
	assert_output "well determined"
	# The driver, installed, runs the installed programs beside it, with
	# nothing of the build tree on PATH.
	# (The demo's engine is synchronous: output lag 0.)
	run env -u ROOFTRACE_SHARE PATH=/usr/bin:/bin "$b/rooftrace-calibrate" -q \
	    -m llama-3.1-8b-instruct -g H100 --output-lag 0 \
	    -o "$BATS_TEST_TMPDIR/cal.json" "$ROOT/fixtures/demo/bench-serve.json"
	assert_success
	run jq .H100.mfuPrefill "$BATS_TEST_TMPDIR/cal.json"
	assert_output 0.3961952953621002
	run make -C "$ROOT" -s uninstall DESTDIR="$d" PREFIX=/usr
	assert_success
	assert_file_not_exists "$d/usr/bin/roofline-eval"
	assert_file_not_exists "$d/usr/share/rooftrace/hardware_config.json"
}

@test "bash completion offers options from --help and models from --list-models" {
	run bash -c "source '$ROOT/share/bash-completion/rooftrace'
		COMP_WORDS=(roofline-eval --over); COMP_CWORD=1
		_rooftrace roofline-eval --over roofline-eval; echo \"\${COMPREPLY[*]}\"
		COMP_WORDS=(roofline-eval --model llama-3.1-8); COMP_CWORD=2
		_rooftrace roofline-eval llama-3.1-8 --model; echo \"\${COMPREPLY[*]}\""
	assert_success
	assert_line -n 0 "--overlap-penalty"
	assert_line -n 1 "llama-3.1-8b-instruct"
}
