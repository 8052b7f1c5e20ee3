// The floor of any long-running git filter on this machine: `git add -A` and a fresh checkout
// of the filter benchmark's 5,000 files with filters that do nothing (echo the content back):
//   node            a minimal Node filter (protocol v2, clean + smudge)
//   c               the same in C (built here with cc when there is one)
//   node-roundtrip  the Node filter asking a minimal Node "agent" once per file over a Unix
//                   socket (a JSON line with the content in base64, as agent-vault's wire does)
// against no filter, each configuration ROUNDS times alternating, best kept.
// Usage: node bench/filter-floor/floor.mjs [rounds]   (TMPDIR=/dev/shm keeps ext4's inode
// allocator out of the figures: after many files were deleted it can cost git seconds)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const FILES = 5000;
const ROUNDS = Number(process.argv[2] ?? 3);
const root = mkdtempSync(join(tmpdir(), 'av-filter-floor-'));
const home = join(root, 'home');
mkdirSync(home);
writeFileSync(join(home, '.gitconfig'), '[user]\n\tname = B\n\temail = b@example.invalid\n[init]\n\tdefaultBranch = main\n');
const env = { ...process.env, HOME: home, GIT_CONFIG_GLOBAL: join(home, '.gitconfig'), GIT_CONFIG_NOSYSTEM: '1', ECHO_AGENT: join(root, 'agent.sock') };
const git = (cwd, ...a) => {
  const r = spawnSync('git', a, { cwd, env });
  if (r.status) throw new Error(String(r.stderr));
};
const fileText = (i) => `name: service-${i}\nhost: db${i}.internal\npassword: fakedbpw-BENCHbench0123456789\napi_key: fakeapi-0123456789abcdef0123456789abcdef\nretries: ${i % 7}\n`;
const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
const modes = { none: null, node: `${q(process.execPath)} ${q(join(here, 'echo-filter.mjs'))}`, 'node-roundtrip': `${q(process.execPath)} ${q(join(here, 'echo-filter-rt.mjs'))}` };
if (spawnSync('cc', ['-O2', '-o', join(root, 'echo-filter'), join(here, 'echo-filter.c')]).status === 0) modes.c = q(join(root, 'echo-filter'));
const agent = spawn(process.execPath, [join(here, 'echo-agent.mjs'), env.ECHO_AGENT], { stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((r) => agent.stdout.once('data', r));
const agentCpu = () => {
  const f = readFileSync(`/proc/${agent.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / 100;
};
/** Wall and CPU seconds (git with its filter, plus the echo agent's). */
const timed = (cwd, args) => {
  const a0 = agentCpu();
  const t = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', 'git', ...args], { cwd, env });
  const wall = Number(process.hrtime.bigint() - t) / 1e9;
  if (r.status) throw new Error(String(r.stderr));
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(String(r.stderr));
  return { wall, cpu: Number(m[1]) + Number(m[2]) + agentCpu() - a0 };
};
const configure = (dir, m) => {
  if (!modes[m]) return;
  git(dir, 'config', 'filter.x.process', modes[m]);
  git(dir, 'config', 'filter.x.required', 'true');
};
const res = {};
let n = 0;
try {
  for (let r = 0; r < ROUNDS; r++) {
    for (const m of Object.keys(modes)) {
      const d = join(root, `${m}-${n++}`);
      mkdirSync(join(d, 'conf'), { recursive: true });
      git(d, 'init', '-q');
      if (modes[m]) writeFileSync(join(d, '.gitattributes'), 'conf/** filter=x\n');
      configure(d, m);
      for (let i = 0; i < FILES; i++) writeFileSync(join(d, 'conf', `svc-${i}.yaml`), fileText(i));
      const add = timed(d, ['add', '-A']);
      git(d, 'commit', '-qm', 'b', '--no-verify');
      const clone = `${d}-clone`;
      git(root, 'clone', '-q', '--no-checkout', d, clone);
      configure(clone, m);
      const checkout = timed(clone, ['checkout', '-q', 'main']);
      if (!existsSync(join(clone, 'conf', 'svc-0.yaml'))) throw new Error(`${m}: nothing checked out`);
      (res[m] ??= []).push({ add, checkout });
      rmSync(d, { recursive: true, force: true });
      rmSync(clone, { recursive: true, force: true });
    }
  }
  const best = (m, k, f) => Math.min(...res[m].map((x) => x[k][f]));
  console.log(`${FILES} files, best of ${ROUNDS}: wall s (CPU s)`);
  for (const m of Object.keys(modes)) console.log(`  ${m.padEnd(15)} add ${best(m, 'add', 'wall').toFixed(2)} (${best(m, 'add', 'cpu').toFixed(2)})   checkout ${best(m, 'checkout', 'wall').toFixed(2)} (${best(m, 'checkout', 'cpu').toFixed(2)})`);
  const ratio = (m, k, f) => (best(m, k, f) / best('none', k, f)).toFixed(2);
  for (const m of Object.keys(modes).slice(1)) console.log(`  ${m.padEnd(15)} / no filter: add ${ratio(m, 'add', 'wall')}x (CPU ${ratio(m, 'add', 'cpu')}x)   checkout ${ratio(m, 'checkout', 'wall')}x (CPU ${ratio(m, 'checkout', 'cpu')}x)`);
  console.log(`  (1-minute load average: ${loadavg()[0].toFixed(1)})`);
} finally {
  agent.kill();
  rmSync(root, { recursive: true, force: true });
}
