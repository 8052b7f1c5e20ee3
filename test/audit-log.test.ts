import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { entryLine, GENESIS, lineHash, splitLog, verifyChain, type AuditFields } from '../src/audit/chain.js';
import { appendAudit, auditPaths, readAuditLines } from '../src/audit/log.js';
import { verifyAudit, VERIFY_EXIT } from '../src/audit/query.js';
import { AgentVaultError } from '../src/errors.js';
import { REPO, removeDir, tempDir } from './helpers/cli.js';

/**
 * The audit log (issue 13): hash-chained lines, verified against an anchor the vault keeps.
 * Every tamper class (an entry edited, removed, moved; the log cut short; the log rewritten
 * consistently) is caught, by a property test over generated logs, and appends from two
 * processes at once keep one valid chain.
 */
const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

const KEY = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,10}[a-z0-9]$/);
const FIELDS: fc.Arbitrary<AuditFields> = fc.record(
  {
    event: fc.constantFrom('request', 'approve', 'deny', 'materialise-write', 'materialise-smudge', 'refused', 'run'),
    keys: fc.array(KEY, { maxLength: 3 }),
    destination: fc.string({ maxLength: 30 }),
    outcome: fc.constantFrom('allowed', 'refused', 'approved'),
    reason: fc.string({ maxLength: 40 }),
  },
  { requiredKeys: ['event'] },
);

/** A log as appendAudit writes it, in memory. */
function makeLog(fields: AuditFields[]): string[] {
  const lines: string[] = [];
  let prev = GENESIS;
  fields.forEach((f, i) => {
    const line = entryLine(f, i + 1, prev, new Date(1_700_000_000_000 + i * 1000).toISOString());
    lines.push(line);
    prev = lineHash(line);
  });
  return lines;
}

const anchorOf = (lines: string[]) => ({ seq: lines.length, head: lineHash(lines[lines.length - 1]!) });

describe('audit chain (pure)', () => {
  it('a generated log verifies, and each entry is one line with no raw control characters', () => {
    fc.assert(
      fc.property(fc.array(FIELDS, { minLength: 1, maxLength: 30 }), (fields) => {
        const lines = makeLog(fields);
        const v = verifyChain(lines, anchorOf(lines));
        expect(v.ok).toBe(true);
        for (const l of lines) expect(l).not.toMatch(/[\n\r\u2028\u2029]/);
      }),
    );
  });

  it('catches an edited entry, naming the first bad line', () => {
    fc.assert(
      fc.property(fc.array(FIELDS, { minLength: 1, maxLength: 30 }), fc.nat(), fc.string({ minLength: 1, maxLength: 10 }), (fields, pick, junk) => {
        const lines = makeLog(fields);
        const anchor = anchorOf(lines);
        const i = pick % lines.length;
        const e = JSON.parse(lines[i]!) as Record<string, unknown>;
        const edited = JSON.stringify({ ...e, reason: `${String(e.reason ?? '')}${junk}` });
        fc.pre(edited !== lines[i]);
        const tampered = [...lines];
        tampered[i] = edited;
        const v = verifyChain(tampered, anchor);
        expect(v.ok).toBe(false);
        if (!v.ok) expect(v.line).toBe(i === lines.length - 1 ? i + 1 : i + 2);
      }),
    );
  });

  it('catches a removed entry, two entries swapped, and a cut-off tail', () => {
    fc.assert(
      fc.property(fc.array(FIELDS, { minLength: 2, maxLength: 30 }), fc.nat(), fc.nat(), (fields, a, b) => {
        const lines = makeLog(fields);
        const anchor = anchorOf(lines);
        const i = a % lines.length;
        const removed = lines.filter((_, k) => k !== i);
        expect(verifyChain(removed, anchor).ok).toBe(false);
        const j = b % lines.length;
        if (i !== j) {
          const swapped = [...lines];
          [swapped[i], swapped[j]] = [swapped[j]!, swapped[i]!];
          expect(verifyChain(swapped, anchor).ok).toBe(false);
        }
        const cut = lines.slice(0, i + (i === lines.length - 1 ? 0 : 1));
        const v = verifyChain(cut, anchor);
        expect(v.ok).toBe(false);
        if (!v.ok) expect(v.code).toBe('truncated');
      }),
    );
  });

  it('catches a log rewritten from scratch (every link consistent) by the anchor', () => {
    fc.assert(
      fc.property(fc.array(FIELDS, { minLength: 1, maxLength: 20 }), FIELDS, (fields, other) => {
        const lines = makeLog(fields);
        const anchor = anchorOf(lines);
        const rewritten = makeLog([...fields.slice(0, -1), { ...other, reason: `${other.reason ?? ''}x` }]);
        fc.pre(rewritten[rewritten.length - 1] !== lines[lines.length - 1]);
        const v = verifyChain(rewritten, anchor);
        expect(v.ok).toBe(false);
        if (!v.ok) expect(v.code).toBe('rewritten');
        // Appending after the rewrite does not help: the line at the anchor still differs.
        const longer = makeLog([...fields.slice(0, -1), { ...other, reason: `${other.reason ?? ''}x` }, { event: 'approve' }]);
        expect(verifyChain(longer, anchor).ok).toBe(false);
      }),
    );
  });

  it('a damaged line stops verification with its number', () => {
    const lines = makeLog([{ event: 'request' }, { event: 'approve' }, { event: 'materialise-write' }]);
    lines[1] = '{"seq":2, not json';
    expect(verifyChain(lines)).toMatchObject({ ok: false, code: 'damaged', line: 2 });
  });

  it('splitLog keeps a partial last line', () => {
    expect(splitLog('a\nb\n')).toEqual({ lines: ['a', 'b'], partial: false });
    expect(splitLog('a\nb')).toEqual({ lines: ['a', 'b'], partial: true });
    expect(splitLog('')).toEqual({ lines: [], partial: false });
  });
});

describe('audit log on disk', () => {
  it('appends (0600 file in a 0700 folder), verifies, and maps each tamper class to its exit status', () => {
    const home = tempDir('av-audit-');
    dirs.push(home);
    for (let i = 0; i < 5; i++) appendAudit(home, { event: 'materialise-write', keys: ['k'], destination: `file /x/${i}` });
    const p = auditPaths(home);
    expect(statSync(p.log).mode & 0o777).toBe(0o600);
    expect(statSync(p.dir).mode & 0o777).toBe(0o700);
    const { lines } = readAuditLines(home);
    expect(lines).toHaveLength(5);
    const anchor = anchorOf(lines);
    expect(verifyAudit(home, anchor, true).entries).toBe(5);
    const exitOf = (text: string) => {
      writeFileSync(p.log, text);
      try {
        verifyAudit(home, anchor, true);
        return 0;
      } catch (e) {
        return (e as AgentVaultError).exitCode;
      }
    };
    const original = lines.map((l) => l + '\n');
    expect(exitOf(original.join(''))).toBe(0);
    expect(exitOf([original[0], original[1]!.replace('materialise-write', 'materialise-smudge'), ...original.slice(2)].join(''))).toBe(VERIFY_EXIT.tampered);
    expect(exitOf([original[0], ...original.slice(2)].join(''))).toBe(VERIFY_EXIT.tampered);
    expect(exitOf(original.slice(0, 3).join(''))).toBe(VERIFY_EXIT.truncated);
    expect(exitOf([...original.slice(0, 4), original[4]!.replace('/x/4', '/x/9')].join(''))).toBe(VERIFY_EXIT.rewritten);
    // A damaged last line: verify names it; the next append keeps it and notes the damage.
    writeFileSync(p.log, original.join('') + '{"seq":6,"ts"');
    expect(exitOf(readFileSync(p.log, 'utf8'))).toBe(1);
    appendAudit(home, { event: 'request', keys: ['k'] });
    const after = readAuditLines(home).lines;
    expect(after[5]).toBe('{"seq":6,"ts"');
    expect(JSON.parse(after[6]!)).toMatchObject({ seq: 7, event: 'damage-noted' });
    expect(JSON.parse(after[7]!)).toMatchObject({ seq: 8, event: 'request' });
    const v = verifyChain(after);
    expect(v).toMatchObject({ ok: false, code: 'damaged', line: 6 });
    // Everything after the damage still links.
    expect(JSON.parse(after[7]!).prev).toBe(lineHash(after[6]!));
  });

  it('10,000 appends from two processes at once leave one valid chain', async () => {
    const dir = tempDir('av-audit-conc-');
    dirs.push(dir);
    const script = join(dir, 'append.mjs');
    await build({
      stdin: { contents: `import { appendAudit } from ${JSON.stringify(join(REPO, 'src/audit/log.ts'))};\nconst [home, who, n] = process.argv.slice(2);\nfor (let i = 0; i < Number(n); i++) appendAudit(home, { event: 'materialise-write', keys: ['k-' + who], destination: 'file /x/' + i });\n`, resolveDir: REPO, loader: 'ts' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: script,
      logLevel: 'silent',
    });
    const home = join(dir, 'home');
    mkdirSync(home);
    const one = (who: string) =>
      new Promise<number | null>((resolve, reject) => {
        const c = spawn(process.execPath, [script, home, who, '5000'], { stdio: ['ignore', 'ignore', 'inherit'] });
        c.on('error', reject);
        c.on('close', resolve);
      });
    expect(await Promise.all([one('a'), one('b')])).toEqual([0, 0]);
    const { lines, partial } = readAuditLines(home);
    expect(partial).toBe(false);
    expect(lines).toHaveLength(10_000);
    const v = verifyChain(lines, anchorOf(lines));
    expect(v.ok).toBe(true);
    const keys = lines.map((l) => (JSON.parse(l) as { keys: string[] }).keys[0]);
    expect(keys.filter((k) => k === 'k-a')).toHaveLength(5000);
    expect(keys.filter((k) => k === 'k-b')).toHaveLength(5000);
    // And the next append from this process continues the same chain.
    expect(appendAudit(home, { event: 'lock' }).seq).toBe(10_001);
  }, 600_000);
});
