import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SKILL_FAILURES } from '../src/skill/codes.js';
import { consumer, publisher, serve } from './helpers/registry.js';

const exitOf = (code: keyof typeof SKILL_FAILURES) => SKILL_FAILURES[code].exit;

/**
 * Issue 18's acceptance, end to end with real processes: publish two versions to a temporary
 * registry, serve it with `skill serve`, install id@version over HTTP into a second repository
 * (another HOME and vault home), tamper the served bundle (refused, nothing changed), revoke on
 * the publisher side, and see the consumer's next session-start hook quarantine the skill; the
 * ledger on both sides holds every step and `audit verify` passes.
 */
describe('registry end to end: publish, serve, install over HTTP, tamper, revoke, session-start quarantine, ledger', () => {
  it('runs the whole lifecycle', async () => {
    const pub = publisher();
    const p1 = pub.tty(['skill', 'publish', 'skills/fmt', '--registry', pub.registry, '--kid', 'team-key', '--version', '1.0.0', '--scope-tools', 'Read,Bash']);
    expect(p1.stdout).toMatch(/published fmt@1\.0\.0 \(sha256:[0-9a-f]{64}\)/);
    writeFileSync(join(pub.repo, 'skills/fmt/docs/usage.md'), 'Usage notes, second edition.\n');
    pub.tty(['skill', 'publish', 'skills/fmt', '--registry', pub.registry, '--kid', 'team-key', '--version', '1.1.0', '--scope-tools', 'Read,Bash']);
    const index = JSON.parse(readFileSync(join(pub.registry, 'index.json'), 'utf8'));
    expect(Object.keys(index.skills.fmt.versions)).toEqual(['1.0.0', '1.1.0']);
    expect(index.skills.fmt.latest).toBe('1.1.0');

    const served = await serve(pub.sb, pub.registry);
    const envelope = (await (await fetch(`${served.url}v1/skills/fmt@1.0.0`)).json()) as Record<string, unknown>;
    expect(envelope).toMatchObject({ skill_id: 'fmt', version: '1.0.0', content_hash: index.skills.fmt.versions['1.0.0'].contentHash, signature: { kid: 'team-key', alg: 'Ed25519' } });

    // Install by id@version over HTTP into a second repository.
    const con = consumer(pub);
    const ins = con.run(['skill', 'install', 'fmt@1.0.0', '--registry', served.url]);
    expect(ins.stderr).toBe('');
    expect(ins.code).toBe(0);
    const installed = join(con.repo, '.claude/skills/fmt');
    expect(readFileSync(join(installed, 'docs/usage.md'), 'utf8')).toBe('Usage notes.\n');
    const lock = JSON.parse(readFileSync(join(con.repo, '.agent-vault/skills.lock'), 'utf8'));
    expect(lock.skills).toEqual([{ id: 'fmt', version: '1.0.0', contentHash: index.skills.fmt.versions['1.0.0'].contentHash, registry: served.url, path: '.claude/skills/fmt' }]);
    expect(con.run(['skill', 'verify', '--locked']).code).toBe(0);

    // Tamper the served bundle of 1.1.0: refused with its code, the installed 1.0.0 untouched, no temp folder left.
    const bundle = join(pub.registry, 'skills/fmt/1.1.0/bundle.tar');
    const bytes = readFileSync(bundle);
    bytes[600] = bytes[600]! ^ 1;
    writeFileSync(bundle, bytes);
    const tampered = con.run(['skill', 'install', 'fmt@1.1.0', '--registry', served.url]);
    expect(tampered.code).toBe(exitOf('SKILL_HASH_MISMATCH'));
    expect(tampered.stderr).toContain('is not the one the index names');
    expect(readFileSync(join(installed, 'docs/usage.md'), 'utf8')).toBe('Usage notes.\n');
    expect(readdirSync(join(con.repo, '.claude/skills'))).toEqual(['fmt']);

    // The consumer's agent hooks, with the session-start check; a clean start quarantines nothing.
    expect(con.run(['agent-hooks', 'install', '--claude']).code).toBe(0);
    const settings = JSON.parse(readFileSync(join(con.repo, '.claude/settings.json'), 'utf8'));
    const command = settings.hooks.SessionStart[0].hooks[0].command as string;
    const sessionStart = () => spawnSync('sh', ['-c', command], { cwd: con.repo, env: con.sb.env, input: JSON.stringify({ hook_event_name: 'SessionStart', source: 'startup', cwd: con.repo, session_id: 's1' }) });
    const clean = sessionStart();
    expect(clean.stderr.toString()).toBe('');
    expect(clean.status).toBe(0);
    expect(clean.stdout.toString()).toBe('');
    expect(existsSync(installed)).toBe(true);

    // Revoke on the publisher side; the consumer's next session start quarantines the skill.
    pub.tty(['skill', 'unpublish', 'fmt@1.0.0', '--registry', pub.registry, '--reason', 'found a prompt injection']);
    const next = sessionStart();
    expect(next.status).toBe(0);
    const answer = JSON.parse(next.stdout.toString());
    expect(answer.hookSpecificOutput.hookEventName).toBe('SessionStart');
    expect(answer.systemMessage).toContain('SKILL_REVOKED');
    expect(answer.systemMessage).toContain('.claude/skills/fmt');
    expect(existsSync(installed)).toBe(false);
    const q = JSON.parse(con.run(['skill', 'quarantine', 'list', '--format', 'json']).stdout);
    expect(q.quarantine).toHaveLength(1);
    expect(q.quarantine[0].failures[0].code).toBe('SKILL_REVOKED');
    // A fresh install of the revoked version is refused too.
    expect(con.run(['skill', 'install', 'fmt@1.0.0', '--registry', served.url]).code).toBe(exitOf('SKILL_REVOKED'));

    // The ledger holds every step, on both sides, and the chain verifies.
    const events = (c: { run: (a: string[]) => { stdout: string } }) => JSON.parse(c.run(['skill', 'ledger', '--format', 'json']).stdout).entries.map((e: Record<string, string>) => `${e.event}:${e.outcome}:${e.skill ?? ''}@${e.version ?? ''}`);
    expect(events(con)).toEqual(['skill-install:installed:fmt@1.0.0', 'skill-install:refused:fmt@1.1.0', 'skill-verify:verified:fmt@1.0.0', 'skill-verify:refused:fmt@1.0.0', 'skill-quarantine:quarantined:fmt@1.0.0', 'skill-install:refused:fmt@1.0.0']);
    const pubRun = { run: (a: string[]) => pub.tty(a) };
    expect(events(pubRun)).toEqual(['skill-publish:published:fmt@1.0.0', 'skill-publish:published:fmt@1.1.0', 'skill-revoke:revoked:fmt@1.0.0']);
    const csv = con.run(['skill', 'ledger', '--format', 'csv']).stdout.split('\n');
    expect(csv[0]).toBe('seq,ts,event,skill,version,contentHash,outcome,actor,destination,detail');
    expect(csv.filter((l) => l.includes(',skill-quarantine,fmt,1.0.0,sha256:'))).toHaveLength(1);
    expect(con.run(['audit', 'verify']).code).toBe(0);
    expect(pub.tty(['audit', 'verify']).code).toBe(0);
    expect(await served.stop()).toBe(0);
  }, 600_000); // correctness, not timing: some 25 CLI runs, slow on a loaded machine
});
