#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# The mount template: with root, the static part of the tree (root tmpfs,
# /usr, /etc, /dev, the merged-/usr links) is built once per box_root in a
# mount namespace pinned on box_root/.tpl-HASH, and each run starts in a copy
# of it and mounts only its own rules.  Rule sets it cannot hold, rootless
# runs and mount_template = no keep the full build in the proxy.
bats_require_minimum_version 1.5.0
load helpers/common

setup() {
	requires root userns
	setup_world
}
teardown() {
	if [ -n "${OTHER:-}" ]; then
		"$APBOX" cleanup -b "$OTHER" >/dev/null 2>&1 || true
	fi
	teardown_world
}

# The pinned templates of the world's box_root, one per line.
pins() {
	awk -v r="$BOX_ROOT/.tpl-" 'index($5, r) == 1 { print $5 }' /proc/self/mountinfo
}

@test "template: the first run makes it, the next runs start in it" {
	init_box --mode process
	run -0 --separate-stderr "$APBOX" -v run -b "$BOX" --mode process -- /bin/true
	[[ "$stderr" == *"made the mount template"* ]] || fail "no template made: $stderr"
	run -0 pins
	[ "${#lines[@]}" -eq 1 ] || fail "pins: $output"
	[ "$(stat -fc %T "${lines[0]}")" = nsfs ]
	run -0 --separate-stderr "$APBOX" -v run -b "$BOX" --mode process -- /bin/sh -c \
		'stat -c "%u %a" /; touch /x 2>&1 || true; touch /usr/x 2>&1 || true'
	[[ "$stderr" != *"made the mount template"* ]] || fail "made again: $stderr"
	# The template's root is root's (65534, unmapped, in the box), read-only.
	assert_line --index 0 "65534 755"
	assert_line --partial "/x': Read-only file system"
	assert_line --partial "/usr/x': Read-only file system"
}

@test "template: the box sees its own fresh proc; the one below it cannot be uncovered" {
	init_box --mode process
	run_box --mode process -- /bin/sh -c 'echo $$; ls /proc | grep -c "^[0-9]"
		umount /proc 2>&1 || true; umount -l /proc 2>&1 || true; ls /proc | grep -c "^[0-9]"'
	assert_success
	assert_line --index 0 2
	# Only the box's processes (the proxy is hidden: hidepid), before and after.
	[ "${lines[1]}" -le 3 ] || fail "processes in /proc: $output"
	[ "${lines[-1]}" -le 3 ] || fail "processes in /proc after umount: $output"
	[[ "$output" != *"umount: /proc: "*"success"* ]]
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/sh -c "[ -e /proc/$$ ] && echo host || echo none"
	assert_output none
}

@test "template: a run without a proc gets none (no template carries one for it)" {
	init_box --mode process
	run_box --mode process --dir proc= -- /bin/sh -c 'ls -A /proc 2>/dev/null | wc -l'
	assert_success
	assert_output 0
	run -0 pins
	assert_output ""
}

@test "template: mount_template = no keeps the full build" {
	printf '[sandbox]\nmount_template = no\n' >>"$WORLD/apbox.conf"
	init_box --mode process
	run_box --mode process -- /bin/stat -c %u /
	assert_success
	# The proxy's own root tmpfs, the box uid's.
	assert_output "$(host_box_uid)"
	run -0 pins
	assert_output ""
}

@test "template: the run's binds are its own: /box, --dir and a missing maybe source" {
	init_box --mode process
	mkdir -m 755 "$WORLD/data"
	echo hello >"$WORLD/data/f"
	run_box --mode process --dir /data="$WORLD/data" --dir /nothing="$WORLD/none:maybe" -- \
		/bin/sh -c 'cat /data/f; echo w > /box/w && cat /box/w; [ -e /nothing ] && echo point || echo none
			echo x > /data/g 2>&1 || true'
	assert_success
	assert_line --index 0 hello
	assert_line --index 1 w
	assert_line --index 2 none
	assert_line --partial "/data/g: Read-only file system"
	[ "$(cat "$BOX_ROOT/$BOX/box/w")" = w ]
	run -0 pins
	[ "${#lines[@]}" -eq 1 ] || fail "pins: $output"
}

@test "template: a bind source the box uid cannot reach fails as without it" {
	init_box --mode process
	mkdir -m 700 "$WORLD/secret"
	mkdir -m 755 "$WORLD/secret/d"
	run_box --mode process --dir /d="$WORLD/secret/d" -- /bin/true
	[ "$status" -ne 0 ]
	assert_output --partial "cannot bind \"$WORLD/secret/d\" on \"/d\""
	assert_output --partial "Permission denied"
}

@test "template: another rule set gets its own, up to 8; cleanup --templates removes them" {
	local i
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/true
	run -0 pins
	local first=$output
	run -0 "$APBOX" run -b "$BOX" --mode process --dir /extra="$WORLD:maybe" -- /bin/true
	run -0 pins
	[ "${#lines[@]}" -eq 2 ] || fail "pins: $output"
	assert_line "$first"
	# Both stay in use: no new template for either rule set.
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/true
	run -0 "$APBOX" run -b "$BOX" --mode process --dir /extra="$WORLD:maybe" -- /bin/true
	run -0 pins
	[ "${#lines[@]}" -eq 2 ] || fail "pins: $output"
	# Six more rule sets fill the 8; a ninth starts again from one.
	for i in 3 4 5 6 7 8; do
		run -0 "$APBOX" run -b "$BOX" --mode process --dir /extra$i="$WORLD:maybe" -- /bin/true
	done
	run -0 pins
	[ "${#lines[@]}" -eq 8 ] || fail "pins: $output"
	run -0 "$APBOX" run -b "$BOX" --mode process --dir /extra9="$WORLD:maybe" -- /bin/true
	run -0 pins
	[ "${#lines[@]}" -eq 1 ] || fail "pins: $output"
	refute_line "$first"
	run -0 "$APBOX" cleanup --templates
	run -0 pins
	assert_output ""
	run -0 find "$BOX_ROOT" -maxdepth 1 -name '.tpl-*'
	assert_output ""
	run -125 --separate-stderr "$APBOX" cleanup --templates -b "$BOX"
	[ "$stderr" = "apbox: --box-id and --templates cannot be used together" ]
}

@test "template: a plain file where its pin goes is replaced" {
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/true
	run -0 pins
	local pin=$output
	run -0 "$APBOX" cleanup --templates
	: >"$pin"
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/true
	[ "$(stat -fc %T "$pin")" = nsfs ]
}

@test "template: two first runs at once make one template, and both run" {
	OTHER=$((BOX + 1))
	init_box --mode process
	"$APBOX" init -b "$OTHER" --mode process >/dev/null
	"$APBOX" run -b "$BOX" --mode process -- /bin/true >"$WORLD/a.out" 2>&1 &
	local a=$!
	"$APBOX" run -b "$OTHER" --mode process -- /bin/true >"$WORLD/b.out" 2>&1 &
	local b=$!
	wait "$a" || fail "first run: $(cat "$WORLD/a.out")"
	wait "$b" || fail "second run: $(cat "$WORLD/b.out")"
	run -0 pins
	[ "${#lines[@]}" -eq 1 ] || fail "pins: $output"
	# The boxes share it: neither makes another (a box's own paths are not in its name).
	for b in "$BOX" "$OTHER" "$BOX"; do
		run -0 --separate-stderr "$APBOX" -v run -b "$b" --mode process -- /bin/true
		[[ "$stderr" != *"made the mount template"* ]] || fail "box $b made one: $stderr"
	done
}

@test "template: the proxy keeps no way back to the host's mounts" {
	init_box --mode process
	"$APBOX" run -b "$BOX" --mode process -- /bin/sleep 3 >/dev/null 2>&1 &
	local keeper=$! proxy="" links
	for _ in $(seq 50); do
		proxy=$(pgrep -P "$keeper" | head -1)
		[ -n "$proxy" ] && [ -n "$(pgrep -P "$proxy")" ] && break
		sleep 0.05
	done
	[ -n "$proxy" ] || { kill "$keeper"; fail "no proxy"; }
	links=$(for f in /proc/"$proxy"/fd/*; do readlink "$f"; done)
	kill "$keeper"
	wait "$keeper" || true
	# The host's root, or a mount namespace (the host's or the template).
	! grep -qx '/' <<<"$links" || fail "the proxy holds the host's root: $links"
	! grep -q '^mnt:' <<<"$links" || fail "the proxy holds a mount namespace: $links"
}

@test "template: a shared source made again gets a new template" {
	init_box --mode process
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/true
	run -0 pins
	local first=$output
	# The device nodes made again (a new inode): the old template binds the old ones.
	"$APBOX" cleanup -b "$BOX" >/dev/null
	rm -rf "$BOX_ROOT/.dev2"
	init_box --mode process
	[ -d "$BOX_ROOT/.dev2" ] || skip "init made no .dev2 here"
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/sh -c 'echo x >/dev/null && echo ok'
	assert_output ok
	run -0 pins
	[ "${#lines[@]}" -eq 2 ] || fail "pins: $output"
	assert_line "$first"
	# The run used the new one: the old binds the old nodes, which are gone.
	run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/sh -c 'stat -c %i /dev/null'
	[ "$output" = "$(stat -c %i "$BOX_ROOT/.dev2/null")" ] ||
		fail "the box's /dev/null is not the new node"
}

@test "template: when it cannot be made, the run builds its root itself" {
	init_box --mode process
	mkdir "$BOX_ROOT/.tpl.lock"
	run -0 --separate-stderr "$APBOX" -v run -b "$BOX" --mode process -- /bin/sh -c 'stat -c %u /'
	assert_output "$(host_box_uid)"
	[[ "$stderr" == *"no mount template (cannot lock"* ]] || fail "stderr: $stderr"
	run -0 pins
	assert_output ""
	rmdir "$BOX_ROOT/.tpl.lock"
}

# The mounts of a template, by mount point: a shell waits in its namespace
# (which has no /proc) while the host reads its mountinfo.
template_mounts() {
	local ready
	coproc NS { exec nsenter --mount="$1" /bin/sh -c 'echo ready; read -r x'; }
	read -r ready <&"${NS[0]}"
	[ "$ready" = ready ] && awk '{ print $5 }' "/proc/$NS_PID/mountinfo"
	echo >&"${NS[1]}"
	wait "$NS_PID"
}

@test "template: an isolate-style caller's system rules are in it; the job's rules and unreachable sources are not" {
	command -v nsenter >/dev/null || skip "requires nsenter"
	init_box --mode process
	mkdir -p "$WORLD/assets/etc" "$WORLD/common" "$WORLD/lock/d"
	echo "10.9.8.7 assets" >"$WORLD/assets/etc/hosts"
	chmod -R a+rX "$WORLD/assets" "$WORLD/common"
	chmod 700 "$WORLD/lock"
	local era=(--no-default-dirs --dir=/bin/ --dir=/lib/ --dir=/lib64/:maybe --dir=/usr/bin/
		--dir=/usr/lib/ --dir=/usr/local/ --dir=/etc/="$WORLD/assets/etc"
		--dir=proc=proc:fs --dir=/dev=/dev:dev --dir=/box="$BOX_ROOT/$BOX/box:rw"
		--dir=/root/common="$WORLD/common" --share-net --processes --chdir=/root --box-id="$BOX")
	# The isolate-compatible invocation, as Activepieces gives it (era D).
	run -0 "$APBOX" "${era[@]}" --run -- /bin/sh -c 'cat /etc/hosts; ls /root'
	assert_line "10.9.8.7 assets"
	assert_line common
	run -0 pins
	[ "${#lines[@]}" -eq 1 ] || fail "pins: $output"
	run -0 template_mounts "$output"
	# Shared: the system binds, /etc from the assets, the host's /dev.
	for m in /bin /lib /usr/bin /usr/lib /usr/local /etc /dev; do
		assert_line "$m"
	done
	# The job's: /box, /root/common; /proc is the run's own (its pid namespace).
	refute_line --regexp '/box$'
	refute_line --regexp '/root/common$'
	# A source the box uid cannot reach stays the run's, and is refused as before.
	run "$APBOX" "${era[@]}" --dir=/usr/share/x="$WORLD/lock/d" --run -- /bin/true
	[ "$status" -eq 2 ] || fail "exit $status: $output"
	assert_output --partial "Permission denied"
	# Nor through a link whose own directory anyone can enter.
	ln -s "$WORLD/lock/d" "$WORLD/assets/link"
	run "$APBOX" "${era[@]}" --dir=/usr/share/x="$WORLD/assets/link" --run -- /bin/true
	[ "$status" -eq 2 ] || fail "through a link: exit $status: $output"
	assert_output --partial "Permission denied"
}

@test "template: a system rule whose source holds box_root stays the run's" {
	command -v nsenter >/dev/null || skip "requires nsenter"
	init_box --mode process
	chmod a+rx "$WORLD"
	ln -s "$WORLD" "$WORLD.link"
	run -0 "$APBOX" run -b "$BOX" --mode process --dir /opt/w="$WORLD" --dir /opt/l="$WORLD.link" \
		-- /bin/sh -c 'ls /opt/w /opt/l >/dev/null && echo seen'
	rm -f "$WORLD.link"
	assert_output seen
	run -0 pins
	local pin
	for pin in "${lines[@]}"; do
		run -0 template_mounts "$pin"
		refute_line --regexp '^/opt/'
	done
}

@test "template: a bind of a tree that holds box_root works at every run (the pins are unbindable)" {
	local i
	init_box --mode process
	for i in 1 2 3; do
		run -0 "$APBOX" run -b "$BOX" --mode process -- /bin/true
		run -0 "$APBOX" run -b "$BOX" --mode process --dir /data="$WORLD" -- \
			/bin/sh -c 'ls /data/boxes >/dev/null && grep -c nsfs /proc/self/mountinfo || true'
		assert_output 0
	done
	[[ "$(findmnt -no PROPAGATION "$(pins | head -1)")" == *unbindable ]]
}
