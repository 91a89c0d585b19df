#!/usr/bin/env bats
# The README's "Calibrate your own run" commands run as written, in
# order, from a checkout: each ```sh block of that section is one
# command, run in a directory that has the checkout's fixtures/.

setup() {
	load helpers/common
	T="$BATS_TEST_TMPDIR"
}

# The ```sh blocks of the section, one a line (continuations joined).
readme_commands() {
	awk '
	/^## / { in_sec = ($0 == "## Calibrate your own run"); next }
	!in_sec { next }
	/^```sh$/ { blk = 1; cmd = ""; next }
	/^```$/ && blk { print cmd; blk = 0; next }
	blk { sub(/\\$/, ""); cmd = cmd (cmd == "" ? "" : " ") $0 }
	' "$ROOT/README.md"
}

@test "the README is at most 250 lines" {
	run wc -l <"$ROOT/README.md"
	[ "$output" -le 250 ] || fail "README.md has $output lines"
}

@test "every command of \"Calibrate your own run\" runs as written on the shipped fixtures" {
	local cmd n=0
	mapfile -t cmds < <(readme_commands)
	# One a kind of source at least: step source, spans, bench serve,
	# request logs.
	[ "${#cmds[@]}" -ge 4 ] || fail "only ${#cmds[@]} commands found"
	mkdir "$T/run"
	ln -s "$ROOT/fixtures" "$T/run/fixtures"
	cd "$T/run"
	for cmd in "${cmds[@]}"; do
		n=$((n + 1))
		run --separate-stderr bash -o pipefail -c "$cmd"
		[ "$status" -eq 0 ] ||
		    fail "command $n exited $status: $cmd: $stderr"
		case $cmd in
		rooftrace-calibrate*)
			# The fitted entry, and the report's last line: the
			# held-out verdict, earned for all that was measured.
			jq -e '.H100._comment | test("Calibrated by fit-penalty")' \
			    hw.json >/dev/null || fail "command $n: no fitted hw.json"
			[[ ${stderr_lines[-1]} =~ ^"held-out verdict: trustworthy for step times; "("trustworthy for request latencies"|"request latencies not tested (no request with a measured latency)")$ ]] ||
			    fail "command $n: no earned verdict: $stderr" ;;
		*"trace-replay"*"--summary"*)
			[[ $output == *" requests replayed in "* ]] ||
			    fail "command $n: no report: $output" ;;
		esac
	done
}

@test "every page the README or a man page cites is shipped, and make install installs it" {
	local f cited
	cited=$( { grep -o 'doc/[a-z-]*\.md' "$ROOT/README.md" | sed 's|doc/||'
	    grep -ho '[a-z-]*\.md' "$ROOT"/share/man/man1/*.1; } | sort -u)
	[ -n "$cited" ]
	make -s -C "$ROOT" install DESTDIR="$T/d" PREFIX=/usr >/dev/null
	for f in $cited; do
		assert_file_exists "$ROOT/doc/$f"
		assert_file_exists "$T/d/usr/share/doc/rooftrace/$f"
	done
}
