// filter-bench's part 1 for two builds in one run: this checkout ("after") and another one
// ("base", e.g. a detached worktree of main with its own `node scripts/build.mjs`), each with
// its own filter processes and its own session agent, alternated ROUNDS times (the order
// reversed every other round); best and median per configuration. On a shared machine two
// separate bench runs minutes apart differ by more than most changes measured.
// Usage: BASE=/path/to/base/checkout [ROUNDS=5] [FILES=5000] node bench/filter-ab.mjs
//   (TMPDIR=/dev/shm keeps ext4's inode allocator out of the figures: after many files were
//    deleted it can cost a plain `git add` of 5,000 files seconds)
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
const WT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
if (!process.env.BASE) throw new Error('set BASE to the checkout to compare with (built)');
const BINS = { base: resolve(process.env.BASE, 'bin/agent-vault.mjs'), after: `${WT}/bin/agent-vault.mjs` };
const FILES = Number(process.env.FILES ?? 5000), ROUNDS = Number(process.env.ROUNDS ?? 5);
const root = mkdtempSync(join(tmpdir(), 'av-filter-ab-'));
const home = join(root, 'home'); mkdirSync(home);
writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = Bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = main\n');
const env = { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, '.gitconfig'), GIT_CONFIG_NOSYSTEM: '1', AGENT_VAULT_HOME: join(home, 'vault') };
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const run = (cmd, args, cwd, e = env) => { const r = spawnSync(cmd, args, { cwd, env: e, maxBuffer: 1 << 30 }); if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`); return r.stdout.toString(); };
const VALUES = { 'db-password': 'fakedbpw-BENCHbench0123456789', 'api-key': 'fakeapi-0123456789abcdef0123456789abcdef' };
const banner = { js: "import { createRequire as __avCreateRequire } from 'node:module'; const require = __avCreateRequire(import.meta.url);" };
await build({ stdin: { contents: [
  `export { LocalVaultSession } from ${JSON.stringify(`${WT}/src/session/local.ts`)};`,
  `export { initVault, openVault } from ${JSON.stringify(`${WT}/src/vault/index.ts`)};`,
  `export { MemoryKeyProvider, newMasterKey } from ${JSON.stringify(`${WT}/src/vault/key-provider.ts`)};`,
  `export { wrapMasterKey } from ${JSON.stringify(`${WT}/src/vault/passphrase.ts`)};`,
  `export { startAgent } from ${JSON.stringify(`${WT}/src/session/agent-start.ts`)};`].join('\n'), resolveDir: WT, loader: 'ts' },
  bundle: true, platform: 'node', format: 'esm', outfile: join(root, 'lib.mjs'), logLevel: 'warning', banner });
const lib = await import(join(root, 'lib.mjs'));
await new lib.LocalVaultSession(env.AGENT_VAULT_HOME).set(Object.entries(VALUES).map(([key, val]) => ({ key, value: Buffer.from(val), bindings: [`${root}/*/conf/*.yaml`] })), { interactive: true });
const envs = { none: env, 'process-base': env, 'process-after': env };
const agents = {};
for (const b of ['base', 'after']) {
  const e = { ...env, AGENT_VAULT_HOME: join(home, `vault-locked-${b}`) };
  envs[`agent-${b}`] = e;
  const master = lib.newMasterKey();
  const { kdf, wrapped } = await lib.wrapMasterKey(master, 'bench passphrase', { m: 64, t: 1, p: 1 });
  lib.initVault(e.AGENT_VAULT_HOME, { keyProvider: new lib.MemoryKeyProvider(master), header: { provider: 'passphrase', kdf, wrappedKey: wrapped } });
  const v = lib.openVault(e.AGENT_VAULT_HOME, { keyProvider: new lib.MemoryKeyProvider(master) });
  v.setMany(Object.entries(VALUES).map(([key, val]) => ({ key, value: Buffer.from(val), origin: 'terminal', bindings: [`${root}/*/conf/*.yaml`] })));
  v.close();
  agents[b] = await lib.startAgent({ home: e.AGENT_VAULT_HOME, env: e, key: master, idleMs: 3_600_000, maxMs: 3_600_000, command: [process.execPath, BINS[b]] });
  if (!agents[b].started) throw new Error('agent already running');
}
const cleanup = () => { for (const b of ['base', 'after']) spawnSync(process.execPath, [BINS[b], 'lock'], { env: envs[`agent-${b}`] }); rmSync(root, { recursive: true, force: true, maxRetries: 5 }); };
process.on('exit', cleanup);
const cpuOf = (pid) => { if (!pid) return 0; const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
function timedGit(mode, cwd, args) {
  const pid = mode.startsWith('agent-') ? agents[mode.slice(6)].pid : undefined;
  const a0 = cpuOf(pid); const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'git', ...args], { cwd, env: envs[mode], maxBuffer: 1 << 30 });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status !== 0) throw new Error(`git ${args}: ${r.stderr}`);
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr.toString());
  const agent = cpuOf(pid) - a0;
  return { wall, cpu: +m[1] + +m[2] + agent, agent };
}
const fileText = (i) => `name: service-${i}\nhost: db${i}.internal\npassword: ${VALUES['db-password']}\napi_key: ${VALUES['api-key']}\nretries: ${i % 7}\n`;
const configure = (dir, mode) => { if (mode !== 'none') { const bin = BINS[mode.split('-')[1]]; run('git', ['config', 'filter.agent-vault.process', `${q(process.execPath)} ${q(bin)} filter-process`], dir); run('git', ['config', 'filter.agent-vault.required', 'true'], dir); } };
let n = 0;
function measure(mode) {
  const dir = join(root, `${mode}-${n++}`); mkdirSync(join(dir, 'conf'), { recursive: true });
  run('git', ['init', '-q'], dir, envs[mode]);
  if (mode !== 'none') writeFileSync(join(dir, '.gitattributes'), 'conf/** filter=agent-vault\n');
  configure(dir, mode);
  for (let i = 0; i < FILES; i++) writeFileSync(join(dir, 'conf', `svc-${i}.yaml`), fileText(i));
  const add = timedGit(mode, dir, ['add', '-A']);
  run('git', ['commit', '-qm', 'bench', '--no-verify'], dir, envs[mode]);
  const clone = `${dir}-clone`; run('git', ['clone', '-q', '--no-checkout', dir, clone], root, envs[mode]); configure(clone, mode);
  const co = timedGit(mode, clone, ['checkout', '-q', 'main']);
  if (mode !== 'none' && !readFileSync(join(clone, 'conf', 'svc-0.yaml'), 'utf8').includes(VALUES['db-password'])) throw new Error(`${mode}: not restored`);
  if (mode !== 'none' && run('git', ['show', 'HEAD:conf/svc-0.yaml'], dir).includes(VALUES['db-password'])) throw new Error(`${mode}: value committed`);
  rmSync(dir, { recursive: true, force: true }); rmSync(clone, { recursive: true, force: true });
  return { add, co };
}
const MODES = ['none', 'process-base', 'process-after', 'agent-base', 'agent-after'];
const res = Object.fromEntries(MODES.map((m) => [m, []]));
for (let r = 0; r < ROUNDS; r++) {
  const order = r % 2 ? [...MODES].reverse() : MODES;
  for (const m of order) res[m].push(measure(m));
  process.stderr.write(`round ${r + 1} done, load ${loadavg()[0].toFixed(1)}\n`);
}
const min = (a) => Math.min(...a); const med = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const f = (x) => x.toFixed(2).padStart(5);
console.log(`${FILES} files, ${ROUNDS} rounds alternating (order reversed every other round); min / median; wall s, CPU s (git + filter + agent), agent CPU s`);
for (const m of MODES) {
  const g = (k, p) => res[m].map((x) => x[k][p]);
  console.log(`${m.padEnd(14)} add wall ${f(min(g('add', 'wall')))} / ${f(med(g('add', 'wall')))}  cpu ${f(min(g('add', 'cpu')))} / ${f(med(g('add', 'cpu')))}  agent ${f(min(g('add', 'agent')))}   checkout wall ${f(min(g('co', 'wall')))} / ${f(med(g('co', 'wall')))}  cpu ${f(min(g('co', 'cpu')))} / ${f(med(g('co', 'cpu')))}  agent ${f(min(g('co', 'agent')))}`);
}
const none = res.none;
for (const m of MODES.slice(1)) {
  const r = (k, p) => (min(res[m].map((x) => x[k][p])) / min(none.map((x) => x[k][p]))).toFixed(2);
  console.log(`${m.padEnd(14)} / no filter (min/min): add wall ${r('add', 'wall')}x cpu ${r('add', 'cpu')}x   checkout wall ${r('co', 'wall')}x cpu ${r('co', 'cpu')}x`);
}
console.log('raw', JSON.stringify(Object.fromEntries(MODES.map((m) => [m, res[m].map((x) => [x.add.wall, x.co.wall].map((v) => +v.toFixed(2)))]))));
console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
