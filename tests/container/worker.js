// SPDX-License-Identifier: GPL-2.0-or-later
// The worker inside a test container: PID 1, started by the OCI runtime as
// the container's user, spawning apbox the way an Activepieces worker does
// (child_process, an argument array, apbox in the worker's own process
// group).  It measures and judges nothing: for each mode it records what
// apbox check said and what really happened, one JSON object a line on
// stdout prefixed with "@ct ", and run.py compares the two.
//
// It is PID 1 on purpose: a signal sent from inside the container (a box's
// kill(0) or kill(-1)) can reach every process of the worker's uid but not
// the namespace's init, so the driver survives to report it; the processes
// it watches are sentinels of its own, never anything outside the container.
//
// Per mode: cleanup, init, node in the box, the worker-threat probes, a
// memory limit, cleanup.  The probes (run by /bin/sh in the box):
//   secret   read a 0600 file of the worker
//   environ  read the worker's environment from /proc/PID/environ (every PID)
//   kill0    kill(0, SIGKILL): the process group apbox was started in, which
//            holds a sentinel of the worker's
//   killall  kill(-1, SIGKILL): every process the box may signal; a sentinel
//            of the worker's uid sits in a session of its own
// Environment: APBOX (the binary), MODES, BOX (box id), CT_SECRET_FILE,
// CT_TOKEN (the worker's secret value; the probes look for it in what they
// print and never name it themselves).
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const APBOX = process.env.APBOX;
const NODE = process.env.CT_NODE || '/usr/bin/node';
// node outside /usr: its directory, bound into each box (read-only)
const NODE_DIRS = process.env.CT_NODE_DIR ? ['--dir', process.env.CT_NODE_DIR] : [];
const HOG = 'const a = []; for (let i = 0; i < 256; i++) a.push(Buffer.alloc(1 << 20, 1)); ' +
	'console.log("allocated " + a.length + " MiB")';
const BOX = process.env.BOX || '1';
const MODES = (process.env.MODES || 'unsandboxed code-only process code-and-process').split(/\s+/);
const SECRET_FILE = process.env.CT_SECRET_FILE;
const TOKEN = process.env.CT_TOKEN;
const LIMIT = 32 << 10; // bytes of output kept per stream

function record(obj) {
	process.stdout.write('@ct ' + JSON.stringify(obj) + '\n');
}

// Spawn and collect: {rc, sig, out, err, ms}; never throws.  A run that
// outlives timeoutMs is killed (SIGKILL to apbox: its death kills the box).
function run(argv, opts = {}) {
	return new Promise((resolve) => {
		const t0 = Date.now();
		let out = '';
		let err = '';
		let child;
		try {
			child = spawn(argv[0], argv.slice(1), {
				stdio: ['ignore', 'pipe', 'pipe'],
				env: opts.env || process.env,
				detached: !!opts.detached,
			});
		} catch (e) {
			resolve({ rc: null, sig: null, out: '', err: String(e), ms: 0 });
			return;
		}
		const timer = setTimeout(() => {
			err += `\n[worker: killed after ${opts.timeoutMs} ms]`;
			try { child.kill('SIGKILL'); } catch (e) { /* gone */ }
		}, opts.timeoutMs || 60000);
		child.stdout.on('data', (d) => { if (out.length < LIMIT) out += d; });
		child.stderr.on('data', (d) => { if (err.length < LIMIT) err += d; });
		child.on('error', (e) => { err += String(e); });
		child.on('close', (rc, sig) => {
			clearTimeout(timer);
			resolve({ rc, sig, out, err, ms: Date.now() - t0 });
		});
	});
}

const apbox = (args, opts) => run([APBOX, ...args], opts);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A sentinel: a sleeping child of the worker.  detached: in a session of its
// own; otherwise in the worker's process group, like apbox.
function sentinel(detached) {
	const child = spawn('/bin/sleep', ['600'], { stdio: 'ignore', detached });
	const s = { pid: child.pid, dead: null };
	child.on('exit', (rc, sig) => { s.dead = sig || `exit ${rc}`; });
	s.stop = () => { if (!s.dead) try { child.kill('SIGKILL'); } catch (e) { /* gone */ } };
	return s;
}

function meta(file) {
	try {
		return JSON.parse(fs.readFileSync(file, 'utf8'));
	} catch (e) {
		return null;
	}
}

const PROBES = {
	secret: `cat ${SECRET_FILE} 2>&1; true`,
	// every environ this box can read; the box's own is clean
	environ: "for f in /proc/[0-9]*/environ; do tr '\\0' '\\n' < \"$f\"; done 2>/dev/null | grep '^CT_'; true",
	kill0: 'kill -KILL 0; echo "kill(0): $?"',
	killall: 'kill -KILL -1; echo "kill(-1): $?"',
};

async function probe(mode, name) {
	const group = sentinel(false);
	const session = sentinel(true);
	await sleep(50);
	const r = await apbox(['run', '-b', BOX, '--mode', mode, '--wall-time', '30', '--',
		'/bin/sh', '-c', PROBES[name]], { timeoutMs: 60000 });
	await sleep(300); // let the exit events of killed sentinels arrive
	const rec = {
		mode, step: 'probe', probe: name, rc: r.rc, sig: r.sig, out: r.out, err: r.err, ms: r.ms,
		group_sentinel: group.dead, session_sentinel: session.dead,
		leaked: TOKEN ? r.out.includes(TOKEN) : null,
	};
	group.stop();
	session.stop();
	record(rec);
}

async function oneMode(mode) {
	const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ct-'));
	const metaFile = path.join(tmp, 'meta.json');
	let r = await apbox(['cleanup', '-b', BOX], { timeoutMs: 30000 });
	record({ mode, step: 'cleanup-before', rc: r.rc, sig: r.sig, err: r.err });

	r = await apbox(['init', '-b', BOX, '--mode', mode], { timeoutMs: 30000 });
	record({ mode, step: 'init', rc: r.rc, sig: r.sig, out: r.out, err: r.err, ms: r.ms });

	r = await apbox(['run', '-b', BOX, '--mode', mode, '--wall-time', '60', '--meta', metaFile,
		'--meta-format', 'json', ...NODE_DIRS, '--', NODE, '-e',
		'console.log("node " + process.versions.node + " says " + 6 * 7)'], { timeoutMs: 90000 });
	record({ mode, step: 'node', rc: r.rc, sig: r.sig, out: r.out, err: r.err, ms: r.ms,
		meta: meta(metaFile) });

	for (const name of Object.keys(PROBES))
		await probe(mode, name);

	// A memory limit: node touches 256 MiB of buffers (outside V8's heap)
	// under a 64 MiB limit.
	try { fs.unlinkSync(metaFile); } catch (e) { /* none */ }
	r = await apbox(['run', '-b', BOX, '--mode', mode, '--wall-time', '30', '--mem', '64M',
		'--meta', metaFile, '--meta-format', 'json', ...NODE_DIRS, '--', NODE, '-e', HOG],
	{ timeoutMs: 60000 });
	record({ mode, step: 'limits', rc: r.rc, sig: r.sig, out: r.out, err: r.err, ms: r.ms,
		meta: meta(metaFile) });

	r = await apbox(['cleanup', '-b', BOX], { timeoutMs: 30000 });
	record({ mode, step: 'cleanup', rc: r.rc, sig: r.sig, err: r.err });
	fs.rmSync(tmp, { recursive: true, force: true });
}

async function main() {
	const facts = {
		uid: process.getuid(), gid: process.getgid(), pid: process.pid,
		kernel: os.release(), status: {},
	};
	try {
		for (const line of fs.readFileSync('/proc/self/status', 'utf8').split('\n')) {
			const m = line.match(/^(CapEff|CapBnd|NoNewPrivs|Seccomp):\s*(.*)$/);
			if (m) facts.status[m[1]] = m[2];
		}
	} catch (e) { /* no /proc */ }
	record({ step: 'facts', ...facts });
	// The worker's secret: a file only its uid may read.
	fs.writeFileSync(SECRET_FILE, `${TOKEN}\n`, { mode: 0o600 });

	let r = await apbox(['check', '--json'], { timeoutMs: 30000 });
	let check = null;
	try { check = JSON.parse(r.out); } catch (e) { /* recorded raw */ }
	record({ step: 'check', rc: r.rc, sig: r.sig, out: r.out, err: r.err, json: check });
	r = await apbox(['check'], { timeoutMs: 30000 });
	record({ step: 'check-text', rc: r.rc, out: r.out, err: r.err });

	for (const mode of MODES)
		await oneMode(mode);
	r = await apbox(['cleanup', '--templates'], { timeoutMs: 30000 });
	record({ step: 'cleanup-templates', rc: r.rc, err: r.err });
	record({ step: 'done' });
}

main().then(() => process.exit(0), (e) => {
	record({ step: 'crash', err: String(e && e.stack || e) });
	process.exit(1);
});
