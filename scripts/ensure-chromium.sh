#!/usr/bin/env bash
# ensure-chromium.sh installs Debian's Chromium for the browser test
# (cmd/gbsearch/browser_test.go) when it is missing. `make test` runs it
# first, so a clean machine (CI) gets the browser without a manual step.
# It does nothing when /usr/bin/chromium is already there.
set -euo pipefail

if [ -x /usr/bin/chromium ]; then
	exit 0
fi

# root installs directly; anyone else needs sudo (and says so when it is
# not there, rather than failing with apt's permission error)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if ! command -v sudo >/dev/null 2>&1; then
		echo "ensure-chromium: /usr/bin/chromium is missing and installing it needs root or sudo" >&2
		exit 1
	fi
	SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
echo "ensure-chromium: installing chromium (Debian package)" >&2
# the package lists of a fresh machine may be empty or stale: try the
# install, and update the lists only when it fails
if ! $SUDO apt-get install -y --no-install-recommends chromium >/dev/null 2>&1; then
	$SUDO apt-get update
	$SUDO apt-get install -y --no-install-recommends chromium
fi
test -x /usr/bin/chromium
/usr/bin/chromium --version >&2 || true
