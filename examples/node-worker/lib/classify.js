// SPDX-License-Identifier: GPL-2.0-or-later
// What happened to a job, from apbox's JSON meta file, its exit status and the
// worker's own timer.  The meta file is the primary source: apbox's exit status
// alone cannot tell a program that exited 125 from apbox failing.
'use strict';

const OUTCOMES = Object.freeze({
	SUCCEEDED: 'succeeded',
	FAILED: 'failed',
	TIMED_OUT: 'timed_out',
	OUT_OF_MEMORY: 'out_of_memory',
	SANDBOX_ERROR: 'sandbox_error',
});

const SIGABRT = 6;

// What node prints when V8 reaches its heap limit (it then aborts: SIGABRT).
const HEAP_MESSAGES = [
	'JavaScript heap out of memory',
	'Reached heap limit',
	'Allocation failed - process out of memory',
];

function heapExhausted(stderr) {
	const s = String(stderr || '');
	return HEAP_MESSAGES.some((m) => s.includes(m));
}

/**
 * @param {object} r
 * @param {object|null} r.meta      the parsed --meta-format json file, or null
 * @param {number|null} r.exitCode  apbox's exit code (null when it died on a signal)
 * @param {string|null} r.signal    the signal that ended apbox, if any
 * @param {boolean} r.timedOut      the worker's timer fired and killed apbox
 * @param {string} [r.stderr]       the program's stderr (a tail is enough)
 * @returns {{outcome: string, reason: string}}
 */
function classify({ meta, exitCode, signal, timedOut, stderr }) {
	// Finished cleanly before the kill landed: the program's result stands.
	if (timedOut && meta && !meta.status)
		return { outcome: OUTCOMES.SUCCEEDED, reason: 'finished as the timeout fired' };
	if (timedOut)
		return { outcome: OUTCOMES.TIMED_OUT, reason: 'killed by the worker\'s timeout' };
	if (!meta) {
		const how = signal ? `signal ${signal}` : `exit status ${exitCode}`;
		return { outcome: OUTCOMES.SANDBOX_ERROR, reason: `apbox ended (${how}) without a meta file` };
	}
	if (meta.status === 'XX')
		return { outcome: OUTCOMES.SANDBOX_ERROR, reason: meta.message || 'apbox failed' };
	if (meta.status === 'TO')
		return { outcome: OUTCOMES.TIMED_OUT, reason: meta.message || 'time limit exceeded' };
	// The kernel's OOM killer, inside the box's memory cgroup.
	if (meta['cg-oom-killed'] === 1)
		return { outcome: OUTCOMES.OUT_OF_MEMORY, reason: meta.message || 'killed by the memory limit' };
	// V8's own heap limit (--max-old-space-size, or the default): node aborts.
	if (heapExhausted(stderr) && (meta.exitsig === SIGABRT || meta.exitcode === 128 + SIGABRT))
		return { outcome: OUTCOMES.OUT_OF_MEMORY, reason: 'JavaScript heap out of memory' };
	if (!meta.status)
		return { outcome: OUTCOMES.SUCCEEDED, reason: '' };
	return { outcome: OUTCOMES.FAILED, reason: meta.message || `status ${meta.status}` };
}

module.exports = { classify, heapExhausted, OUTCOMES };
