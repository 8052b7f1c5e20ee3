/**
 * Generates the blind corpus for a seed: every credential kind in providers.ts planted in
 * several carriers (and a few kinds in every carrier that can hold them), then at least as
 * many look-alike files from negatives.ts. Nothing realistic is committed; the files exist
 * only in memory and in the temporary folder run.ts writes them to.
 */
import { CARRIERS, type Carrier } from './carriers.js';
import { NEGATIVE_CLASSES } from './negatives.js';
import { canHold, render, type Slot } from './plant.js';
import { PROVIDERS, type Provider } from './providers.js';
import { Rand } from './rand.js';

export const DEFAULT_SEED = 0x0b11d5ec;

/** Kinds planted once in every carrier that can hold them: the assignment-syntax matrix. */
export const SWEEP = ['github-pat-classic', 'stripe-live-secret-key', 'datadog-api-key', 'generic-password', 'postgres-url', 'private-key-openssh'];

export interface BlindPlant {
  /** Provider kind (positives) or look-alike class (negatives). */
  label: string;
  /** Carrier: file type and syntax. */
  kind: string;
  /** The planted text as it appears in the file (escaped or encoded when the carrier does so). */
  value: string;
  start: number;
  end: number;
  path: string;
  group: string;
  /** Negatives only: a finding at severity low/info is acceptable. */
  lowOk: boolean;
  /** Positives only: the scored span is an encoded form (base64, hex, percent-encoding). */
  encoded: boolean;
  /** Other secrets in the same file, neither found nor false positives. */
  companions: [number, number][];
}

export interface BlindFile {
  path: string;
  text: string;
  positive: boolean;
  plant: BlindPlant;
}

export interface BlindCorpus {
  seed: number;
  files: BlindFile[];
  positives: BlindPlant[];
  negatives: BlindPlant[];
}

function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
  return h;
}

const slotFor = (p: Provider, r: Rand): Slot => ({ name: r.pick(p.names), vendor: p.vendor, noun: p.noun, user: p.user ? p.user(r) : '' });

interface Draft {
  path: string;
  text: string;
  positive: boolean;
  label: string;
  kind: string;
  start: number;
  end: number;
  group: string;
  lowOk: boolean;
  encoded: boolean;
  companions: [number, number][];
}

function plantOne(p: Provider, c: Carrier, r: Rand, slot: Slot, value: ReturnType<Provider['make']>): Draft {
  const out = render(c, p, slot, value, r);
  return { path: out.path, text: out.text, positive: true, label: p.label, kind: c.id, start: out.start, end: out.end, group: p.group, lowOk: false, encoded: !!c.encode, companions: out.companions };
}

function positives(seed: number): Draft[] {
  const drafts: Draft[] = [];
  const usage = new Map<string, number>();
  for (const p of PROVIDERS) {
    // One stream per kind, so adding a kind does not reshuffle the others.
    const r = new Rand((seed ^ hash(p.label)) >>> 0);
    const want = p.count ?? 5;
    const used = new Set<string>();
    for (let made = 0, tries = 0; made < want && tries < want * 30; tries++) {
      const value = p.make(r);
      const slot = slotFor(p, r);
      const fits = r.shuffle(CARRIERS.filter((c) => canHold(c, p, value, slot)));
      if (!fits.length) continue;
      const fresh = fits.filter((c) => !used.has(c.id));
      const pool = fresh.length ? fresh : fits;
      // A file that exists for this kind (an .npmrc for npm) comes first; then the least-used syntax.
      pool.sort((a, b) => (a.accept ? 0 : 1) - (b.accept ? 0 : 1) || (usage.get(a.id) ?? 0) - (usage.get(b.id) ?? 0));
      const c = pool[0]!;
      used.add(c.id);
      usage.set(c.id, (usage.get(c.id) ?? 0) + 1);
      drafts.push(plantOne(p, c, r, slot, value));
      made++;
    }
  }
  for (const label of SWEEP) {
    const p = PROVIDERS.find((x) => x.label === label)!;
    const r = new Rand((seed ^ hash('sweep:' + label)) >>> 0);
    for (const c of CARRIERS) {
      for (let tries = 0; tries < 12; tries++) {
        const value = p.make(r);
        const slot = slotFor(p, r);
        if (!canHold(c, p, value, slot)) continue;
        drafts.push(plantOne(p, c, r, slot, value));
        break;
      }
    }
  }
  return drafts;
}

function negatives(seed: number, target: number): Draft[] {
  const drafts: Draft[] = [];
  const usage = new Map<string, number>();
  const total = NEGATIVE_CLASSES.reduce((s, c) => s + c.weight, 0);
  for (const cls of NEGATIVE_CLASSES) {
    const r = new Rand((seed ^ hash('negative:' + cls.label)) >>> 0);
    const want = Math.ceil((target * cls.weight) / total);
    for (let made = 0, tries = 0; made < want && tries < want * 20; tries++) {
      const n = cls.make(r, usage);
      if (!n) continue;
      drafts.push({ path: n.path, text: n.text, positive: false, label: cls.label, kind: n.kind, start: n.start, end: n.end, group: 'negative', lowOk: !!cls.lowOk, encoded: false, companions: [] });
      made++;
    }
  }
  return drafts;
}

export function generateBlindCorpus(seed: number = DEFAULT_SEED): BlindCorpus {
  const pos = positives(seed);
  const neg = negatives(seed, Math.ceil(pos.length * 1.1));
  const order = new Rand((seed ^ 0x5eed) >>> 0).shuffle([...pos, ...neg]);
  const files: BlindFile[] = order.map((d, i) => {
    // Each file sits in its own folder, so `.env` or `Makefile` can appear many times.
    const path = `f${String(i).padStart(4, '0')}/${d.path}`;
    const plant: BlindPlant = { label: d.label, kind: d.kind, value: d.text.slice(d.start, d.end), start: d.start, end: d.end, path, group: d.group, lowOk: d.lowOk, encoded: d.encoded, companions: d.companions };
    return { path, text: d.text, positive: d.positive, plant };
  });
  return { seed, files, positives: files.filter((f) => f.positive).map((f) => f.plant), negatives: files.filter((f) => !f.positive).map((f) => f.plant) };
}
