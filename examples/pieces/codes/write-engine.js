// SPDX-License-Identifier: GPL-2.0-or-later
// A Code step that tries to change the engine (the pieces every flow runs).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
exports.code = async (inputs) => {
	const target = path.join(inputs.engineDir, 'node_modules', '@activepieces', 'pieces-framework', 'package.json');
	fs.appendFileSync(target, '\n');
	fs.writeFileSync(path.join(inputs.engineDir, 'planted.js'), 'module.exports = "planted";\n');
	return { wrote: target };
};
