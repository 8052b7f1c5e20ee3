import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KeywordAutomaton } from '../src/core/keywords.js';
import { shannonEntropy } from '../src/core/entropy.js';
import { maskSecret } from '../src/core/mask.js';
import { insidePlaceholder } from '../src/core/placeholder.js';
import { DiffParser, LineSplitter, unquoteGitPath, COMMIT_MARKER, type DiffFragment } from '../src/core/diff.js';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { scanText } from '../src/core/scan.js';
import { SECRET } from '../src/core/types.js';
import type { ContextDefinition } from '../src/core/assignment.js';
import type { UrlDefinition } from '../src/core/url-credentials.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

describe('keyword automaton', () => {
  // The model: a keyword occurs where a case-insensitive search finds it, and where it begins
  // with a letter (without a leading *), only at a word start: text start, after a character
  // that is not a letter or digit, or at a camelCase hump.
  const alnum = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  const startsWord = (text: string, p: number) => p === 0 || !alnum(text[p - 1]) || (/[A-Z]/.test(text[p]!) && !/[A-Z]/.test(text[p - 1]!));
  const occurs = (text: string, raw: string) => {
    const anywhere = raw.startsWith('*');
    const k = anywhere ? raw.slice(1) : raw;
    const lower = text.toLowerCase();
    for (let p = lower.indexOf(k); p !== -1; p = lower.indexOf(k, p + 1)) if (anywhere || !/^[a-z]/.test(k) || startsWord(text, p)) return true;
    return false;
  };

  // Characters past latin1 ('中', from text a byte order mark decoded) break a keyword and start a word.
  it('finds exactly the keywords a naive search finds, word starts included', () => {
    const word = fc.tuple(fc.boolean(), fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', '_', '-', 'c', '1'), minLength: 1, maxLength: 5 })).map(([star, w]) => (star ? '*' : '') + w.toLowerCase());
    fc.assert(
      fc.property(fc.uniqueArray(word, { minLength: 1, maxLength: 12, selector: (w) => w.replace(/^\*/, '') }), fc.string({ unit: fc.constantFrom('a', 'b', 'A', 'B', '_', '-', 'c', 'x', '1', '\n', 'é', '中'), maxLength: 200 }), (keywords, text) => {
        const found = new KeywordAutomaton(keywords).find(text);
        const expected = new Set(keywords.map((k, i) => (occurs(text, k) ? i : -1)).filter((i) => i >= 0));
        expect([...found].sort()).toEqual([...expected].sort());
      }),
      { numRuns: 500 },
    );
  });

  it.each([
    ['okta', 'const rookTable = 1', false],
    ['okta', 'OKTA_API_TOKEN=1', true],
    ['okta', 'const myOktaToken = 1', true],
    ['okta', 'okta.token: 1', true],
    ['okta', 'MYOKTA_TOKEN=1', false],
    ['ghp_', 'token=ghp_abc', true],
    ['*t3blbkfj', 'sk-abcT3BlbkFJxyz', true],
    ['t3blbkfj', 'sk-abc3T3BlbkFJxyz', true],
    ['t3blbkfj', 'sk-ABCT3BlbkFJxyz', false],
    ['://', 'postgres://x', true],
  ] as const)('keyword %s in %s: %s', (keyword, text, expected) => {
    expect(new KeywordAutomaton([keyword]).find(text).length === 1).toBe(expected);
  });
});

describe('entropy and masking', () => {
  it('entropy is 0 for one repeated char and log2(n) for n distinct chars', () => {
    expect(shannonEntropy('aaaaaaaa')).toBe(0);
    expect(shannonEntropy('abcdefgh')).toBeCloseTo(3, 10);
  });
  it('a mask never contains more than a fifth (and at most 4 chars) of the secret', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 100 }), (s) => {
        const m = maskSecret(s);
        const shown = m.replace(/\*+$/, '');
        expect(shown.length).toBeLessThanOrEqual(Math.min(4, Math.floor(s.length / 5)));
        if (s.length >= 8) expect(m.includes(s)).toBe(false);
      }),
    );
  });
});

describe('placeholders are never findings', () => {
  it('detects spans inside placeholders and UNVAULTED markers only', () => {
    const t = 'a=<agent-vault:db-password> b=<agent-vault:UNVAULTED:sha256:0123abcd> c=plain';
    expect(insidePlaceholder(t, t.indexOf('db-password'), t.indexOf('db-password') + 11)).toBe(true);
    expect(insidePlaceholder(t, t.indexOf('0123abcd'), t.indexOf('0123abcd') + 8)).toBe(true);
    expect(insidePlaceholder(t, t.indexOf('plain'), t.indexOf('plain') + 5)).toBe(false);
  });
});

describe('diff parser', () => {
  it('maps every added line to its file line number, whatever the hunk layout', () => {
    const line = fc.string({ unit: fc.constantFrom('x', '+', '-', ' ', '@', 'd', 'i', 'f', 'A', 'V'), maxLength: 12 });
    fc.assert(
      fc.property(fc.array(fc.record({ at: fc.integer({ min: 1, max: 500 }), removed: fc.integer({ min: 0, max: 3 }), added: fc.array(line, { maxLength: 4 }) }), { maxLength: 6 }), (hunks) => {
        const out: string[] = [`${COMMIT_MARKER}abc123 2026-01-01T00:00:00Z Some Body`, 'diff --git a/f b/f', '--- a/f', '+++ b/f'];
        const expected: { text: string; line: number }[] = [];
        let offset = 0;
        for (const h of hunks) {
          const start = h.at + offset;
          out.push(`@@ -${h.at},${h.removed} +${start},${h.added.length} @@ ctx`);
          for (let i = 0; i < h.removed; i++) out.push(`-old ${i}`);
          h.added.forEach((a, i) => {
            out.push(`+${a}`);
            expected.push({ text: a, line: start + i });
          });
          offset += 1000;
        }
        const frags: DiffFragment[] = [];
        const p = new DiffParser((f) => frags.push(f));
        const split = new LineSplitter((l) => p.line(l));
        // Feed in awkward chunk sizes to exercise the splitter.
        const text = out.join('\n') + '\n';
        for (let i = 0; i < text.length; i += 7) split.push(text.slice(i, i + 7));
        split.end();
        p.end();
        if (expected.length === 0) {
          expect(frags).toEqual([]);
          return;
        }
        expect(frags).toHaveLength(1);
        expect(frags[0]!.commit).toBe('abc123');
        expect(frags[0]!.author).toBe('Some Body');
        expect(frags[0]!.text).toBe(expected.map((e) => e.text).join('\n'));
        expect(frags[0]!.lineMap).toEqual(expected.map((e) => e.line));
      }),
      { numRuns: 300 },
    );
  });
  it('unquotes C-quoted paths, including octal UTF-8 bytes', () => {
    expect(unquoteGitPath('"b/a\\tb \\"q\\".txt"')).toBe('b/a\tb "q".txt');
    expect(unquoteGitPath('"caf\\303\\251"')).toBe('café');
    expect(unquoteGitPath('b/plain')).toBe('b/plain');
  });
});

describe('suppression', () => {
  const ruleset = buildRuleset(defaultConfig());
  const next = rng(3);
  const tok = () => expandTemplate('ghp_{{alnum:36}}', next);

  it('inline allow comments in agent-vault, gitleaks and detect-secrets syntax', () => {
    const cases = [
      `t = "${tok()}" # agent-vault:allow`,
      `t = "${tok()}" // gitleaks:allow`,
      `t = "${tok()}"  # pragma: allowlist secret`,
      `# agent-vault:allow-next-line\nt = "${tok()}"`,
      `# pragma: allowlist nextline secret\nt = "${tok()}"`,
    ];
    for (const c of cases) expect(scanText(c, { path: 'x' }, ruleset), c.slice(0, 20)).toEqual([]);
    // allow-next-line covers only the next line.
    expect(scanText(`# agent-vault:allow-next-line\n\nt = "${tok()}"`, { path: 'x' }, ruleset)).toHaveLength(1);
  });

  it('fingerprints survive line moves and re-indenting, differ by rule, path and context, and hold nothing of the secret', () => {
    const s = tok();
    const [first] = scanText(`a\nb\nt="${s}"`, { path: 'one.txt' }, ruleset);
    expect(scanText(`t="${s}"\n\n\n`, { path: 'one.txt' }, ruleset)[0]!.fingerprint).toBe(first!.fingerprint);
    expect(scanText(`    t =  "${s}"`, { path: 'one.txt' }, ruleset)[0]!.fingerprint).not.toBe(first!.fingerprint);
    expect(scanText(`\tt="${s}"  `, { path: 'one.txt' }, ruleset)[0]!.fingerprint).toBe(first!.fingerprint);
    expect(scanText(`t="${s}"`, { path: 'two.txt' }, ruleset)[0]!.fingerprint).not.toBe(first!.fingerprint);
    // The same place with another secret: the same fingerprint (the baseline's check tells them apart).
    expect(scanText(`t="${tok()}"`, { path: 'one.txt' }, ruleset)[0]!.fingerprint).toBe(first!.fingerprint);
    // Two findings on one line get two fingerprints.
    const two = scanText(`t="${tok()}" u="${tok()}"`, { path: 'one.txt' }, ruleset);
    expect(two).toHaveLength(2);
    expect(two[0]!.fingerprint).not.toBe(two[1]!.fingerprint);
  });

  it('a placeholder where a secret would be is not a finding', () => {
    expect(scanText('token: <agent-vault:github-token>\nother: <agent-vault:UNVAULTED:sha256:deadbeef>', { path: 'x' }, ruleset)).toEqual([]);
  });

  it('findings serialise without the raw secret', () => {
    const s = tok();
    const [f] = scanText(`t="${s}"`, { path: 'x' }, ruleset);
    expect(f![SECRET]).toBe(s);
    expect(JSON.stringify(f)).not.toContain(s);
    expect(Object.getOwnPropertySymbols(structuredClone(f!))).toEqual([]);
  });
});

describe('capture group counting', () => {
  const viaExec = (src: string) => new RegExp(`${src}|`).exec('')!.length - 1;
  it('agrees with the regex engine on tricky sources and on every built-in rule', async () => {
    const { countCapturingGroups } = await import('../src/core/rules.js');
    const { compileContext } = await import('../src/core/assignment.js');
    const { compileUrl } = await import('../src/core/url-credentials.js');
    const { builtinRulePacks } = await import('../src/config/builtin-rules.js');
    const tricky = ['(a)(?:b)(?<n>c)', '(?<=x)(?<!y)(z)', '[(](a)\\((b)', '[\\]()](c)', '(?=a)(?!b)', '((a)|(b))', 'a\\\\(b)'];
    for (const src of tricky) expect(countCapturingGroups(src), src).toBe(viaExec(src));
    for (const pack of builtinRulePacks()) {
      for (const rule of pack.rules as { id: string; regex?: string; context?: ContextDefinition; url?: UrlDefinition }[]) {
        const sources = rule.regex ? [rule.regex] : rule.context ? [compileContext(rule.context).primary, ...compileContext(rule.context).valueFirst].map((p) => p.source) : [compileUrl(rule.url!).source];
        for (const src of sources) expect(countCapturingGroups(src), rule.id).toBe(viaExec(src));
      }
    }
  });
});
