// SPDX-License-Identifier: GPL-2.0-or-later
// A job runner on top of apbox: for each job it takes a box id from the pool
// and runs "apbox cleanup", "apbox init" and "apbox run" through
// child_process.spawn (never a shell, so no argument is ever re-parsed),
// streams the program's stdout and stderr as they come, enforces the job's
// timeout by killing apbox (SIGTERM, then SIGKILL after a grace period; on
// SIGTERM apbox kills the box, reaps it, writes the meta file and exits 143),
// reads the JSON meta file and classifies the outcome.
'use strict';

const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { BoxPool } = require('./pool');
const { classify, OUTCOMES } = require('./classify');

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

// Keep the last `max` bytes of a stream (enough for a heap-limit message).
class Tail {
	constructor(max) {
		this.max = max;
		this.chunks = [];
		this.size = 0;
		this.truncated = false;
	}

	push(chunk) {
		this.chunks.push(chunk);
		this.size += chunk.length;
		while (this.size > this.max && this.chunks.length > 1) {
			this.size -= this.chunks.shift().length;
			this.truncated = true;
		}
	}

	toString() {
		const b = Buffer.concat(this.chunks);
		return (b.length > this.max ? b.subarray(b.length - this.max) : b).toString('utf8');
	}
}

class ApboxWorker {
	/**
	 * @param {object} [opts]
	 * @param {string} [opts.apbox]      the apbox binary (default: $APBOX, else "apbox" on PATH)
	 * @param {string} [opts.config]     apbox's --config FILE (default: apbox's own choice)
	 * @param {string} [opts.mode]       --mode for init and run (default: the configuration's)
	 * @param {*} [opts.boxes]           box ids: "1-4", "1,3", a count, or an array (default [1])
	 * @param {object} [opts.env]        apbox's own environment (default: process.env)
	 * @param {number} [opts.killGraceMs] from SIGTERM to SIGKILL on timeout (default 3000)
	 * @param {number} [opts.maxOutputBytes] how much of stdout/stderr a result keeps (default 1 MiB)
	 */
	constructor(opts = {}) {
		this.apbox = opts.apbox || process.env.APBOX || 'apbox';
		this.config = opts.config;
		this.mode = opts.mode;
		this.pool = new BoxPool(opts.boxes ?? [1]);
		this.env = { ...(opts.env || process.env) };
		this.killGraceMs = opts.killGraceMs ?? 3000;
		this.maxOutputBytes = opts.maxOutputBytes ?? 1 << 20;
		this.metaDir = fs.mkdtempSync(path.join(os.tmpdir(), 'apbox-worker-'));
		this.used = new Set();
		this.children = new Set();
	}

	args(command, boxId, extra = []) {
		const a = [];
		if (this.config) a.push('--config', this.config);
		a.push(command, '-b', String(boxId));
		if (this.mode && command !== 'cleanup') a.push('--mode', this.mode);
		return a.concat(extra);
	}

	// Spawn apbox; resolve when it has exited and its stdio is closed.
	spawnApbox(args, { onStdout, onStderr, stdin, timeoutMs } = {}) {
		return new Promise((resolve) => {
			const out = new Tail(this.maxOutputBytes);
			const err = new Tail(this.maxOutputBytes);
			let timedOut = false;
			let killTimer = null;
			let timer = null;
			const child = spawn(this.apbox, args, {
				env: this.env,
				stdio: [stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
			});
			this.children.add(child);
			child.stdout.on('data', (c) => {
				out.push(c);
				if (onStdout) onStdout(c);
			});
			child.stderr.on('data', (c) => {
				err.push(c);
				if (onStderr) onStderr(c);
			});
			if (stdin !== undefined) {
				child.stdin.on('error', () => {}); // the program may not read it all
				child.stdin.end(stdin);
			}
			if (timeoutMs) {
				timer = setTimeout(() => {
					timedOut = true;
					child.kill('SIGTERM');
					killTimer = setTimeout(() => child.kill('SIGKILL'), this.killGraceMs);
				}, timeoutMs);
			}
			let spawnError = null;
			child.on('error', (e) => {
				spawnError = e;
			});
			child.on('close', (code, signal) => {
				clearTimeout(timer);
				clearTimeout(killTimer);
				this.children.delete(child);
				resolve({ code, signal, timedOut, spawnError, stdout: out.toString(), stderr: err.toString() });
			});
		});
	}

	/**
	 * Run one job in a box from the pool.
	 * @param {object} job
	 * @param {string[]} job.argv        the program and its arguments (inside-the-box paths)
	 * @param {string} [job.engine]      host dir bound read-only at /root/common (process modes)
	 * @param {string} [job.code]        host dir bound read-only at /root/codes (process modes)
	 * @param {object} [job.env]         environment of the program: {NAME: value}
	 * @param {string} [job.mem]         memory limit ("256M", KiB without a suffix)
	 * @param {number} [job.processes]   process/thread limit
	 * @param {number} [job.timeoutMs]   the worker's timeout: apbox is killed after it
	 * @param {number} [job.wallTime]    apbox's own --wall-time, seconds
	 * @param {number} [job.time]        apbox's --time (CPU seconds)
	 * @param {boolean} [job.shareNet]   --share-net
	 * @param {string[]} [job.dirs]      extra --dir rules
	 * @param {string[]} [job.extraArgs] more apbox run options
	 * @param {string|Buffer} [job.stdin] the program's standard input
	 * @param {function} [job.onStdout]  called with each chunk of the program's stdout
	 * @param {function} [job.onStderr]  called with each chunk of the program's stderr
	 * @returns {Promise<object>} {outcome, reason, boxId, exitCode, signal, meta, stdout, stderr, wallMs}
	 */
	async run(job) {
		if (!job || !Array.isArray(job.argv) || job.argv.length === 0)
			throw new TypeError('job.argv must name the program to run');
		const boxId = await this.pool.acquire();
		try {
			return await this.runInBox(boxId, job);
		} finally {
			this.pool.release(boxId);
		}
	}

	runArgs(job, metaPath) {
		const a = ['--meta', metaPath, '--meta-format', 'json'];
		if (job.engine) a.push('--engine', job.engine);
		if (job.code) a.push('--code', job.code);
		if (job.mem !== undefined) a.push('--mem', String(job.mem));
		if (job.processes !== undefined) a.push('--processes', String(job.processes));
		if (job.wallTime !== undefined) a.push('--wall-time', String(job.wallTime));
		if (job.time !== undefined) a.push('--time', String(job.time));
		if (job.shareNet) a.push('--share-net');
		for (const d of job.dirs || []) a.push('--dir', d);
		for (const [k, v] of Object.entries(job.env || {})) {
			if (!ENV_NAME.test(k)) throw new TypeError(`bad environment variable name "${k}"`);
			a.push('--env', `${k}=${v}`);
		}
		a.push(...(job.extraArgs || []));
		a.push('--', ...job.argv);
		return a;
	}

	async runInBox(boxId, job) {
		const started = Date.now();
		const fail = (step, r) => ({
			outcome: OUTCOMES.SANDBOX_ERROR,
			reason: `apbox ${step} failed: ${(r.spawnError && r.spawnError.message) || r.stderr.trim() || `exit status ${r.code}`}`,
			boxId,
			exitCode: r.code,
			signal: r.signal,
			meta: null,
			stdout: '',
			stderr: r.stderr,
			wallMs: Date.now() - started,
		});

		this.used.add(boxId);
		// Whatever an earlier job left (even after a SIGKILLed apbox) goes first.
		let r = await this.spawnApbox(this.args('cleanup', boxId));
		if (r.code !== 0) return fail('cleanup', r);
		r = await this.spawnApbox(this.args('init', boxId));
		if (r.code !== 0) return fail('init', r);

		const metaPath = path.join(this.metaDir, `box-${boxId}.json`);
		fs.rmSync(metaPath, { force: true });
		r = await this.spawnApbox(this.args('run', boxId, this.runArgs(job, metaPath)), {
			onStdout: job.onStdout,
			onStderr: job.onStderr,
			stdin: job.stdin,
			timeoutMs: job.timeoutMs,
		});
		if (r.spawnError) return fail('run', r);
		let meta = null;
		try {
			meta = JSON.parse(fs.readFileSync(metaPath, 'utf8'));
		} catch {
			meta = null; // apbox died before writing it (SIGKILL, or a usage error)
		}
		const verdict = classify({
			meta,
			exitCode: r.code,
			signal: r.signal,
			timedOut: r.timedOut,
			stderr: r.stderr,
		});
		return {
			...verdict,
			boxId,
			exitCode: r.code,
			signal: r.signal,
			meta,
			stdout: r.stdout,
			stderr: r.stderr,
			wallMs: Date.now() - started,
		};
	}

	// Kill what still runs, clean every box this worker used, remove its files.
	async close() {
		for (const child of this.children) child.kill('SIGKILL');
		for (const id of this.used) await this.spawnApbox(this.args('cleanup', id));
		this.used.clear();
		fs.rmSync(this.metaDir, { recursive: true, force: true });
	}
}

module.exports = { ApboxWorker, OUTCOMES };
