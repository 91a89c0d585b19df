# Loaded by every Bats file: assertion libraries, the programs under test
# on PATH (ROOFTRACE_BIN picks the SAN build), and ../shared when present.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert
bats_load_library bats-file

ROOT="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
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
