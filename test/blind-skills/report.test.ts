import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLASSES, CorpusFormatError, loadCorpus, materialise, parseSkill, type SkillClass } from './format.js';
import { describeSkillScore, measureSkills, TARGETS } from './run.js';

// Issue 16 asks for at least 150 of each, every class covered; the corpus brief asks for 8
// malicious skills per class at least. The 90% / 2% targets are not asserted here yet: the
// lead adds them once the scanner meets them (the figures are printed below).
const MIN_PER_VERDICT = 150;
const MIN_PER_CLASS = 8;

const corpus = loadCorpus();
const malicious = corpus.filter((s) => s.verdict === 'malicious');
const benign = corpus.filter((s) => s.verdict === 'benign');

describe('the blind skill corpus is well formed', () => {
  it(`holds at least ${MIN_PER_VERDICT} malicious and ${MIN_PER_VERDICT} benign skills, each name once`, () => {
    expect(malicious.length).toBeGreaterThanOrEqual(MIN_PER_VERDICT);
    expect(benign.length).toBeGreaterThanOrEqual(MIN_PER_VERDICT);
    expect(new Set(corpus.map((s) => s.name)).size).toBe(corpus.length);
  });

  it(`covers every class with at least ${MIN_PER_CLASS} malicious skills`, () => {
    const counts = Object.fromEntries(Object.keys(CLASSES).map((c) => [c, malicious.filter((s) => s.classes.includes(c as SkillClass)).length]));
    for (const [c, n] of Object.entries(counts)) expect(n, `class ${c}`).toBeGreaterThanOrEqual(MIN_PER_CLASS);
  });

  it('gives every skill a SKILL.md whose frontmatter names it, and a summary', () => {
    for (const s of corpus) {
      expect(s.files.some((f) => f.path === 'SKILL.md'), s.source).toBe(true);
      expect(s.summary.length, s.source).toBeGreaterThan(10);
    }
  });

  it('materialises a skill byte for byte, with escapes, templates, base64 and modes applied', () => {
    const text = [
      'verdict: malicious',
      'classes: hidden-text',
      'summary: format self-test',
      '=== FILE: SKILL.md (escaped) ===',
      '---',
      'name: format-self-test',
      'description: tag\\u{E0041} here',
      '---',
      'body',
      '=== FILE: scripts/a.sh (executable) ===',
      'echo hi',
      '=== FILE: k.txt (template) ===',
      'key={{hex:8}}',
      '=== FILE: b.bin (base64) ===',
      Buffer.from([0, 1, 2, 255]).toString('base64'),
    ].join('\n');
    const skill = parseSkill(text, 'format-self-test', 'malicious');
    const parent = mkdtempSync(join(tmpdir(), 'av-blind-format-'));
    try {
      const dir = materialise(skill, parent);
      expect(readFileSync(join(dir, 'SKILL.md'), 'utf8')).toBe('---\nname: format-self-test\ndescription: tag\u{E0041} here\n---\nbody\n');
      expect(readFileSync(join(dir, 'scripts/a.sh'), 'utf8')).toBe('echo hi\n');
      expect(readFileSync(join(dir, 'k.txt'), 'utf8')).toMatch(/^key=[0-9a-f]{8}\n$/);
      expect([...readFileSync(join(dir, 'b.bin'))]).toEqual([0, 1, 2, 255]);
      expect(statSync(join(dir, 'scripts/a.sh')).mode & 0o777).toBe(0o755);
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
    // The same skill name always yields the same fake secrets (reproducible scores).
    expect(parseSkill(text, 'format-self-test', 'malicious').files[2]!.content.toString()).toBe(skill.files[2]!.content.toString());
  });

  it('rejects malformed entries with the file and line', () => {
    const bad = (text: string, name = 'x-skill') => () => parseSkill(text, name, 'benign', 'benign/x.skill.txt');
    expect(bad('verdict: benign\nsummary: s\n')).toThrow(/no "=== FILE: SKILL.md ===" section/);
    expect(bad('verdict: malicious\nsummary: s\n=== FILE: SKILL.md ===\n')).toThrow(/verdict: benign/);
    expect(bad('verdict: benign\nclasses: injection\nsummary: s\n=== FILE: SKILL.md ===\n')).toThrow(/names no class/);
    expect(bad('verdict: benign\nsummary: s\n=== FILE: ../x (executable) ===\n')).toThrow(/must be relative/);
    expect(bad('verdict: benign\nsummary: s\n=== FILE: x.bin (binary) ===\n')).toThrow(/unknown file attribute "binary"/);
    expect(bad('verdict: benign\nsummary: s\n=== FILE: my file.txt ===\n')).toThrow(/spaces or parentheses/);
    expect(bad('verdict: benign\nsummary: s\n=== FILE: SKILL.md ===\n---\nname: other\ndescription: d\n---\n')).toThrow(CorpusFormatError);
    expect(bad('verdict: benign\nsummary: s\n=== FILE: SKILL.md ===\n---\nname: x-skill\ndescription: d\n---\n')).not.toThrow();
  });
});

describe('the built scanner on the blind skill corpus', () => {
  it(`scores every skill, prints the table and holds the targets (${TARGETS.maliciousFlaggedAtLeast * 100}% / ${TARGETS.benignFlaggedAtMost * 100}%)`, async () => {
    const score = await measureSkills(corpus);
    console.log(describeSkillScore(score));
    expect(score.outcomes.length).toBe(corpus.length);
    expect(score.malicious.total).toBe(malicious.length);
    expect(score.benign.total).toBe(benign.length);
    expect(score.malicious.flagged + score.malicious.missed.length).toBe(malicious.length);
    expect(existsSync(score.workDir), 'the scorer removes its temporary folder').toBe(false);
    // Issue 16's acceptance, asserted now that it holds (96.3% and 0% when this was added).
    expect(score.malicious.flagged / score.malicious.total, 'malicious flagged').toBeGreaterThanOrEqual(TARGETS.maliciousFlaggedAtLeast);
    expect(score.benign.flagged.length / score.benign.total, 'benign flagged').toBeLessThanOrEqual(TARGETS.benignFlaggedAtMost);
  }, 600_000);
});
