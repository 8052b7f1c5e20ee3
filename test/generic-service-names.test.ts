import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { scanText } from '../src/core/scan.js';
import { SECRET } from '../src/core/types.js';
import { randomFrom, rng } from './helpers/fake-secrets.js';

// Small services with no token prefix of their own (the peers' hundreds of named-only
// detectors) are covered as a class: a high-entropy value under a name that is the service's
// name plus key / token / secret, in the ways configuration and code write it. The service
// names are made up at test time, so no rule can know them.
const ruleset = buildRuleset(defaultConfig());
const next = rng(0x5e41ce);
const SYLLABLES = ['zor', 'pel', 'quin', 'trav', 'mok', 'dex', 'lum', 'var', 'sno', 'gri', 'bel', 'tox'];
const service = () => Array.from({ length: 3 }, () => SYLLABLES[Math.floor(next() * SYLLABLES.length)]).join('');
const cap = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const HEX = '0123456789abcdef';
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
/** Random values with letters and digits both (an all-letter draw is redrawn). */
const value = (chars: string, n: number): string => {
  const v = randomFrom(chars, n, next);
  return /[0-9]/.test(v) && /[A-Za-z]/.test(v) ? v : value(chars, n);
};

const NAMES: [string, (s: string) => string][] = [
  ['UPPER_KEY', (s) => `${s.toUpperCase()}_KEY`],
  ['UPPER_API_KEY', (s) => `${s.toUpperCase()}_API_KEY`],
  ['UPPER_TOKEN', (s) => `${s.toUpperCase()}_TOKEN`],
  ['UPPER_SECRET', (s) => `${s.toUpperCase()}_SECRET`],
  ['camelKey', (s) => `${s}Key`],
  ['camelToken', (s) => `${s}Token`],
  ['dotted.key', (s) => `${s}.key`],
  ['kebab-key', (s) => `${s}-key`],
];
const SYNTAXES: [string, (name: string, v: string) => string][] = [
  ['.env', (n, v) => `${n}=${v}\n`],
  ['shell export', (n, v) => `export ${n}="${v}"\n`],
  ['YAML', (n, v) => `integrations:\n  ${n}: ${v}\n`],
  ['JSON', (n, v) => `{\n  "${n}": "${v}"\n}\n`],
  ['Python', (n, v) => `${n.replace(/[.-]/g, '_')} = "${v}"\n`],
  ['TypeScript object', (n, v) => `export const settings = { ${n.replace(/[.-]/g, '_')}: '${v}' };\n`],
  ['Go', (n, v) => `\t${n.replace(/[.-]/g, '_')} := "${v}"\n`],
];

describe('a service named only by its key, token or secret', () => {
  const cases = NAMES.flatMap(([nameKind, name]) => SYNTAXES.map(([syntax, write]) => [nameKind, syntax, name, write] as const));
  it.each(cases)('%s in %s is found', (_k, _s, name, write) => {
    for (const v of [value(HEX, 32), value(ALNUM, 40)]) {
      const text = write(name(service()), v);
      const found = scanText(text, { path: 'settings.txt' }, ruleset);
      expect(found.map((f) => f[SECRET]), text).toContain(v);
    }
  });

  const QUIET: [string, (s: string) => string][] = [
    ['a reCAPTCHA-style site key', (s) => `${s.toUpperCase()}_SITE_KEY=${value(ALNUM, 40)}`],
    ['a publishable key', (s) => `${s.toUpperCase()}_PUBLISHABLE_KEY=${value(ALNUM, 32)}`],
    ['a public key', (s) => `${s}PublicKey: "${value(ALNUM, 44)}"`],
    ['a search-only key', (s) => `${s.toUpperCase()}_SEARCH_KEY=${value(HEX, 32)}`],
    ['a cache key', (s) => `const ${s}CacheKey = "${value(HEX, 32)}";`],
    ['an idempotency key', (s) => `${s}IdempotencyKey: "${value(HEX, 32)}"`],
    ['a sort key', (s) => `${s}_sort_key: "${value(ALNUM, 24)}"`],
    ['a reference', (s) => `${s.toUpperCase()}_KEY=\${${s.toUpperCase()}_KEY}`],
    ['an environment read', (s) => `${s}Key: process.env.${s.toUpperCase()}_KEY`],
    ['a placeholder', (s) => `${s.toUpperCase()}_KEY=your-${s}-key-goes-here-0000`],
    ['letters only', (s) => `${s.toUpperCase()}_KEY=${randomFrom('abcdefghijklmnopqrstuvwxyz', 32, next)}`],
    ['too short', (s) => `${s.toUpperCase()}_KEY=${value(HEX, 12)}`],
    ['a word ending in key', () => `hotkey = "ctrl+shift+k"`],
    ['an identifier value', (s) => `${s}Key = indentationOnLastIndentedLine;`],
  ];
  it.each(QUIET)('%s is not reported', (_what, line) => {
    for (let i = 0; i < 5; i++) {
      const text = line(service()) + '\n';
      expect(scanText(text, { path: 'settings.txt' }, ruleset).map((f) => f.ruleId), text).toEqual([]);
    }
  });
});
