// SPDX-License-Identifier: GPL-2.0-or-later
// Host-side listeners for the network attacks of the escape catalogue: TCP
// on each address given (port chosen by the kernel) and a unix socket file
// (mode 0777).  Writes "KEY=VALUE" lines to OUTFILE once every listener is
// up (KEY is the address or "path"; an empty VALUE means that listener
// failed), answers every connection with one line, and exits by itself
// after ten minutes in case its runner is killed.  (The abstract socket is
// try-escape's listen-unix: libuv pads abstract names to the full length.)
//
//   node listen.js OUTFILE SOCKET-PATH [ADDRESS...]
'use strict';
const fs = require('fs');
const net = require('net');

const [out, sockPath, ...addrs] = process.argv.slice(2);
if (!out || !sockPath) {
	process.stderr.write('usage: node listen.js OUTFILE SOCKET-PATH [ADDRESS...]\n');
	process.exit(2);
}

const lines = [];
let pending = 0;

function settle(line) {
	lines.push(line);
	if (--pending === 0) {
		fs.writeFileSync(out + '.tmp', lines.join('\n') + '\n');
		fs.renameSync(out + '.tmp', out);
	}
}

function serve(key, listenArg, after) {
	pending++;
	const server = net.createServer((c) => {
		// A probe connects and closes at once: never die of its EPIPE.
		c.on('error', () => {});
		c.end('apbox-esc\n');
	});
	server.on('error', () => settle(`${key}=`));
	server.listen(listenArg, () => {
		if (after) after();
		const a = server.address();
		settle(`${key}=${typeof a === 'object' && a ? a.port : 'ok'}`);
	});
}

for (const addr of addrs) serve(addr, { host: addr, port: 0, ipv6Only: addr.includes(':') });
serve('path', sockPath, () => fs.chmodSync(sockPath, 0o777));

setTimeout(() => process.exit(0), 600 * 1000);
