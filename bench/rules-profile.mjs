#!/usr/bin/env node
// Where does scanning time go? Runs the engine in one thread over the benchmark corpus and
// charges CPU time to its stages: the keyword pass, each rule's regular expression (only on
// the files whose keywords occurred, as the engine does), and the whole scanText call.
// CPU time (process.cpuUsage) rather than wall time, so a busy machine skews it less.
//
//   node bench/rules-profile.mjs            (uses bench/.work/corpus-<BENCH_MB>mb, default 20)
import { build } from 'esbuild';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeCorpus } from './corpus.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = join(root, 'bench', '.work');
const MB = 1024 * 1024;
const size = Number(process.env.BENCH_MB ?? 20);

// The engine from source, bundled once (the CLI bundle exports nothing).
const engineFile = join(work, 'engine.mjs');
await build({
  stdin: {
    contents: `export { buildRuleset, defaultConfig } from './src/config/config.ts';
export { loadRulePacksFromDir } from './src/config/builtin-rules.ts';
export { scanText } from './src/core/scan.ts';`,
    resolveDir: root,
    loader: 'ts',
  },
  bundle: true,
  platform: 'node',
  format: 'esm',
  outfile: engineFile,
  logLevel: 'warning',
  define: { __AGENT_VAULT_RULE_PACKS__: 'undefined' },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
});
const { buildRuleset, defaultConfig, loadRulePacksFromDir, scanText } = await import(pathToFileURL(engineFile).href);

const dir = join(work, `profile-corpus-${size}mb`);
if (!existsSync(dir)) writeCorpus(dir, size * MB, { seed: 7 });
const texts = [];
const walk = (d) => {
  for (const e of readdirSync(d, { withFileTypes: true })) {
    if (e.isDirectory()) walk(join(d, e.name));
    else texts.push(readFileSync(join(d, e.name)).toString('latin1'));
  }
};
walk(dir);
const bytes = texts.reduce((n, t) => n + t.length, 0);

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const packs = loadRulePacksFromDir(join(root, 'rules')); // the CLI embeds parsed packs instead
let t = cpu();
const ruleset = buildRuleset(defaultConfig(), packs);
const compileMs = cpu() - t;

// Warm up the JIT on a slice, then measure.
for (const text of texts.slice(0, 50)) scanText(text, { path: 'x' }, ruleset);

t = cpu();
for (const text of texts) scanText(text, { path: 'x' }, ruleset);
const scanMs = cpu() - t;

t = cpu();
const candidates = texts.map((text) => ruleset.candidates(text));
const keywordMs = cpu() - t;

const perRule = ruleset.rules.map((rule) => ({ id: rule.id, ms: 0, files: 0, matches: 0, keywords: rule.keywords.length }));
texts.forEach((text, i) => {
  for (const ri of candidates[i]) {
    const rule = ruleset.rules[ri];
    const re = rule.regex;
    const s = cpu();
    re.lastIndex = 0;
    let m;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) re.lastIndex++;
      perRule[ri].matches++;
    }
    perRule[ri].ms += cpu() - s;
    perRule[ri].files++;
  }
});
const regexMs = perRule.reduce((n, r) => n + r.ms, 0);

const f = (n, d = 0) => n.toFixed(d);
console.log(`corpus: ${texts.length} files, ${f(bytes / MB, 1)} MB; ${ruleset.rules.length} rules, ${ruleset.automaton.keywords.length} keywords; compile ${f(compileMs)} ms CPU`);
console.log(`scanText, one thread: ${f(scanMs)} ms CPU = ${f(bytes / MB / (scanMs / 1000), 1)} MB per CPU second`);
console.log(`  keyword pass (candidates): ${f(keywordMs)} ms (${f((100 * keywordMs) / scanMs)}%), ${f(bytes / MB / (keywordMs / 1000))} MB/s`);
console.log(`  rule regexes: ${f(regexMs)} ms (${f((100 * regexMs) / scanMs)}%); the rest is allowlists, entropy, placeholders and findings`);
console.log(`  average candidate rules per file: ${f(candidates.reduce((n, c) => n + c.length, 0) / texts.length, 1)}`);
console.log('costliest rules (ms CPU, share of scan, files run on, raw regex matches):');
for (const r of perRule.sort((a, b) => b.ms - a.ms).slice(0, Number(process.env.TOP ?? 15))) {
  console.log(`  ${f(r.ms).padStart(6)} ms ${f((100 * r.ms) / scanMs, 1).padStart(5)}%  ${String(r.files).padStart(5)} files  ${String(r.matches).padStart(6)} matches  ${r.id}`);
}
