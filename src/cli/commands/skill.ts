import { Option, type Command } from 'commander';
import { resolve } from 'node:path';
import { usageError } from '../../errors.js';
import { MSG } from '../../messages.js';
import { SKILL_NAME } from '../../skill/model.js';
import type { Finding } from '../../core/types.js';
import { scanWithGate, type VerifyResult } from '../../skill/attest.js';
import { exitCodeOf, type SkillFailureCode } from '../../skill/codes.js';
import { auditSkills, clearQuarantined, findSkills, listQuarantine, verifySkills } from '../../skill/quarantine.js';
import { readSkillTree } from '../../skill/tree.js';
import type { SkillScanReport } from '../../skill/threats.js';
import { writeOut, type CliContext } from '../context.js';
import { registerRegistry } from './registry.js';
import { verifyLocked } from '../../registry/install.js';
import { recordSkillEvent } from '../../registry/ledger.js';
import { EXIT_HELP, gateFor, keygenCommand, purgeCommand, revokeCommand, signCommand } from './skill-trust.js';

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

/**
 * A check's verdict is its result, not a failure: scan, verify and audit report every skill,
 * then end with the documented status of the first failing one (a failure that stops a
 * command throws and carries its own status instead; see errors.ts).
 */
function firstFailure(codes: (SkillFailureCode | undefined)[]): number {
  const c = codes.find((x) => x !== undefined);
  return c ? exitCodeOf(c) : 0;
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
    .action(async (dirs: string[], opts: { format: string; config?: string }) => {
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
    });

  skill
    .command('hash')
    .description('Print the avt1 content hash of a skill folder (the manifest with --manifest).')
    .argument('<dir>', 'skill folder')
    .option('--manifest', 'print the canonical manifest instead of the hash')
    .action(async (dir: string, opts: { manifest?: boolean }) => {
      const tree = readSkillTree(resolve(ctx.cwd, dir));
      await writeOut(ctx.stdout, opts.manifest ? tree.manifest.text : `${tree.manifest.contentHash}\n`);
    });

  keygenCommand(skill, ctx);
  signCommand(skill, ctx);

  skill
    .command('verify')
    .description('Verify skills: signature (algorithm from the keyring), content hash, key validity and revocation, revocation list freshness, signed scope, and a rescan under the current rules.')
    .argument('[dirs...]', 'skill folders, or folders of skills')
    .option('--locked', 'verify the skills .agent-vault/skills.lock records: installed, verifying, with the locked content')
    .addOption(formatOption())
    .option('-c, --config <file>', 'configuration file')
    .addHelpText('after', EXIT_HELP)
    .action(async (dirs: string[], opts: { format: string; config?: string; locked?: boolean }) => {
      const gate = gateFor(ctx, opts.config);
      if (opts.locked && dirs.length) throw usageError('--locked verifies the lock file: give no folders');
      if (!opts.locked && !dirs.length) throw usageError('give the skill folders to verify (or --locked)');
      const results = opts.locked ? await verifyLocked(gate, gate.base, { timeoutMs: 5_000 }) : verifySkills(gate, dirs, ctx.cwd);
      if (opts.format === 'json') await writeOut(ctx.stdout, JSON.stringify({ skills: results.map(verifyJson) }, null, 2) + '\n');
      else await writeOut(ctx.stdout, results.map((r) => (r.ok ? `✓ ${r.message}\n` : `✗ ${r.code}: ${r.message}\n`)).join(''));
      ctx.exitCode = firstFailure(results.map((r) => r.code));
    });

  revokeCommand(skill, ctx);
  registerRegistry(skill, ctx);

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
    .action(async (dirs: string[], opts: { dryRun?: boolean; format: string; config?: string }) => {
      const gate = gateFor(ctx, opts.config);
      const { skills, missing } = findSkills(dirs, ctx.cwd);
      if (missing.length) throw usageError(`not a folder: ${missing.join(', ')}`);
      const { results, quarantined } = auditSkills(gate, skills, { dryRun: opts.dryRun });
      for (const q of quarantined) recordSkillEvent(ctx.env, { event: 'skill-quarantine', skill: q.skill, contentHash: q.contentHash, outcome: 'quarantined', actor: 'cli', destination: q.originalPath, detail: `${q.id}: ${q.failures.map((f) => f.code).join(', ')}` });
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
    });

  const quarantine = skill.command('quarantine').description('Quarantined skills: list, clear, purge.');
  quarantine
    .command('list')
    .description('List quarantined skills with their reasons.')
    .addOption(formatOption())
    .action(async (opts: { format: string }) => {
      const records = listQuarantine(ctx.env);
      if (opts.format === 'json') return writeOut(ctx.stdout, JSON.stringify({ quarantine: records }, null, 2) + '\n');
      if (!records.length) return writeOut(ctx.stdout, 'quarantine is empty\n');
      await writeOut(ctx.stdout, records.map((r) => `${r.id}  ${r.status}  ${r.originalPath}\n${r.failures.map((f) => `    ${f.code}: ${f.message.split('\n')[0]}\n`).join('')}`).join(''));
    });
  for (const parent of [quarantine, skill]) {
    parent
      .command('clear')
      .description('Put a quarantined skill back after it passes a rescan; it must then be re-signed.')
      .argument('<id>', 'quarantine id (skill quarantine list)')
      .option('-c, --config <file>', 'configuration file')
      .action(async (id: string, opts: { config?: string }) => {
        const record = clearQuarantined(gateFor(ctx, opts.config), id);
        await writeOut(ctx.stdout, `cleared ${id}: rescan passed; restored to ${record.originalPath}\n${MSG.skillResign(record.originalPath)}\n`);
      });
    purgeCommand(parent, ctx);
  }
}

