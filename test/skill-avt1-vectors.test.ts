import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildManifest, normaliseContent, parseManifest, type ManifestEntry } from '../src/skill/avt1.js';
import { readSkillTree } from '../src/skill/tree.js';
import { AgentVaultError } from '../src/errors.js';
import { cli } from './helpers/cli.js';
import { gitOk, REPO, sandbox, writeFiles } from './helpers/sandbox.js';
import { skillMd } from './helpers/skill-env.js';

const VECTORS = join(REPO, 'test', 'vectors', 'avt1');
const cases = readdirSync(VECTORS).filter((d) => /^\d\d-/.test(d)).sort();
const DIGEST = '0'.repeat(64);

describe('avt1 published test vectors', () => {
  it('there are vectors to check', () => expect(cases.length).toBeGreaterThanOrEqual(4));

  it.each(cases)('%s hashes to its expected manifest and hash', (name) => {
    const tree = readSkillTree(join(VECTORS, name, 'skill'));
    expect(tree.manifest.text).toBe(readFileSync(join(VECTORS, name, 'expected.manifest'), 'utf8'));
    expect(`${tree.manifest.contentHash}\n`).toBe(readFileSync(join(VECTORS, name, 'expected.hash'), 'utf8'));
  });

  it('agent-vault skill hash prints the same hash as the vector', () => {
    const sb = sandbox();
    const r = cli(sb, VECTORS, ['skill', 'hash', join(cases[1]!, 'skill')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(VECTORS, cases[1]!, 'expected.hash'), 'utf8'));
  });

  const rejections = JSON.parse(readFileSync(join(VECTORS, 'rejections.json'), 'utf8')) as { cases: { name: string; paths: string[]; error: string }[] };
  it.each(rejections.cases.map((c) => [c.name, c] as const))('refuses an entry list with %s', (_n, c) => {
    const entries: ManifestEntry[] = c.paths.map((path) => ({ path, type: 'f', sha256: DIGEST }));
    let error: unknown;
    try {
      buildManifest(entries);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AgentVaultError);
    expect((error as AgentVaultError).code).toBe('SKILL_TREE_REJECTED');
    expect((error as AgentVaultError).message).toContain(c.error);
  });
});

describe('avt1 on real folders', () => {
  it('refuses a symlink that leaves the folder, an absolute symlink and a case-fold collision', () => {
    const sb = sandbox();
    const make = (name: string, extra: (dir: string) => void) => {
      const dir = join(sb.dir, name);
      writeFiles(dir, { 'SKILL.md': skillMd(name, 'test') });
      extra(dir);
      return dir;
    };
    const escaping = make('escaping', (d) => symlinkSync('../../home', join(d, 'up')));
    const absolute = make('absolute', (d) => symlinkSync('/etc/hostname', join(d, 'abs')));
    const viaLink = make('via-link', (d) => {
      mkdirSync(join(d, 'sub'));
      symlinkSync('..', join(d, 'sub', 'parent'));
      symlinkSync('sub/parent/..', join(d, 'sneaky'));
    });
    const collide = make('collide', (d) => {
      writeFileSync(join(d, 'Readme.md'), 'a');
      writeFileSync(join(d, 'README.md'), 'b');
    });
    for (const [dir, word] of [[escaping, 'leaves the skill folder'], [absolute, 'absolute'], [viaLink, 'skill folder'], [collide, 'collide']] as const) {
      const r = cli(sb, sb.dir, ['skill', 'hash', dir]);
      expect(r.code, dir).toBe(22);
      expect(r.stderr, dir).toContain(word);
    }
  });

  it('accepts a symlink that stays inside and records its target, not the file', () => {
    const sb = sandbox();
    const dir = join(sb.dir, 's');
    writeFiles(dir, { 'SKILL.md': skillMd('s', 'test'), 'docs/a.md': 'a\n' });
    symlinkSync('docs/a.md', join(dir, 'link'));
    const tree = readSkillTree(dir);
    expect(tree.manifest.entries.find((e) => e.path === 'link')?.type).toBe('l');
  });

  it('hashes the same after a fresh clone with core.autocrlf=true', () => {
    const sb = sandbox();
    const origin = join(sb.dir, 'origin');
    mkdirSync(origin);
    gitOk(sb, origin, ['init', '-q']);
    cpSync(join(VECTORS, cases[1]!, 'skill'), join(origin, 'skill'), { recursive: true, verbatimSymlinks: true });
    writeFiles(origin, { 'skill/docs/guide.md': 'line one\nline two\n', 'skill/scripts/tool.py': '#!/usr/bin/env python3\nprint("hi")\n' });
    chmodSync(join(origin, 'skill/scripts/tool.py'), 0o755);
    gitOk(sb, origin, ['add', '-A']);
    gitOk(sb, origin, ['commit', '-qm', 'skill']);
    const before = cli(sb, origin, ['skill', 'hash', 'skill']).stdout;
    const clone = join(sb.dir, 'clone');
    gitOk(sb, sb.dir, ['-c', 'core.autocrlf=true', 'clone', '-q', '--config', 'core.autocrlf=true', origin, clone]);
    // The checkout really did convert line ends: the test would prove nothing otherwise.
    expect(readFileSync(join(clone, 'skill/docs/guide.md'), 'utf8')).toContain('\r\n');
    const after = cli(sb, clone, ['skill', 'hash', 'skill']).stdout;
    expect(before).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect(after).toBe(before);
    expect(existsSync(join(clone, 'skill', 'run'))).toBe(true);
  });
});

describe('avt1 properties', () => {
  const segment = fc.stringMatching(/^[A-Za-z0-9_.\- é文]{1,8}$/).filter((s) => s !== '.' && s !== '..');
  const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((xs) => xs.join('/'));
  const entry = fc.record({ path, type: fc.constantFrom<'f' | 'x' | 'l'>('f', 'x', 'l'), sha256: fc.stringMatching(/^[0-9a-f]{64}$/) });
  const entries = fc.uniqueArray(entry, { selector: (e) => e.path.normalize('NFC').toLowerCase(), maxLength: 12 });

  it('the manifest does not depend on the order files are listed in, and parses back to its entries', () => {
    fc.assert(
      fc.property(entries, fc.infiniteStream(fc.nat()), (list, _s) => {
        const a = buildManifest(list);
        const b = buildManifest([...list].reverse());
        expect(b.text).toBe(a.text);
        expect(b.contentHash).toBe(a.contentHash);
        expect(buildManifest(parseManifest(a.text)).text).toBe(a.text);
      }),
      { numRuns: 200 },
    );
  });

  it('line-end normalisation is idempotent and only folds CRLF in text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const once = normaliseContent(bytes);
        expect(Buffer.from(normaliseContent(once))).toEqual(Buffer.from(once));
        if (bytes.includes(0)) expect(Buffer.from(once)).toEqual(Buffer.from(bytes));
        else expect(Buffer.from(once).toString('latin1')).toBe(Buffer.from(bytes).toString('latin1').replace(/\r\n/g, '\n'));
      }),
      { numRuns: 300 },
    );
  });
});
