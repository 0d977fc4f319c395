// SPDX-License-Identifier: GPL-2.0-or-later
// A tiny stand-in for the Activepieces engine: it runs one action of a real
// piece (installed from npm next to this file) or one Code step, the way the
// engine does inside an apbox box, and prints one JSON line:
//
//   {"ok":true,"output":...}      exit 0
//   {"ok":false,"error":"...","code":"EROFS"}   exit 1
//
// The job is argv[2], JSON:
//   {"piece":"@activepieces/piece-data-mapper","action":"advanced_mapping","props":{...}}
//   {"piece":"./local-piece","action":"word_count","props":{"text":"..."}}
//   {"step":"hello","inputs":{...}}   a Code step: $AP_BASE_CODE_DIRECTORY/<step>.js
//
// In the process modes apbox binds this directory read-only at /root/common
// (--engine) and the Code steps at /root/codes (--code); in the others it runs
// from the host paths.  Either way it must not be able to change itself.
'use strict';

const path = require('node:path');

function findPiece(mod) {
	for (const v of Object.values(mod)) if (v && typeof v.getAction === 'function') return v;
	throw new Error('the module exports no piece');
}

// The part of the engine's action context that offline pieces use.
function actionContext(props) {
	const store = new Map();
	return {
		propsValue: props,
		auth: undefined,
		executionType: 'BEGIN',
		run: { id: 'apbox-example-run', stop() {}, pause() {} },
		project: { id: 'apbox-example-project', externalId: async () => undefined },
		store: {
			get: async (k) => (store.has(k) ? store.get(k) : null),
			put: async (k, v) => (store.set(k, v), v),
			delete: async (k) => void store.delete(k),
		},
		files: { write: async ({ fileName }) => `file://${fileName}` },
		server: { apiUrl: 'http://127.0.0.1/', publicUrl: 'http://127.0.0.1/', token: '' },
		connections: { get: async () => null },
		tags: { add: async () => {} },
		output: { update: async () => {} },
	};
}

async function runAction(job) {
	// Relative pieces live next to the engine; packages come from its node_modules.
	const spec = job.piece.startsWith('.') ? path.join(__dirname, job.piece) : job.piece;
	const piece = findPiece(require(spec));
	const action = piece.getAction(job.action);
	if (!action) throw new Error(`piece ${job.piece} has no action ${job.action}`);
	return action.run(actionContext(job.props || {}));
}

async function runStep(job) {
	if (!/^[a-z0-9-]+$/.test(job.step)) throw new Error(`bad step name "${job.step}"`);
	const codeDir = process.env.AP_BASE_CODE_DIRECTORY || '/root/codes';
	const step = require(path.join(codeDir, `${job.step}.js`));
	return step.code({ ...(job.inputs || {}), engineDir: __dirname });
}

async function main() {
	const job = JSON.parse(process.argv[2] || '{}');
	const output = job.step ? await runStep(job) : await runAction(job);
	process.stdout.write(JSON.stringify({ ok: true, mode: process.env.AP_EXECUTION_MODE, output }) + '\n');
}

main().catch((e) => {
	process.stdout.write(JSON.stringify({ ok: false, error: e.message, code: e.code || null }) + '\n');
	process.exitCode = 1;
});
