/**
 * One-pass multi-keyword search (Aho-Corasick compiled to a dense DFA over bytes).
 *
 * Keywords are ASCII and matched case-insensitively. Text is expected as a "binary"
 * (latin1) string, one char per byte, which is how every source hands text to the engine;
 * code units above 255 simply reset the automaton, which is correct for ASCII keywords.
 */
export class KeywordAutomaton {
  readonly keywords: readonly string[];
  private readonly delta: Int32Array;
  /** For each state, the keyword ids that end there (including via suffix links), or undefined. */
  private readonly outputs: (number[] | undefined)[];

  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    const goto: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    keywords.forEach((raw, id) => {
      const kw = raw.toLowerCase();
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const c = kw.charCodeAt(i);
        if (c > 255) throw new Error(`keyword "${raw}" is not ASCII/latin1`);
        let next = goto[s]!.get(c);
        if (next === undefined) {
          next = goto.length;
          goto.push(new Map());
          out.push([]);
          goto[s]!.set(c, next);
        }
        s = next;
      }
      out[s]!.push(id);
    });

    const n = goto.length;
    const delta = new Int32Array(n * 256);
    const fail = new Int32Array(n);
    const queue: number[] = [];
    for (let c = 0; c < 256; c++) {
      const t = goto[0]!.get(c);
      if (t !== undefined) {
        delta[c] = t;
        fail[t] = 0;
        queue.push(t);
      }
    }
    for (let qi = 0; qi < queue.length; qi++) {
      const s = queue[qi]!;
      const f = fail[s]!;
      if (out[f]!.length) out[s] = out[s]!.concat(out[f]!);
      for (let c = 0; c < 256; c++) {
        const t = goto[s]!.get(c);
        if (t !== undefined) {
          fail[t] = delta[f * 256 + c]!;
          delta[s * 256 + c] = t;
          queue.push(t);
        } else {
          delta[s * 256 + c] = delta[f * 256 + c]!;
        }
      }
    }
    // Fold upper-case ASCII onto lower-case so the scan loop needs no per-char conversion.
    for (let s = 0; s < n; s++) {
      for (let c = 65; c <= 90; c++) delta[s * 256 + c] = delta[s * 256 + c + 32]!;
    }
    this.delta = delta;
    this.outputs = out.map((o) => (o.length ? Array.from(new Set(o)) : undefined));
  }

  /** Ids of the keywords occurring in text (each at most once). */
  find(text: string): Set<number> {
    const found = new Set<number>();
    const delta = this.delta;
    const outputs = this.outputs;
    const total = this.keywords.length;
    let s = 0;
    for (let i = 0, len = text.length; i < len; i++) {
      const c = text.charCodeAt(i);
      s = c < 256 ? delta[(s << 8) | c]! : 0;
      const o = outputs[s];
      if (o !== undefined) {
        for (const id of o) found.add(id);
        if (found.size === total) break;
      }
    }
    return found;
  }
}
