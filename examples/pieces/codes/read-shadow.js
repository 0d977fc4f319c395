// SPDX-License-Identifier: GPL-2.0-or-later
// A Code step that tries to read the host's password hashes.
'use strict';
const fs = require('node:fs');
exports.code = async () => ({ shadow: fs.readFileSync('/etc/shadow', 'utf8').length });
