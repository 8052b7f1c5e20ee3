// Bundles the CLI (and its scan worker) into single ESM files: one file starts far faster
// than hundreds of modules, and the built-in rule packs are parsed here, once, and embedded.
import { build } from 'esbuild';
import { readFileSync, readdirSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// `--fault-injection DIR` builds only the CLI, into DIR, with the crash points of
// src/platform/atomic.ts switched on (AGENT_VAULT_FAULT); the crash tests run that build.
// Every other build, the shipped one above all, has them compiled out.
const faultAt = process.argv.indexOf('--fault-injection');
const faultDir = faultAt === -1 ? undefined : resolve(process.argv[faultAt + 1] ?? '');
if (faultAt !== -1 && !process.argv[faultAt + 1]) throw new Error('--fault-injection needs the folder to build into');
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

// The rule tables (src/core/rules.ts RuleTable): every rule validated, its regexes compiled once
// here, its context or url shape turned into regex source and its stopwords gathered, by the
// same code that compiles rules from source. A start then only makes RegExps from them.
// test/rule-tables.test.ts compares dist/rule-tables.json (the CLI reads it; the Action embeds
// the same text) with rules/*.yaml.
async function ruleTables() {
  const scratch = mkdtempSync(join(tmpdir(), 'agent-vault-build-'));
  try {
    const file = join(scratch, 'tables.mjs');
    await build({
      stdin: { contents: "export { ruleTablesOf, packRuleTables } from './src/config/builtin-rules.ts'; export { threatTablesOf } from './src/skill/threat-tables.ts';", resolveDir: root, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: file,
      logLevel: 'warning',
      banner: { js: "import { createRequire as __avCreateRequire } from 'node:module'; const require = __avCreateRequire(import.meta.url);" },
    });
    const { ruleTablesOf, packRuleTables, threatTablesOf } = await import(pathToFileURL(file).href);
    // The skill threat packs' tables too (src/skill/threat-tables.ts): each threat rule validated
    // and its pattern checked here, once; test/skill-rule-tables.test.ts compares them with rules/.
    return { secret: JSON.stringify(packRuleTables(ruleTablesOf(packs, true))), threat: JSON.stringify(threatTablesOf(skillPacks)) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
const { secret: tablesJson, threat: threatTablesJson } = await ruleTables();

const cliDir = faultDir ?? join(root, 'dist');
mkdirSync(cliDir, { recursive: true });
// The CLI reads the rule packs and tables from these files beside it (src/config/builtin-rules.ts).
const packsJson = JSON.stringify(packs);
writeFileSync(join(cliDir, 'rule-packs.json'), packsJson);
writeFileSync(join(cliDir, 'rule-tables.json'), tablesJson);
// What both bundles embed as __AGENT_VAULT_SKILL_RULE_TABLES__, written out for the test that holds it to rules/.
writeFileSync(join(cliDir, 'skill-rule-tables.json'), threatTablesJson);
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  define: {
    // JSON text, parsed when first needed: V8 compiles a large JavaScript literal at every start
    // (each worker thread too), where JSON.parse reads the same data several times faster.
    __AGENT_VAULT_SKILL_RULE_PACKS__: JSON.stringify(JSON.stringify(skillPacks)),
    __AGENT_VAULT_SKILL_RULE_TABLES__: JSON.stringify(threatTablesJson),
    // Only the ids (a few KB), for the configuration check of skills.suppressions, which every
    // command runs: the packs and tables above are only referenced by the skill code.
    __AGENT_VAULT_SKILL_RULE_IDS__: JSON.stringify(skillPacks.flatMap((p) => p.rules.map((r) => r.id))),
    __AGENT_VAULT_FAULT_INJECTION__: String(faultDir !== undefined),
  },
  // Some CommonJS dependencies call require(); give the ESM bundle one.
  banner: { js: "import { createRequire as __avCreateRequire } from 'node:module'; const require = __avCreateRequire(import.meta.url);" },
};
const cli = await build({
  ...common,
  metafile: true,
  entryPoints: { cli: join(root, 'src/cli/bin.ts'), 'scan-worker': join(root, 'src/sources/scan-worker.ts') },
  define: { ...common.define, __AGENT_VAULT_RULE_FILES__: 'true' },
  outdir: cliDir,
  outExtension: { '.js': '.mjs' },
  // What a command loads only when it runs (the MCP server and its schema libraries, the skill
  // analysis, TOTP and QR codes, Argon2) goes to chunks beside cli.mjs, loaded on first use: every
  // start of the CLI (each hook, each filter process) parses only what every command needs.
  // Chunks stay in dist/ itself, so a module's `new URL('./scan-worker.mjs', import.meta.url)` holds.
  splitting: true,
  chunkNames: 'chunk-[hash]',
});
// Chunks of earlier builds go (their names are content hashes, so this build's own files are
// the ones it just wrote, unchanged where their content is): dist/ holds one build, not all of them.
const written = new Set(Object.keys(cli.metafile.outputs).map((f) => basename(f)));
for (const f of readdirSync(cliDir)) if (/^chunk-[A-Z0-9]+\.mjs$/.test(f) && !written.has(f)) rmSync(join(cliDir, f), { force: true });
if (faultDir) process.exit(0);

// The GitHub Action runs the committed action/dist/index.js, and CI rebuilds it and fails on
// any difference, so the output must depend on the sources alone: a fixed working directory
// (module path comments) and no timestamps or absolute paths.
// @actions/core reaches the network only to fetch OIDC tokens (getIDToken), which the action
// never asks for. Replacing its HTTP client keeps undici (a megabyte of network code, loaded
// at start-up) out of a bundle that promises to make no requests.
const noNetworkClient = {
  name: 'no-network-client',
  setup(b) {
    b.onResolve({ filter: /^@actions\/http-client(\/.*)?$/ }, (args) => ({ path: args.path, namespace: 'no-network-client' }));
    b.onLoad({ filter: /.*/, namespace: 'no-network-client' }, () => ({
      loader: 'js',
      contents:
        "const refuse = () => { throw new Error('agent-vault makes no network requests'); };\n" +
        'export class HttpClient { constructor() { refuse(); } }\n' +
        'export class BearerCredentialHandler { constructor() { refuse(); } }\n',
    }));
  },
};

await build({
  ...common,
  absWorkingDir: root,
  plugins: [noNetworkClient],
  entryPoints: [join(root, 'action/src/index.ts')],
  // One file, as the Action runs it (once per job): the rule packs and tables embedded as
  // JavaScript data. (As JSON text inside a string, quoted keys read like assignments to the
  // scanner that checks this repository, and to anyone's scanner that reads the bundle.)
  define: { ...common.define, __AGENT_VAULT_RULE_PACKS__: packsJson, __AGENT_VAULT_RULE_TABLES__: tablesJson },
  outfile: join(root, 'action/dist/index.js'),
  target: 'node20',
  // Runners execute actions with `node24`; the file is ESM like the rest of the package.
  banner: { js: `// Generated by scripts/build.mjs from action/src; do not edit. Rebuild with npm run build.\n${common.banner.js}` },
});
