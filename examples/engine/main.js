// SPDX-License-Identifier: GPL-2.0-or-later
// A tiny stand-in for a flow engine: it reads a compiled Code step from the
// code artifact, runs it with the flow's input, forks a child process the way
// the real engine does per piece call, uses /box and /tmp, and prints the
// step's output as JSON.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');

const codeDir = process.env.AP_BASE_CODE_DIRECTORY || '/root/codes';
const stepFile = path.join(codeDir, 'step.js');
const input = { name: 'apbox', items: [3, 1, 2] };

// A Code step exports code(inputs) -> output.
const step = require(stepFile);
const output = step.code(input);

// Scratch space: the box dir and the private /tmp.
const scratch = path.join(os.tmpdir(), 'engine-scratch.json');
fs.writeFileSync(scratch, JSON.stringify(output));
fs.writeFileSync(path.join(process.cwd(), 'output.json'), JSON.stringify(output));

// A child process per piece call, as the real engine does.
const child = execFileSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);

console.log(JSON.stringify({
	mode: process.env.AP_EXECUTION_MODE,
	hostname: os.hostname(),
	uid: process.getuid(),
	pid: process.pid,
	childPid: Number(child),
	cwd: process.cwd(),
	output,
}));
