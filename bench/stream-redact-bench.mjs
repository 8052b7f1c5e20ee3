// The streaming agent view alone (core/stream-redact.ts over core/redact.ts, what `run` does
// per chunk of a child's output, without the scanner's suspects or any process): 100 vaulted
// values, log-like lines with a value every 1000 lines, fed in 64 KiB chunks as a pipe gives
// them. Prints wall and CPU throughput.
// Usage: node bench/stream-redact-bench.mjs [--mb 64] [--baseline DIR [--rounds 3]]
//   --baseline: the same from another checkout's src/ (bundled here), alternating with this one.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const MB = Number(arg('mb', 64));
const ROUNDS = Number(arg('rounds', 3));
const baseline = arg('baseline', undefined);
const CHUNK = 65536;

const root = mkdtempSync(join(tmpdir(), 'av-stream-bench-'));
try {
  const load = async (tree, name) => {
    await build({ entryPoints: { redact: join(tree, 'src/core/redact.ts'), stream: join(tree, 'src/core/stream-redact.ts') }, bundle: true, platform: 'node', format: 'esm', outdir: join(root, name), logLevel: 'warning' });
    return { redact: await import(join(root, name, 'redact.js')), stream: await import(join(root, name, 'stream.js')) };
  };
  const ours = await load(resolve(here, '..'), 'ours');
  const base = baseline ? await load(resolve(baseline), 'base') : undefined;

  const values = Array.from({ length: 100 }, (_, i) => ({ key: `bench-key-${i}`, value: Buffer.from(`bench-${i}-${randomBytes(18).toString('base64url')}`) }));
  const v = values[0].value.toString();
  const lines = [];
  for (let i = 0; i < 1000; i++) lines.push(i === 500 ? `connecting with password ${v} to db\n` : `2026-12-01T22:00:00.000Z INFO request ${i} served in 12ms path=/api/items/${i} status=200 ok\n`);
  const block = Buffer.from(lines.join(''));
  const big = Buffer.alloc(CHUNK * 2 + block.length);
  for (let o = 0; o < big.length; o += block.length) block.copy(big, o);
  const chunks = [];
  for (let i = 0, off = 0; i < (MB * 1048576) / CHUNK; i++, off = (off + CHUNK) % block.length) chunks.push(Buffer.from(big.subarray(off, off + CHUNK)));

  const once = async ({ redact, stream }) => {
    const r = new redact.Redactor(values);
    const s = new stream.StreamRedactor(async (input, suspects, o) => r.redactForAgentPart(input, suspects, o));
    await s.push(Buffer.from('warm up\n'));
    const t = process.hrtime.bigint();
    const c = process.cpuUsage();
    let out = 0;
    for (const chunk of chunks) out += (await s.push(chunk)).length;
    out += (await s.end()).length;
    const wall = Number(process.hrtime.bigint() - t) / 1e9;
    const cu = process.cpuUsage(c);
    if (out < chunks.length * CHUNK * 0.9) throw new Error('output lost');
    return { wall, cpu: (cu.user + cu.system) / 1e6 };
  };
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mine = [];
  const theirs = [];
  for (let i = 0; i < (base ? ROUNDS : 1); i++) {
    if (base) theirs.push(await once(base));
    mine.push(await once(ours));
  }
  const show = (runs) => `${(MB / median(runs.map((x) => x.wall))).toFixed(0)} MB/s wall, ${(MB / median(runs.map((x) => x.cpu))).toFixed(0)} MB per CPU second`;
  console.log(`stream-redact-bench (${cpus().length} cores, load ${loadavg()[0].toFixed(2)}, node ${process.version}), ${MB} MB in ${CHUNK / 1024} KiB chunks, 100 values`);
  console.log(`  this checkout: ${show(mine)}`);
  if (base) {
    console.log(`  baseline ${baseline}: ${show(theirs)}`);
    console.log(`  ratio (CPU, per round): ${theirs.map((x, i) => (x.cpu / mine[i].cpu).toFixed(2)).join(', ')}`);
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
