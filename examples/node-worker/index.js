// SPDX-License-Identifier: GPL-2.0-or-later
'use strict';

const { ApboxWorker } = require('./lib/worker');
const { BoxPool, parseBoxIds } = require('./lib/pool');
const { classify, heapExhausted, OUTCOMES } = require('./lib/classify');

module.exports = { ApboxWorker, BoxPool, parseBoxIds, classify, heapExhausted, OUTCOMES };
