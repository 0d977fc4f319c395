#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Regenerate the build system; generated files are never committed.
set -e
cd "$(dirname "$0")"
mkdir -p m4
exec autoreconf -fi
