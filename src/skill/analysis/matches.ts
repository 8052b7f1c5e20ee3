/**
 * Every match of a pattern in a text, without compiling the pattern again. A fresh
 * `new RegExp(re.source, 'g')` per call (and `matchAll`, which clones its argument) makes V8
 * compile the pattern again and start it in the bytecode interpreter; the prose patterns of the
 * step model run on every clause of every skill, and that recompilation was most of a skill's
 * scan time. The global twin of each pattern is made once and reused, with the same matches, in
 * the same order, as `text.matchAll` with the pattern made global.
 */
const globals = new WeakMap<RegExp, RegExp>();

function globalOf(re: RegExp): RegExp {
  let g = globals.get(re);
  if (!g) globals.set(re, (g = ready(re.global ? new RegExp(re.source, re.flags) : new RegExp(re.source, `${re.flags}g`))));
  return g;
}

/**
 * V8 compiles a pattern on its first run: to bytecode for its interpreter when the text is
 * short (under 1000 characters), and again to machine code at the second run; on a long text,
 * to machine code at once. The bytecode compile of a pattern of kilobytes with case folding
 * takes milliseconds, and the skill analysis runs hundreds of such patterns on short texts
 * (clauses, code blocks), nearly all of them more than once: that first compile was a third of
 * a fresh process's scan. A first run on a long text that no pattern matches early (NUL
 * characters) makes V8 compile straight to machine code. Matching is unchanged: one engine,
 * the same pattern; only when it is compiled differs.
 */
const FIRST_RUN = '\0'.repeat(1024);
const made = new WeakSet<RegExp>();

/** The pattern itself, compiled to machine code on its first use. */
export function ready<T extends RegExp>(re: T): T {
  if (!made.has(re)) {
    made.add(re);
    re.lastIndex = 0;
    re.exec(FIRST_RUN);
    re.lastIndex = 0;
  }
  return re;
}

/** What `[...text.matchAll(re made global)]` gives, in order. */
export function allMatches(re: RegExp, text: string): RegExpExecArray[] {
  const out: RegExpExecArray[] = [];
  someMatch(re, text, (m) => (out.push(m), false));
  return out;
}

/** Whether some match of the pattern in text passes `keep`: the matches of allMatches, in order, up to the first kept. */
export function someMatch(re: RegExp, text: string, keep: (m: RegExpExecArray) => boolean): boolean {
  const g = globalOf(re);
  const unicode = g.unicode || g.flags.includes('v');
  g.lastIndex = 0;
  try {
    for (let m = g.exec(text); m; m = g.exec(text)) {
      if (keep(m)) return true;
      // An empty match: step past it (by a code point in unicode mode), as matchAll does.
      if (m[0] === '') g.lastIndex = advance(text, g.lastIndex, unicode);
    }
  } finally {
    g.lastIndex = 0;
  }
  return false;
}

function advance(text: string, index: number, unicode: boolean): number {
  if (!unicode || index + 1 >= text.length) return index + 1;
  const c = text.charCodeAt(index);
  if (c < 0xd800 || c > 0xdbff) return index + 1;
  const d = text.charCodeAt(index + 1);
  return d >= 0xdc00 && d <= 0xdfff ? index + 2 : index + 1;
}
