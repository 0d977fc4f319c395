// SPDX-License-Identifier: GPL-2.0-or-later
// A well-behaved Code step.
'use strict';
exports.code = async (inputs) => ({ greeting: `hello, ${inputs.name}`, sum: inputs.numbers.reduce((a, b) => a + b, 0) });
