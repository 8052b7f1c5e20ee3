// Bundles the CLI (and its scan worker) into single ESM files: one file starts far faster
// than hundreds of modules, and the built-in rule packs are parsed here, once, and embedded.
import { build } from 'esbuild';
import { readFileSync, readdirSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const rulesDir = join(root, 'rules');
const packs = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yaml') && !f.startsWith('skill-'))
  .sort()
  .map((f) => {
    const doc = parse(readFileSync(join(rulesDir, f), 'utf8')) ?? {};
    // Examples are for tests and documentation; the shipped engine does not need them.
    const rules = (doc.rules ?? []).map(({ examples: _examples, ...rule }) => rule);
    return { file: `rules/${f}`, rules, ...(doc.allowlist ? { allowlist: doc.allowlist } : {}) };
  });

// Skill threat packs (rules/skill-*.yaml) are embedded separately: only `agent-vault skill`
// loads them. Their examples stay out of the bundle too.
const skillPacks = readdirSync(rulesDir)
  .filter((f) => f.endsWith('.yaml') && f.startsWith('skill-'))
  .sort()
  .map((f) => {
    const doc = parse(readFileSync(join(rulesDir, f), 'utf8')) ?? {};
    return { file: `rules/${f}`, rules: (doc.rules ?? []).map(({ examples: _examples, ...rule }) => rule) };
  });

mkdirSync(join(root, 'dist'), { recursive: true });
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: { __AGENT_VAULT_RULE_PACKS__: JSON.stringify(packs), __AGENT_VAULT_SKILL_RULE_PACKS__: JSON.stringify(skillPacks) },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __avCreateRequire } from 'node:module'; const require = __avCreateRequire(import.meta.url);" },
};
await build({
  ...common,
  entryPoints: { cli: join(root, 'src/cli/bin.ts'), 'scan-worker': join(root, 'src/sources/scan-worker.ts') },
  outdir: join(root, 'dist'),
  outExtension: { '.js': '.mjs' },
});
