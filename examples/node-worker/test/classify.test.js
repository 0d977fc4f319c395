// SPDX-License-Identifier: GPL-2.0-or-later
// The outcome classification and the box pool: pure, no apbox needed.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const { classify, OUTCOMES, BoxPool, parseBoxIds } = require('..');

const ok = { time: 0.01, 'time-wall': 0.02, exitcode: 0, mode: 'process', 'box-id': 1 };

test('classify: no status is success', () => {
	assert.equal(classify({ meta: ok, exitCode: 0, timedOut: false }).outcome, OUTCOMES.SUCCEEDED);
});

test('classify: RE and SG are failures, with the message as the reason', () => {
	const re = { status: 'RE', message: 'Exited with error status 3', exitcode: 3 };
	const r = classify({ meta: re, exitCode: 3, timedOut: false });
	assert.equal(r.outcome, OUTCOMES.FAILED);
	assert.equal(r.reason, 'Exited with error status 3');
	const sg = { status: 'SG', message: 'Caught fatal signal 11 (SEGV)', exitsig: 11 };
	assert.equal(classify({ meta: sg, exitCode: 139, timedOut: false }).outcome, OUTCOMES.FAILED);
});

test('classify: a program that itself exits 125 failed; apbox failing is XX', () => {
	const re = { status: 'RE', message: 'Exited with error status 125', exitcode: 125 };
	assert.equal(classify({ meta: re, exitCode: 125, timedOut: false }).outcome, OUTCOMES.FAILED);
	const xx = { status: 'XX', message: 'cannot bind "/x" on "/root/common"' };
	const r = classify({ meta: xx, exitCode: 125, timedOut: false });
	assert.equal(r.outcome, OUTCOMES.SANDBOX_ERROR);
	assert.match(r.reason, /cannot bind/);
});

test('classify: no meta file is a sandbox error', () => {
	const r = classify({ meta: null, exitCode: null, signal: 'SIGKILL', timedOut: false });
	assert.equal(r.outcome, OUTCOMES.SANDBOX_ERROR);
	assert.match(r.reason, /SIGKILL/);
});

test('classify: TO from apbox and the worker\'s own timeout are timeouts', () => {
	const to = { status: 'TO', message: 'Time limit exceeded (wall clock)', killed: 1 };
	assert.equal(classify({ meta: to, exitCode: 137, timedOut: false }).outcome, OUTCOMES.TIMED_OUT);
	const interrupted = { status: 'SG', message: 'Interrupted', killed: 1, exitsig: 15 };
	assert.equal(classify({ meta: interrupted, exitCode: 143, timedOut: true }).outcome, OUTCOMES.TIMED_OUT);
	assert.equal(classify({ meta: null, exitCode: null, signal: 'SIGKILL', timedOut: true }).outcome, OUTCOMES.TIMED_OUT);
	// The program finished as the timer fired: its own result stands.
	assert.equal(classify({ meta: ok, exitCode: 0, timedOut: true }).outcome, OUTCOMES.SUCCEEDED);
});

test('classify: the cgroup OOM killer and V8\'s heap limit are out of memory', () => {
	const oom = { status: 'SG', message: 'Out of memory (killed by signal 9)', exitsig: 9, 'cg-oom-killed': 1 };
	assert.equal(classify({ meta: oom, exitCode: 137, timedOut: false }).outcome, OUTCOMES.OUT_OF_MEMORY);
	const abrt = { status: 'SG', message: 'Caught fatal signal 6 (ABRT)', exitsig: 6 };
	const heap = 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory';
	assert.equal(classify({ meta: abrt, exitCode: 134, timedOut: false, stderr: heap }).outcome, OUTCOMES.OUT_OF_MEMORY);
	// An abort without node's message is just a crash.
	assert.equal(classify({ meta: abrt, exitCode: 134, timedOut: false, stderr: 'Aborted' }).outcome, OUTCOMES.FAILED);
});

test('pool: ids from a range, a list or a count', () => {
	assert.deepEqual(parseBoxIds('1-3'), [1, 2, 3]);
	assert.deepEqual(parseBoxIds('1,5,7-8'), [1, 5, 7, 8]);
	assert.deepEqual(parseBoxIds(2), [0, 1]);
	assert.throws(() => parseBoxIds('3-1'));
	assert.throws(() => parseBoxIds('x'));
	assert.throws(() => new BoxPool('1,1'));
});

test('pool: a job waits for a free box, first come first served', async () => {
	const pool = new BoxPool('7-8');
	const a = await pool.acquire();
	const b = await pool.acquire();
	assert.deepEqual([a, b], [7, 8]);
	const order = [];
	const c = pool.acquire().then((id) => order.push(['c', id]));
	const d = pool.acquire().then((id) => order.push(['d', id]));
	assert.equal(pool.busy, 2);
	pool.release(b);
	pool.release(a);
	await Promise.all([c, d]);
	assert.deepEqual(order, [['c', 8], ['d', 7]]);
	assert.throws(() => pool.release(99));
});
