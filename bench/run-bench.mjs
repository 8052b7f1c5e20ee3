// `agent-vault run` performance, one run on this machine:
//  1. Throughput: a child writes RUN_BENCH_MB (default 1024) MB of log-like lines through
//     `run` with 100 vaulted values (a few of them in the output), stdout to /dev/null.
//  2. Added latency per line: a line-at-a-time child (one line, then waits for the next
//     request on stdin); the time from request to the line arriving, through run vs direct.
// Usage: node scripts/build.mjs && node bench/run-bench.mjs [--mb 1024] [--lines 200]
//        [--baseline DIR [--rounds 2]]: also time DIR/bin/agent-vault.mjs (another checkout, built)
//        on the same vault and child, alternating with this one, and print the ratio: on a shared,
//        busy machine only such back-to-back ratios mean anything.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const BIN = resolve(here, '../bin/agent-vault.mjs');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MB = arg('mb', Number(process.env.RUN_BENCH_MB ?? 1024));
const LINES = arg('lines', 200);
const ROUNDS = arg('rounds', 2);
const baselineAt = process.argv.indexOf('--baseline');
const BASELINE = baselineAt > 0 ? resolve(process.argv[baselineAt + 1], 'bin/agent-vault.mjs') : undefined;

const root = mkdtempSync(join(tmpdir(), 'av-run-bench-'));
try {
  const home = join(root, 'home');
  mkdirSync(home);
  const env = { ...process.env, HOME: home, AGENT_VAULT_HOME: join(home, 'vault'), NO_COLOR: '1' };
  await build({ entryPoints: [resolve(here, '../src/session/local.ts'), resolve(here, '../src/vault/bindings.ts')], bundle: true, platform: 'node', format: 'esm', outdir: join(root, 'lib'), logLevel: 'warning', banner: { js: "import { createRequire as __avCreateRequire } from 'node:module'; const require = __avCreateRequire(import.meta.url);" } });
  const { LocalVaultSession } = await import(join(root, 'lib', 'session', 'local.js'));
  const { commandBinding } = await import(join(root, 'lib', 'vault', 'bindings.js'));
  const values = Array.from({ length: 100 }, (_, i) => ({ key: `bench-key-${i}`, value: Buffer.from(`bench-${i}-${randomBytes(18).toString('base64url')}`) }));
  const session = new LocalVaultSession(env.AGENT_VAULT_HOME);
  await session.set(values, { interactive: false });
  await session.bind('bench-key-0', [commandBinding('node *')]);
  await session.close();

  // 1. Throughput. Lines of ~100 bytes; every 1000th line holds a value.
  const writer = join(root, 'writer.cjs');
  writeFileSync(
    writer,
    `const total = ${MB} * 1024 * 1024; const v = process.env.BENCH_KEY_0;
const lines = []; for (let i = 0; i < 1000; i++) lines.push(i === 500 ? 'connecting with password ' + v + ' to db\\n' : '2026-12-01T22:00:00.000Z INFO request ' + i + ' served in 12ms path=/api/items/' + i + ' status=200 ok\\n');
const block = Buffer.from(lines.join('')); let written = 0;
function go() { while (written < total) { written += block.length; if (!process.stdout.write(block)) return process.stdout.once('drain', go); } }
go();`,
  );
  const direct = timed(() => spawnSync(process.execPath, [writer], { env: { ...env, BENCH_KEY_0: values[0].value.toString() }, stdio: ['ignore', 'ignore', 'inherit'] }));
  const throughRun = (bin) =>
    timed(() => {
      const r = spawnSync(process.execPath, [bin, 'run', '--key', 'bench-key-0', '--', 'node', writer], { env, cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error(`run exited ${r.status}`);
    });
  // 2. Latency per line.
  const echo = join(root, 'echo.cjs');
  writeFileSync(echo, `process.stdin.on('data', (d) => { for (const _ of String(d).split('\\n').slice(1)) process.stdout.write('line ' + Date.now() + '\\n'); });`);
  const runLatency = (bin) => latency([process.execPath, bin, 'run', '--key', 'bench-key-0', '--', 'node', echo]);

  const mbps = (s) => (MB / s).toFixed(0);
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const rounds = BASELINE ? Math.max(1, ROUNDS) : 1;
  const ours = { through: [], lat: [] };
  const base = { through: [], lat: [] };
  for (let i = 0; i < rounds; i++) {
    if (BASELINE) base.through.push(throughRun(BASELINE)), base.lat.push(await runLatency(BASELINE));
    ours.through.push(throughRun(BIN)), ours.lat.push(await runLatency(BIN));
  }
  const through = median(ours.through);
  const runLat = median(ours.lat);
  const directLat = await latency([process.execPath, echo]);
  console.log(`run-bench (${cpus().length} cores, load ${loadavg()[0].toFixed(2)}, node ${process.version})`);
  console.log(`  throughput, ${MB} MB, 100 values: direct ${direct.toFixed(2)} s (${mbps(direct)} MB/s); through run ${through.toFixed(2)} s (${mbps(through)} MB/s, ${((direct / through) * 100).toFixed(1)}% of direct)`);
  console.log(`  latency per line (median of ${LINES}): direct ${directLat.toFixed(2)} ms; through run ${runLat.toFixed(2)} ms; added ${(runLat - directLat).toFixed(2)} ms`);
  if (BASELINE) {
    const b = median(base.through);
    console.log(`  baseline ${BASELINE}, ${rounds} rounds alternating (medians): through run ${b.toFixed(2)} s (${mbps(b)} MB/s), latency ${median(base.lat).toFixed(2)} ms`);
    console.log(`  this checkout vs baseline: ${(b / through).toFixed(2)}x the throughput (each round: ${base.through.map((x, i) => (x / ours.through[i]).toFixed(2)).join(', ')})`);
  }

  function timed(fn) {
    const t = process.hrtime.bigint();
    fn();
    return Number(process.hrtime.bigint() - t) / 1e9;
  }

  /** Median time from writing a request to the child's line arriving. */
  function latency(argv) {
    return new Promise((res, rej) => {
      const p = spawn(argv[0], argv.slice(1), { env, cwd: root, stdio: ['pipe', 'pipe', 'inherit'] });
      const times = [];
      let sent = 0n;
      let buf = '';
      const next = () => {
        if (times.length >= LINES) return p.stdin.end();
        sent = process.hrtime.bigint();
        p.stdin.write('x\n');
      };
      p.stdout.on('data', (d) => {
        buf += d;
        while (buf.includes('\n')) {
          buf = buf.slice(buf.indexOf('\n') + 1);
          times.push(Number(process.hrtime.bigint() - sent) / 1e6);
          setTimeout(next, 2);
        }
      });
      p.on('error', rej);
      p.on('close', () => res([...times].sort((a, b) => a - b)[Math.floor(times.length / 2)] ?? NaN));
      setTimeout(next, 300);
    });
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}
