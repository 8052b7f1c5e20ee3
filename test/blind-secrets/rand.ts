/**
 * A seeded source of randomness for the blind corpus: every value, name and layout choice goes
 * through one of these, so a seed always produces the same files.
 */
import { CHARACTER_CLASSES, expandTemplate, randomFrom, rng } from '../helpers/fake-secrets.js';

/** Alphabets the shared template helper does not have. */
const EXTRA = {
  alpha: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  base32lower: 'abcdefghijklmnopqrstuvwxyz234567',
  bech32: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
} as const;

export type CharClass = 'alnum' | 'upper' | 'lower' | 'upperalnum' | 'loweralnum' | 'digits' | 'hex' | 'HEX' | 'base64' | 'base64url' | 'base32' | keyof typeof EXTRA;

export class Rand {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = rng(seed);
  }
  /** An integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  str(cls: CharClass, len: number): string {
    if (cls in EXTRA) return randomFrom(EXTRA[cls as keyof typeof EXTRA], len, this.next);
    if (!CHARACTER_CLASSES.includes(cls)) throw new Error(`unknown character class "${cls}"`);
    return expandTemplate(`{{${cls}:${len}}}`, this.next);
  }
  /** Expand `{{class:len}}` templates (the shared helper's classes). */
  t(template: string): string {
    return expandTemplate(template, this.next);
  }
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}
