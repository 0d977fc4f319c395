// SPDX-License-Identifier: GPL-2.0-or-later
// A Code step that keeps allocating JavaScript objects until something stops it.
'use strict';
exports.code = async () => {
	const keep = [];
	for (;;) keep.push({ n: Math.random(), s: 'x'.repeat(64) + Math.random() });
};
