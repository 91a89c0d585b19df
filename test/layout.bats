#!/usr/bin/env bats
# scripts/check-layout.sh: the tree keeps its one-way rule (a room includes
# only its own files and libcommon's, libcommon nothing of a room, and
# every libcommon file is linked by two programs or more), and the check
# fails, with its message, on a tiny tree that breaks each rule.

setup() {
	load helpers/common
	CHECK="$ROOT/scripts/check-layout.sh"
}

# A tree of two programs, a and b, each linking libcommon/x/both.c; a
# alone also links libcommon/x/one.c unless b is given "one" too.
fake_tree() {	# dir [b-uses-one]
	local t=$1 p
	mkdir -p "$t/tools/a" "$t/tools/b" "$t/libcommon/x" "$t/build"
	printf 'int both(void);\n' >"$t/libcommon/x/both.h"
	printf '#include "x/both.h"\nint both(void) { return 1; }\n' \
	    >"$t/libcommon/x/both.c"
	printf 'int one(void);\n' >"$t/libcommon/x/one.h"
	printf '#include "x/one.h"\nint one(void) { return 2; }\n' \
	    >"$t/libcommon/x/one.c"
	printf 'int secret(void);\n' >"$t/tools/a/secret.h"
	printf '#include "x/both.h"\n#include "x/one.h"\n#include "secret.h"\nint secret(void) { return 3; }\nint main(void) { return both() + one() + secret(); }\n' \
	    >"$t/tools/a/main.c"
	if [ "${2:-}" = one ]; then
		printf '#include "x/both.h"\n#include "x/one.h"\nint main(void) { return both() + one(); }\n' \
		    >"$t/tools/b/main.c"
	else
		printf '#include "x/both.h"\nint main(void) { return both(); }\n' \
		    >"$t/tools/b/main.c"
	fi
}

# Compile and archive it as the Makefile does (objects beside their path).
build_tree() {	# dir
	local t=$1 f
	(
		cd "$t" || exit 1
		for f in $(find tools libcommon -name '*.c'); do
			mkdir -p "build/${f%/*}"
			room=$(echo "$f" | cut -d/ -f1-2)
			cc -Ilibcommon -I"$room" -c -o "build/${f%.c}.o" "$f" || exit 1
		done
		ar rcs build/libcommon.a $(find build/libcommon -name '*.o')
	)
}

@test "the tree keeps its layout: check-layout passes" {
	local build=build
	[ "$BIN" = "$ROOT/build/san/bin" ] && build=build/san
	[ -f "$ROOT/$build/libcommon.a" ] || skip "$build not built (make all)"
	run "$CHECK" "$build"
	assert_success
	assert_output ""
}

@test "a tiny tree that keeps the rules passes" {
	fake_tree "$BATS_TEST_TMPDIR/t" one
	build_tree "$BATS_TEST_TMPDIR/t"
	run "$CHECK" -C "$BATS_TEST_TMPDIR/t"
	assert_success
	assert_output ""
}

@test "a room with no C source (a program in sh) is no breach" {
	fake_tree "$BATS_TEST_TMPDIR/t" one
	mkdir -p "$BATS_TEST_TMPDIR/t/tools/c"
	printf '#!/bin/sh\nexit 0\n' >"$BATS_TEST_TMPDIR/t/tools/c/c.sh"
	build_tree "$BATS_TEST_TMPDIR/t"
	run "$CHECK" -C "$BATS_TEST_TMPDIR/t"
	assert_success
	assert_output ""
}

@test "a libcommon file linked by one program fails, naming the program" {
	fake_tree "$BATS_TEST_TMPDIR/t"
	build_tree "$BATS_TEST_TMPDIR/t"
	run "$CHECK" -C "$BATS_TEST_TMPDIR/t"
	assert_failure 1
	assert_output "check-layout: libcommon/x/one.c is linked by one program only (a): it belongs in tools/a/"
}

@test "a libcommon file no program links fails" {
	fake_tree "$BATS_TEST_TMPDIR/t" one
	printf 'int unused(void) { return 4; }\n' \
	    >"$BATS_TEST_TMPDIR/t/libcommon/x/unused.c"
	build_tree "$BATS_TEST_TMPDIR/t"
	run "$CHECK" -C "$BATS_TEST_TMPDIR/t"
	assert_failure 1
	assert_output "check-layout: libcommon/x/unused.c is linked by no program: delete it"
}

@test "a room including another room's file fails, with file and line" {
	fake_tree "$BATS_TEST_TMPDIR/t" one
	printf '#include "x/both.h"\n#include "x/one.h"\n#include "../a/secret.h"\nint main(void) { return both() + one(); }\n' \
	    >"$BATS_TEST_TMPDIR/t/tools/b/main.c"
	build_tree "$BATS_TEST_TMPDIR/t"
	run "$CHECK" -C "$BATS_TEST_TMPDIR/t"
	assert_failure 1
	assert_output "check-layout: tools/b/main.c:3: includes tools/a/secret.h, outside its room and libcommon"
}

@test "libcommon including a room's file fails" {
	fake_tree "$BATS_TEST_TMPDIR/t" one
	printf '#include "x/both.h"\n#include "../../tools/a/secret.h"\nint both(void) { return 1; }\n' \
	    >"$BATS_TEST_TMPDIR/t/libcommon/x/both.c"
	build_tree "$BATS_TEST_TMPDIR/t"
	run "$CHECK" -C "$BATS_TEST_TMPDIR/t"
	assert_failure 1
	assert_output "check-layout: libcommon/x/both.c:2: libcommon includes tools/a/secret.h"
}

@test "an unbuilt tree is exit 2, not a list of false breaches" {
	fake_tree "$BATS_TEST_TMPDIR/t" one
	run "$CHECK" -C "$BATS_TEST_TMPDIR/t"
	assert_failure 2
	assert_output "check-layout: build/libcommon.a: not built (make all first)"
}

@test "a pending libcommon file that two programs link now must leave the pending list" {
	# The list is empty today: a copy of the check with one entry.
	sed 's#^pending="$#&\nlibcommon/x/one.c\twaiting for its second program#' \
	    "$CHECK" >"$BATS_TEST_TMPDIR/check.sh"
	grep -q '^libcommon/x/one.c	' "$BATS_TEST_TMPDIR/check.sh"
	fake_tree "$BATS_TEST_TMPDIR/t" one
	build_tree "$BATS_TEST_TMPDIR/t"
	run sh "$BATS_TEST_TMPDIR/check.sh" -C "$BATS_TEST_TMPDIR/t"
	assert_failure 1
	assert_output "check-layout: libcommon/x/one.c is linked by 2 programs now: drop it from the pending list"
	# Pending and linked once is not a breach.
	fake_tree "$BATS_TEST_TMPDIR/u"
	build_tree "$BATS_TEST_TMPDIR/u"
	run sh "$BATS_TEST_TMPDIR/check.sh" -C "$BATS_TEST_TMPDIR/u"
	assert_success
}
