import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkpointFields, checkpointMessage, entryLine, GENESIS, lineHash, verifyChain, auditKeyName, type AuditFields } from '../src/audit/chain.js';
import { auditPaths } from '../src/audit/log.js';
import { VERIFY_EXIT } from '../src/audit/query.js';
import { signWithSeed } from '../src/vault/crypto.js';
import { agentWorld, personSets, removeDir, type AgentWorld } from './helpers/agent.js';
import { tempDir } from './helpers/cli.js';
import { BIN, type RunResult } from './helpers/vault-cli.js';

/**
 * Signed audit checkpoints (issue 13): the session appends a checkpoint entry signed with the
 * vault's audit key (Ed25519, derived from the master key) and anchors the vault at it. The
 * attacks: rewrite the log below a checkpoint and re-chain it consistently (keeping the old
 * signature, re-signing with a key of one's own, or dropping the checkpoint), with the vault
 * and on a copy of the log checked with only the public key.
 */

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

/** Re-chain lines after editing them, as an attacker who rewrites the whole log would. */
function rechain(entries: Record<string, unknown>[]): string[] {
  const out: string[] = [];
  let prev = GENESIS;
  entries.forEach((e, i) => {
    const line = JSON.stringify({ ...e, seq: i + 1, prev });
    out.push(line);
    prev = lineHash(line);
  });
  return out;
}

const FIELDS: fc.Arbitrary<AuditFields> = fc.record({ event: fc.constantFrom('request', 'approve', 'deny', 'run'), keys: fc.array(fc.constantFrom('db', 'api-token'), { maxLength: 2 }), reason: fc.string({ maxLength: 20 }) }, { requiredKeys: ['event'] });

/** A log with a signed checkpoint after entry `at` (1-based), signed with `seed`. */
function signedLog(fields: AuditFields[], at: number, seed: Buffer): string[] {
  const lines: string[] = [];
  let prev = GENESIS;
  const push = (f: AuditFields) => {
    const line = entryLine(f, lines.length + 1, prev, new Date(1_700_000_000_000 + lines.length * 1000).toISOString());
    lines.push(line);
    prev = lineHash(line);
  };
  fields.forEach((f, i) => {
    push(f);
    if (i + 1 === at) push(checkpointFields(at, prev, signWithSeed(seed, checkpointMessage(at, prev))));
  });
  return lines;
}

describe('signed checkpoints (pure)', () => {
  const seed = randomBytes(32);
  const key = auditKeyName(signWithSeed(seed, Buffer.from('probe')).publicKey);

  it('a log with signed checkpoints verifies with its key; any rewrite below a checkpoint is forged, whatever the attacker keeps', () => {
    fc.assert(
      fc.property(fc.array(FIELDS, { minLength: 2, maxLength: 20 }), fc.nat(), fc.nat(), (fields, atSeed, editSeed) => {
        const at = 1 + (atSeed % fields.length);
        const lines = signedLog(fields, at, seed);
        const ok = verifyChain(lines, undefined, { keys: [key] });
        expect(ok).toMatchObject({ ok: true, checkpoints: 1, signedThrough: at, signaturesChecked: true });
        // Edit one entry the checkpoint covers and re-chain everything consistently.
        const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
        const edit = editSeed % at;
        entries[edit] = { ...entries[edit], reason: `${String(entries[edit]!.reason ?? '')}-rewritten` };
        // (a) the old checkpoint kept as it was: it names a hash the log no longer has.
        const kept = rechain(entries);
        expect(verifyChain(kept, undefined, { keys: [key] })).toMatchObject({ ok: false, code: 'forged', line: at + 1 });
        // (b) its hash updated to the new line: the signature no longer verifies.
        const cp = entries[at]!;
        const newHead = lineHash(kept[at - 1]!);
        const resigned = rechain(entries.map((e, i) => (i === at ? { ...cp, head: newHead } : e)));
        expect(verifyChain(resigned, undefined, { keys: [key] })).toMatchObject({ ok: false, code: 'forged', line: at + 1 });
        // Without trusted keys only the hashes are checked, and the report says so.
        expect(verifyChain(resigned, undefined)).toMatchObject({ ok: true, signaturesChecked: false });
        // (c) re-signed with a key of the attacker's own: not this vault's key.
        const own = randomBytes(32);
        const forged = rechain(entries.map((e, i) => (i === at ? { ...checkpointFields(at, newHead, signWithSeed(own, checkpointMessage(at, newHead))), ts: cp.ts } : e)));
        expect(verifyChain(forged, undefined, { keys: [key] })).toMatchObject({ ok: false, code: 'forged', line: at + 1 });
      }),
      { numRuns: 60 },
    );
  });

  it('verifying the tail after an anchor (`from`) agrees with verifying the whole log, and catches what it should', () => {
    fc.assert(
      fc.property(fc.array(FIELDS, { minLength: 3, maxLength: 25 }), fc.nat(), fc.nat(), (fields, atSeed, cutSeed) => {
        const at = 1 + (atSeed % (fields.length - 1));
        const lines = signedLog(fields, at, seed);
        const k = 1 + (cutSeed % (lines.length - 1)); // the anchor: entry k
        const from = { seq: k, head: lineHash(lines[k - 1]!) };
        const whole = verifyChain(lines, undefined, { keys: [key] });
        const tail = verifyChain(lines.slice(k), undefined, { keys: [key], from });
        expect(tail).toMatchObject({ ok: true, count: lines.length });
        if (whole.ok && tail.ok) expect(tail.head).toBe(whole.head);
        // An edited line in the tail breaks the link after it (or is the last line: its hash changes the head).
        const edited = [...lines.slice(k)];
        edited[0] = edited[0]!.replace('"event":"', '"event":"x');
        const bad = verifyChain(edited, undefined, { keys: [key], from });
        if (edited.length > 1) expect(bad).toMatchObject({ ok: false });
        else if (bad.ok && tail.ok) expect(bad.head).not.toBe(tail.head);
        // A tail that does not start after the anchored line is refused.
        expect(verifyChain(lines.slice(k - 1), undefined, { keys: [key], from })).toMatchObject({ ok: false, code: 'tampered' });
      }),
      { numRuns: 80 },
    );
  });

  it('a checkpoint that vouches for itself, a later line or no line is forged', () => {
    const lines = signedLog([{ event: 'a' }, { event: 'b' }], 2, seed);
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const covers of [3, 4, 0, -1, 1.5]) {
      const bad = rechain(entries.map((e, i) => (i === 2 ? { ...e, covers } : e)));
      expect(verifyChain(bad, undefined, { keys: [key] }), String(covers)).toMatchObject({ ok: false, code: 'forged', line: 3 });
    }
    const unsigned = rechain(entries.map((e, i) => (i === 2 ? { ...e, sig: undefined } : e)));
    expect(verifyChain(unsigned, undefined)).toMatchObject({ ok: false, code: 'forged', line: 3 });
  });
});

describe('signed checkpoints (real processes, key-file vault)', () => {
  let w: AgentWorld;
  const VALUE = `fake-checkpoint-value-${Date.now().toString(36)}-0123456789`;
  const outputs: string[] = [];
  const keep = (r: RunResult) => {
    outputs.push(r.stdout, r.stderr);
    return r;
  };
  let publicKey = '';

  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE, '--path bound.yaml');
    // An agent asks to write outside the bindings; a person denies at a terminal: a decision, so a checkpoint.
    const r = keep(await w.agent(['write', 'deploy.yaml', '--content', 'db: <agent-vault:db-password>\n']));
    const id = /pending ([a-z2-7]{16})/.exec(r.stderr)?.[1];
    if (!id) throw new Error(`no pending request: ${r.stderr}`);
    const d = await w.person(`deny ${id}`);
    outputs.push(d.screen);
    if (d.code !== 0) throw new Error(`deny failed: ${d.screen}`);
  }, 120_000);

  it('the log holds a signed checkpoint, the vault is anchored at it, and `audit public-key` prints its key without a terminal', async () => {
    const entries = readFileSync(auditPaths(w.vault).log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const cps = entries.filter((e) => e.event === 'checkpoint');
    expect(cps.length).toBeGreaterThan(0);
    const pk = keep(await w.agent(['audit', 'public-key']));
    expect(pk.code, pk.stderr).toBe(0);
    publicKey = pk.stdout.trim();
    expect(publicKey).toMatch(/^ed25519:[A-Za-z0-9_-]{43}$/);
    for (const cp of cps) expect(cp.signer).toBe(publicKey);
    const v = keep(await w.agent(['audit', 'verify']));
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/checkpoint at entry \d+ matches the vault; \d+ signed checkpoints? verified, entries 1-\d+ covered/);
  });

  it('a log rewritten below the checkpoint and re-chained, keeping the signature: exit 5 (forged), naming the line', async () => {
    const log = auditPaths(w.vault).log;
    const before = readFileSync(log, 'utf8');
    const entries = before.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const at = entries.findIndex((e) => e.event === 'checkpoint');
    const cp = entries[at]!;
    // Hide the request: the attacker turns it into something harmless and re-chains the whole log.
    const edited = entries.map((e) => (e.event === 'request' ? { ...e, event: 'refused', destination: 'nothing' } : e));
    const chained = rechain(edited);
    const withHead = rechain(edited.map((e, i) => (i === at ? { ...cp, head: lineHash(chained[(cp.covers as number) - 1]!) } : e)));
    try {
      writeFileSync(log, withHead.join('\n') + '\n');
      const r = keep(await w.agent(['audit', 'verify']));
      expect(r.code).toBe(VERIFY_EXIT.forged);
      expect(r.stderr).toContain(`line ${at + 1} is a checkpoint whose signature does not verify`);
      // Dropping the checkpoint instead: the vault's anchor names that line, so the rewrite shows.
      writeFileSync(log, rechain(edited.filter((_, i) => i !== at)).join('\n') + '\n');
      const dropped = keep(await w.agent(['audit', 'verify']));
      expect([VERIFY_EXIT.rewritten, VERIFY_EXIT.truncated]).toContain(dropped.code);
    } finally {
      writeFileSync(log, before);
    }
    expect(keep(await w.agent(['audit', 'verify'])).code).toBe(0);
  });

  it('a copy of the log is checked elsewhere with only the public key: valid, forged, a stranger\'s key, a malformed key', async () => {
    const elsewhere = tempDir('av-audit-copy-');
    dirs.push(elsewhere);
    const home = join(elsewhere, 'home');
    mkdirSync(join(home, 'audit'), { recursive: true, mode: 0o700 });
    const copy = join(home, 'audit', 'log.jsonl');
    copyFileSync(auditPaths(w.vault).log, copy);
    const env = { AGENT_VAULT_HOME: home };
    const ok = keep(await w.agent(['audit', 'verify', '--public-key', publicKey], 'ignore', { env }));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/signed checkpoints? verified/);
    // Without a key (and without the vault) the signatures are not checked, and it says so.
    const bare = keep(await w.agent(['audit', 'verify'], 'ignore', { env }));
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('signatures not checked');
    const stranger = auditKeyName(signWithSeed(randomBytes(32), Buffer.from('x')).publicKey);
    const wrong = keep(await w.agent(['audit', 'verify', '--public-key', stranger], 'ignore', { env }));
    expect(wrong.code).toBe(VERIFY_EXIT.forged);
    expect(wrong.stderr).toContain("not this vault's audit key");
    const malformed = keep(await w.agent(['audit', 'verify', '--public-key', 'ed25519:short'], 'ignore', { env }));
    expect(malformed.code).toBe(2);
    // The copy edited below the checkpoint (entries re-chained, signature kept): forged.
    const entries = readFileSync(copy, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const at = entries.findIndex((e) => e.event === 'checkpoint');
    const edited = entries.map((e, i) => (i === 0 ? { ...e, detail: 'edited' } : e));
    const chained = rechain(edited);
    writeFileSync(copy, rechain(edited.map((e, i) => (i === at ? { ...e, head: lineHash(chained[(e.covers as number) - 1]!) } : e))).join('\n') + '\n');
    expect(keep(await w.agent(['audit', 'verify', '--public-key', publicKey], 'ignore', { env })).code).toBe(VERIFY_EXIT.forged);
  });

  it('no value (nor any 12-byte window of it) in any output or the log', () => {
    const haystacks = [...outputs, readFileSync(auditPaths(w.vault).log, 'utf8')];
    expect(haystacks.length).toBeGreaterThan(8);
    for (let i = 0; i + 12 <= VALUE.length; i++) for (const h of haystacks) expect(h.includes(VALUE.slice(i, i + 12))).toBe(false);
  });
});

describe('a checkout audits every smudge (grouped flushes) and checkpoints the log', () => {
  let w: AgentWorld;
  const VALUE = `fake-checkout-value-${Date.now().toString(36)}-0123456789`;
  const FILES = 260; // past one flush group (256) and two checkpoint intervals (100)

  beforeAll(async () => {
    w = agentWorld(dirs);
    await personSets(w, 'db-password', VALUE, "--path 'conf/*.yaml'");
  }, 120_000);

  it('every restored file has its materialise-smudge entry, and the log verifies with signed checkpoints', async () => {
    mkdirSync(join(w.repo, 'conf'));
    writeFileSync(join(w.repo, '.gitattributes'), 'conf/** filter=agent-vault\n');
    w.git(['config', 'filter.agent-vault.process', `'${process.execPath}' '${BIN}' filter-process`]);
    w.git(['config', 'filter.agent-vault.required', 'true']);
    for (let i = 0; i < FILES; i++) writeFileSync(join(w.repo, 'conf', `svc-${i}.yaml`), `name: svc-${i}\npassword: <agent-vault:db-password>\n`);
    expect(w.git(['add', '-A']).code).toBe(0);
    expect(w.git(['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', 'commit', '-qm', 'conf', '--no-verify']).code).toBe(0);
    rmSync(join(w.repo, 'conf'), { recursive: true });
    const co = w.git(['checkout', '--', 'conf']);
    expect(co.code, co.stderr).toBe(0);
    expect(readFileSync(join(w.repo, 'conf', 'svc-7.yaml'), 'utf8')).toBe(`name: svc-7\npassword: ${VALUE}\n`);
    const entries = readFileSync(auditPaths(w.vault).log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { event: string; destination?: string });
    const smudged = new Set(entries.filter((e) => e.event === 'materialise-smudge').map((e) => e.destination));
    for (let i = 0; i < FILES; i++) expect(smudged.has(`checkout ${join(w.repo, 'conf', `svc-${i}.yaml`)}`), `svc-${i}`).toBe(true);
    expect(entries.filter((e) => e.event === 'checkpoint').length).toBeGreaterThanOrEqual(2);
    // The vault's anchor records where its line ends, so the next checkpoint reads only what came after.
    const anchor = (JSON.parse(readFileSync(join(w.vault, 'vault.json'), 'utf8')) as { approvals: { anchor: { seq: number; head: string; end: number } } }).approvals.anchor;
    const log = readFileSync(auditPaths(w.vault).log);
    const anchorLine = log.subarray(0, anchor.end).toString('utf8').trimEnd().split('\n');
    expect(anchorLine.length).toBe(anchor.seq);
    expect(lineHash(anchorLine[anchor.seq - 1]!)).toBe(anchor.head);
    const v = await w.agent(['audit', 'verify']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/signed checkpoints verified/);
  });
});
