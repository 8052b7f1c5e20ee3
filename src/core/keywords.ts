/**
 * One-pass multi-keyword search (Aho-Corasick compiled to a dense DFA over bytes).
 *
 * Keywords are ASCII and matched case-insensitively. Text is expected as a "binary"
 * (latin1) string, one char per byte, which is how every source hands text to the engine;
 * code units above 255 (text a byte order mark decoded) reset the automaton like any other
 * character no keyword holds, which is correct for ASCII keywords.
 *
 * The DFA runs over byte classes, not bytes: every byte no keyword uses shares class 0 and
 * upper-case ASCII shares its lower-case class. With a few hundred keywords that shrinks the
 * transition table about sixfold, so it is built in milliseconds (every scan, staged scans
 * included, pays for the build) and stays in cache while scanning.
 */
/**
 * Marks a DFA entry not computed yet. Zero, so the tables need no fill: a new typed array is
 * zero already, and the pages of a large one are not even touched until a scan uses them
 * (filling two megabytes of tables cost every start tens of milliseconds on a busy machine).
 * A real entry is never zero: state k's row starts at (k + 1) * width, row 0 is never used.
 */
const UNRESOLVED = 0;

export class KeywordAutomaton {
  readonly keywords: readonly string[];
  /** Byte -> class. */
  private readonly classOf: Uint8Array;
  /**
   * Transitions, one row of `width` entries per state, state k's row at (k + 1) * width. An
   * entry holds the target's row offset; states where keywords end are stored negated, so the
   * scan loop needs no lookup except when a keyword ends; 0 is not computed yet.
   */
  private readonly delta: Int32Array;
  private readonly width: number;
  /** Trie edges per state as (class, child) pairs, failure links and which states end a keyword. */
  private readonly edges: number[][];
  private readonly rootNext: Int32Array;
  private readonly fail: Int32Array;
  private readonly hasOutput: boolean[];
  /** For each state, the keyword ids that end there (including via suffix links), or undefined. */
  private readonly outputs: (number[] | undefined)[];

  /** Per keyword id: it must start a word (see `find`). */
  private readonly bounded: Uint8Array;
  /** Per keyword id: its length, to find where a match began. */
  private readonly lengths: Int32Array;
  /** Per keyword id: found in the text being searched (all zero between calls). */
  private readonly seen: Uint8Array;

  /**
   * A keyword that begins with a letter matches only where a word starts: at the start of the
   * text, after a character that is not a letter or digit, or at a camelCase hump (`myOkta`).
   * So `okta` is not found inside `rookTable`, while `ghp_`, `OKTA_TOKEN` and `oktaToken` are.
   * A leading `*` lifts that (`*t3blbkfj`, a marker inside an OpenAI key); keywords that begin
   * with a digit or punctuation match anywhere.
   */
  constructor(keywords: readonly string[]) {
    this.keywords = keywords;
    this.bounded = new Uint8Array(keywords.length);
    this.lengths = new Int32Array(keywords.length);
    this.seen = new Uint8Array(keywords.length);
    const lowered = keywords.map((raw, id) => {
      const anywhere = raw.startsWith('*');
      const kw = (anywhere ? raw.slice(1) : raw).toLowerCase();
      this.bounded[id] = !anywhere && /^[a-z]/.test(kw) ? 1 : 0;
      this.lengths[id] = kw.length;
      for (let i = 0; i < kw.length; i++) if (kw.charCodeAt(i) > 255) throw new Error(`keyword "${raw}" is not ASCII/latin1`);
      return kw;
    });

    // One entry per UTF-16 code unit, so the scan loop needs no test for characters past
    // latin1: they share class 0 with every other character no keyword uses, and class 0 leads
    // back to the root from any state (no keyword holds it). The branch that test cost was a
    // third of the keyword pass.
    const classOf = new Uint8Array(65536);
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

    // Trie: each state's edges as (class, child) pairs, a handful each (the root's are the
    // most, one per class). No dense table: every start builds this, and a table of
    // states x classes was two megabytes to allocate and touch for a few thousand edges.
    const children: number[][] = [[]];
    // The root has an edge on most classes: those are looked up directly.
    const rootNext = new Int32Array(width);
    const out: number[][] = [[]];
    let states = 1;
    lowered.forEach((kw, id) => {
      let s = 0;
      for (let i = 0; i < kw.length; i++) {
        const a = classOf[kw.charCodeAt(i)]!;
        let next = s === 0 ? rootNext[a]! : edgeOf(children[s]!, a);
        if (next === 0) {
          next = states++;
          out.push([]);
          children.push([]);
          children[s]!.push(a, next);
          if (s === 0) rootNext[a] = next;
        }
        s = next;
      }
      out[s]!.push(id);
    });

    // Failure links, breadth-first over the trie's edges only (no full rows): a state's
    // failure target is shallower, so its outputs are final when the state borrows them.
    const fail = new Int32Array(states);
    const queue = new Int32Array(states);
    let head = 0;
    let tail = 1; // queue[0] = root
    while (head < tail) {
      const s = queue[head++]!;
      const edges = children[s]!;
      for (let e = 0; e < edges.length; e += 2) {
        const a = edges[e]!;
        const t = edges[e + 1]!;
        let f = fail[s]!;
        while (f > 0 && edgeOf(children[f]!, a) === 0) f = fail[f]!;
        const g = f === 0 ? rootNext[a]! : edgeOf(children[f]!, a);
        fail[t] = g !== t ? g : 0;
        if (out[fail[t]!]!.length) out[t] = out[t]!.concat(out[fail[t]!]!);
        queue[tail++] = t;
      }
    }

    this.classOf = classOf;
    this.edges = children;
    this.rootNext = rootNext;
    this.fail = fail;
    this.hasOutput = out.map((o) => o.length > 0);
    // The DFA rows are filled in lazily, the first time the scan takes a transition: a
    // scan visits a small part of the states, and a staged scan of ten files must not pay
    // for the full table (hundreds of keywords x dozens of classes) at every start.
    this.delta = new Int32Array((states + 1) * width);
    this.width = width;
    this.outputs = out.map((o) => (o.length ? Array.from(new Set(o)) : undefined));
  }

  /**
   * Fill in (and remember) the DFA transition from the state whose row starts at `row`
   * ((state + 1) * width) on class `a`: the next state's row, negated when keywords end there.
   */
  private resolve(row: number, a: number): number {
    const s = row / this.width - 1;
    let t = s === 0 ? this.rootNext[a]! : edgeOf(this.edges[s]!, a);
    if (t === 0 && s !== 0) {
      const frow = (this.fail[s]! + 1) * this.width;
      let e = this.delta[frow + a]!;
      if (e === UNRESOLVED) e = this.resolve(frow, a);
      t = (e > 0 ? e : -e) / this.width - 1;
    }
    const next = (t + 1) * this.width;
    const encoded = this.hasOutput[t] ? -next : next;
    this.delta[row + a] = encoded;
    return encoded;
  }

  /**
   * Ids of the keywords occurring in text, each once, in the order first found. A mark per
   * keyword id (cleared before returning) replaces a Set: this runs once per scanned file.
   */
  find(text: string): number[] {
    const found: number[] = [];
    const { delta, classOf, outputs, width, bounded, lengths, seen } = this;
    const total = this.keywords.length;
    let s = width; // the root's row
    for (let i = 0, len = text.length; i < len; i++) {
      const a = classOf[text.charCodeAt(i)]!;
      let e = delta[s + a]!;
      if (e === UNRESOLVED) e = this.resolve(s, a);
      if (e > 0) {
        s = e;
        continue;
      }
      s = -e;
      for (const id of outputs[s / width - 1]!) {
        if (seen[id] === 1) continue;
        if (bounded[id] === 1 && !startsWord(text, i - lengths[id]! + 1)) continue;
        seen[id] = 1;
        found.push(id);
      }
      if (found.length === total) break;
    }
    for (const id of found) seen[id] = 0;
    return found;
  }
}

/** The child a trie state has on class `a`, or 0 (the root is nobody's child). */
function edgeOf(edges: number[], a: number): number {
  for (let e = 0; e < edges.length; e += 2) if (edges[e] === a) return edges[e + 1]!;
  return 0;
}

const isAlnum = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** A word starts at `p`: text start, after a non-alphanumeric, or at a camelCase hump. */
function startsWord(text: string, p: number): boolean {
  if (p === 0) return true;
  const prev = text.charCodeAt(p - 1);
  if (!isAlnum(prev)) return true;
  const cur = text.charCodeAt(p);
  return cur >= 65 && cur <= 90 && !(prev >= 65 && prev <= 90);
}
