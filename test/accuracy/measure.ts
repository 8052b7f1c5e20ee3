/**
 * Scores findings against a planted corpus: a positive counts as found when some finding's
 * span overlaps its secret; every finding in a look-alike's file, and every finding in a
 * positive's file that does not touch the planted secret, is a false positive.
 */
import { maskSecret } from '../../src/core/mask.js';
import type { Corpus, CorpusFile, Plant } from './corpus.js';

/** The location fields every report format carries (1-based line/column, end column exclusive + 1). */
export interface Located {
  ruleId: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Score {
  positives: number;
  found: number;
  recall: number;
  negatives: number;
  /** Look-alike files with at least one finding. */
  flaggedNegatives: Plant[];
  /** Findings in positive files away from the planted secret. */
  strays: { plant: Plant; ruleId: string; line: number }[];
  falsePositives: number;
  fpRate: number;
  missed: Plant[];
  /** label -> [found, planted] */
  byLabel: Map<string, [number, number]>;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function span(f: Located, starts: number[]): [number, number] {
  return [starts[f.line - 1]! + f.column - 1, starts[f.endLine - 1]! + f.endColumn - 1];
}

export function score(corpus: Corpus, findings: Located[]): Score {
  const byPath = new Map<string, Located[]>();
  for (const f of findings) {
    const list = byPath.get(f.path) ?? [];
    list.push(f);
    byPath.set(f.path, list);
  }
  const missed: Plant[] = [];
  const flaggedNegatives: Plant[] = [];
  const strays: Score['strays'] = [];
  const byLabel = new Map<string, [number, number]>();
  let found = 0;
  for (const file of corpus.files) {
    const here = byPath.get(file.path) ?? [];
    const { plant } = file;
    if (!file.positive) {
      if (here.length) flaggedNegatives.push(plant);
      continue;
    }
    const starts = lineStarts(file.text);
    let hit = false;
    for (const f of here) {
      const [s, e] = span(f, starts);
      if (s < plant.end && plant.start < e) hit = true;
      else strays.push({ plant, ruleId: f.ruleId, line: f.line });
    }
    const tally = byLabel.get(plant.label) ?? [0, 0];
    tally[1]++;
    if (hit) {
      found++;
      tally[0]++;
    } else missed.push(plant);
    byLabel.set(plant.label, tally);
  }
  const falsePositives = flaggedNegatives.length + strays.length;
  return {
    positives: corpus.positives.length,
    found,
    recall: found / corpus.positives.length,
    negatives: corpus.negatives.length,
    flaggedNegatives,
    strays,
    falsePositives,
    fpRate: falsePositives / corpus.negatives.length,
    missed,
    byLabel,
  };
}

/** A printable summary: labels, file kinds and masked values only, never a raw value. */
export function describeScore(s: Score, findingsIn: (file: string) => Located[]): string {
  const lines = [
    `recall ${s.found}/${s.positives} = ${(s.recall * 100).toFixed(1)}%`,
    `false positives ${s.falsePositives}/${s.negatives} = ${(s.fpRate * 100).toFixed(1)}% (${s.flaggedNegatives.length} look-alike files flagged, ${s.strays.length} stray findings in positive files)`,
  ];
  const missedBy = new Map<string, Plant[]>();
  for (const p of s.missed) missedBy.set(p.label, [...(missedBy.get(p.label) ?? []), p]);
  if (missedBy.size) {
    lines.push('misses by provider (found/planted; file kinds missed; masked):');
    for (const [label, plants] of [...missedBy].sort()) {
      const [f, n] = s.byLabel.get(label)!;
      lines.push(`  ${label} ${f}/${n}: ${plants.map((p) => `${p.kind} ${maskSecret(p.value)}`).join(', ')}`);
    }
  }
  if (s.flaggedNegatives.length) {
    lines.push('look-alikes flagged (class, file kind: rules):');
    for (const p of s.flaggedNegatives) lines.push(`  ${p.label}, ${p.kind}: ${[...new Set(findingsIn(p.path).map((f) => f.ruleId))].join(' ')}`);
  }
  if (s.strays.length) {
    lines.push('stray findings in positive files (provider, file kind, line: rule):');
    for (const x of s.strays) lines.push(`  ${x.plant.label}, ${x.plant.kind}, line ${x.line}: ${x.ruleId}`);
  }
  return lines.join('\n');
}

export type { CorpusFile };
