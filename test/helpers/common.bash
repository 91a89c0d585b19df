# Loaded by every Bats file: assertion libraries, the programs under test
# on PATH (ROOFTRACE_BIN picks the SAN build), and ../shared when present.
bats_require_minimum_version 1.5.0

# bats_load_library without its processes.  Each library's load.bash
# sources its files through $(dirname "${BASH_SOURCE[0]}"), a process a
# file (15 for bats-assert), in every test.  When a load.bash holds only
# such lines, source the files it names, in its order, from the directory
# bats_load_library would find; otherwise load it the usual way.
rt_load_library() {	# name
	local dir line f files=() dirs=()
	local re='^source "\$\(dirname "\$\{BASH_SOURCE\[0\]\}"\)/([^"$`]+)"$'
	IFS=: read -ra dirs <<<"$BATS_LIB_PATH"
	for dir in "${dirs[@]}"; do
		[ -f "$dir/$1" ] && break
		[ -f "$dir/$1/load.bash" ] || continue
		while IFS= read -r line; do
			case $line in '' | '#'*) continue ;; esac
			[[ $line =~ $re ]] || break 2
			files+=("$dir/$1/${BASH_REMATCH[1]}")
		done <"$dir/$1/load.bash"
		for f in "${files[@]}"; do
			# shellcheck disable=SC1090
			source "$f" || exit 1
		done
		return 0
	done
	bats_load_library "$1"
}
# bats's DEBUG trap runs once a command: off while the libraries load.
rt_debug_trap=$(trap -p DEBUG)
trap - DEBUG
rt_load_library bats-support
rt_load_library bats-assert
rt_load_library bats-file
eval "$rt_debug_trap"
unset rt_debug_trap

# BATS_TEST_DIRNAME is absolute: its parent, without a subshell.
ROOT=${BATS_TEST_DIRNAME%/*}
BIN="${ROOFTRACE_BIN:-$ROOT/bin}"
PATH="$BIN:$PATH"
SHARED="${ROOFTRACE_SHARED:-$ROOT/../shared}"
FIXTURES="$ROOT/fixtures"
export LC_ALL=C
unset ROOFTRACE_SHARE

# Skip, visibly, when a ../shared input is absent (CI has it).
require_shared() {
	[ -e "$SHARED/$1" ] || skip "../shared/$1 not present"
}

# python3 from Debian, which has python3-jsonschema.
schema_check() {	# schema-file ndjson-file
	/usr/bin/python3 "$ROOT/test/helpers/schema_check.py" "$@"
}

# A plot file is what it says: the SVG parses to an <svg> document, the
# PNG has the signature and the given size.
assert_svg() {	# file
	run /usr/bin/python3 -c "import sys, xml.dom.minidom as m; print(m.parse(sys.argv[1]).documentElement.tagName)" "$1"
	assert_output svg
}

assert_png_size() {	# file "W H"
	run /usr/bin/python3 -c "import struct, sys; b = open(sys.argv[1], 'rb').read(24); assert b[:8] == b'\\x89PNG\\r\\n\\x1a\\n'; print(*struct.unpack('>II', b[16:24]))" "$1"
	assert_output "$2"
}

# Assert on standard error of the last run --separate-stderr.
use_stderr() {
	output=$stderr
	lines=("${stderr_lines[@]}")
}

# A driver's private directory under $TMPDIR is gone, whatever happened.
assert_no_leftovers() {
	run ls -A "$TMPDIR"
	assert_output ""
}
