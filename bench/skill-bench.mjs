#!/usr/bin/env node
// `node bench/skill-bench.mjs`: what `agent-vault skill scan` costs with the skill analysis
// (parsers, dataflow, decoders): one typical skill in a fresh process, and 200 skills in one
// process (the batch cost per skill). Writes its skills under bench/.work/skills and prints
// median wall and CPU seconds (user + system, from the operating system's accounting).
// Environment: BENCH_RUNS (timed runs, default 7), BENCH_SKILLS (batch size, default 200).
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'bench', '.work', 'skills');
const cli = join(root, 'bin', 'agent-vault.mjs');
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

function measure(args) {
  const out = join(work, 'time.txt');
  rmSync(out, { force: true });
  const hasTime = existsSync('/usr/bin/time');
  const [cmd, argv] = hasTime ? ['/usr/bin/time', ['-f', '%U %S', '-o', out, process.execPath, cli, ...args]] : [process.execPath, [cli, ...args]];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, argv, { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, maxBuffer: 64 * 1024 * 1024 });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`skill scan exited ${r.status}: ${r.stdout.slice(-500)}${r.stderr.slice(-500)}`);
  const cpu = hasTime ? readFileSync(out, 'utf8').trim().split('\n').pop().split(' ').map(Number).reduce((a, b) => a + b, 0) : NaN;
  return { wall, cpu };
}

function timed(args) {
  measure(args);
  const runs = Array.from({ length: RUNS }, () => measure(args));
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
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
const one = timed(['skill', 'scan', 'typical']);
const many = timed(['skill', 'scan', 'batch']);
const perSkillWall = (many.wall - one.wall) / (SKILLS - 1);
const perSkillCpu = (many.cpu - one.cpu) / (SKILLS - 1);
const fmt = (s) => (Number.isFinite(s) ? s.toFixed(3) : 'n/a');
const ms = (s) => (Number.isFinite(s) ? (s * 1000).toFixed(1) : 'n/a');
console.log(`Node ${version}, ${availableParallelism()} cores, load average ${loadavg()[0].toFixed(2)}, ${RUNS} timed runs each (median)`);
console.log('');
console.log('| measurement | wall s | CPU s |');
console.log('| --- | --- | --- |');
console.log(`| skill scan, one typical skill, fresh process | ${fmt(one.wall)} | ${fmt(one.cpu)} |`);
console.log(`| skill scan, ${SKILLS} skills, one process | ${fmt(many.wall)} | ${fmt(many.cpu)} |`);
console.log(`| batch cost per skill | ${ms(perSkillWall)} ms | ${ms(perSkillCpu)} ms |`);
