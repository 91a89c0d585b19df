#!/usr/bin/env bats
# scripts/install-deps.sh: silent when nothing is missing, exit 2 with the
# list when something is and we are not root.

setup() {
	load helpers/common
	command -v setpriv >/dev/null || skip "setpriv (util-linux) not present"
}

as_nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

@test "nothing missing: silent success, even without root" {
	run as_nobody env ROOFTRACE_DEPS="bats jq" "$ROOT/scripts/install-deps.sh"
	assert_success
	assert_output ""
}

@test "something missing and not root: exit 2 naming the packages" {
	run as_nobody env ROOFTRACE_DEPS="jq rooftrace-no-such-package" \
	    "$ROOT/scripts/install-deps.sh"
	assert_failure 2
	assert_output "install-deps: missing Debian packages: rooftrace-no-such-package
install-deps: run as root, or: sudo apt-get install -y rooftrace-no-such-package"
}

@test "a wrong group name is bad usage" {
	run "$ROOT/scripts/install-deps.sh" everything
	assert_failure 2
	assert_output "usage: install-deps.sh [build|test|bench|all]"
}
