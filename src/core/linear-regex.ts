import { RE2JS } from 're2js';

/**
 * A regular expression on RE2 (re2js, a pure-JS port): matching time is linear in the input
 * whatever the pattern, so a rule or allowlist someone writes into a configuration cannot hang
 * a scan, a hook or `read` with catastrophic backtracking (`(a+)+$`). It offers what the
 * scanner uses of RegExp: `exec` with `lastIndex` (flags g, y) and match indices, and `test`.
 * RE2 has no lookaround and no backreferences; compiling such a pattern throws.
 */
export class LinearRegExp {
  lastIndex = 0;
  private readonly re: RE2JS;
  private readonly global: boolean;
  private readonly sticky: boolean;

  constructor(
    readonly source: string,
    readonly flags: string,
  ) {
    let f = 0;
    if (flags.includes('i')) f |= RE2JS.CASE_INSENSITIVE;
    if (flags.includes('m')) f |= RE2JS.MULTILINE;
    if (flags.includes('s')) f |= RE2JS.DOTALL;
    this.re = RE2JS.compile(source, f);
    this.global = flags.includes('g') || flags.includes('y');
    this.sticky = flags.includes('y');
  }

  exec(text: string): RegExpExecArray | null {
    const from = this.global ? this.lastIndex : 0;
    const m = this.re.matcher(text);
    if (from > text.length || !m.find(from) || (this.sticky && m.start() !== from)) {
      this.lastIndex = 0;
      return null;
    }
    const groups: (string | undefined)[] = [];
    const indices: ([number, number] | undefined)[] = [];
    for (let g = 0; g <= m.groupCount(); g++) {
      const start = m.start(g);
      if (start < 0) {
        groups.push(undefined);
        indices.push(undefined);
      } else {
        groups.push(text.slice(start, m.end(g)));
        indices.push([start, m.end(g)]);
      }
    }
    if (this.global) this.lastIndex = m.end();
    return Object.assign(groups, { index: m.start(), input: text, indices, groups: undefined }) as unknown as RegExpExecArray;
  }

  test(text: string): boolean {
    if (this.global) return this.exec(text) !== null;
    return this.re.test(text);
  }
}
