// SPDX-License-Identifier: GPL-2.0-or-later
// A compiled Code step, as the engine finds it in the code artifact.
'use strict';
exports.code = (inputs) => ({
	greeting: `hello, ${inputs.name}`,
	sorted: [...inputs.items].sort((a, b) => a - b),
});
