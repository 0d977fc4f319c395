#!/usr/bin/env bats
# SPDX-License-Identifier: GPL-2.0-or-later
# End to end: real Activepieces pieces, installed from the npm registry at
# test time (examples/pieces/package-lock.json pins them), run by the example
# engine (examples/pieces/engine.js) through the example worker
# (examples/node-worker) inside apbox, in every mode this host supports.  The
# engine dir is read-only to the box; Code steps cannot change it nor read
# /etc/shadow; a heap-hungry step under --mem ends as "out of memory".
# Skipped, with the reason, when the npm registry cannot be reached.
bats_require_minimum_version 1.5.0
load helpers/common

# The line of npm's output that says what went wrong.
npm_error() {
	grep -m1 -E 'FetchError|npm (ERR|error) (code|network)' <<<"$1" || tail -1 <<<"$1"
}

setup_file() {
	export PIECES_SKIP="" PIECES_FAIL="" PIECES_ENGINE=""
	if [ "$(id -u)" -ne 0 ]; then
		PIECES_SKIP="needs root (the boxes run as their own uids)"
		return 0
	fi
	if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
		PIECES_SKIP="needs node and npm"
		return 0
	fi
	PIECES_ENGINE=$(mktemp -d /tmp/apbox-pieces.XXXXXX)
	chmod 755 "$PIECES_ENGINE"
	local src=$APBOX_SRCDIR/examples/pieces out
	cp "$src/package.json" "$src/package-lock.json" "$src/engine.js" "$src/local-piece.js" "$PIECES_ENGINE/"
	cp -r "$src/codes" "$PIECES_ENGINE/codes"
	if ! out=$(cd "$PIECES_ENGINE" && timeout 30 npm ping --fetch-retries=0 2>&1); then
		PIECES_SKIP="the npm registry cannot be reached (npm ping: $(npm_error "$out"))"
		return 0
	fi
	if ! out=$(cd "$PIECES_ENGINE" && timeout 240 npm ci --ignore-scripts --no-audit --no-fund 2>&1); then
		if grep -qE 'ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|network' <<<"$out"; then
			PIECES_SKIP="npm ci cannot reach the registry: $(npm_error "$out")"
		else
			PIECES_FAIL="npm ci failed: $(tail -5 <<<"$out")"
		fi
		return 0
	fi
	# A directory whose permissions let anyone write: only a read-only bind stops that.
	mkdir -m 1777 "$PIECES_ENGINE/open"
	chmod -R a+rX "$PIECES_ENGINE"
}

teardown_file() {
	[ -z "${PIECES_ENGINE:-}" ] || rm -rf "$PIECES_ENGINE"
}

setup() {
	[ -z "${PIECES_FAIL:-}" ] || fail "$PIECES_FAIL"
	[ -z "${PIECES_SKIP:-}" ] || skip "$PIECES_SKIP"
	requires root node
	setup_world
}
teardown() { teardown_world; }

# node on the host, without NODE_EXTRA_CA_CERTS (it makes every start 8x slower
# here); the engine's node in the box gets a clean environment from apbox anyway.
HOST_NODE=(env -u NODE_EXTRA_CA_CERTS node)

# in_mode MODE: skip unless this host runs MODE; set how the engine is reached.
in_mode() {
	MODE=$1
	if ! "$APBOX" init -b "$BOX" --mode "$MODE" >/dev/null 2>"$WORLD/probe.err" ||
		! "$APBOX" run -b "$BOX" --mode "$MODE" -- /bin/true 2>>"$WORLD/probe.err"; then
		skip "mode $MODE does not run on this host: $(tail -1 "$WORLD/probe.err")"
	fi
	case $MODE in
	process | code-and-process)
		# read-only binds at /root/common and /root/codes, as Activepieces mounts them
		JOB_ARGS=(--engine "$PIECES_ENGINE" --code "$PIECES_ENGINE/codes")
		MAIN=/root/common/engine.js
		ENGINE_SEEN=/root/common
		;;
	code-only)
		# no root of its own: the engine is granted (Landlock) at its own path
		JOB_ARGS=(--engine "$PIECES_ENGINE" --env "AP_BASE_CODE_DIRECTORY=$PIECES_ENGINE/codes")
		MAIN=$PIECES_ENGINE/engine.js
		ENGINE_SEEN=$PIECES_ENGINE
		;;
	*)
		JOB_ARGS=(--env "AP_BASE_CODE_DIRECTORY=$PIECES_ENGINE/codes")
		MAIN=$PIECES_ENGINE/engine.js
		ENGINE_SEEN=$PIECES_ENGINE
		;;
	esac
}

# job JSON [run-job options]: one job through the example worker; $output is the
# engine's stdout (one JSON line), the worker's verdict is in $WORLD/result.json.
job() {
	local spec=$1
	shift
	run --separate-stderr "${HOST_NODE[@]}" "$APBOX_SRCDIR/examples/node-worker/bin/run-job.js" \
		--apbox "$APBOX" --box "$BOX" --mode "$MODE" --timeout 60 \
		--result "$WORLD/result.json" "${JOB_ARGS[@]}" "$@" -- /usr/bin/node "$MAIN" "$spec"
}

# result EXPR: a JavaScript expression over the worker's result r.
result() {
	"${HOST_NODE[@]}" -e 'const r = require(process.argv[1]); console.log(String(eval(process.argv[2])))' \
		"$WORLD/result.json" "$1"
}

assert_outcome() {
	local got
	got=$(result r.outcome)
	[ "$got" = "$1" ] || fail "outcome '$got', expected '$1': $(cat "$WORLD/result.json")
stdout: $output
stderr: $stderr"
}

data_mapper() {
	in_mode "$1"
	job '{"piece":"@activepieces/piece-data-mapper","action":"advanced_mapping","props":{"mapping":{"name":"apbox","list":[1,2,3]}}}'
	assert_outcome succeeded
	assert_output "{\"ok\":true,\"mode\":\"$(ap_name "$1")\",\"output\":{\"name\":\"apbox\",\"list\":[1,2,3]}}"
	[ "$(result 'r.meta.mode')" = "$1" ]
}

local_piece() {
	in_mode "$1"
	job '{"piece":"./local-piece","action":"word_count","props":{"text":"sandboxes keep pieces apart"}}'
	assert_outcome succeeded
	assert_output --partial '"output":{"words":4,"longest":"sandboxes"}'
}

ap_name() {
	case $1 in
	process) echo SANDBOX_PROCESS ;;
	code-and-process) echo SANDBOX_CODE_AND_PROCESS ;;
	code-only) echo SANDBOX_CODE_ONLY ;;
	unsandboxed) echo UNSANDBOXED ;;
	esac
}

write_engine() {
	in_mode "$1"
	local target=$PIECES_ENGINE/node_modules/@activepieces/pieces-framework/package.json sum
	sum=$(md5sum < "$target")
	job '{"step":"write-engine"}'
	if [ "$1" = unsandboxed ]; then
		# UNSANDBOXED isolates nothing, by design: the step really wrote.
		assert_outcome succeeded
		rm -f "$PIECES_ENGINE/planted.js"
		return 0
	fi
	assert_outcome failed
	assert_output --regexp '"ok":false,.*"code":"(EACCES|EROFS)"'
	[ ! -e "$PIECES_ENGINE/planted.js" ]
	[ "$(md5sum < "$target")" = "$sum" ] || fail "the step changed \"$target\""
	case $1 in
	process | code-and-process)
		# Even where the permissions allow it, the bind is read-only.
		job '{"step":"write-engine","inputs":{"into":"open"}}'
		assert_outcome failed
		assert_output --partial '"code":"EROFS"'
		[ -z "$(ls -A "$PIECES_ENGINE/open")" ]
		;;
	esac
}

read_shadow() {
	in_mode "$1"
	job '{"step":"read-shadow"}'
	if [ "$1" = unsandboxed ]; then
		assert_outcome succeeded # run as root on the host: nothing stops it
		return 0
	fi
	assert_outcome failed
	# process modes: no /etc/shadow in the box; code-only: the box uid may not read it
	assert_output --regexp '"ok":false,.*"code":"(ENOENT|EACCES)"'
	refute_output --partial shadow\":
}

heap_hog() {
	in_mode "$1"
	requires cgroup_mem
	job '{"step":"heap-hog"}' --mem 128M
	assert_outcome out_of_memory
	# On this host the cgroup's OOM killer strikes before V8's own heap limit
	# (node sizes its heap from the host's memory, not the cgroup's); a node
	# that sizes it from the cgroup aborts instead: both are "out of memory".
	if [ "$(result 'r.meta["cg-oom-killed"]')" = 1 ]; then
		[ "$(result r.meta.exitsig)" = 9 ]
	else
		[ "$(result r.meta.exitsig)" = 6 ] && [[ $stderr == *"heap out of memory"* ]] ||
			fail "neither an OOM kill nor a heap abort: $(cat "$WORLD/result.json")"
	fi
}

@test "pieces: data-mapper's advanced_mapping returns its output (process)" { data_mapper process; }
@test "pieces: data-mapper's advanced_mapping returns its output (code-and-process)" { data_mapper code-and-process; }
@test "pieces: data-mapper's advanced_mapping returns its output (code-only)" { data_mapper code-only; }
@test "pieces: data-mapper's advanced_mapping returns its output (unsandboxed)" { data_mapper unsandboxed; }

@test "pieces: a piece built on pieces-framework runs its action (process)" { local_piece process; }
@test "pieces: a piece built on pieces-framework runs its action (code-and-process)" { local_piece code-and-process; }
@test "pieces: a piece built on pieces-framework runs its action (code-only)" { local_piece code-only; }
@test "pieces: a piece built on pieces-framework runs its action (unsandboxed)" { local_piece unsandboxed; }

@test "pieces: a Code step cannot write the engine dir (process)" { write_engine process; }
@test "pieces: a Code step cannot write the engine dir (code-and-process)" { write_engine code-and-process; }
@test "pieces: a Code step cannot write the engine dir (code-only)" { write_engine code-only; }
@test "pieces: a Code step can write the engine dir (unsandboxed: no isolation, by design)" { write_engine unsandboxed; }

@test "pieces: a Code step cannot read /etc/shadow (process)" { read_shadow process; }
@test "pieces: a Code step cannot read /etc/shadow (code-and-process)" { read_shadow code-and-process; }
@test "pieces: a Code step cannot read /etc/shadow (code-only)" { read_shadow code-only; }
@test "pieces: a Code step can read /etc/shadow (unsandboxed: no isolation, by design)" { read_shadow unsandboxed; }

@test "pieces: a heap-hungry step under --mem 128M is out of memory (process)" { heap_hog process; }
@test "pieces: a heap-hungry step under --mem 128M is out of memory (code-and-process)" { heap_hog code-and-process; }
@test "pieces: a heap-hungry step under --mem 128M is out of memory (code-only)" { heap_hog code-only; }
@test "pieces: a heap-hungry step under --mem 128M is out of memory (unsandboxed)" { heap_hog unsandboxed; }
