// A minimal "session agent" for floor.mjs: answers each request line with the same line.
import { createServer } from 'node:net';
import { rmSync } from 'node:fs';
const path = process.argv[2];
rmSync(path, { force: true });
createServer((c) => { let rest = ''; c.setEncoding('utf8'); c.on('data', (d) => { rest += d; let nl; let out = ''; while ((nl = rest.indexOf('\n')) >= 0) { out += rest.slice(0, nl + 1); rest = rest.slice(nl + 1); } if (out) c.write(out); }); }).listen(path, () => process.stdout.write('ready\n'));
