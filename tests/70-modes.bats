#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The four modes: what each one does to the program, and how a mode is chosen.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	setup_world
	setup_probes
}
teardown() { teardown_world; }

@test "modes: unsandboxed runs as the caller, without a filter" {
	init_box --mode unsandboxed
	run_box -- /bin/sh -c 'id -u; grep ^Seccomp: /proc/self/status; echo $AP_EXECUTION_MODE'
	assert_success
	assert_line --index 0 "$(id -u)"
	assert_line --regexp '^Seccomp:[[:space:]]+0$'
	assert_line UNSANDBOXED
}

@test "modes: code-only drops to the box uid with no capabilities, no_new_privs and seccomp" {
	requires root
	init_box --mode code-only
	run_box -- /bin/sh -c 'id -u; id -G; grep -E "^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs|Seccomp):" /proc/self/status; echo $AP_EXECUTION_MODE; pwd'
	assert_success
	assert_line --index 0 $((60000 + BOX))
	assert_line --index 1 $((60000 + BOX))
	assert_line --regexp '^CapEff:[[:space:]]+0+$'
	assert_line --regexp '^CapPrm:[[:space:]]+0+$'
	assert_line --regexp '^CapBnd:[[:space:]]+0+$'
	assert_line --regexp '^NoNewPrivs:[[:space:]]+1$'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
	assert_line SANDBOX_CODE_ONLY
	assert_line "$BOX_ROOT/$BOX/box"
}

@test "modes: code-only creates no namespaces" {
	requires root
	init_box --mode code-only
	run_box -- /bin/sh -c 'readlink /proc/self/ns/pid /proc/self/ns/mnt'
	assert_success
	assert_line --index 0 "$(readlink /proc/self/ns/pid)"
	assert_line --index 1 "$(readlink /proc/self/ns/mnt)"
}

@test "modes: code-only blocks the kernel surface an engine never needs" {
	requires root
	init_box --mode code-only
	run_box -- "$PROBES/seccomp-probe" all
	assert_success
	refute_output --regexp ': ok$'
}

@test "modes: node with worker threads and child processes runs under code-only" {
	requires root node
	init_box --mode code-only
	run_box -- node -e '
		const { Worker } = require("worker_threads");
		const w = new Worker("require(\"worker_threads\").parentPort.postMessage(6*7)", { eval: true });
		w.on("message", (m) => {
			const out = require("child_process").execFileSync("/bin/sh", ["-c", "echo child"]).toString().trim();
			console.log(m, out);
		});'
	assert_success
	assert_output "42 child"
}

@test "modes: code-and-process isolates like process and says so" {
	requires root
	init_box --mode code-and-process
	run_box -- /bin/sh -c 'echo $$ $AP_EXECUTION_MODE; hostname'
	assert_success
	assert_line --index 0 "2 SANDBOX_CODE_AND_PROCESS"
	assert_line --index 1 "apbox-$BOX"
}

@test "modes: --seccomp off and the config key turn the filter off" {
	requires root
	init_box --mode code-only
	run_box --seccomp off -- /bin/sh -c 'grep ^Seccomp: /proc/self/status'
	assert_line --regexp '^Seccomp:[[:space:]]+0$'
	printf '[sandbox]\nseccomp = no\n' >> "$APBOX_CONFIG"
	run_box -- /bin/sh -c 'grep ^Seccomp: /proc/self/status'
	assert_line --regexp '^Seccomp:[[:space:]]+0$'
	run_box --seccomp on -- /bin/sh -c 'grep ^Seccomp: /proc/self/status'
	assert_line --regexp '^Seccomp:[[:space:]]+2$'
}

@test "modes: the mode given at init is the box's default" {
	requires root
	init_box --mode code-only
	run_box -- /bin/sh -c 'echo $AP_EXECUTION_MODE'
	assert_output SANDBOX_CODE_ONLY
	assert_meta mode code-only
}

@test "modes: precedence is config < AP_EXECUTION_MODE < --mode" {
	sed -i '1i mode = code-only' "$APBOX_CONFIG"
	AP_EXECUTION_MODE=UNSANDBOXED "$APBOX" init -b "$BOX" >/dev/null
	run_box -- /bin/sh -c 'echo $AP_EXECUTION_MODE'
	assert_output UNSANDBOXED
	run_box --mode SANDBOX_CODE_ONLY -- /bin/sh -c 'echo $AP_EXECUTION_MODE'
	[ "$(id -u)" -ne 0 ] || assert_output SANDBOX_CODE_ONLY
}

@test "modes: --dir needs a mode with its own root" {
	init_box --mode unsandboxed
	run -125 "$APBOX" run -b "$BOX" --dir /data=/tmp -- /bin/true
	assert_output --partial "need a mode with its own root"
}

@test "modes: init caches the compiled filter; a damaged or foreign cache is not trusted" {
	requires root
	init_box --mode code-only
	local cache=$LOCK_ROOT/seccomp.bpf
	[ -s "$cache" ]
	head -1 "$cache" | grep -q "^apbox-seccomp-3 [^ ]* [0-9]*$"
	cp "$cache" "$WORLD/good"
	# a cache from another version, whose program would allow everything
	printf 'apbox-seccomp-3 0.0.0-other 1\n\006\000\000\000\000\000\377\177' > "$cache"
	run_box -- "$PROBES/seccomp-probe" unshare-user mount bpf keyctl
	assert_success
	# this version's header, but a program cut short (here: its first instruction only)
	local hdr
	hdr=$(head -1 "$WORLD/good")
	{ echo "$hdr"; tail -c +$((${#hdr} + 2)) "$WORLD/good" | head -c 8; } > "$cache"
	[ "$(stat -c %s "$cache")" -eq $((${#hdr} + 1 + 8)) ]
	run_box -- "$PROBES/seccomp-probe" unshare-user mount bpf keyctl
	assert_success
	# garbage
	head -c 40 /dev/zero > "$cache"
	run_box -- "$PROBES/seccomp-probe" unshare-user mount bpf keyctl
	assert_success
	rm "$cache"
	run_box -- "$PROBES/seccomp-probe" unshare-user mount bpf keyctl
	assert_success
}

@test "modes: in code-only mode leftovers of the program die with the run" {
	requires root
	init_box --mode code-only
	local t0=$SECONDS
	run_box --wall-time 20 -- /bin/sh -c '(setsid sleep 93 &); (nohup sleep 94 >/dev/null 2>&1 &); echo started'
	assert_success
	[ $((SECONDS - t0)) -lt 5 ] || fail "the run waited for its leftovers"
	sleep 0.2
	run pgrep -f '^sleep 9[34]$'
	[ "$status" -ne 0 ] || fail "survivors: $(pgrep -af '^sleep 9[34]$')"
}
