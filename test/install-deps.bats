#!/usr/bin/env bats
# scripts/install-deps.sh: silent when nothing is missing, exit 2 with the
# list when something is and we are not root.

setup() {
	load helpers/common
	# The unprivileged runs use a byte-identical copy of the script in a
	# directory made for it (mode 755 under /tmp): the checkout may sit
	# where nobody cannot enter, such as a clone under mktemp -d (700).
	SCRIPT_DIR=$(mktemp -d /tmp/rooftrace-install-deps.XXXXXX)
	chmod 755 "$SCRIPT_DIR"
	SCRIPT="$SCRIPT_DIR/install-deps.sh"
	cp "$ROOT/scripts/install-deps.sh" "$SCRIPT"
	chmod 755 "$SCRIPT"
	cmp "$ROOT/scripts/install-deps.sh" "$SCRIPT"
	if [ "$(id -u)" -eq 0 ]; then
		command -v setpriv >/dev/null ||
		    skip "setpriv (util-linux) not present"
	fi
}

teardown() {
	rm -rf "$SCRIPT_DIR"
}

# Run as nobody when we are root, from /, which nobody can enter; as
# ourselves otherwise (already without root).
as_nobody() {
	if [ "$(id -u)" -eq 0 ]; then
		(cd / && setpriv --reuid=65534 --regid=65534 --clear-groups "$@")
	else
		(cd / && "$@")
	fi
}

@test "nothing missing: silent success, even without root" {
	run as_nobody env ROOFTRACE_DEPS="bats jq" "$SCRIPT"
	assert_success
	assert_output ""
}

@test "something missing and not root: exit 2 naming the packages" {
	run as_nobody env ROOFTRACE_DEPS="jq rooftrace-no-such-package" "$SCRIPT"
	assert_failure 2
	assert_output "install-deps: missing Debian packages: rooftrace-no-such-package
install-deps: run as root, or: sudo apt-get install -y rooftrace-no-such-package"
}

@test "a wrong group name is bad usage" {
	run "$ROOT/scripts/install-deps.sh" everything
	assert_failure 2
	assert_output "usage: install-deps.sh [build|test|bench|all]"
}
