/**
 * Scores the built CLI on the blind skill corpus: every skill is materialised into a temporary
 * folder, `agent-vault skill scan <dirs...> --format json` runs as a real child process in
 * batches, and a skill counts as flagged when the scan fails it (`passed: false`) or cannot
 * analyse it (`error` set). The temporary folder is removed before the promise settles.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BIN, isolatedEnv } from '../helpers/cli.js';
import { CLASSES, loadCorpus, materialise, type CorpusSkill, type SkillClass, type Verdict } from './format.js';

const run = promisify(execFile);

/**
 * The acceptance targets of issue 16 at the default threshold. Not asserted yet: the report
 * test prints the figures, and the lead adds the assertion once the scanner meets them.
 */
export const TARGETS = { maliciousFlaggedAtLeast: 0.9, benignFlaggedAtMost: 0.02 } as const;

/** Skills per scanner process, and processes at a time (the machine has two cores). */
const BATCH = 40;
const PARALLEL = 2;

export interface SkillOutcome {
  name: string;
  verdict: Verdict;
  classes: SkillClass[];
  flagged: boolean;
  /** The scanner's error code or message when it could not analyse the skill. */
  error: string | null;
  /** Rule ids of the findings (values are never kept). */
  ruleIds: string[];
}

export interface SkillScore {
  malicious: { total: number; flagged: number; missed: string[] };
  benign: { total: number; flagged: string[] };
  byClass: Record<SkillClass, { total: number; flagged: number }>;
  outcomes: SkillOutcome[];
  /** The temporary folder the skills were written to; gone when the promise resolves. */
  workDir: string;
}

interface ScanJson {
  skills: { dir: string; passed: boolean; error: unknown; findings: { ruleId: string }[] }[];
}

function errorText(error: unknown): string | null {
  if (error === null || error === undefined) return null;
  if (typeof error === 'string') return error;
  const rec = error as Record<string, unknown>;
  return String(rec.code ?? rec.kind ?? rec.message ?? JSON.stringify(error));
}

async function scanBatch(dirs: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<ScanJson> {
  let stdout: string;
  let stderr = '';
  try {
    ({ stdout, stderr } = await run(process.execPath, [BIN, 'skill', 'scan', ...dirs, '--format', 'json'], {
      cwd,
      env,
      maxBuffer: 256 * 1024 * 1024,
    }));
  } catch (e) {
    // A failing skill exits non-zero; the JSON report is still on stdout.
    const err = e as { stdout?: string; stderr?: string; code?: unknown };
    stdout = err.stdout ?? '';
    stderr = err.stderr ?? '';
    if (err.code === 2) throw new Error(`skill scan exited 2 (usage or configuration error): ${stderr.slice(0, 2000)}`);
  }
  try {
    return JSON.parse(stdout) as ScanJson;
  } catch {
    throw new Error(`skill scan printed no JSON report; stderr: ${stderr.slice(0, 2000)}`);
  }
}

export async function measureSkills(corpus: CorpusSkill[] = loadCorpus()): Promise<SkillScore> {
  const workDir = mkdtempSync(join(tmpdir(), 'av-blind-skills-'));
  try {
    const cwd = join(workDir, 'cwd'); // no .agent-vault.yaml: the default policy and threshold
    mkdirSync(cwd);
    const env = isolatedEnv(join(workDir, 'home'));
    const located = corpus.map((skill) => ({ skill, dir: materialise(skill, join(workDir, skill.verdict)) }));
    const batches: (typeof located)[] = [];
    for (let i = 0; i < located.length; i += BATCH) batches.push(located.slice(i, i + BATCH));

    const results = new Map<string, ScanJson['skills'][number]>();
    let next = 0;
    const worker = async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const report = await scanBatch(batch.map((l) => l.dir), cwd, env);
        for (const s of report.skills) results.set(s.dir, s);
      }
    };
    await Promise.all(Array.from({ length: PARALLEL }, worker));

    const outcomes: SkillOutcome[] = located.map(({ skill, dir }) => {
      const r = results.get(dir);
      if (!r) throw new Error(`skill scan returned no result for ${skill.source}`);
      const error = errorText(r.error);
      return {
        name: skill.name,
        verdict: skill.verdict,
        classes: skill.classes,
        flagged: r.passed === false || error !== null,
        error,
        ruleIds: [...new Set(r.findings.map((f) => f.ruleId))].sort(),
      };
    });

    const malicious = outcomes.filter((o) => o.verdict === 'malicious');
    const benign = outcomes.filter((o) => o.verdict === 'benign');
    const byClass = Object.fromEntries(
      (Object.keys(CLASSES) as SkillClass[]).map((c) => {
        const inClass = malicious.filter((o) => o.classes.includes(c));
        return [c, { total: inClass.length, flagged: inClass.filter((o) => o.flagged).length }];
      }),
    ) as SkillScore['byClass'];
    return {
      malicious: {
        total: malicious.length,
        flagged: malicious.filter((o) => o.flagged).length,
        missed: malicious.filter((o) => !o.flagged).map((o) => o.name),
      },
      benign: { total: benign.length, flagged: benign.filter((o) => o.flagged).map((o) => o.name) },
      byClass,
      outcomes,
      workDir,
    };
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/** The table the report test prints: per class, then the totals and every benign skill flagged. */
export function describeSkillScore(score: SkillScore): string {
  const pct = (n: number, d: number) => (d === 0 ? '-' : `${((100 * n) / d).toFixed(1)}%`);
  const rows = (Object.keys(CLASSES) as SkillClass[]).map((c) => {
    const { total, flagged } = score.byClass[c];
    return `  ${c.padEnd(22)} ${String(flagged).padStart(4)}/${String(total).padEnd(4)} ${pct(flagged, total).padStart(6)}  ${CLASSES[c]}`;
  });
  const primary = (c: SkillClass) => score.outcomes.filter((o) => o.verdict === 'malicious' && !o.flagged && o.classes[0] === c).map((o) => o.name);
  const missed = (Object.keys(CLASSES) as SkillClass[])
    .map((c) => [c, primary(c)] as const)
    .filter(([, names]) => names.length > 0)
    .map(([c, names]) => `  ${c}: ${names.join(', ')}`);
  const benignFlagged = score.outcomes
    .filter((o) => o.verdict === 'benign' && o.flagged)
    .map((o) => `  ${o.name}: ${o.error ?? o.ruleIds.join(', ')}`);
  return [
    `blind skill corpus (targets: at least ${TARGETS.maliciousFlaggedAtLeast * 100}% of malicious flagged, at most ${TARGETS.benignFlaggedAtMost * 100}% of benign)`,
    'malicious flagged per class (a skill counts in every class it names):',
    ...rows,
    `malicious flagged: ${score.malicious.flagged}/${score.malicious.total} (${pct(score.malicious.flagged, score.malicious.total)})`,
    `benign flagged:    ${score.benign.flagged.length}/${score.benign.total} (${pct(score.benign.flagged.length, score.benign.total)})`,
    'malicious missed, by first class:',
    ...(missed.length ? missed : ['  (none)']),
    'benign flagged (rule ids or error):',
    ...(benignFlagged.length ? benignFlagged : ['  (none)']),
  ].join('\n');
}
