#!/bin/sh
# Install the Debian packages rooftrace builds and tests with, only those
# missing.  Non-interactive, so CI (no stdin) and a fresh machine behave alike.
# Usage: install-deps.sh [build|test|bench|all]   (default: all)
set -eu

build_pkgs="gcc make libcsv-dev libcjson-dev libgsl-dev libssl-dev zlib1g-dev pkg-config"
test_pkgs="bats bats-support bats-assert bats-file parallel jq python3-jsonschema man-db gnuplot-nox"
bench_pkgs="jq time miller parallel"

case "${1:-all}" in
build) want="$build_pkgs" ;;
test)  want="$test_pkgs" ;;
bench) want="$build_pkgs $bench_pkgs" ;;
all)   want="$build_pkgs $test_pkgs" ;;
*)     echo "usage: install-deps.sh [build|test|bench|all]" >&2; exit 2 ;;
esac

# ROOFTRACE_DEPS replaces the list (the tests use it to fake a gap).
want=${ROOFTRACE_DEPS:-$want}
missing=""
for p in $want; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing Debian packages:$missing" >&2
	echo "install-deps: run as root, or: sudo apt-get install -y$missing" >&2
	exit 2
fi

echo "install-deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >&2
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing >&2
