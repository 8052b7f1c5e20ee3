import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { AgentVaultError, refusal, usageError } from '../../errors.js';
import { formatError, MSG } from '../../messages.js';
import { SKILL_NAME } from '../../skill/model.js';
import type { Finding } from '../../core/types.js';
import { openSkillGate, scanWithGate, signSkill, verifySkill, type SkillGate, type VerifyResult } from '../../skill/attest.js';
import { SKILL_FAILURES, exitCodeOf, exitTable, type SkillFailureCode } from '../../skill/codes.js';
import { KID, openSigningKeyStore, type SigningKeyStore } from '../../skill/key-store.js';
import { writeKeyring, type Ed25519Jwk } from '../../skill/keyring.js';
import { auditSkills, clearQuarantined, findSkills, listQuarantine, markPurged, readRecord } from '../../skill/quarantine.js';
import { addPurged, DEFAULT_REVOCATION_DAYS, loadRevocations, nextList, writeRevocations, type RevocationList } from '../../skill/revocations.js';
import { readSkillTree } from '../../skill/tree.js';
import type { SkillScanReport } from '../../skill/threats.js';
import { writeOut, type CliContext } from '../context.js';
import { configFor } from '../shared.js';

const EXIT_HELP = `
Exit status (every failure has its own code; 2 is kept for usage and configuration errors):
${exitTable()}
When several skills fail, the status is that of the first failing one; --format json lists all.`;

const SENSITIVE_NOTE = `
Sensitive: needs an interactive terminal (key generation, signing, revocation and purge are
trust decisions a person makes; an agent or script is refused). There is no --yes.`;

function gateFor(ctx: CliContext, configPath: string | undefined): SkillGate {
  const { config, root } = configFor(ctx, configPath);
  return openSkillGate(root ?? ctx.cwd, config, ctx.env);
}

/** Sensitive commands refuse without a terminal on both ends. */
function requireTerminal(ctx: CliContext, command: string): void {
  if (!ctx.stdin.isTTY || !ctx.stdout.isTTY) throw refusal(MSG.skillNeedsTerminal(command), MSG.skillNeedsTerminalHint, 'TTY_REQUIRED');
}

function findingLine(f: Finding): string {
  const where = `${f.path}:${f.line}:${f.column}`;
  return `    ${f.severity.padEnd(8)} ${f.ruleId}  ${where}  ${f.description}${f.masked ? ` [${f.masked}]` : ''}`;
}

/** JSON of a finding: named fields only, so the raw secret can never be serialised. */
function findingJson(f: Finding) {
  return { ruleId: f.ruleId, severity: f.severity, description: f.description, path: f.path, line: f.line, column: f.column, masked: f.masked, fingerprint: f.fingerprint };
}

function reportJson(r: SkillScanReport) {
  return {
    dir: r.dir,
    skill: r.skill?.name ?? null,
    contentHash: r.tree?.manifest.contentHash ?? null,
    passed: r.passed,
    error: r.error ? { code: r.error.code, message: r.error.message } : null,
    findings: r.findings.map(findingJson),
    suppressed: r.suppressed.map((s) => ({ ...findingJson(s.finding), reason: s.reason })),
  };
}

function verifyJson(v: VerifyResult) {
  return { dir: v.dir, ok: v.ok, code: v.code ?? null, exit: v.code ? exitCodeOf(v.code) : 0, message: v.message, skill: v.skill ?? null, version: v.version ?? null, contentHash: v.contentHash ?? null, kid: v.kid ?? null };
}

function firstFailure(codes: (SkillFailureCode | undefined)[]): number {
  const c = codes.find((x) => x !== undefined);
  return c ? exitCodeOf(c) : 0;
}

/**
 * Skill failures carry their own exit status (the table in --help). main.ts maps every
 * refusal to 1, so skill actions report their coded failures here and set the status.
 */
function coded<A extends unknown[]>(ctx: CliContext, action: (...args: A) => Promise<void>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await action(...args);
    } catch (e) {
      if (e instanceof AgentVaultError && e.code && e.code in SKILL_FAILURES) {
        await writeOut(ctx.stderr, formatError(e));
        ctx.exitCode = exitCodeOf(e.code as SkillFailureCode);
        return;
      }
      throw e;
    }
  };
}

const formatOption = () => new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text');

export function registerSkill(program: Command, ctx: CliContext): void {
  const skill = program
    .command('skill')
    .description('Scan, hash, sign, verify, revoke and quarantine agent skills (SKILL.md folders).')
    .addHelpText('after', EXIT_HELP);

  skill
    .command('scan')
    .description('Scan every file of each skill for secrets and threats (prompt injection, hidden text, shell payloads, tool escalation, exfiltration, supply chain, binaries).')
    .argument('<dirs...>', 'skill folders, or folders of skills')
    .addOption(formatOption())
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', `
A skill fails at skills.failOn (default high) or above, and when a file cannot be analysed.
Suppressions come only from the repository configuration (skills.suppressions: skill, path,
rule and reason); inline allow comments inside a skill are ignored and reported.${EXIT_HELP}`)
    .action(coded(ctx, async (dirs: string[], opts: { format: string; config?: string }) => {
      const gate = gateFor(ctx, opts.config);
      const { skills, missing } = findSkills(dirs, ctx.cwd);
      if (missing.length) throw usageError(`not a folder: ${missing.join(', ')}`);
      if (!skills.length) throw usageError(`no skill (folder with SKILL.md) under ${dirs.join(', ')}`);
      const reports = skills.map((d) => scanWithGate(gate, d));
      if (opts.format === 'json') {
        await writeOut(ctx.stdout, JSON.stringify({ rulePackDigest: gate.rules.digest, failOn: gate.policy.failOn, skills: reports.map(reportJson) }, null, 2) + '\n');
      } else {
        let out = '';
        for (const r of reports) {
          // A name that is not a well-formed skill name is not echoed (it could be anything).
          const name = r.skill?.name;
          const label = `${name && SKILL_NAME.test(name) ? name : '?'} (${r.dir})`;
          if (r.error) out += `✗ ${label}: ${r.error.code}\n    ${r.error.message.replace(/\n/g, '\n    ')}\n`;
          else out += `${r.passed ? '✓' : '✗'} ${label}: ${r.passed ? 'passed' : 'FAILED'}, ${r.findings.length} finding(s)${r.suppressed.length ? `, ${r.suppressed.length} suppressed by config` : ''}\n`;
          for (const f of r.findings) out += findingLine(f) + '\n';
        }
        await writeOut(ctx.stdout, out);
      }
      ctx.exitCode = firstFailure(reports.map((r) => (r.error ? (r.error.code as SkillFailureCode) : r.passed ? undefined : 'SKILL_SCAN_FAILED')));
    }));

  skill
    .command('hash')
    .description('Print the avt1 content hash of a skill folder (the manifest with --manifest).')
    .argument('<dir>', 'skill folder')
    .option('--manifest', 'print the canonical manifest instead of the hash')
    .action(coded(ctx, async (dir: string, opts: { manifest?: boolean }) => {
      const tree = readSkillTree(resolve(ctx.cwd, dir));
      await writeOut(ctx.stdout, opts.manifest ? tree.manifest.text : `${tree.manifest.contentHash}\n`);
    }));

  skill
    .command('keygen')
    .description('Create an Ed25519 signing key: the private key goes to the vault, the public key (JWK) to the keyring.')
    .requiredOption('--kid <id>', 'key id (lower-case letters, digits, hyphens)')
    .option('--valid-days <n>', 'validity window in days', '730')
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', `${SENSITIVE_NOTE}
Also creates an empty signed revocation list when none exists, so verification (which
requires one by default) works from the first signature.`)
    .action(coded(ctx, async (opts: { kid: string; validDays: string; config?: string }) => {
      requireTerminal(ctx, 'skill keygen');
      if (!KID.test(opts.kid)) throw usageError(`invalid key id ${JSON.stringify(opts.kid)}`, 'Use lower-case letters, digits and hyphens, e.g. org-skills-2026.');
      const days = Number(opts.validDays);
      if (!Number.isInteger(days) || days < 1 || days > 3650) throw usageError('--valid-days must be a whole number from 1 to 3650');
      const gate = gateFor(ctx, opts.config);
      if (gate.keyring.keys[opts.kid]) throw usageError(`key "${opts.kid}" is already in ${gate.keyringPath}`, 'Choose a new key id; a key id is never reused.');
      const store = openSigningKeyStore(ctx.env);
      const { publicKey, privateKey } = generateKeyPairSync('ed25519');
      const jwk = publicKey.export({ format: 'jwk' }) as unknown as Ed25519Jwk;
      store.set(opts.kid, privateKey.export({ format: 'der', type: 'pkcs8' }), `skill signing key ${opts.kid}`);
      const now = gate.now;
      gate.keyring.keys[opts.kid] = {
        alg: 'Ed25519',
        jwk: { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
        notBefore: now.toISOString(),
        notAfter: new Date(now.getTime() + days * 86400_000).toISOString(),
        status: 'active',
        created: now.toISOString(),
      };
      writeKeyring(gate.keyringPath, gate.keyring);
      let note = '';
      if (!existsSync(gate.revocationsPath)) {
        const first = nextList({ version: 0, issuedAt: '', expiresAt: '', content: [], keys: [] }, now, DEFAULT_REVOCATION_DAYS);
        writeRevocations(gate.revocationsPath, first, opts.kid, store.get(opts.kid)!, ctx.env);
        note = `created the revocation list ${gate.revocationsPath} (version 1, expires ${first.expiresAt})\n`;
      }
      await writeOut(ctx.stdout, `created key ${opts.kid} (Ed25519), valid until ${gate.keyring.keys[opts.kid]!.notAfter}\nprivate key stored in ${store.location}; public key added to ${gate.keyringPath}\n${note}Commit the keyring and the revocation list.\n`);
    }));

  skill
    .command('sign')
    .description('Scan a skill and, if it passes, write SKILL.sig: a DSSE envelope around an in-toto Statement v1 for its content hash.')
    .argument('<dir>', 'skill folder')
    .requiredOption('--kid <id>', 'signing key id (from skill keygen)')
    .option('--version <v>', 'skill version to record (default: frontmatter version, else today as YYYY.MM.DD)')
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', SENSITIVE_NOTE + EXIT_HELP)
    .action(coded(ctx, async (dir: string, opts: { kid: string; version?: string; config?: string }) => {
      requireTerminal(ctx, 'skill sign');
      const gate = gateFor(ctx, opts.config);
      const { statement, sigPath } = signSkill(gate, resolve(ctx.cwd, dir), opts.kid, openSigningKeyStore(ctx.env), opts.version);
      await writeOut(ctx.stdout, `signed ${statement.predicate.skill.id}@${statement.predicate.skill.version} (${statement.predicate.contentHash}) with ${opts.kid}\nwrote ${sigPath}\n`);
    }));

  skill
    .command('verify')
    .description('Verify skills: signature (algorithm from the keyring), content hash, key validity and revocation, revocation list freshness, and a rescan under the current rules.')
    .argument('<dirs...>', 'skill folders, or folders of skills')
    .addOption(formatOption())
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', EXIT_HELP)
    .action(coded(ctx, async (dirs: string[], opts: { format: string; config?: string }) => {
      const gate = gateFor(ctx, opts.config);
      const { skills, missing } = findSkills(dirs, ctx.cwd);
      const results: VerifyResult[] = skills.map((d) => verifySkill(gate, d));
      for (const m of missing) results.push({ dir: m, ok: false, code: 'SKILL_NOT_FOUND', message: `${m}: not a folder`, skill: undefined, version: undefined, contentHash: undefined, kid: undefined, report: undefined });
      if (!skills.length && !missing.length) for (const d of dirs) results.push({ dir: d, ok: false, code: 'SKILL_NOT_FOUND', message: `${d}: no SKILL.md here or in its sub-folders`, skill: undefined, version: undefined, contentHash: undefined, kid: undefined, report: undefined });
      if (opts.format === 'json') await writeOut(ctx.stdout, JSON.stringify({ skills: results.map(verifyJson) }, null, 2) + '\n');
      else await writeOut(ctx.stdout, results.map((r) => (r.ok ? `✓ ${r.message}\n` : `✗ ${r.code}: ${r.message}\n`)).join(''));
      ctx.exitCode = firstFailure(results.map((r) => r.code));
    }));

  skill
    .command('revoke')
    .description('Revoke a skill (folder or content hash) or a key, in the signed revocation list; the version rises by one.')
    .argument('[target]', 'skill folder or sha256:HASH')
    .option('--kid <id>', 'revoke this signing key instead')
    .option('--reason <text>', 'why (recorded in the list)')
    .option('--renew', 're-issue the list with a new version and expiry, revoking nothing new')
    .option('--signer <id>', 'key that signs the list (default: the only active key whose private key is here)')
    .option('--expires-in <days>', 'days until the list expires', String(DEFAULT_REVOCATION_DAYS))
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', SENSITIVE_NOTE)
    .action(coded(ctx, async (target: string | undefined, opts: { kid?: string; reason?: string; renew?: boolean; signer?: string; expiresIn: string; config?: string }) => {
      requireTerminal(ctx, 'skill revoke');
      const chosen = [target !== undefined, opts.kid !== undefined, !!opts.renew].filter(Boolean).length;
      if (chosen !== 1) throw usageError('give exactly one of: a skill folder or sha256:HASH, --kid ID, --renew');
      if (!opts.renew && !opts.reason?.trim()) throw usageError('--reason is required', 'Say why, e.g. --reason "prompt injection found in references/setup.md".');
      const days = Number(opts.expiresIn);
      if (!Number.isFinite(days) || days <= 0 || days > 3650) throw usageError('--expires-in must be a number of days from 1 to 3650');
      const gate = gateFor(ctx, opts.config);
      const store = openSigningKeyStore(ctx.env);
      // A missing list starts at version 0; an expired one is renewed; any other failure
      // (bad signature, rollback) is never built on.
      const state = loadRevocations(gate.revocationsPath, gate.keyring, { required: false, env: ctx.env, now: gate.now, allowExpired: true });
      if (!state.ok) throw state.error;
      const prev: RevocationList = state.list;
      const list = nextList(prev, gate.now, days);
      const at = gate.now.toISOString();
      let what = 'renewed';
      if (opts.kid) {
        if (!gate.keyring.keys[opts.kid]) throw usageError(`key "${opts.kid}" is not in ${gate.keyringPath}`);
        if (!list.keys.some((k) => k.kid === opts.kid)) list.keys.push({ kid: opts.kid, reason: opts.reason!, at });
        Object.assign(gate.keyring.keys[opts.kid]!, { status: 'revoked', revokedAt: at, reason: opts.reason });
        what = `key ${opts.kid}`;
      } else if (target !== undefined) {
        const hash = /^sha256:[0-9a-f]{64}$/.test(target) ? target : readSkillTree(resolve(ctx.cwd, target)).manifest.contentHash;
        if (!list.content.some((c) => c.hash === hash)) list.content.push({ hash, reason: opts.reason!, at });
        what = `content ${hash}`;
      }
      const signer = pickSigner(gate, store, opts.signer, opts.kid);
      writeRevocations(gate.revocationsPath, list, signer, store.get(signer)!, ctx.env);
      if (opts.kid) writeKeyring(gate.keyringPath, gate.keyring);
      await writeOut(ctx.stdout, `revocation list ${gate.revocationsPath}: version ${list.version}, ${what}${opts.renew ? '' : ' revoked'}, expires ${list.expiresAt}, signed by ${signer}\nCommit the list${opts.kid ? ' and the keyring' : ''}.\n`);
    }));

  skill
    .command('audit')
    .description('Verify every skill under the given folders (e.g. .claude/skills ~/.claude/skills) and move each failing one into quarantine with the reason.')
    .argument('<dirs...>', 'skill folders, or folders of skills')
    .option('--dry-run', 'verify and report, move nothing')
    .addOption(formatOption())
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', `
Quarantine lives in $AGENT_VAULT_HOME/quarantine/<id>/ (skill/ and record.json), out of every
agent's load path. Then: skill quarantine list, skill clear ID, skill purge ID.
Exit status: 0 every skill verified, 1 one or more quarantined (or would be, with --dry-run).`)
    .action(coded(ctx, async (dirs: string[], opts: { dryRun?: boolean; format: string; config?: string }) => {
      const gate = gateFor(ctx, opts.config);
      const { skills, missing } = findSkills(dirs, ctx.cwd);
      if (missing.length) throw usageError(`not a folder: ${missing.join(', ')}`);
      const { results, quarantined } = auditSkills(gate, skills, { dryRun: opts.dryRun });
      if (opts.format === 'json') {
        await writeOut(ctx.stdout, JSON.stringify({ skills: results.map(verifyJson), quarantined }, null, 2) + '\n');
      } else {
        let out = '';
        for (const r of results) {
          const q = quarantined.find((x) => x.originalPath === resolve(r.dir));
          out += r.ok ? `✓ ${r.message}\n` : `✗ ${r.code}: ${r.message}\n${q ? `    quarantined as ${q.id}\n` : opts.dryRun ? '    (dry run: left in place)\n' : ''}`;
        }
        out += `${results.length} skill(s): ${results.filter((r) => r.ok).length} verified, ${results.filter((r) => !r.ok).length} failed${opts.dryRun ? '' : `, ${quarantined.length} quarantined`}\n`;
        await writeOut(ctx.stdout, out);
      }
      ctx.exitCode = results.some((r) => !r.ok) ? 1 : 0;
    }));

  const quarantine = skill.command('quarantine').description('Quarantined skills: list, clear, purge.');
  quarantine
    .command('list')
    .description('List quarantined skills with their reasons.')
    .addOption(formatOption())
    .action(coded(ctx, async (opts: { format: string }) => {
      const records = listQuarantine(ctx.env);
      if (opts.format === 'json') return writeOut(ctx.stdout, JSON.stringify({ quarantine: records }, null, 2) + '\n');
      if (!records.length) return writeOut(ctx.stdout, 'quarantine is empty\n');
      await writeOut(ctx.stdout, records.map((r) => `${r.id}  ${r.status}  ${r.originalPath}\n${r.failures.map((f) => `    ${f.code}: ${f.message.split('\n')[0]}\n`).join('')}`).join(''));
    }));
  const clear = (id: string, opts: { config?: string }) => runClear(ctx, id, opts.config);
  const purge = (id: string, opts: { reason?: string; signer?: string; config?: string }) => runPurge(ctx, id, opts);
  for (const parent of [quarantine, skill]) {
    parent
      .command('clear')
      .description('Put a quarantined skill back after it passes a rescan; it must then be re-signed.')
      .argument('<id>', 'quarantine id (skill quarantine list)')
      .option('-c, --config <file>', 'configuration file')
      .action(coded(ctx, clear));
    parent
      .command('purge')
      .description('Delete a quarantined skill and block its content hash for good, under any name.')
      .argument('<id>', 'quarantine id (skill quarantine list)')
      .option('--reason <text>', 'why (recorded)')
      .option('--signer <id>', 'key that signs the revocation list entry (default: the only usable key)')
      .option('-c, --config <file>', 'configuration file')
      .addHelpText('after', SENSITIVE_NOTE)
      .action(coded(ctx, purge));
  }
}

/** The key that signs a revocation list: named, or the only active key with a private key here. */
function pickSigner(gate: SkillGate, store: SigningKeyStore, named: string | undefined, revoking?: string): string {
  const usable = Object.entries(gate.keyring.keys)
    .filter(([kid, e]) => e.status === 'active' && kid !== revoking && store.has(kid) && Date.parse(e.notAfter) > gate.now.getTime())
    .map(([kid]) => kid);
  if (named) {
    if (!usable.includes(named)) throw usageError(`key "${named}" cannot sign here (not active, expired, being revoked, or its private key is not in ${store.location})`);
    return named;
  }
  if (usable.length === 1) return usable[0]!;
  if (!usable.length) throw usageError(`no active key with a private key in ${store.location} can sign the revocation list`, 'Create one with agent-vault skill keygen --kid ID.');
  throw usageError(`several keys could sign the revocation list (${usable.join(', ')})`, 'Choose one with --signer ID.');
}

async function runClear(ctx: CliContext, id: string, config: string | undefined): Promise<void> {
  const gate = gateFor(ctx, config);
  const record = clearQuarantined(gate, id);
  await writeOut(ctx.stdout, `cleared ${id}: rescan passed; restored to ${record.originalPath}\n${MSG.skillResign(record.originalPath)}\n`);
}

async function runPurge(ctx: CliContext, id: string, opts: { reason?: string; signer?: string; config?: string }): Promise<void> {
  requireTerminal(ctx, 'skill purge');
  const gate = gateFor(ctx, opts.config);
  const record = readRecord(ctx.env, id);
  const reason = opts.reason?.trim() || `purged from quarantine: ${record.failures.map((f) => f.code).join(', ')}`;
  let listNote = 'no content hash (the folder could not be hashed): nothing to block';
  if (record.contentHash) {
    addPurged(ctx.env, record.contentHash, id, reason, gate.now);
    listNote = `content ${record.contentHash} blocked on this machine`;
    // Also into the repository's signed list when a key is at hand, so every clone refuses it.
    const store = openSigningKeyStore(ctx.env);
    const state = gate.revocations();
    const canSign = Object.values(gate.keyring.keys).length > 0 && (state.ok || (state.error.code === 'REVOCATIONS_MISSING' && !existsSync(gate.revocationsPath)));
    if (canSign) {
      try {
        const signer = pickSigner(gate, store, opts.signer);
        const prev = state.ok ? state.list : { version: 0, issuedAt: '', expiresAt: '', content: [], keys: [] };
        const list = nextList(prev, gate.now, DEFAULT_REVOCATION_DAYS);
        if (!list.content.some((c) => c.hash === record.contentHash)) list.content.push({ hash: record.contentHash, reason, at: gate.now.toISOString() });
        writeRevocations(gate.revocationsPath, list, signer, store.get(signer)!, ctx.env);
        listNote += ` and revoked in ${gate.revocationsPath} (version ${list.version})`;
      } catch (e) {
        if (!(e instanceof AgentVaultError) || e.kind !== 'usage') throw e;
        listNote += ` (not added to the repository's revocation list: ${e.message})`;
      }
    }
  }
  markPurged(gate, id, reason);
  await writeOut(ctx.stdout, `purged ${id}: ${listNote}\n`);
}

