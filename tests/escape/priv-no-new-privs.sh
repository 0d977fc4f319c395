#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# attack: find no_new_privs or the seccomp filter missing after an execve
# modes: process code-and-process code-only
# shellcheck source=lib.sh
. "$ESC_PROBES/lib.sh"
st=$("$P/try-escape" caps)
nnp=$(echo "$st" | awk '$1 == "NoNewPrivs:" { print $2 }')
sc=$(echo "$st" | awk '$1 == "Seccomp:" { print $2 }')
[ "$nnp" = 1 ] || escaped "NoNewPrivs is ${nnp:-missing}"
[ "$sc" = 2 ] || escaped "Seccomp is ${sc:-missing}, not 2 (filter)"
# A grandchild after two more execve()s keeps both.
st2=$(sh -c "exec '$P/try-escape' caps")
echo "$st2" | grep -q '^NoNewPrivs:[[:space:]]*1$' || escaped "a grandchild lost no_new_privs"
echo "$st2" | grep -q '^Seccomp:[[:space:]]*2$' || escaped "a grandchild lost the seccomp filter"
blocked "NoNewPrivs 1 and Seccomp 2, also after execve"
