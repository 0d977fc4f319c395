#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# Without privileges: every apbox command runs as nobody with no capability
# (see helpers/common.bash: files named *-rootless.bats).
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	setup_world
	setup_probes
}
teardown() { teardown_world; }

@test "rootless: code-only runs node with no capabilities, no_new_privs and seccomp" {
	requires node
	init_box --mode code-only
	run_box -- /bin/sh -c 'id -u; grep -E "^(CapInh|CapPrm|CapEff|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status; node -e "console.log(process.pid)"'
	assert_success
	assert_line --index 0 "$(id -u nobody)"
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
	assert_line --regexp '^CapPrm:[[:space:]]+0+$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line --regexp '^[0-9]+$'
}

@test "rootless: process mode runs node in its own namespaces" {
	requires node
	init_box --mode process
	run_box -- /bin/sh -c 'echo $$; id -u; node -e "console.log(process.pid)"'
	assert_success
	assert_line --index 0 2
	assert_line --index 1 $((60000 + BOX))
}

@test "rootless: the seccomp probe gets EPERM for unshare, mount, bpf and keyctl" {
	init_box --mode code-only
	run_box -- "$PROBES/seccomp-probe" unshare-user mount bpf keyctl
	assert_success
	assert_line "unshare-user: EPERM"
	assert_line "mount: EPERM"
	assert_line "bpf: EPERM"
	assert_line "keyctl: EPERM"
}

@test "rootless: the seccomp probe in process mode" {
	init_box --mode process
	run_box --dir "/probes=$PROBES" -- /probes/seccomp-probe all
	assert_success
	refute_output --regexp ': ok$'
}

@test "rootless: a memory limit without a delegated cgroup is refused, naming the fix" {
	init_box --mode process
	run_box --mem 64M -- /bin/true
	[ "$status" -eq 125 ]
	assert_output --regexp '^apbox: .*(memory|cgroup)'
	assert_meta status XX
}

@test "rootless: a process limit without a delegated cgroup is refused" {
	init_box --mode code-only
	run_box --processes 10 -- /bin/true
	[ "$status" -eq 125 ]
	assert_output --partial "apbox: "
}

@test "rootless: apbox check exits 0 and names the cgroup layout" {
	run -0 "$APBOX" check
	assert_output --regexp 'cgroups: +v[12]'
	assert_line --regexp '^process +yes'
	assert_line --regexp '^code-only +yes'
	run -0 "$APBOX" check --json
	assert_output --regexp '"version":"v[12]"'
}

@test "rootless: without a box_root in the config, boxes go to XDG_RUNTIME_DIR" {
	local rt=$WORLD/runtime
	mkdir -m 700 "$rt"
	chown nobody "$rt"
	printf '[cgroup]\nparent = %s\n' "$CG_PARENT" > "$WORLD/min.conf"
	chmod 644 "$WORLD/min.conf"
	XDG_RUNTIME_DIR=$rt APBOX_CONFIG=$WORLD/min.conf run -0 "$APBOX" init -b 4 --mode process
	assert_output "$rt/apbox/boxes/4"
	XDG_RUNTIME_DIR=$rt APBOX_CONFIG=$WORLD/min.conf run -0 "$APBOX" run -b 4 -- /bin/true
	XDG_RUNTIME_DIR=$rt APBOX_CONFIG=$WORLD/min.conf run -0 "$APBOX" cleanup -b 4
	[ ! -e "$rt/apbox/boxes/4" ]
}

@test "check: with user namespaces disabled, the process modes say why and check fails" {
	requires root
	run unshare -Ur sh -c "echo 0 > /proc/sys/user/max_user_namespaces && exec $REAL_APBOX check"
	[ "$status" -eq 1 ]
	assert_line --regexp '^process +no +user namespaces are disabled \(user.max_user_namespaces = 0\)'
	assert_line --regexp '^code-only +yes'
	run unshare -Ur sh -c "echo 0 > /proc/sys/user/max_user_namespaces && exec $REAL_APBOX check --mode code-only"
	[ "$status" -eq 0 ]
}

@test "check: as root, every mode is runnable here" {
	requires root
	run -0 "$REAL_APBOX" check
	assert_line --regexp '^caller: +root'
	assert_line --regexp '^process +yes'
	assert_line --regexp '^code-and-process +yes'
}
