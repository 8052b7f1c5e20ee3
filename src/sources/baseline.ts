import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { AgentVaultConfig } from '../config/config.js';
import { SECRET, type Finding } from '../core/types.js';
import { configError, usageError } from '../errors.js';

/**
 * A baseline: findings a team has accepted. Each entry is the finding's fingerprint (rule, path
 * and surrounding text; nothing of the secret) and a check: scrypt of the rule and the secret
 * under the baseline's own random salt. A finding is accepted only when both match, so
 * - a rotated secret on the same line is reported again (the check differs);
 * - an accepted secret moved to another file or context is reported again (the fingerprint
 *   differs);
 * - a committed baseline confirms a guessed secret no faster than one scrypt evaluation
 *   (N=2^14, r=8: 16 MiB and tens of milliseconds) per guess and per salt, where version 1's
 *   sha256 of the secret confirmed millions of guesses a second.
 */
export interface BaselineFile {
  version: 2;
  kdf: { name: 'scrypt'; N: number; r: number; p: number; salt: string };
  findings: { fingerprint: string; check: string; ruleId: string; path: string; line: number }[];
}

/** A baseline as scanning uses it. */
export interface Baseline {
  readonly kdf: BaselineFile['kdf'];
  /** fingerprint -> the checks accepted there */
  readonly checks: ReadonlyMap<string, readonly string[]>;
}

const KDF = { name: 'scrypt', N: 1 << 14, r: 8, p: 1 } as const;
const CHECK_BYTES = 16;
/** scrypt's memory is 128 * N * r bytes; allow what the parameters above need, with room. */
const MAX_MEMORY = 64 * 1024 * 1024;

function check(kdf: BaselineFile['kdf'], ruleId: string, secret: string): string {
  const input = Buffer.concat([Buffer.from(ruleId, 'utf8'), Buffer.from([0]), Buffer.from(secret, 'latin1')]);
  return scryptSync(input, Buffer.from(kdf.salt, 'base64'), CHECK_BYTES, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: MAX_MEMORY }).toString('base64');
}

const HINT = 'Regenerate it with `agent-vault scan --write-baseline FILE` over the accepted findings.';

/** Read and validate a baseline file. */
export function readBaseline(path: string): Baseline {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw usageError(`cannot read baseline ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 'Create one with --write-baseline FILE.');
  }
  return parseBaseline(text, path);
}

/**
 * The configuration's `baseline:` file, read from disk beside the configuration; undefined
 * when it names none.
 */
export function configBaseline(config: AgentVaultConfig, cwd: string): Baseline | undefined {
  if (!config.baseline) return undefined;
  const path = resolve(cwd, dirname(config.file ?? '.'), config.baseline);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw configError(
      `${config.file ?? 'config'}: baseline: cannot read ${config.baseline}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
      'Write it with agent-vault scan --write-baseline FILE and commit it, or remove baseline: from the configuration.',
    );
  }
  return parseBaseline(text, config.baseline);
}

/** Validate a baseline file's text. */
export function parseBaseline(text: string, path: string): Baseline {
  let data: Partial<BaselineFile> & { version?: unknown };
  try {
    data = JSON.parse(text);
  } catch {
    throw configError(`baseline ${path} is not valid JSON`, HINT);
  }
  if ((data as { version?: unknown } | null)?.version === 1) {
    throw configError(
      `baseline ${path} is version 1, whose fingerprints are sha256 hashes of the secrets: anyone who can read it can confirm guessed secrets quickly`,
      `${HINT} Then treat the secrets it listed as exposed to whoever could read the old file (it stays in git history).`,
    );
  }
  const kdf = data?.kdf;
  const findings = data?.findings;
  const validKdf =
    kdf?.name === 'scrypt' && [kdf.N, kdf.r, kdf.p].every((n) => Number.isInteger(n) && n > 0) && (kdf.N & (kdf.N - 1)) === 0 && 128 * kdf.N * kdf.r <= MAX_MEMORY / 2 && typeof kdf.salt === 'string' && Buffer.from(kdf.salt, 'base64').length >= 16;
  if (data?.version !== 2 || !validKdf || !Array.isArray(findings) || findings.some((f) => typeof f?.fingerprint !== 'string' || !/^[0-9a-f]{64}$/.test(f.fingerprint) || typeof f.check !== 'string')) {
    throw configError(`baseline ${path} does not have the expected shape ({"version":2,"kdf":{"name":"scrypt",...},"findings":[{"fingerprint":...,"check":...}]})`, HINT);
  }
  const checks = new Map<string, string[]>();
  for (const f of findings) {
    const list = checks.get(f.fingerprint) ?? [];
    list.push(f.check);
    checks.set(f.fingerprint, list);
  }
  return { kdf, checks };
}

/** The findings a baseline does not accept. Only findings at an accepted place pay the KDF. */
export function withoutBaselined(findings: Finding[], baseline: Baseline | undefined): Finding[] {
  if (!baseline || baseline.checks.size === 0) return findings;
  const memo = new Map<string, string>();
  return findings.filter((f) => {
    const accepted = baseline.checks.get(f.fingerprint);
    if (!accepted) return true;
    const key = `${f.ruleId}\0${f[SECRET]}`;
    let mine = memo.get(key);
    if (mine === undefined) memo.set(key, (mine = check(baseline.kdf, f.ruleId, f[SECRET])));
    const a = Buffer.from(mine, 'base64');
    return !accepted.some((c) => {
      const b = Buffer.from(c, 'base64');
      return a.length === b.length && timingSafeEqual(a, b);
    });
  });
}

/** The baseline file that accepts every one of these findings from now on (a fresh salt each time). */
export function baselineText(findings: Finding[]): string {
  const kdf: BaselineFile['kdf'] = { ...KDF, salt: randomBytes(16).toString('base64') };
  const memo = new Map<string, string>();
  const entries = findings.map((f) => {
    const key = `${f.ruleId}\0${f[SECRET]}`;
    let c = memo.get(key);
    if (c === undefined) memo.set(key, (c = check(kdf, f.ruleId, f[SECRET])));
    return { fingerprint: f.fingerprint, check: c, ruleId: f.ruleId, path: f.path, line: f.line };
  });
  const data: BaselineFile = { version: 2, kdf, findings: entries };
  return JSON.stringify(data, null, 2) + '\n';
}
