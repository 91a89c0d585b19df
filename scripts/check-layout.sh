#!/bin/sh
# The layout's one-way rule, checked:  a room (tools/<prog>/) includes only
# its own files and libcommon's; libcommon includes nothing of a room; and
# every libcommon object is linked by two or more programs (else it belongs
# in the one room that uses it).  Needs the programs built (make all).
# Usage: check-layout.sh [BUILD_DIR]   (default: build)
set -u
cd "$(dirname "$0")/.."
build=${1:-build}
bad=0
say() { echo "check-layout: $*" >&2; bad=1; }

# Includes: resolve each quoted include the way the compiler does (the
# file's folder, its room, libcommon) and see whose file it is.
for f in $(find tools libcommon -name '*.[ch]' | sort); do
	case $f in
	tools/*) room=$(echo "$f" | cut -d/ -f1-2) ;;
	*) room= ;;
	esac
	grep -n '^#include "' "$f" | while IFS= read -r l; do
		h=$(echo "$l" | sed 's/.*#include "\([^"]*\)".*/\1/')
		n=${l%%:*}
		for dir in "$(dirname "$f")" $room libcommon; do
			[ -e "$dir/$h" ] && { t=$dir/$h; break; }
			t=
		done
		t=$(realpath -m --relative-to=. "${t:-?}")
		case $t in
		libcommon/*) ;;
		"$room"/*) [ -n "$room" ] || echo "$f:$n: libcommon includes $t" ;;
		*) echo "$f:$n: includes $t, outside its room and libcommon" ;;
		esac
	done
done >"$build/layout.includes"
[ -s "$build/layout.includes" ] && { cat "$build/layout.includes" >&2; bad=1; }

# Links: which libcommon objects each program's link pulls out of the
# archive (the linker's own trace), then count the programs per object.
for p in $(ls tools); do
	objs=$(find "$build/tools/$p" -name '*.o' | sort)
	cc -o /dev/null $objs "$build/libcommon.a" -lcjson -lcsv -lgsl \
	    -lgslcblas -lm -Wl,-t,-t 2>/dev/null |
	    sed -n "s#^($build/libcommon.a)\(.*\)\.o\$#\1 $p#p"
done | sort -u >"$build/layout.links"
for o in $(find libcommon -name '*.c' | sort); do
	b=$(basename "$o" .c)
	users=$(awk -v b="$b" '$1 == b { printf " %s", $2 }' "$build/layout.links")
	n=$(echo $users | wc -w)
	[ "$n" -ge 2 ] || say "$o is linked by ${n} program(s):${users:- none}; it belongs in a room"
done
exit $bad
