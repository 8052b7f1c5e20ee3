/**
 * A small, error-tolerant parser for POSIX shell and the bash it is usually written in:
 * commands, assignments, pipelines, `&&` / `||` / `;` / `&` lists, redirections, here-docs,
 * `$(…)` and backtick substitutions, process substitution, parameter expansions, and the
 * compound commands (if, for, while, until, case, functions, groups, subshells).
 *
 * It never throws: what it cannot read it skips, so a fragment from a Markdown code block
 * (placeholders such as `<your-token>`, a missing `fi`) still yields the commands around it.
 * It is pure (no fs, no processes) and linear in the input, with nesting bounded.
 *
 * Why not a package: tree-sitter-bash parses well but costs ~250 ms to instantiate its
 * WebAssembly in a fresh process (the whole budget of `skill scan`) and loads asynchronously;
 * mvdan-sh (GopherJS) takes ~440 ms to load; bash-parser ~140 ms and mis-parses common input.
 */

export interface ShLit { kind: 'lit'; value: string; quoted: boolean }
export interface ShParam { kind: 'param'; name: string; raw: string }
export interface ShSubst { kind: 'cmdsub'; script: ShScript; raw: string }
export interface ShProcSubst { kind: 'procsub'; dir: '<' | '>'; script: ShScript }
export type ShPart = ShLit | ShParam | ShSubst | ShProcSubst;

export interface ShWord {
  parts: ShPart[];
  /** Source text of the word. */
  raw: string;
  start: number;
  end: number;
}

export interface ShRedirect {
  /** `>`, `>>`, `<`, `<<`, `<<<`, `>&`, `<&`, `&>`, `&>>`, `>|`, `<>`. */
  op: string;
  fd: string | undefined;
  target: ShWord | undefined;
  /** Here-doc body (`<<`), expansions parsed unless the delimiter was quoted. */
  heredoc: ShWord | undefined;
}

export interface ShAssign { name: string; value: ShWord | undefined; start: number }

export interface ShSimple {
  kind: 'cmd';
  assigns: ShAssign[];
  words: ShWord[];
  redirects: ShRedirect[];
  start: number;
  end: number;
}

export interface ShCompound {
  kind: 'group' | 'subshell' | 'if' | 'while' | 'until' | 'case' | 'func' | 'arith' | 'test';
  /** Condition and bodies, in source order. */
  bodies: ShScript[];
  /** `[[ … ]]` and `(( … ))` words. */
  words: ShWord[];
  redirects: ShRedirect[];
  name?: string;
  start: number;
  end: number;
}

export interface ShFor {
  kind: 'for';
  variable: string;
  items: ShWord[] | undefined;
  body: ShScript;
  redirects: ShRedirect[];
  start: number;
  end: number;
}

export type ShCommand = ShSimple | ShCompound | ShFor;

export interface ShPipeline { commands: ShCommand[]; negated: boolean; start: number; end: number }

/** A list item and the operator that follows it (`;` for newline or end). */
export interface ShItem { pipeline: ShPipeline; op: '&&' | '||' | ';' | '&' }

export interface ShScript { items: ShItem[]; start: number; end: number }

const MAX_DEPTH = 40;
const RESERVED_END = new Set(['then', 'elif', 'else', 'fi', 'do', 'done', 'esac', '}', 'in']);
const META = new Set([' ', '\t', '\n', ';', '&', '|', '<', '>', '(', ')']);

export function parseShell(src: string): ShScript {
  return new ShellParser(src).script(new Set(), 0);
}

class ShellParser {
  pos = 0;
  /** Here-docs whose bodies start after the current line. */
  private pending: { redirect: ShRedirect; delim: string; strip: boolean; quoted: boolean }[] = [];

  constructor(readonly src: string, readonly stopAt = src.length) {}

  private peek(n = 0): string {
    return this.pos + n < this.stopAt ? this.src[this.pos + n]! : '';
  }

  private eof(): boolean {
    return this.pos >= this.stopAt;
  }

  private skipBlanks(): void {
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\r') this.pos++;
      else if (c === '\\' && this.peek(1) === '\n') this.pos += 2;
      else if (c === '#' && this.atWordStart()) while (!this.eof() && this.peek() !== '\n') this.pos++;
      else return;
    }
  }

  private atWordStart(): boolean {
    const prev = this.pos > 0 ? this.src[this.pos - 1]! : '\n';
    return META.has(prev) || prev === '\r';
  }

  /** Newlines (reading pending here-doc bodies) and blanks. */
  private skipNewlines(): void {
    for (;;) {
      this.skipBlanks();
      if (this.peek() === '\n') {
        this.pos++;
        this.readHeredocs();
      } else return;
    }
  }

  private readHeredocs(): void {
    const docs = this.pending;
    this.pending = [];
    for (const d of docs) {
      const bodyStart = this.pos;
      let bodyEnd = this.pos;
      for (;;) {
        if (this.eof()) {
          bodyEnd = this.pos;
          break;
        }
        let nl = this.src.indexOf('\n', this.pos);
        if (nl < 0 || nl > this.stopAt) nl = this.stopAt;
        let line = this.src.slice(this.pos, nl).replace(/\r$/, '');
        if (d.strip) line = line.replace(/^\t+/, '');
        if (line === d.delim) {
          bodyEnd = this.pos;
          this.pos = Math.min(nl + 1, this.stopAt);
          break;
        }
        this.pos = Math.min(nl + 1, this.stopAt);
      }
      const raw = this.src.slice(bodyStart, bodyEnd);
      d.redirect.heredoc = d.quoted
        ? { parts: [{ kind: 'lit', value: raw, quoted: true }], raw, start: bodyStart, end: bodyEnd }
        : new ShellParser(this.src, bodyEnd).heredocWord(bodyStart, bodyEnd);
    }
  }

  /** An unquoted here-doc body: literal text with $ and ` expansions. */
  heredocWord(start: number, end: number): ShWord {
    this.pos = start;
    const parts: ShPart[] = [];
    let lit = '';
    while (this.pos < end) {
      const c = this.peek();
      if (c === '\\' && (this.peek(1) === '$' || this.peek(1) === '`' || this.peek(1) === '\\')) {
        lit += this.peek(1);
        this.pos += 2;
      } else if (c === '$' || c === '`') {
        const p = c === '$' ? this.dollar(0) : this.backtick(0);
        if (p) {
          if (lit) parts.push({ kind: 'lit', value: lit, quoted: true });
          lit = '';
          parts.push(p);
        } else {
          lit += c;
          this.pos++;
        }
      } else {
        lit += c;
        this.pos++;
      }
    }
    if (lit) parts.push({ kind: 'lit', value: lit, quoted: true });
    return { parts, raw: this.src.slice(start, end), start, end };
  }

  /** A list of pipelines up to EOF, `)` (when closing) or a reserved word in `stops`. */
  script(stops: Set<string>, depth: number, closer = ''): ShScript {
    const start = this.pos;
    const items: ShItem[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.eof()) break;
      const c = this.peek();
      if (closer && c === closer) break;
      if (c === ')' || (c === ';' && this.peek(1) === ';')) {
        if (closer || stops.size) break;
        this.pos++;
        continue;
      }
      const word = this.peekReserved();
      if (word && stops.has(word)) break;
      const before = this.pos;
      const pipeline = this.pipeline(stops, depth, closer);
      this.skipBlanks();
      let op: ShItem['op'] = ';';
      const a = this.peek();
      const b = this.peek(1);
      if (a === '&' && b === '&') {
        op = '&&';
        this.pos += 2;
      } else if (a === '|' && b === '|') {
        op = '||';
        this.pos += 2;
      } else if (a === ';' && b !== ';') {
        this.pos++;
      } else if (a === '&' && b !== '>') {
        op = '&';
        this.pos++;
      }
      if (pipeline.commands.length) items.push({ pipeline, op });
      if (this.pos === before) this.pos++; // never stall on a character nothing accepts
    }
    this.pos = Math.min(this.pos, this.stopAt);
    return { items, start, end: this.pos };
  }

  private peekReserved(): string | undefined {
    const m = /^(?:[a-z]+|[{}!]|\[\[|\(\()(?=$|[\s;&|()<>])/.exec(this.src.slice(this.pos, Math.min(this.pos + 10, this.stopAt)));
    return m?.[0];
  }

  private pipeline(stops: Set<string>, depth: number, closer: string): ShPipeline {
    const start = this.pos;
    const commands: ShCommand[] = [];
    let negated = false;
    this.skipBlanks();
    if (this.peekReserved() === '!') {
      negated = true;
      this.pos++;
    }
    for (;;) {
      this.skipBlanks();
      const cmd = this.command(stops, depth, closer);
      if (cmd) commands.push(cmd);
      this.skipBlanks();
      if (this.peek() === '|' && this.peek(1) !== '|') {
        this.pos += this.peek(1) === '&' ? 2 : 1;
        this.skipNewlines();
        continue;
      }
      break;
    }
    return { commands, negated, start, end: this.pos };
  }

  private command(stops: Set<string>, depth: number, closer: string): ShCommand | undefined {
    if (depth > MAX_DEPTH) {
      // Too deep to be honest shell: read the rest of the line as words of one command.
      return this.simple(depth, closer);
    }
    const start = this.pos;
    const w = this.peekReserved();
    const kw = (word: string) => {
      this.pos += word.length;
    };
    const finish = (node: ShCommand): ShCommand => {
      this.redirectsInto(node.redirects, depth);
      node.end = this.pos;
      return node;
    };
    if (this.peek() === '(' && this.peek(1) === '(') {
      const end = this.src.indexOf('))', this.pos);
      const stop = end < 0 || end > this.stopAt ? this.stopAt : end + 2;
      const word = this.literalWord(this.pos, stop);
      this.pos = stop;
      return finish({ kind: 'arith', bodies: [], words: [word], redirects: [], start, end: stop });
    }
    if (this.peek() === '(') {
      this.pos++;
      const body = this.script(new Set(), depth + 1, ')');
      if (this.peek() === ')') this.pos++;
      return finish({ kind: 'subshell', bodies: [body], words: [], redirects: [], start, end: this.pos });
    }
    switch (w) {
      case '{': {
        kw('{');
        const body = this.script(new Set(['}']), depth + 1, closer);
        if (this.peekReserved() === '}') kw('}');
        return finish({ kind: 'group', bodies: [body], words: [], redirects: [], start, end: this.pos });
      }
      case '[[': {
        kw('[[');
        const words: ShWord[] = [];
        for (;;) {
          this.skipBlanks();
          if (this.eof() || this.peek() === '\n') break;
          if (this.src.startsWith(']]', this.pos)) {
            this.pos += 2;
            break;
          }
          const word = this.word(depth);
          if (word) words.push(word);
          else this.pos++;
        }
        return finish({ kind: 'test', bodies: [], words, redirects: [], start, end: this.pos });
      }
      case 'if': {
        kw('if');
        const bodies: ShScript[] = [this.script(new Set(['then']), depth + 1, closer)];
        for (;;) {
          const r = this.peekReserved();
          if (r === 'then' || r === 'else') {
            kw(r);
            bodies.push(this.script(new Set(['elif', 'else', 'fi']), depth + 1, closer));
          } else if (r === 'elif') {
            kw(r);
            bodies.push(this.script(new Set(['then']), depth + 1, closer));
          } else {
            if (r === 'fi') kw('fi');
            break;
          }
        }
        return finish({ kind: 'if', bodies, words: [], redirects: [], start, end: this.pos });
      }
      case 'while':
      case 'until': {
        kw(w);
        const cond = this.script(new Set(['do']), depth + 1, closer);
        const body = this.doGroup(depth, closer);
        return finish({ kind: w, bodies: [cond, body], words: [], redirects: [], start, end: this.pos });
      }
      case 'for': {
        kw('for');
        this.skipBlanks();
        if (this.peek() === '(' && this.peek(1) === '(') {
          const end = this.src.indexOf('))', this.pos);
          this.pos = end < 0 || end > this.stopAt ? this.stopAt : end + 2;
          this.skipBlanks();
          if (this.peek() === ';') this.pos++;
          const body = this.doGroup(depth, closer);
          return finish({ kind: 'for', variable: '', items: undefined, body, redirects: [], start, end: this.pos });
        }
        const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.src.slice(this.pos, this.stopAt))?.[0] ?? '';
        this.pos += name.length;
        this.skipNewlines();
        let items: ShWord[] | undefined;
        if (this.peekReserved() === 'in') {
          kw('in');
          items = [];
          for (;;) {
            this.skipBlanks();
            const c = this.peek();
            if (this.eof() || c === '\n' || c === ';') break;
            const word = this.word(depth);
            if (word) items.push(word);
            else break;
          }
        }
        if (this.peek() === ';') this.pos++;
        const body = this.doGroup(depth, closer);
        return finish({ kind: 'for', variable: name, items, body, redirects: [], start, end: this.pos });
      }
      case 'case': {
        kw('case');
        this.skipBlanks();
        const subject = this.word(depth);
        this.skipNewlines();
        if (this.peekReserved() === 'in') kw('in');
        const bodies: ShScript[] = [];
        for (;;) {
          this.skipNewlines();
          if (this.eof() || this.peekReserved() === 'esac') break;
          // pattern list up to ')'
          const close = this.src.indexOf(')', this.pos);
          if (close < 0 || close >= this.stopAt) {
            this.pos = this.stopAt;
            break;
          }
          this.pos = close + 1;
          bodies.push(this.script(new Set(['esac']), depth + 1, closer));
          if (this.peek() === ';' && this.peek(1) === ';') this.pos += this.peek(2) === '&' ? 3 : 2;
          else if (this.peek() === ';' && this.peek(1) === '&') this.pos += 2;
          else if (this.peekReserved() !== 'esac') break;
        }
        if (this.peekReserved() === 'esac') kw('esac');
        return finish({ kind: 'case', bodies, words: subject ? [subject] : [], redirects: [], start, end: this.pos });
      }
      case 'function': {
        kw('function');
        this.skipBlanks();
        const name = /^[^\s();&|<>]+/.exec(this.src.slice(this.pos, this.stopAt))?.[0] ?? '';
        this.pos += name.length;
        this.skipBlanks();
        if (this.peek() === '(' && this.peek(1) === ')') this.pos += 2;
        this.skipNewlines();
        const body = this.command(stops, depth + 1, closer);
        return { kind: 'func', name: name.replace(/\(\)$/, ''), bodies: body ? [wrap(body)] : [], words: [], redirects: [], start, end: this.pos };
      }
      default:
        break;
    }
    if (w && RESERVED_END.has(w)) return undefined;
    // name() { … }
    const fn = /^([A-Za-z_][\w.:-]*)[ \t]*\([ \t]*\)/.exec(this.src.slice(this.pos, Math.min(this.pos + 200, this.stopAt)));
    if (fn) {
      this.pos += fn[0].length;
      this.skipNewlines();
      const body = this.command(stops, depth + 1, closer);
      return { kind: 'func', name: fn[1]!, bodies: body ? [wrap(body)] : [], words: [], redirects: [], start, end: this.pos };
    }
    return this.simple(depth, closer);
  }

  private doGroup(depth: number, closer: string): ShScript {
    this.skipNewlines();
    if (this.peekReserved() === 'do') this.pos += 2;
    else if (this.peekReserved() === '{') {
      this.pos++;
      const body = this.script(new Set(['}']), depth + 1, closer);
      if (this.peekReserved() === '}') this.pos++;
      return body;
    }
    const body = this.script(new Set(['done']), depth + 1, closer);
    if (this.peekReserved() === 'done') this.pos += 4;
    return body;
  }

  private simple(depth: number, closer: string): ShSimple | undefined {
    const start = this.pos;
    const node: ShSimple = { kind: 'cmd', assigns: [], words: [], redirects: [], start, end: start };
    for (;;) {
      this.skipBlanks();
      const c = this.peek();
      if (this.eof() || c === '\n' || c === ';' || c === '|' || c === ')' || (c === '&' && this.peek(1) !== '>') || (closer && c === closer)) break;
      if (c === '(' ) {
        // `name=(a b)` arrays are handled in word(); a stray ( ends the command.
        break;
      }
      if (this.redirect(node.redirects, depth)) continue;
      if (!node.words.length) {
        const m = /^([A-Za-z_][A-Za-z0-9_]*)(\[[^\]\n]{0,100}\])?\+?=/.exec(this.src.slice(this.pos, Math.min(this.pos + 300, this.stopAt)));
        if (m) {
          const at = this.pos;
          this.pos += m[0].length;
          let value: ShWord | undefined;
          if (this.peek() === '(') {
            const close = this.src.indexOf(')', this.pos);
            const stop = close < 0 || close >= this.stopAt ? this.stopAt : close + 1;
            value = new ShellParser(this.src, stop - 1).arrayWord(this.pos + 1, stop - 1, depth);
            this.pos = stop;
          } else {
            const c2 = this.peek();
            value = c2 && !META.has(c2) ? this.word(depth) : undefined;
          }
          node.assigns.push({ name: m[1]!, value, start: at });
          continue;
        }
      }
      const word = this.word(depth);
      if (!word) {
        this.pos++;
        continue;
      }
      node.words.push(word);
    }
    node.end = this.pos;
    if (!node.words.length && !node.assigns.length && !node.redirects.length) return undefined;
    return node;
  }

  arrayWord(start: number, end: number, depth: number): ShWord {
    this.pos = start;
    const parts: ShPart[] = [];
    while (this.pos < end) {
      this.skipBlanks();
      if (this.peek() === '\n') {
        this.pos++;
        continue;
      }
      const w = this.word(depth);
      if (!w) {
        this.pos++;
        continue;
      }
      if (parts.length) parts.push({ kind: 'lit', value: ' ', quoted: false });
      parts.push(...w.parts);
    }
    return { parts, raw: this.src.slice(start, end), start, end };
  }

  private redirectsInto(list: ShRedirect[], depth: number): void {
    for (;;) {
      this.skipBlanks();
      if (!this.redirect(list, depth)) return;
    }
  }

  private redirect(list: ShRedirect[], depth: number): boolean {
    const m = /^(\d{1,2}|\{[A-Za-z_]\w*\})?(<<<|<<-|<<|&>>|&>|>>|>&|<&|>\||<>|>|<)/.exec(this.src.slice(this.pos, Math.min(this.pos + 16, this.stopAt)));
    if (!m) return false;
    // `<(` and `>(` are process substitutions, read as words.
    if ((m[2] === '<' || m[2] === '>') && this.src[this.pos + m[0].length] === '(') return false;
    this.pos += m[0].length;
    const op = m[2]!;
    const r: ShRedirect = { op: op === '<<-' ? '<<' : op, fd: m[1], target: undefined, heredoc: undefined };
    this.skipBlanks();
    if (op === '<<' || op === '<<-') {
      const start = this.pos;
      const w = this.word(depth);
      const delimRaw = w ? this.src.slice(start, this.pos) : '';
      const quoted = /["'\\]/.test(delimRaw);
      const delim = delimRaw.replace(/["'\\]/g, '');
      r.target = w;
      if (delim) this.pending.push({ redirect: r, delim, strip: op === '<<-', quoted });
    } else {
      r.target = this.word(depth);
    }
    list.push(r);
    return true;
  }

  private literalWord(start: number, end: number): ShWord {
    const raw = this.src.slice(start, end);
    return { parts: [{ kind: 'lit', value: raw, quoted: false }], raw, start, end };
  }

  /** One word: quotes, escapes and expansions; undefined at a metacharacter. */
  word(depth: number): ShWord | undefined {
    const start = this.pos;
    const parts: ShPart[] = [];
    let lit = '';
    const flush = (quoted: boolean) => {
      if (lit) parts.push({ kind: 'lit', value: lit, quoted });
      lit = '';
    };
    for (;;) {
      if (this.eof()) break;
      const c = this.peek();
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === ';' || c === '&' || c === '|' || c === ')') break;
      if ((c === '<' || c === '>') && this.peek(1) === '(') {
        flush(false);
        this.pos += 2;
        const script = this.script(new Set(), depth + 1, ')');
        if (this.peek() === ')') this.pos++;
        parts.push({ kind: 'procsub', dir: c, script });
        continue;
      }
      if (c === '<' || c === '>' || c === '(') {
        if (c === '(' && (this.src[this.pos - 1] === '@' || this.src[this.pos - 1] === '=')) {
          lit += c;
          this.pos++;
          continue;
        }
        break;
      }
      if (c === '\\') {
        if (this.peek(1) !== '\n') lit += this.peek(1);
        this.pos = Math.min(this.pos + 2, this.stopAt);
        continue;
      }
      if (c === "'") {
        flush(false);
        const close = this.src.indexOf("'", this.pos + 1);
        const stop = close < 0 || close >= this.stopAt ? this.stopAt : close;
        parts.push({ kind: 'lit', value: this.src.slice(this.pos + 1, stop), quoted: true });
        this.pos = Math.min(stop + 1, this.stopAt);
        continue;
      }
      if (c === '$' && this.peek(1) === "'") {
        flush(false);
        this.pos += 2;
        let value = '';
        while (!this.eof() && this.peek() !== "'") {
          if (this.peek() === '\\') {
            const [ch, len] = ansiEscape(this.src, this.pos);
            value += ch;
            this.pos += len;
          } else value += this.src[this.pos++];
        }
        this.pos = Math.min(this.pos + 1, this.stopAt);
        parts.push({ kind: 'lit', value, quoted: true });
        continue;
      }
      if (c === '"') {
        flush(false);
        this.pos++;
        this.doubleQuoted(parts, depth);
        continue;
      }
      if (c === '$' || c === '`') {
        const p = c === '$' ? this.dollar(depth) : this.backtick(depth);
        if (p) {
          flush(false);
          parts.push(p);
          continue;
        }
      }
      lit += c;
      this.pos++;
    }
    flush(false);
    if (this.pos === start) return undefined;
    return { parts, raw: this.src.slice(start, this.pos), start, end: this.pos };
  }

  private doubleQuoted(parts: ShPart[], depth: number): void {
    let lit = '';
    const flush = () => {
      if (lit) parts.push({ kind: 'lit', value: lit, quoted: true });
      lit = '';
    };
    while (!this.eof()) {
      const c = this.peek();
      if (c === '"') {
        this.pos++;
        break;
      }
      if (c === '\\' && '$`"\\\n'.includes(this.peek(1))) {
        if (this.peek(1) !== '\n') lit += this.peek(1);
        this.pos += 2;
        continue;
      }
      if (c === '$' || c === '`') {
        const p = c === '$' ? this.dollar(depth) : this.backtick(depth);
        if (p) {
          flush();
          parts.push(p);
          continue;
        }
      }
      lit += c;
      this.pos++;
    }
    flush();
    if (!parts.length) parts.push({ kind: 'lit', value: '', quoted: true });
  }

  /** `$NAME`, `${…}`, `$(…)`, `$((…))` at pos; undefined for a lone `$`. */
  private dollar(depth: number): ShPart | undefined {
    const start = this.pos;
    const n = this.peek(1);
    if (n === '(' && this.peek(2) === '(') {
      const close = this.src.indexOf('))', this.pos);
      this.pos = close < 0 || close >= this.stopAt ? this.stopAt : close + 2;
      return { kind: 'lit', value: '0', quoted: false };
    }
    if (n === '(') {
      this.pos += 2;
      const script = depth > MAX_DEPTH ? this.skipTo(')') : this.script(new Set(), depth + 1, ')');
      if (this.peek() === ')') this.pos++;
      return { kind: 'cmdsub', script, raw: this.src.slice(start, this.pos) };
    }
    if (n === '{') {
      let level = 0;
      let i = this.pos + 1;
      for (; i < this.stopAt; i++) {
        const ch = this.src[i];
        if (ch === '{') level++;
        else if (ch === '}' && --level === 0) break;
        else if (ch === '\n' && i - this.pos > 400) break;
      }
      const body = this.src.slice(this.pos + 2, i);
      this.pos = Math.min(i + 1, this.stopAt);
      const name = /^[#!]?([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!-])/.exec(body)?.[1] ?? '';
      return { kind: 'param', name, raw: this.src.slice(start, this.pos) };
    }
    const m = /^(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]|[@*#?$!-])/.exec(this.src.slice(this.pos + 1, Math.min(this.pos + 200, this.stopAt)));
    if (!m) return undefined;
    this.pos += 1 + m[0].length;
    return { kind: 'param', name: m[0], raw: this.src.slice(start, this.pos) };
  }

  private backtick(depth: number): ShPart | undefined {
    const start = this.pos;
    let i = this.pos + 1;
    let inner = '';
    for (; i < this.stopAt; i++) {
      const ch = this.src[i]!;
      if (ch === '\\' && i + 1 < this.stopAt && '$`\\'.includes(this.src[i + 1]!)) {
        inner += this.src[++i];
        continue;
      }
      if (ch === '`') break;
      inner += ch;
    }
    if (i >= this.stopAt) return undefined;
    this.pos = i + 1;
    const script = depth > MAX_DEPTH ? { items: [], start, end: this.pos } : shiftScript(new ShellParser(inner).script(new Set(), depth + 1), start + 1);
    return { kind: 'cmdsub', script, raw: this.src.slice(start, this.pos) };
  }

  private skipTo(ch: string): ShScript {
    const start = this.pos;
    const i = this.src.indexOf(ch, this.pos);
    this.pos = i < 0 || i >= this.stopAt ? this.stopAt : i;
    return { items: [], start, end: this.pos };
  }
}

function wrap(cmd: ShCommand): ShScript {
  return { items: [{ pipeline: { commands: [cmd], negated: false, start: cmd.start, end: cmd.end }, op: ';' }], start: cmd.start, end: cmd.end };
}

/** Backtick bodies are parsed on their unescaped text; move offsets back into the file. */
function shiftScript(s: ShScript, by: number): ShScript {
  const seen = new Set<object>();
  const shift = (o: unknown): void => {
    if (!o || typeof o !== 'object' || seen.has(o)) return;
    seen.add(o);
    const r = o as Record<string, unknown>;
    for (const k of ['start', 'end']) if (typeof r[k] === 'number') (r[k] as number) += by;
    for (const v of Object.values(r)) if (v && typeof v === 'object') shift(v);
  };
  shift(s);
  return s;
}

function ansiEscape(src: string, at: number): [string, number] {
  const n = src[at + 1] ?? '';
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };
  if (n in simple) return [simple[n]!, 2];
  let m = /^x([0-9A-Fa-f]{1,2})/.exec(src.slice(at + 1, at + 4));
  if (m) return [String.fromCharCode(parseInt(m[1]!, 16)), 1 + m[0].length];
  m = /^u([0-9A-Fa-f]{1,4})/.exec(src.slice(at + 1, at + 6)) ?? /^U([0-9A-Fa-f]{1,8})/.exec(src.slice(at + 1, at + 10));
  if (m) {
    const cp = parseInt(m[1]!, 16);
    return [cp <= 0x10ffff ? String.fromCodePoint(cp) : '', 1 + m[0].length];
  }
  m = /^[0-7]{1,3}/.exec(src.slice(at + 1, at + 4));
  if (m) return [String.fromCharCode(parseInt(m[0], 8) & 0xff), 1 + m[0].length];
  return [n, 2];
}

/** Text of a word when it has no expansions; undefined otherwise. */
export function literalText(w: ShWord | undefined): string | undefined {
  if (!w) return undefined;
  let s = '';
  for (const p of w.parts) {
    if (p.kind !== 'lit') return undefined;
    s += p.value;
  }
  return s;
}

/** Visit every simple command, including those inside substitutions and compound commands. */
export function eachCommand(script: ShScript, fn: (c: ShSimple) => void): void {
  const visitWord = (w: ShWord | undefined) => {
    if (!w) return;
    for (const p of w.parts) if (p.kind === 'cmdsub' || p.kind === 'procsub') eachCommand(p.script, fn);
  };
  const visit = (c: ShCommand) => {
    if (c.kind === 'cmd') {
      fn(c);
      c.words.forEach(visitWord);
      c.assigns.forEach((a) => visitWord(a.value));
    } else if (c.kind === 'for') {
      c.items?.forEach(visitWord);
      eachCommand(c.body, fn);
    } else {
      c.words.forEach(visitWord);
      c.bodies.forEach((b) => eachCommand(b, fn));
    }
    for (const r of c.redirects) {
      visitWord(r.target);
      visitWord(r.heredoc);
    }
  };
  for (const item of script.items) item.pipeline.commands.forEach(visit);
}
