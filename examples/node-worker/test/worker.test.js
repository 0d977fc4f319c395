// SPDX-License-Identifier: GPL-2.0-or-later
// The worker against the real apbox ($APBOX), as root, in a private world.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const { ApboxWorker, OUTCOMES } = require('..');
const { skipReason, hasMemoryCgroup, makeWorld } = require('./world');

const NODE = '/usr/bin/node';
const FIRST_UID = 60000;
const skip = skipReason();

// Processes of the box's uid still alive on the host (none may outlive a job).
function boxProcesses(boxId) {
	try {
		return execFileSync('pgrep', ['-u', String(FIRST_UID + boxId)], { encoding: 'utf8' }).trim();
	} catch {
		return ''; // pgrep exits 1 when nothing matches
	}
}

test('worker against apbox', { skip: skip || false }, async (t) => {
	const world = makeWorld();
	const worker = new ApboxWorker({ boxes: '21-22', env: world.env, mode: 'process' });
	t.after(async () => {
		await worker.close();
		world.cleanup();
	});

	await t.test('a good program succeeds and its output is streamed', async () => {
		const chunks = { out: [], err: [] };
		const r = await worker.run({
			argv: [NODE, '-e', 'console.log("hello from the box"); console.error("a warning")'],
			onStdout: (c) => chunks.out.push(c),
			onStderr: (c) => chunks.err.push(c),
		});
		assert.equal(r.outcome, OUTCOMES.SUCCEEDED, r.reason);
		assert.equal(r.exitCode, 0);
		assert.equal(Buffer.concat(chunks.out).toString(), 'hello from the box\n');
		assert.equal(Buffer.concat(chunks.err).toString(), 'a warning\n');
		assert.equal(r.stdout, 'hello from the box\n');
		assert.equal(r.meta.exitcode, 0);
		assert.equal(r.meta.mode, 'process');
		assert.equal(r.meta['box-id'], r.boxId);
		assert.equal(typeof r.meta.time, 'number');
	});

	await t.test('the program sees only its own environment and stdin', async () => {
		const r = await worker.run({
			argv: ['/bin/sh', '-c', 'read line; echo "$line $GREETING ${APBOX_CONFIG:-clean}"'],
			env: { GREETING: 'hi there' },
			stdin: 'input-line\n',
		});
		assert.equal(r.outcome, OUTCOMES.SUCCEEDED, r.reason);
		assert.equal(r.stdout, 'input-line hi there clean\n');
	});

	await t.test('a failing program is failed, with its exit code', async () => {
		const r = await worker.run({ argv: ['/bin/sh', '-c', 'echo oops >&2; exit 3'] });
		assert.equal(r.outcome, OUTCOMES.FAILED);
		assert.equal(r.exitCode, 3);
		assert.equal(r.meta.status, 'RE');
		assert.equal(r.meta.exitcode, 3);
		assert.equal(r.stderr, 'oops\n');
	});

	await t.test('the worker\'s timeout kills apbox, which kills the box and writes the meta', async () => {
		const t0 = Date.now();
		const r = await worker.run({
			argv: ['/bin/sh', '-c', 'sleep 60 & sleep 60'],
			timeoutMs: 400,
		});
		const took = Date.now() - t0;
		assert.equal(r.outcome, OUTCOMES.TIMED_OUT);
		assert.equal(r.exitCode, 143, 'apbox exits 128+SIGTERM');
		assert.ok(r.meta, 'the meta file is written on SIGTERM');
		assert.equal(r.meta.killed, 1);
		assert.equal(r.meta.exitsig, 15);
		assert.ok(took < 3000, `took ${took} ms`);
		assert.equal(boxProcesses(r.boxId), '', 'no process of the box survives');
	});

	await t.test('apbox\'s own --wall-time is a timeout too', async () => {
		const r = await worker.run({ argv: ['/bin/sleep', '30'], wallTime: 0.3 });
		assert.equal(r.outcome, OUTCOMES.TIMED_OUT);
		assert.equal(r.meta.status, 'TO');
	});

	await t.test('a memory hog under --mem is out of memory (cgroup OOM kill)', { skip: !hasMemoryCgroup() && 'no memory cgroup' }, async () => {
		const r = await worker.run({
			argv: [NODE, '-e', 'const a = []; for (;;) a.push(Buffer.alloc(1 << 20, 1));'],
			mem: '64M',
		});
		assert.equal(r.outcome, OUTCOMES.OUT_OF_MEMORY, r.reason);
		assert.equal(r.meta['cg-oom-killed'], 1);
		assert.equal(r.meta.exitsig, 9);
	});

	await t.test('V8 reaching its heap limit is out of memory (SIGABRT + node\'s message)', async () => {
		const r = await worker.run({
			argv: [NODE, '--max-old-space-size=24', '-e', 'const a = []; for (;;) a.push({ n: Math.random(), s: "x".repeat(64) + Math.random() });'],
		});
		assert.equal(r.outcome, OUTCOMES.OUT_OF_MEMORY, `${r.reason}: ${r.stderr.slice(-300)}`);
		assert.equal(r.meta.exitsig, 6);
		assert.match(r.stderr, /heap/);
	});

	await t.test('a box that cannot be built is a sandbox error (XX, 125)', async () => {
		const r = await worker.run({ argv: ['/bin/true'], engine: path.join(world.dir, 'missing-engine') });
		assert.equal(r.outcome, OUTCOMES.SANDBOX_ERROR);
		assert.equal(r.exitCode, 125);
		assert.equal(r.meta.status, 'XX');
		assert.match(r.reason, /missing-engine/);
	});

	await t.test('an apbox that cannot be started is a sandbox error', async () => {
		const broken = new ApboxWorker({ apbox: path.join(world.dir, 'no-such-apbox'), boxes: [23], env: world.env });
		const r = await broken.run({ argv: ['/bin/true'] });
		assert.equal(r.outcome, OUTCOMES.SANDBOX_ERROR);
		assert.match(r.reason, /ENOENT/);
		broken.used.clear();
		await broken.close();
	});

	await t.test('the pool runs two jobs at once on distinct boxes and queues the rest', async () => {
		let running = 0;
		let peak = 0;
		const inBox = new Map();
		const job = async (i) => {
			const r = await worker.run({
				argv: ['/bin/sh', '-c', `sleep 0.3; echo job${i}`],
				onStdout: () => {},
			});
			return r;
		};
		// Track concurrency through the pool itself.
		const acquire = worker.pool.acquire.bind(worker.pool);
		const release = worker.pool.release.bind(worker.pool);
		worker.pool.acquire = async () => {
			const id = await acquire();
			assert.ok(!inBox.get(id), `box ${id} handed out twice`);
			inBox.set(id, true);
			running++;
			peak = Math.max(peak, running);
			return id;
		};
		worker.pool.release = (id) => {
			inBox.set(id, false);
			running--;
			release(id);
		};
		try {
			const results = await Promise.all([0, 1, 2, 3].map(job));
			for (const [i, r] of results.entries()) {
				assert.equal(r.outcome, OUTCOMES.SUCCEEDED, r.reason);
				assert.equal(r.stdout, `job${i}\n`);
			}
			assert.equal(peak, 2);
			assert.deepEqual(new Set(results.map((r) => r.boxId)), new Set([21, 22]));
		} finally {
			worker.pool.acquire = acquire;
			worker.pool.release = release;
		}
	});

	await t.test('close() cleans every box it used', async () => {
		await worker.close();
		for (const id of [21, 22]) assert.ok(!fs.existsSync(path.join(world.dir, 'boxes', String(id))), `box ${id} removed`);
	});
});
