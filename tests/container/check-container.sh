#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# check-container.sh BUILDDIR [run.py options]: "make check-container".
#
# apbox inside real containers: runc (and runsc, gVisor) from Debian start
# containers whose config.json is written the way Docker and containerd write
# it, and apbox check's verdict per mode is held against what really happens
# there (tests/container/README.md).  As root, the runtimes and python3 are
# installed from Debian's archive when missing (apt-get update first; set
# CT_INSTALL=0 to never install).  Ends with "N passed, N failed, N skipped".
set -u
here=$(cd "$(dirname "$0")" && pwd)
[ $# -ge 1 ] || { echo "usage: check-container.sh BUILDDIR [run.py options]" >&2; exit 2; }
build=$1
shift

PKGS="runc crun runsc python3"
if [ "$(id -u)" -eq 0 ] && [ "${CT_INSTALL:-1}" = 1 ]; then
	missing=
	for p in $PKGS; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed' ||
			missing="$missing $p"
	done
	if [ -n "$missing" ]; then
		echo "check-container: installing$missing" >&2
		# shellcheck disable=SC2086 # one package a word
		{ apt-get update -q >/dev/null &&
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
				$missing >/dev/null; } ||
			echo "check-container: cannot install$missing" >&2
	fi
fi
if [ ! -x /usr/bin/python3 ]; then
	echo "check-container: no /usr/bin/python3 (apt-get install python3)" >&2
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi
exec /usr/bin/python3 "$here/run.py" --apbox "$build/src/apbox" \
	--markdown "$build/check-container.md" "$@"
