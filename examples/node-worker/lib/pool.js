// SPDX-License-Identifier: GPL-2.0-or-later
// A pool of box ids.  A job takes one id for its whole cleanup -> init -> run
// sequence; when every id is busy, acquire() waits, first come first served.
// apbox itself refuses a second run in a busy box, so the pool is what keeps
// jobs from failing, not what keeps them apart.
'use strict';

// "1-4", "1,3,5", 4 (ids 0..3), or an array of ids.
function parseBoxIds(spec) {
	if (Array.isArray(spec)) return spec.map(Number);
	if (typeof spec === 'number') return Array.from({ length: spec }, (_, i) => i);
	const ids = [];
	for (const part of String(spec).split(',')) {
		const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
		if (!m) throw new Error(`bad box id list "${spec}" (e.g. 1-4 or 1,3,5)`);
		const lo = Number(m[1]);
		const hi = m[2] === undefined ? lo : Number(m[2]);
		if (hi < lo) throw new Error(`bad box id range "${part}"`);
		for (let i = lo; i <= hi; i++) ids.push(i);
	}
	return ids;
}

class BoxPool {
	constructor(spec) {
		this.ids = parseBoxIds(spec);
		if (this.ids.length === 0) throw new Error('the box pool is empty');
		if (new Set(this.ids).size !== this.ids.length) throw new Error('duplicate box ids');
		this.free = [...this.ids];
		this.waiters = [];
	}

	get size() {
		return this.ids.length;
	}

	get busy() {
		return this.ids.length - this.free.length;
	}

	acquire() {
		if (this.free.length > 0) return Promise.resolve(this.free.shift());
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	release(id) {
		if (!this.ids.includes(id) || this.free.includes(id))
			throw new Error(`box ${id} released twice or not from this pool`);
		const next = this.waiters.shift();
		if (next) next(id);
		else this.free.push(id);
	}
}

module.exports = { BoxPool, parseBoxIds };
