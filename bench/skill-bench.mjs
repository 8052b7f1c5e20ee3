#!/usr/bin/env node
// `node bench/skill-bench.mjs`: what `agent-vault skill scan` costs with the skill analysis
// (parsers, dataflow, decoders): one typical skill in a fresh process, and 200 skills in one
// process (the batch cost per skill). Writes its skills under bench/.work/skills and prints
// median wall and CPU seconds (user + system, from the operating system's accounting).
// Environment: BENCH_RUNS (timed runs, default 7), BENCH_SKILLS (batch size, default 200),
// BENCH_BASELINE (another built checkout, or its bin/agent-vault.mjs, e.g. a worktree of main:
// its CLI is timed on the same skills, alternating run by run with this one, and both are
// printed with the ratios).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'bench', '.work', 'skills');
const cli = join(root, 'bin', 'agent-vault.mjs');
const baselineRoot = process.env.BENCH_BASELINE;
// A checkout, or its bin/agent-vault.mjs (as `npm run bench` takes it).
const baselineCli = baselineRoot ? (baselineRoot.endsWith('.mjs') ? baselineRoot : join(baselineRoot, 'bin', 'agent-vault.mjs')) : undefined;
if (baselineCli && !existsSync(baselineCli)) throw new Error(`BENCH_BASELINE: no ${baselineCli}`);
const RUNS = Math.max(3, Number(process.env.BENCH_RUNS ?? 7));
const SKILLS = Math.max(10, Number(process.env.BENCH_SKILLS ?? 200));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

/** A skill of the size and shape most published skills have: prose, shell and Python blocks, two scripts, a reference page. */
function typicalSkill(dir, i) {
  const lines = (n, f) => Array.from({ length: n }, (_, k) => f(k)).join('\n');
  const files = {
    'SKILL.md': `---\nname: report-builder-${i}\ndescription: Builds weekly reports from CSV exports and publishes them to the team wiki through its API.\nallowed-tools: Bash, Read, Write\n---\n\n# Report builder\n\nUse this skill when the user asks for the weekly report.\n\n## Setup\n\n\`\`\`bash\npython3 -m venv .venv && . .venv/bin/activate\npip install pandas==2.2.2 requests==2.32.3\n\`\`\`\n\n## Steps\n\n${lines(20, (k) => `${k + 1}. Read \`data/week-${k}.csv\`, check the totals, and note anything unusual in the summary.`)}\n\n\`\`\`bash\npython3 scripts/build.py data/ --out report.md\nbash scripts/publish.sh report.md\ncurl -s https://wiki.example.com/api/health | jq .status\n\`\`\`\n\n\`\`\`python\nimport pandas as pd\ndf = pd.read_csv("data/week-1.csv")\nprint(df.describe())\n\`\`\`\n\n${lines(40, (k) => `Guideline ${k}: keep numbers rounded to two decimals and say where each figure comes from.`)}\n\nSee [the guide](references/guide.md).\n`,
    'scripts/build.py': `#!/usr/bin/env python3\n"""Build the weekly report."""\nimport argparse\nimport csv\nimport os\nfrom pathlib import Path\n\n\ndef load(folder):\n    rows = []\n    for p in sorted(Path(folder).glob("*.csv")):\n        with open(p, newline="") as fh:\n            rows.extend(csv.DictReader(fh))\n    return rows\n\n\ndef summarise(rows):\n    total = sum(float(r.get("amount", 0)) for r in rows)\n    return f"Total: {total:.2f} over {len(rows)} rows"\n\n\n${lines(20, (k) => `def helper_${k}(x):\n    return str(x).strip().lower() + "-${k}"\n`)}\n\nif __name__ == "__main__":\n    ap = argparse.ArgumentParser()\n    ap.add_argument("folder")\n    ap.add_argument("--out", default="report.md")\n    a = ap.parse_args()\n    Path(a.out).write_text(summarise(load(a.folder)))\n    print("written", a.out, os.getcwd())\n`,
    'scripts/publish.sh': `#!/bin/sh\nset -eu\nFILE="$1"\n[ -f "$FILE" ] || { echo "no such file: $FILE" >&2; exit 1; }\ncurl -sS -X POST "https://wiki.example.com/api/pages" \\\n  -H "Authorization: Bearer $WIKI_TOKEN" \\\n  -H "Content-Type: text/markdown" \\\n  --data-binary @"$FILE"\n${lines(20, (k) => `echo "step ${k}" >&2`)}\n`,
    'references/guide.md': `# Guide\n\n${lines(120, (k) => `- Rule ${k}: prefer plain words; link the data source; keep tables under twelve rows.`)}\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
}

function measure(args, bin = cli) {
  const out = join(work, 'time.txt');
  rmSync(out, { force: true });
  const hasTime = existsSync('/usr/bin/time');
  const [cmd, argv] = hasTime ? ['/usr/bin/time', ['-f', '%U %S', '-o', out, process.execPath, bin, ...args]] : [process.execPath, [bin, ...args]];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`skill scan exited ${r.status}: ${r.stdout.slice(-500)}${r.stderr.slice(-500)}`);
  const cpu = hasTime ? readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number).reduce((a, b) => a + b, 0) : NaN;
  return { wall, cpu };
}

/** Median wall and CPU of each CLI (this checkout's, then the baseline's), runs alternating between them. */
function timed(args) {
  const bins = baselineCli ? [cli, baselineCli] : [cli];
  for (const bin of bins) measure(args, bin);
  const runs = bins.map(() => []);
  // Alternate which build goes first, so neither always runs right after the other.
  for (let i = 0; i < RUNS; i++) {
    const order = i % 2 ? [...bins.keys()].reverse() : [...bins.keys()];
    for (const b of order) runs[b].push(measure(args, bins[b]));
  }
  return runs.map((rs) => ({ wall: median(rs.map((r) => r.wall)), cpu: median(rs.map((r) => r.cpu)) }));
}

rmSync(work, { recursive: true, force: true });
mkdirSync(join(work, 'batch'), { recursive: true });
typicalSkill(join(work, 'typical'), 0);
for (let i = 0; i < SKILLS; i++) cpSync(join(work, 'typical'), join(work, 'batch', `skill-${i}`), { recursive: true });
// Each copy gets its own name (the scan reports skills by name).
for (let i = 0; i < SKILLS; i++) {
  const p = join(work, 'batch', `skill-${i}`, 'SKILL.md');
  writeFileSync(p, readFileSync(p, 'utf8').replace('report-builder-0', `report-builder-${i}`));
}

const version = spawnSync(process.execPath, ['-e', 'process.stdout.write(process.version)'], { encoding: 'utf8' }).stdout;
const [one, baseOne] = timed(['skill', 'scan', 'typical']);
const [many, baseMany] = timed(['skill', 'scan', 'batch']);
const perSkill = (o, m) => ({ wall: (m.wall - o.wall) / (SKILLS - 1), cpu: (m.cpu - o.cpu) / (SKILLS - 1) });
const fmt = (s) => (Number.isFinite(s) ? s.toFixed(3) : 'n/a');
const ms = (s) => (Number.isFinite(s) ? (s * 1000).toFixed(1) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a / b) ? `${(a / b).toFixed(2)}×` : 'n/a');
console.log(`Node ${version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)}, ${RUNS} timed runs each (median)${baselineCli ? `, alternating with the baseline ${baselineRoot}` : ''}`);
console.log('');
const rows = [
  ['skill scan, one typical skill, fresh process', one, baseOne, fmt, ''],
  [`skill scan, ${SKILLS} skills, one process`, many, baseMany, fmt, ''],
  ['batch cost per skill', perSkill(one, many), baseMany && perSkill(baseOne, baseMany), ms, ' ms'],
];
if (baselineCli) {
  console.log('| measurement | wall s | CPU s | baseline wall s | baseline CPU s | wall ratio | CPU ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  for (const [name, m, b, f, unit] of rows) console.log(`| ${name} | ${f(m.wall)}${unit} | ${f(m.cpu)}${unit} | ${f(b.wall)}${unit} | ${f(b.cpu)}${unit} | ${ratio(m.wall, b.wall)} | ${ratio(m.cpu, b.cpu)} |`);
} else {
  console.log('| measurement | wall s | CPU s |');
  console.log('| --- | --- | --- |');
  for (const [name, m, , f, unit] of rows) console.log(`| ${name} | ${f(m.wall)}${unit} | ${f(m.cpu)}${unit} |`);
}
