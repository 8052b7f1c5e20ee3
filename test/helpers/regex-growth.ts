/**
 * Whether the time a regex takes grows like a small polynomial of its input's length, or
 * blows up (catastrophic backtracking), measured so that a GC pause or a busy machine cannot
 * fail a good regex.
 *
 * A per-call time bound fails whenever one call is slowed by something else. This compares
 * the regex with itself instead: the time on an input of length n against the time on the
 * same shape at n/4, along a ladder of lengths from 8 to 1024. A regex that does O(n^k) work
 * takes about 4^k times longer; an exponential one takes astronomically longer, and is caught
 * on short inputs before it can hang the run (a regex blocks the thread: no timeout can stop
 * it). Noise cannot turn a pass into a failure:
 * - a length whose single calls (best of three) stay under FLOOR_MS needs no verdict: pauses
 *   only add time, so noise can at worst send a case to the precise measure below;
 * - the verdict uses the precise measure: both lengths timed in batches of calls, alternately,
 *   five times, keeping each one's fastest batch. A pause or a burst of load slows some
 *   batches, not the fastest of five at both lengths.
 */
const LADDER = [8, 11, 16, 23, 32, 45, 64, 91, 128, 181, 256, 362, 512, 724, 1024];
/** Compare each length with the one four times shorter (four rungs down). */
const SPAN = 4;
/**
 * Allowed growth per fourfold length: degree 2.5, between quadratic (an unanchored search that
 * rescans from every start, 16x) and cubic (64x), which on 1 KB is already seconds.
 */
export const MAX_DEGREE = 2.5;
/** Below this per call (on inputs of at most 1 KB), a case is fast whatever its growth. */
const FLOOR_MS = 0.05;
const BATCH_MS = 2;
const ROUNDS = 5;

export interface Growth {
  ok: boolean;
  /** The lengths compared: where it failed, or the pair closest to the bound. */
  from: number;
  to: number;
  /** Measured time ratio between the two lengths, and the most it may be. */
  ratio: number;
  bound: number;
}

/** A regex, or anything that tests a string like one. */
export type Tester = Pick<RegExp, 'test'>;

function once(re: Tester, value: string): number {
  const start = performance.now();
  re.test(value);
  return performance.now() - start;
}

/** Best of three single calls: cheap, good enough to tell what needs a closer look. */
function quick(re: Tester, value: string): number {
  return Math.min(once(re, value), once(re, value), once(re, value));
}

/** Per-call time of a batch of `calls` calls. */
function batch(re: Tester, value: string, calls: number): number {
  const start = performance.now();
  for (let i = 0; i < calls; i++) re.test(value);
  return (performance.now() - start) / calls;
}

/** Per-call times of two inputs, each the fastest of ROUNDS batches, measured alternately. */
function precise(re: Tester, a: string, b: string, estimateA: number, estimateB: number): [number, number] {
  const callsFor = (estimate: number) => Math.max(1, Math.ceil(BATCH_MS / Math.max(estimate, 1e-4)));
  const [callsA, callsB] = [callsFor(estimateA), callsFor(estimateB)];
  let bestA = Infinity;
  let bestB = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    bestA = Math.min(bestA, batch(re, a, callsA));
    bestB = Math.min(bestB, batch(re, b, callsB));
  }
  return [bestA, bestB];
}

/**
 * Walk the ladder of lengths with `valueOf(n)` (a value of about n characters of one shape).
 * Not ok at the first pair whose precise ratio exceeds the bound; when ok, the pair that came
 * closest to it.
 */
export function regexGrowth(re: Tester, valueOf: (n: number) => string): Growth {
  const values = LADDER.map(valueOf);
  const times: number[] = [];
  let closest: Growth = { ok: true, from: values[0]!.length, to: values[0]!.length, ratio: 0, bound: 1 };
  for (let i = 0; i < LADDER.length; i++) {
    times.push(quick(re, values[i]!));
    const j = Math.max(0, i - SPAN);
    if (j === i || times[i]! < FLOOR_MS) continue;
    const bound = (values[i]!.length / values[j]!.length) ** MAX_DEGREE;
    let ratio = times[i]! / Math.max(times[j]!, 1e-6);
    if (ratio > bound) {
      const [tj, ti] = precise(re, values[j]!, values[i]!, times[j]!, times[i]!);
      ratio = ti / tj;
      if (ratio > bound) return { ok: false, from: values[j]!.length, to: values[i]!.length, ratio, bound };
    }
    if (ratio / bound > closest.ratio / closest.bound) closest = { ok: true, from: values[j]!.length, to: values[i]!.length, ratio, bound };
  }
  return closest;
}

export const describeGrowth = (g: Growth) =>
  g.ratio === 0
    ? `every call took under ${FLOOR_MS} ms, up to ${LADDER.at(-1)} characters`
    : `time grew ${g.ratio.toFixed(1)}x from ${g.from} to ${g.to} characters (at most ${g.bound.toFixed(1)}x allowed: degree ${MAX_DEGREE})`;
