// SPDX-License-Identifier: GPL-2.0-or-later
// A Code step that tries to change the engine (the pieces every flow runs):
// by default a piece's own file and a new module next to engine.js; with
// {"into":"open"} a file in the engine's world-writable "open" directory,
// which only a read-only mount protects.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
exports.code = async (inputs) => {
	if (inputs.into === 'open') {
		const target = path.join(inputs.engineDir, 'open', 'planted.js');
		fs.writeFileSync(target, 'module.exports = "planted";\n');
		return { wrote: target };
	}
	const target = path.join(inputs.engineDir, 'node_modules', '@activepieces', 'pieces-framework', 'package.json');
	fs.appendFileSync(target, '\n');
	fs.writeFileSync(path.join(inputs.engineDir, 'planted.js'), 'module.exports = "planted";\n');
	return { wrote: target };
};
