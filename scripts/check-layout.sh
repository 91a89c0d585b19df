#!/bin/sh
# The layout's one-way rule, checked:  a room (tools/<prog>/) includes only
# its own files and libcommon's; libcommon includes nothing of a room; and
# every libcommon object is linked by two or more programs (else it belongs
# in the one room that uses it).  Needs the programs built (make all).
# Usage: check-layout.sh [-C TREE] [BUILD_DIR]
#   TREE: the source tree to check (default: the one this script is in);
#   BUILD_DIR: its build directory, relative to TREE (default: build).
# Exit 0 when the layout holds, 1 with one line a breach, 2 on bad usage
# or an unbuilt tree.
set -u
tree=$(dirname "$0")/..
if [ "${1:-}" = -C ]; then
	[ $# -ge 2 ] || { echo "usage: check-layout.sh [-C TREE] [BUILD_DIR]" >&2; exit 2; }
	tree=$2
	shift 2
fi
[ $# -le 1 ] || { echo "usage: check-layout.sh [-C TREE] [BUILD_DIR]" >&2; exit 2; }
cd "$tree" || exit 2
build=${1:-build}
lib=$build/libcommon.a
[ -f "$lib" ] || { echo "check-layout: $lib: not built (make all first)" >&2; exit 2; }
bad=0
say() { echo "check-layout: $*" >&2; bad=1; }

# libcommon files waiting for their second program, each with the reason;
# a line goes when that program links the file.
pending="
"
is_pending() { echo "$pending" | cut -f1 | grep -qx "$1"; }

# The archive keeps one member a name: two libcommon files of one name
# would hide each other from the link count below.
for b in $(find libcommon -name '*.c' -exec basename {} \; | sort | uniq -d); do
	say "libcommon has two files named $b; the archive keeps one"
done

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
		t=
		for dir in "$(dirname "$f")" $room libcommon; do
			[ -e "$dir/$h" ] && { t=$dir/$h; break; }
		done
		if [ -z "$t" ]; then
			echo "check-layout: $f:$n: includes \"$h\", found nowhere"
			continue
		fi
		t=$(realpath -m --relative-to=. "$t")
		case $t in
		libcommon/*) ;;
		*)	if [ -z "$room" ]; then
				echo "check-layout: $f:$n: libcommon includes $t"
			else
				case $t in
				"$room"/*) ;;
				*) echo "check-layout: $f:$n: includes $t, outside its room and libcommon" ;;
				esac
			fi ;;
		esac
	done
done >"$build/layout.includes"
[ -s "$build/layout.includes" ] && { cat "$build/layout.includes" >&2; bad=1; }

# Links: which libcommon objects each program's link pulls out of the
# archive (the linker's own trace), then count the programs per object.
# A program's objects are those of its room's sources (a stale object of
# a deleted source does not count).
# Rooms with no C source (programs in sh) link nothing and are skipped.
objs() { find "tools/$1" -name '*.c' | sort | sed "s#^#$build/#; s#\.c\$#.o#"; }
crooms=$(for p in $(ls tools); do [ -n "$(objs "$p")" ] && echo "$p"; done)
for p in $crooms; do
	for o in $(objs "$p"); do
		[ -f "$o" ] || { echo "check-layout: $o: not built (make all first)" >&2; exit 2; }
	done
done
# The links run side by side (one a program, each to its own file).
for p in $crooms; do
	cc -o /dev/null $(objs "$p") "$lib" -lcjson -lcsv -lgsl -lgslcblas \
	    -lcrypto -lz -lm -Wl,-t,-t 2>/dev/null |
	    sed -n "s#^($lib)\(.*\)\.o\$#\1 $p#p" >"$build/layout.links.$p" &
done
wait
for p in $crooms; do cat "$build/layout.links.$p"; rm -f "$build/layout.links.$p"; done |
    sort -u >"$build/layout.links"
[ -s "$build/layout.links" ] ||
    { echo "check-layout: no program links anything from $lib" >&2; exit 2; }
for o in $(find libcommon -name '*.c' | sort); do
	b=$(basename "$o" .c)
	users=$(awk -v b="$b" '$1 == b { printf " %s", $2 }' "$build/layout.links")
	n=$(echo $users | wc -w)
	if is_pending "$o"; then
		[ "$n" -lt 2 ] ||
		    say "$o is linked by $n programs now: drop it from the pending list"
	elif [ "$n" -eq 0 ]; then
		say "$o is linked by no program: delete it"
	elif [ "$n" -eq 1 ]; then
		say "$o is linked by one program only ($(echo $users)): it belongs in tools/$(echo $users)/"
	fi
done
exit $bad
