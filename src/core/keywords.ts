/**
 * One-pass multi-keyword search (Aho-Corasick compiled to a dense DFA over bytes).
 *
 * Keywords are ASCII and matched case-insensitively. Text is expected as a "binary"
 * (latin1) string, one char per byte, which is how every source hands text to the engine;
 * code units above 255 simply reset the automaton, which is correct for ASCII keywords.
 *
 * The DFA runs over byte classes, not bytes: every byte no keyword uses shares class 0 and
 * upper-case ASCII shares its lower-case class. With a few hundred keywords that shrinks the
 * transition table about sixfold, so it is built in milliseconds (every scan, staged scans
 * included, pays for the build) and stays in cache while scanning.
 */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  /** Byte -> class. */
  private readonly classOf: Uint8Array;
  /**
   * Transitions, one row of `width` entries per state. An entry holds the target's row
   * offset (state * width); states where keywords end are stored as -(offset + 1), so the
   * scan loop needs no lookup except when a keyword ends.
   */
  private readonly delta: Int32Array;
  private readonly width: number;
  /** For each state, the keyword ids that end there (including via suffix links), or undefined. */
  private readonly outputs: (number[] | undefined)[];

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    const lowered = keywords.map((raw) => {
      const kw = raw.toLowerCase();
      for (let i = 0; i < kw.length; i++) if (kw.charCodeAt(i) > 255) throw new Error(`keyword "${raw}" is not ASCII/latin1`);
      return kw;
    });

    const classOf = new Uint8Array(256);
    let width = 1;
    for (const kw of lowered) {
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i);
        if (classOf[c] === 0) {
          if (width === 256) throw new Error('too many distinct keyword characters');
          classOf[c] = width++;
        }
      }
    }
    // Fold upper-case ASCII onto lower-case so the scan loop needs no per-char conversion.
    for (let c = 65; c <= 90; c++) classOf[c] = classOf[c + 32]!;

    // Trie: goto[state * width + class] = child state, or -1.
    let capacity = 1;
    for (const kw of lowered) capacity += kw.length;
    const go = new Int32Array(capacity * width).fill(-1);
    const out: number[][] = [[]];
    let states = 1;
    lowered.forEach((kw, id) => {
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const a = classOf[kw.charCodeAt(i)]!;
        let next = go[s * width + a]!;
        if (next === -1) {
          next = states++;
          out.push([]);
          go[s * width + a] = next;
        }
        s = next;
      }
      out[s]!.push(id);
    });

    // Breadth-first: a state's failure target is shallower, so its row is already complete
    // when the state's own missing transitions borrow from it.
    const fail = new Int32Array(states);
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 0;
    for (let a = 0; a < width; a++) {
      const t = go[a]!;
      if (t === -1) go[a] = 0;
      else {
        fail[t] = 0;
        queue[tail++] = t;
      }
    }
    while (head < tail) {
      const s = queue[head++]!;
      const f = fail[s]!;
      if (out[f]!.length) out[s] = out[s]!.concat(out[f]!);
      const row = s * width;
      const frow = f * width;
      for (let a = 0; a < width; a++) {
        const t = go[row + a]!;
        if (t !== -1) {
          fail[t] = go[frow + a]!;
          queue[tail++] = t;
        } else {
          go[row + a] = go[frow + a]!;
        }
      }
    }

    const delta = new Int32Array(states * width);
    for (let i = 0; i < delta.length; i++) {
      const t = go[i]!;
      delta[i] = out[t]!.length ? -(t * width) - 1 : t * width;
    }
    this.classOf = classOf;
    this.delta = delta;
    this.width = width;
    this.outputs = out.map((o) => (o.length ? Array.from(new Set(o)) : undefined));
  }

  /** Ids of the keywords occurring in text (each at most once). */
  find(text: string): Set<number> {
    const found = new Set<number>();
    const { delta, classOf, outputs, width } = this;
    const total = this.keywords.length;
    let s = 0;
    for (let i = 0, len = text.length; i < len; i++) {
      const c = text.charCodeAt(i);
      const e = c < 256 ? delta[s + classOf[c]!]! : 0;
      if (e >= 0) {
        s = e;
        continue;
      }
      s = -e - 1;
      for (const id of outputs[s / width]!) found.add(id);
      if (found.size === total) break;
    }
    return found;
  }
}
