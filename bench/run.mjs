#!/usr/bin/env node
// `npm run bench`: throughput and peak memory of agent-vault against secretlint and ripgrep on
// the same generated corpus, plus the git scenarios from the acceptance list. Not part of
// `npm test`: it writes ~1.2 GB of (mostly hard-linked) files under bench/.work and takes minutes.
//
// Environment: BENCH_MB (corpus size, default 100), BENCH_SECRETLINT_MB (default 8),
// BENCH_SKIP_1GB=1, BENCH_SKIP_SECRETLINT=1, BENCH_RUNS (timed runs per measurement, default 3),
// BENCH_BASELINE=<path to another checkout's bin/agent-vault.mjs> (built; several, comma-separated,
// named by BENCH_BASELINE_LABEL=a,b) to measure them side by side in the same run, each timed run
// of this build followed by one of each baseline: before/after figures whose ratios do not depend
// on how busy the machine is.
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { makeGen, writeCorpus } from './corpus.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'bench', '.work');
const peers = join(root, 'bench', '.peers');
const cli = join(root, 'bin', 'agent-vault.mjs');
const MB = 1024 * 1024;
const CORPUS_MB = Number(process.env.BENCH_MB ?? 100);
const SUBSET_MB = Number(process.env.BENCH_SECRETLINT_MB ?? 8);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const CORPUS_VERSION = 3;
const SMALL_FILES_MB = 48;
const baselineLabels = String(process.env.BENCH_BASELINE_LABEL ?? '').split(',');
const baselines = (process.env.BENCH_BASELINE ? String(process.env.BENCH_BASELINE).split(',') : []).map((cli, i, all) => ({
  cli,
  label: baselineLabels[i] || (all.length === 1 ? 'baseline' : `baseline ${i + 1}`),
}));

mkdirSync(work, { recursive: true });
// bench/.work lives inside this repository's work tree; stop git discovery there so the
// corpus folders are scanned as the plain, non-git folders they are meant to be.
const gitConfig = join(work, 'gitconfig');
writeFileSync(gitConfig, '[user]\n\tname = Bench\n\temail = bench@example.invalid\n[init]\n\tdefaultBranch = main\n');
const env = { ...process.env, GIT_CEILING_DIRECTORIES: work, GIT_CONFIG_GLOBAL: gitConfig, GIT_CONFIG_NOSYSTEM: '1', NO_COLOR: '1', CI: '1' };

const log = (s = '') => process.stdout.write(s + '\n');
const note = (s) => process.stderr.write(`  .. ${s}\n`);
const fmt = (n, d = 1) => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];

function have(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

/** Install a Debian package if a tool is missing; a clear note (and n/a figures) if that fails. */
function ensureTool(cmd, pkg) {
  if (have(cmd)) return true;
  note(`${cmd} not found; trying apt-get install -y ${pkg}`);
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args) => spawnSync(sudo[0] ?? args[0], sudo.length ? [...sudo.slice(1), ...args] : args.slice(1), { stdio: 'ignore' });
  if (run(['apt-get', 'install', '-y', pkg]).status !== 0) {
    run(['apt-get', 'update']);
    run(['apt-get', 'install', '-y', pkg]);
  }
  if (have(cmd)) return true;
  log(`NOTE: ${cmd} (Debian package ${pkg}) is not installed and could not be installed; its figures are skipped.`);
  return false;
}

const hasTime = existsSync('/usr/bin/time') || ensureTool('/usr/bin/time', 'time');

/** Run a command; wall time from a monotonic clock, peak RSS from GNU time (%M, KiB). */
function measure(cmd, args, { cwd = root, okStatus = [0, 1] } = {}) {
  const rssFile = join(work, 'rss.txt');
  rmSync(rssFile, { force: true });
  const [bin, argv] = hasTime ? ['/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]] : [cmd, args];
  const t0 = process.hrtime.bigint();
  const res = spawnSync(bin, argv, { cwd, env, encoding: 'utf8', maxBuffer: 256 * MB });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (!okStatus.includes(res.status)) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${res.status}: ${(res.stderr ?? '').slice(-2000)}`);
  }
  const [kib, user, sys] = hasTime && existsSync(rssFile) ? readFileSync(rssFile, 'utf8').trim().split('\n').pop().split(' ').map(Number) : [NaN, NaN, NaN];
  // CPU seconds (user + system) barely move when other work shares the machine; wall time does.
  return { seconds, rssMB: kib / 1024, cpu: user + sys, stdout: res.stdout, stderr: res.stderr, status: res.status };
}

/** Best-of-N style: the median wall time and the largest peak RSS of RUNS timed runs after one warm-up. */
function timed(cmd, args, opts, runs = RUNS) {
  return timedTogether([[cmd, args, opts]], runs)[0];
}

/**
 * Several commands timed in turn (A B C A B C ...), each after one warm-up run, so a change in
 * how busy the machine is falls on all of them alike: their ratios are what this run says.
 */
function timedTogether(commands, runs = RUNS) {
  for (const [cmd, args, opts] of commands) measure(cmd, args, opts);
  const all = commands.map(() => []);
  for (let r = 0; r < runs; r++) commands.forEach(([cmd, args, opts], i) => all[i].push(measure(cmd, args, opts)));
  return all.map((results) => ({ seconds: median(results.map((r) => r.seconds)), cpu: median(results.map((r) => r.cpu)), rssMB: Math.max(...results.map((r) => r.rssMB)), last: results.at(-1) }));
}

function corpus(name, mb, seed, { small = false } = {}) {
  const dir = join(work, name);
  const marker = join(work, `${name}.json`);
  const want = { version: CORPUS_VERSION, mb, seed, ...(small ? { small } : {}) };
  if (existsSync(marker) && existsSync(dir)) {
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    if (m.version === want.version && m.mb === mb && m.seed === seed && !!m.small === small) return { dir, ...m };
  }
  note(`generating ${mb} MB corpus in ${relative(root, dir)}`);
  rmSync(dir, { recursive: true, force: true });
  const info = writeCorpus(dir, mb * MB, small ? { seed, small, plants: 12 } : { seed });
  writeFileSync(marker, JSON.stringify({ ...want, ...info }));
  return { dir, ...want, ...info };
}

function avScan(dir, extra = []) {
  return ['scan', '.', '--format', 'json', '-o', '/dev/null', '--no-progress', ...extra].map(String);
}

const results = {};

// --- machine ------------------------------------------------------------------------------
log(`agent-vault benchmark — ${new Date().toISOString()}`);
log(`machine: ${availableParallelism()} cores (${cpus()[0]?.model ?? '?'}), ${fmt(totalmem() / 1024 ** 3)} GiB RAM, Node ${process.version}`);
log('all timings: median wall time of the timed runs after one warm-up run (warm page cache)');
// Other work on the machine skews every figure; say how busy it was.
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
log(`load average at start: ${load()}${loadavg()[0] > availableParallelism() / 2 ? ' (busy machine: figures are pessimistic)' : ''}`);
log();

// --- (a) agent-vault on the full corpus ---------------------------------------------------
const big = corpus(`corpus-${CORPUS_MB}mb`, CORPUS_MB, 7);
const sizeMB = big.bytes / MB;
log(`corpus: ${big.files} files, ${fmt(sizeMB)} MB of mixed source and config, ${big.planted} planted fake secrets`);
// The same scan with decoding off, in the same run: what decoding costs.
const noDecodeConfig = join(work, 'no-decode.yaml');
writeFileSync(noDecodeConfig, 'decode: false\n');
const [av, avNoDecode, ...bigBaselines] = timedTogether([
  ['node', [cli, ...avScan(big.dir)], { cwd: big.dir }],
  ['node', [cli, ...avScan(big.dir, ['--config', noDecodeConfig])], { cwd: big.dir }],
  ...baselines.map((b) => ['node', [b.cli, ...avScan(big.dir)], { cwd: big.dir }]),
]);
results.agentVaultNoDecode = { mbps: sizeMB / avNoDecode.seconds, seconds: avNoDecode.seconds, cpu: avNoDecode.cpu, rssMB: avNoDecode.rssMB };
results.baselines = bigBaselines.map((b) => ({ mbps: sizeMB / b.seconds, seconds: b.seconds, cpu: b.cpu, rssMB: b.rssMB }));
const avReport = JSON.parse(measure('node', [cli, 'scan', '.', '--format', 'json', '--no-progress'], { cwd: big.dir }).stdout);
const avFindings = avReport.stats;
const byRule = {};
for (const f of avReport.findings) byRule[f.ruleId] = (byRule[f.ruleId] ?? 0) + 1;
results.agentVault = { mbps: sizeMB / av.seconds, seconds: av.seconds, cpu: av.cpu, rssMB: av.rssMB, findings: avFindings.findings, files: avFindings.filesScanned };

// --- (c) ripgrep: one case-insensitive pass over the built-in rules' keyword literals ------
const keywords = [
  ...new Set(
    readdirSync(join(root, 'rules'))
      .filter((f) => f.endsWith('.yaml') && !f.startsWith('skill-'))
      // a leading * only changes where a keyword may match (inside a word); rg gets the literal
      .flatMap((f) => (parse(readFileSync(join(root, 'rules', f), 'utf8'))?.rules ?? []).flatMap((r) => (r.keywords ?? []).map((k) => k.replace(/^\*/, '')))),
  ),
];
const kwFile = join(work, 'keywords.txt');
writeFileSync(kwFile, keywords.join('\n') + '\n');
if (ensureTool('rg', 'ripgrep')) {
  const rgVersion = spawnSync('rg', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  const rg = timed('rg', ['--no-ignore', '--hidden', '-i', '-F', '-c', '-f', kwFile, '.'], { cwd: big.dir });
  results.rg = { mbps: sizeMB / rg.seconds, seconds: rg.seconds, cpu: rg.cpu, rssMB: rg.rssMB, version: rgVersion };
}

// --- (d) a tree of many small files: ~24,000 files of ~2 KB, ~16 per folder, sparse secrets --
// Here the cost is per file (listing, opening, reading, starting a scan), as in a real
// repository, so it is measured on its own, with ripgrep's keyword pass on the same tree.
const smallTree = corpus(`small-files-${SMALL_FILES_MB}mb`, SMALL_FILES_MB, 13, { small: true });
const smallMB = smallTree.bytes / MB;
{
  const [s1, ...smallBaselines] = timedTogether([
    ['node', [cli, ...avScan(smallTree.dir)], { cwd: smallTree.dir }],
    ...baselines.map((b) => ['node', [b.cli, ...avScan(smallTree.dir)], { cwd: smallTree.dir }]),
  ]);
  const findings = JSON.parse(measure('node', [cli, 'scan', '.', '--format', 'json', '--no-progress'], { cwd: smallTree.dir }).stdout).stats.findings;
  results.small = { mbps: smallMB / s1.seconds, seconds: s1.seconds, cpu: s1.cpu, rssMB: s1.rssMB, findings };
  results.smallBaselines = smallBaselines.map((b) => ({ mbps: smallMB / b.seconds, seconds: b.seconds, cpu: b.cpu, rssMB: b.rssMB }));
  if (results.rg) {
    const r = timed('rg', ['--no-ignore', '--hidden', '-i', '-F', '-c', '-f', kwFile, '.'], { cwd: smallTree.dir });
    results.smallRg = { mbps: smallMB / r.seconds, seconds: r.seconds, cpu: r.cpu, rssMB: r.rssMB };
  }
}

// --- (b) secretlint on a subset ----------------------------------------------------------
const subset = corpus(`subset-${SUBSET_MB}mb`, SUBSET_MB, 11);
const subsetMB = subset.bytes / MB;
const avSubset = timed('node', [cli, ...avScan(subset.dir)], { cwd: subset.dir });
results.agentVaultSubset = { mbps: subsetMB / avSubset.seconds, seconds: avSubset.seconds, cpu: avSubset.cpu, rssMB: avSubset.rssMB };
if (process.env.BENCH_SKIP_SECRETLINT !== '1') {
  const bin = join(peers, 'node_modules', 'secretlint', 'bin', 'secretlint.js');
  if (!existsSync(bin)) {
    note('installing secretlint 12.0.0 into bench/.peers (secretlint 13 needs Node 22)');
    const npm = spawnSync('npm', ['install', '--prefix', peers, '--no-audit', '--no-fund', 'secretlint@12.0.0', '@secretlint/secretlint-rule-preset-recommend@12'], { stdio: 'inherit' });
    if (npm.status !== 0) log('NOTE: secretlint could not be installed; its figures are skipped.');
  }
  if (existsSync(bin)) {
    const rc = join(work, 'secretlintrc.json');
    writeFileSync(rc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));
    const out = join(work, 'secretlint-out.json');
    // One timed run after a warm-up: at well under 1 MB/s, more runs only cost minutes.
    const sl = timed('node', [bin, '**/*', '--secretlintrc', rc, '--format', 'json', '--output', out], { cwd: subset.dir }, 1);
    const slFiles = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : [];
    const slFindings = Array.isArray(slFiles) ? slFiles.reduce((n, f) => n + (f.messages?.length ?? 0), 0) : NaN;
    rmSync(out, { force: true }); // its JSON embeds file contents unmasked
    results.secretlint = { mbps: subsetMB / sl.seconds, seconds: sl.seconds, cpu: sl.cpu, rssMB: sl.rssMB, findings: slFindings, files: Array.isArray(slFiles) ? slFiles.length : NaN };
  }
}

log();
log('| tool | data | wall s | MB/s | CPU s | MB per CPU s | peak RSS MB | findings |');
log('|---|---|---:|---:|---:|---:|---:|---:|');
const row = (name, data, r) =>
  log(`| ${name} | ${data} | ${fmt(r.seconds, 2)} | ${fmt(r.mbps)} | ${fmt(r.cpu, 2)} | ${fmt(r.mbps * (r.seconds / r.cpu))} | ${fmt(r.rssMB, 0)} | ${r.findings ?? '-'} |`);
row('agent-vault scan (json, non-git folder)', `${fmt(sizeMB)} MB, ${big.files} files`, results.agentVault);
row('agent-vault scan, decode: false', `${fmt(sizeMB)} MB, ${big.files} files`, results.agentVaultNoDecode);
results.baselines.forEach((b, i) => row(`${baselines[i].label} scan (BENCH_BASELINE)`, `${fmt(sizeMB)} MB, ${big.files} files`, b));
if (results.rg) row(`ripgrep -i -F, ${keywords.length} rule keywords`, `${fmt(sizeMB)} MB`, results.rg);
row('agent-vault scan, small files', `${fmt(smallMB)} MB, ${smallTree.files} files`, results.small);
results.smallBaselines.forEach((b, i) => row(`${baselines[i].label} scan, small files`, `${fmt(smallMB)} MB, ${smallTree.files} files`, b));
if (results.smallRg) row(`ripgrep -i -F, small files`, `${fmt(smallMB)} MB, ${smallTree.files} files`, results.smallRg);
row('agent-vault scan (same subset as secretlint)', `${fmt(subsetMB)} MB, ${subset.files} files`, results.agentVaultSubset);
if (results.secretlint) row('secretlint 12.0.0 + preset-recommend', `${fmt(subsetMB)} MB, ${subset.files} files`, results.secretlint);
log(`agent-vault findings by rule on the corpus (${big.planted} planted; the rest is noise worth a look): ${Object.entries(byRule).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ')}`);
log();
if (results.secretlint) {
  log(`agent-vault vs secretlint: ${fmt(results.agentVault.mbps / results.secretlint.mbps)}x MB/s (full corpus vs subset); ${fmt(results.agentVaultSubset.mbps / results.secretlint.mbps)}x on the same ${fmt(subsetMB)} MB subset; ${fmt((sizeMB / results.agentVault.cpu) / (subsetMB / results.secretlint.cpu))}x per CPU second (target >= 20x)`);
}
if (results.rg) log(`agent-vault vs ripgrep keyword pass: ${fmt(results.agentVault.mbps / results.rg.mbps, 2)}x MB/s (${results.rg.version}; rg is the ceiling for a keyword pass)`);
if (results.smallRg) log(`small files: agent-vault vs ripgrep keyword pass: ${fmt(results.small.mbps / results.smallRg.mbps, 2)}x MB/s`);
log(
  `decoding costs ${fmt(100 * (results.agentVault.seconds / results.agentVaultNoDecode.seconds - 1))}% wall, ` +
    `${fmt(100 * (results.agentVault.cpu / results.agentVaultNoDecode.cpu - 1))}% CPU on the ${fmt(sizeMB, 0)} MB tree (target <= 15%)`,
);
results.baselines.forEach((b, i) => {
  const small = results.smallBaselines[i];
  log(
    `vs ${baselines[i].label}: ${fmt(results.agentVault.mbps / b.mbps, 2)}x MB/s on the ${fmt(sizeMB, 0)} MB tree ` +
      `(CPU ${fmt(results.agentVault.cpu, 2)} s vs ${fmt(b.cpu, 2)} s: ${fmt(results.agentVault.cpu / b.cpu, 2)}x); ` +
      `${fmt(results.small.mbps / small.mbps, 2)}x on the small files (CPU ${fmt(results.small.cpu, 2)} s vs ${fmt(small.cpu, 2)} s: ${fmt(results.small.cpu / small.cpu, 2)}x)`,
  );
});
log(
  `targets: >= 150 MB/s on the ${fmt(sizeMB, 0)} MB tree: ${results.agentVault.mbps >= 150 ? 'met' : 'NOT met'} (${fmt(results.agentVault.mbps)}); ` +
    `>= 100 MB/s on the small files: ${results.small.mbps >= 100 ? 'met' : 'NOT met'} (${fmt(results.small.mbps)})`,
);
const perCpu = sizeMB / results.agentVault.cpu;
log(
  `throughput target >= 50 MB/s on 2 cores: ${results.agentVault.mbps >= 50 ? 'met' : 'NOT met'} (${fmt(results.agentVault.mbps)} MB/s wall; ` +
    `${fmt(perCpu)} MB per CPU second, so two otherwise idle cores give at most ~${fmt(2 * perCpu)} MB/s)`,
);

// --- staged scan on a 10-file change in a 20,000-file repository --------------------------
function git(cwd, args, input) {
  const res = spawnSync('git', args, { cwd, env, input, encoding: 'utf8', maxBuffer: 256 * MB });
  if (res.status !== 0) throw new Error(`git ${args.join(' ')}: ${res.stderr}`);
  return res.stdout;
}

log();
{
  const repo = join(work, 'repo-20k');
  const marker = join(work, 'repo-20k.json');
  if (!existsSync(marker) || !existsSync(join(repo, '.git'))) {
    note('building a 20,000-file repository');
    rmSync(repo, { recursive: true, force: true });
    mkdirSync(repo, { recursive: true });
    git(repo, ['init', '-q']);
    const g = makeGen(3);
    for (let i = 0; i < 20_000; i++) {
      const p = join(repo, `mod${i % 100}`, `sub${i % 7}`, `file${i}.ts`);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, Array.from({ length: 20 + (i % 40) }, () => `export const ${g.id()} = ${g.num()}; // ${g.sentence()}`).join('\n') + '\n');
    }
    git(repo, ['add', '-A']);
    git(repo, ['commit', '-q', '-m', 'initial']);
    writeFileSync(marker, '{}');
  }
  git(repo, ['reset', '-q', '--hard', 'HEAD']);
  const g = makeGen(5);
  for (let i = 0; i < 10; i++) {
    const j = i * 1009 + 17; // an existing file: the repository was built with file j at mod(j%100)/sub(j%7)
    const p = join(repo, `mod${j % 100}`, `sub${j % 7}`, `file${j}.ts`);
    const line = i === 3 ? `export const ci = 'ghp_${g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36)}';` : `export const ${g.id()} = ${g.num()};`;
    writeFileSync(p, readFileSync(p, 'utf8') + line + '\n');
  }
  git(repo, ['add', '-A']);
  const staged = git(repo, ['diff', '--cached', '--name-only']).trim().split('\n').length;
  const tracked = Number(git(repo, ['ls-files']).split('\n').length - 1);
  const stagedScan = (bin) => measure('node', [bin, 'scan', '--staged', '--format', 'json', '-o', '/dev/null', '--no-progress'], { cwd: repo });
  const runs = [];
  const baselineRuns = baselines.map(() => []);
  // in turn, as above: this build, then each baseline, seven times
  for (let r = 0; r < 7; r++) {
    runs.push(stagedScan(cli));
    baselines.forEach((b, i) => baselineRuns[i].push(stagedScan(b.cli)));
  }
  const baseline = median(Array.from({ length: 5 }, () => measure('node', ['-e', '0']).seconds));
  const ms = median(runs.map((r) => r.seconds)) * 1000;
  const found = JSON.parse(measure('node', [cli, 'scan', '--staged', '--format', 'json', '--no-progress'], { cwd: repo }).stdout).stats.findings;
  log(`scan --staged: ${staged} staged files in a ${tracked}-file repository: median ${fmt(ms, 0)} ms wall over 7 runs (min ${fmt(Math.min(...runs.map((r) => r.seconds)) * 1000, 0)} ms; median CPU ${fmt(median(runs.map((r) => r.cpu)) * 1000, 0)} ms; \`node -e 0\` alone ${fmt(baseline * 1000, 0)} ms), ${found} finding(s); target <= 100 ms: ${ms <= 100 ? 'met' : 'NOT met'}`);
  for (const [i, b] of baselines.entries()) {
    log(`scan --staged, ${b.label}: median ${fmt(median(baselineRuns[i].map((r) => r.seconds)) * 1000, 0)} ms wall, median CPU ${fmt(median(baselineRuns[i].map((r) => r.cpu)) * 1000, 0)} ms`);
  }
}

// --- history scan over 5,000 commits -------------------------------------------------------
{
  const repo = join(work, 'repo-history');
  const marker = join(work, 'repo-history.json');
  const COMMITS = 5000;
  if (!existsSync(marker) || !existsSync(join(repo, '.git'))) {
    note(`building a repository with ${COMMITS} commits (git fast-import)`);
    rmSync(repo, { recursive: true, force: true });
    mkdirSync(repo, { recursive: true });
    git(repo, ['init', '-q']);
    const g = makeGen(9);
    const files = new Map();
    const chunks = [];
    const data = (s) => `data ${Buffer.byteLength(s)}\n${s}\n`;
    let planted = 0;
    for (let c = 1; c <= COMMITS; c++) {
      const path = `src/${g.word()}/${g.word()}${c % 200}.py`;
      const lines = Array.from({ length: 5 }, () => `${g.word()}_${g.word()} = ${g.num()}  # ${g.sentence()}`);
      if (c % 1000 === 500) {
        lines.push(`GITHUB_TOKEN = "ghp_${g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 36)}"`);
        planted++;
      }
      const content = (files.get(path) ?? '') + lines.join('\n') + '\n';
      files.set(path, content);
      const when = 1_700_000_000 + c * 600;
      chunks.push(
        `commit refs/heads/main\nmark :${c}\nauthor Bench <bench@example.invalid> ${when} +0000\ncommitter Bench <bench@example.invalid> ${when} +0000\n` +
          data(`change ${c}`) +
          (c > 1 ? `from :${c - 1}\n` : '') +
          `M 100644 inline ${path}\n` +
          data(content),
      );
    }
    git(repo, ['fast-import', '--quiet'], chunks.join(''));
    git(repo, ['reset', '-q', '--hard', 'main']);
    writeFileSync(marker, JSON.stringify({ planted }));
  }
  const planted = JSON.parse(readFileSync(marker, 'utf8')).planted;
  const commits = Number(git(repo, ['rev-list', '--count', '--all']).trim());
  const out = join(work, 'history.json');
  const r = measure('node', [cli, 'scan', '--history', '--format', 'json', '-o', out, '--no-progress'], { cwd: repo });
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const withCommit = report.findings.filter((f) => /^[0-9a-f]{40}$/.test(f.commit ?? '')).length;
  log(
    `scan --history: ${commits} commits, ${fmt(report.stats.bytesScanned / MB)} MB of added lines: ${fmt(r.seconds, 2)} s wall, peak RSS ${fmt(r.rssMB, 0)} MB, exit ${r.status}; ` +
      `${report.findings.length} finding(s) for ${planted} planted, ${withCommit} naming their commit`,
  );
}

// --- peak memory on a 1 GB tree --------------------------------------------------------------
if (process.env.BENCH_SKIP_1GB === '1') {
  log('1 GB tree: skipped (BENCH_SKIP_1GB=1)');
} else {
  const copies = Math.ceil(1024 / sizeMB);
  const dir = join(work, 'tree-1gb');
  const marker = join(work, 'tree-1gb.json');
  const want = JSON.stringify({ source: big.dir, bytes: big.bytes, copies });
  if (!existsSync(marker) || readFileSync(marker, 'utf8') !== want) {
    note(`building a ${fmt((copies * big.bytes) / MB / 1024, 2)} GB tree from ${copies} hard-linked copies of the corpus`);
    rmSync(dir, { recursive: true, force: true });
    const walk = (from, to) => {
      mkdirSync(to, { recursive: true });
      for (const e of readdirSync(from, { withFileTypes: true })) {
        if (e.isDirectory()) walk(join(from, e.name), join(to, e.name));
        else linkSync(join(from, e.name), join(to, e.name));
      }
    };
    for (let i = 0; i < copies; i++) walk(big.dir, join(dir, `copy${i}`));
    writeFileSync(marker, want);
  }
  const total = copies * big.bytes;
  const r = measure('node', [cli, ...avScan(dir)], { cwd: dir });
  log(`1 GB tree: ${copies * big.files} files, ${fmt(total / MB / 1024, 2)} GB: ${fmt(r.seconds, 1)} s wall, ${fmt(total / MB / r.seconds)} MB/s, peak RSS ${fmt(r.rssMB, 0)} MB; target < 300 MB: ${r.rssMB < 300 ? 'met' : 'NOT met'}`);
}
// --- a 1 GB single file (windowed, streamed) ---------------------------------------------------
if (process.env.BENCH_SKIP_1GB !== '1') {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'large-file-bench.mjs')], { encoding: 'utf8', env });
  log((r.stdout || r.stderr).trim());
}
log(`load average at end: ${load()}`);

// `agent-vault run` (issue 14): 1 GB through run with 100 values, and the added latency per line.
if (process.env.BENCH_SKIP_RUN !== '1') {
  log('');
  const r = spawnSync(process.execPath, [join(root, 'bench', 'run-bench.mjs')], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  log(r.stdout.trimEnd());
}
