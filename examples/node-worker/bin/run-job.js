#!/usr/bin/env node
// SPDX-License-Identifier: GPL-2.0-or-later
// Run one job through the worker, streaming the program's output, and report
// the outcome as one JSON object (to --result FILE, else on stderr).
//
//   run-job.js [--apbox PATH] [--config FILE] [--mode MODE] [--box N]
//              [--timeout SECONDS] [--mem SIZE] [--processes N] [--wall-time S]
//              [--engine DIR] [--code DIR] [--env K=V]... [--share-net]
//              [--dir RULE]... [--result FILE] -- PROGRAM [ARG...]
//
// Exit status: 0 when the job succeeded, 1 for any other outcome, 2 on bad usage.
'use strict';

const fs = require('node:fs');
const { parseArgs } = require('node:util');
const { ApboxWorker } = require('../lib/worker');

function usage(msg) {
	process.stderr.write(`run-job: ${msg}\n`);
	process.exit(2);
}

async function main() {
	let parsed;
	try {
		parsed = parseArgs({
			allowPositionals: true,
			options: {
				apbox: { type: 'string' },
				config: { type: 'string' },
				mode: { type: 'string' },
				box: { type: 'string', default: '1' },
				timeout: { type: 'string' },
				mem: { type: 'string' },
				processes: { type: 'string' },
				'wall-time': { type: 'string' },
				engine: { type: 'string' },
				code: { type: 'string' },
				env: { type: 'string', multiple: true, default: [] },
				'share-net': { type: 'boolean', default: false },
				dir: { type: 'string', multiple: true, default: [] },
				result: { type: 'string' },
			},
		});
	} catch (e) {
		usage(e.message);
	}
	const o = parsed.values;
	if (parsed.positionals.length === 0) usage('no program given (-- PROGRAM [ARG...])');
	const env = {};
	for (const kv of o.env) {
		const i = kv.indexOf('=');
		if (i <= 0) usage(`--env wants NAME=VALUE, not "${kv}"`);
		env[kv.slice(0, i)] = kv.slice(i + 1);
	}
	const timeoutMs = o.timeout === undefined ? undefined : Math.round(Number(o.timeout) * 1000);
	if (timeoutMs !== undefined && !(timeoutMs > 0)) usage(`bad --timeout "${o.timeout}"`);

	const worker = new ApboxWorker({ apbox: o.apbox, config: o.config, mode: o.mode, boxes: o.box });
	let result;
	try {
		result = await worker.run({
			argv: parsed.positionals,
			engine: o.engine,
			code: o.code,
			env,
			mem: o.mem,
			processes: o.processes,
			wallTime: o['wall-time'],
			shareNet: o['share-net'],
			dirs: o.dir,
			timeoutMs,
			onStdout: (c) => process.stdout.write(c),
			onStderr: (c) => process.stderr.write(c),
		});
	} finally {
		await worker.close();
	}
	const report = JSON.stringify({
		outcome: result.outcome,
		reason: result.reason,
		boxId: result.boxId,
		exitCode: result.exitCode,
		signal: result.signal,
		wallMs: result.wallMs,
		meta: result.meta,
	});
	if (o.result) fs.writeFileSync(o.result, report + '\n');
	else process.stderr.write(report + '\n');
	process.exitCode = result.outcome === 'succeeded' ? 0 : 1;
}

main().catch((e) => {
	process.stderr.write(`run-job: ${e.stack || e}\n`);
	process.exit(2);
});
