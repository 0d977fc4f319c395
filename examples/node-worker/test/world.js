// SPDX-License-Identifier: GPL-2.0-or-later
// A private apbox world for the tests, as tests/helpers/common.bash makes one:
// its own box root, lock root and cgroup parent under a temp dir, passed to
// apbox through APBOX_CONFIG, and removed afterwards.
'use strict';

const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

// Why the tests that need a real apbox cannot run here, or null.
function skipReason() {
	if (process.getuid() !== 0) return 'needs root (apbox boxes with their own uids)';
	const apbox = process.env.APBOX;
	if (!apbox) return 'APBOX is not set (the apbox binary to test)';
	try {
		fs.accessSync(apbox, fs.constants.X_OK);
	} catch {
		return `APBOX="${apbox}" is not executable`;
	}
	return null;
}

function hasMemoryCgroup() {
	if (fs.existsSync('/sys/fs/cgroup/memory')) return true;
	try {
		return /\bmemory\b/.test(fs.readFileSync('/sys/fs/cgroup/cgroup.controllers', 'utf8'));
	} catch {
		return false;
	}
}

function makeWorld() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apbox-nodetest-'));
	fs.chmodSync(dir, 0o755);
	const cgParent = `apbox-nodetest-${process.pid}-${path.basename(dir).slice(-6)}`;
	const config = path.join(dir, 'apbox.conf');
	fs.writeFileSync(
		config,
		[
			`box_root = ${dir}/boxes`,
			`lock_root = ${dir}/locks`,
			'num_boxes = 1000',
			'[cgroup]',
			`parent = ${cgParent}`,
			'',
		].join('\n'),
	);
	const env = { ...process.env, APBOX_CONFIG: config };
	// apbox's own AP_EXECUTION_MODE would pick the mode: the tests choose it.
	delete env.AP_EXECUTION_MODE;
	return {
		dir,
		config,
		env,
		cleanup() {
			// box_root's mount template (root only) is a mount: unpin it first.
			spawnSync(process.env.APBOX, ['cleanup', '--templates'], { env, stdio: 'ignore' });
			for (const base of cgroupBases()) removeCgroupTree(path.join(base, cgParent));
			fs.rmSync(dir, { recursive: true, force: true });
		},
	};
}

function cgroupBases() {
	const root = '/sys/fs/cgroup';
	const bases = [root];
	try {
		for (const e of fs.readdirSync(root, { withFileTypes: true }))
			if (e.isDirectory()) bases.push(path.join(root, e.name));
	} catch {
		// no cgroup fs: nothing to remove
	}
	return bases;
}

// rmdir depth-first; cgroup directories hold only kernel files.
function removeCgroupTree(dir) {
	let entries;
	try {
		entries = fs.readdirSync(dir, { withFileTypes: true });
	} catch {
		return;
	}
	for (const e of entries) if (e.isDirectory()) removeCgroupTree(path.join(dir, e.name));
	try {
		fs.rmdirSync(dir);
	} catch {
		// still busy or already gone
	}
}

module.exports = { skipReason, hasMemoryCgroup, makeWorld };
