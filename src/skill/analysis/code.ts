/**
 * Error-tolerant parsers for Python and JavaScript/TypeScript into one small syntax tree:
 * the statements and expressions a dataflow needs (assignments, imports, calls, members,
 * string building, literals, functions, loops and `with`), nothing about types or semantics.
 * Anything else is kept as an `other` node whose children are still walked.
 *
 * Why not a package: @lezer/python and @lezer/javascript parse well and synchronously but add
 * ~45 ms of table decoding to a fresh process; tree-sitter's WebAssembly grammars ~250 ms and
 * load asynchronously; acorn and @babel/parser cover JavaScript only. A scan must start in
 * well under 0.2 s, and a tokenizer plus a precedence parser costs nothing to load.
 */

export type Expr =
  | { t: 'str'; value: string; at: number }
  | { t: 'tmpl'; parts: (string | Expr)[]; at: number }
  | { t: 'num'; value: number; at: number }
  | { t: 'name'; name: string; at: number }
  | { t: 'member'; obj: Expr; prop: string; at: number }
  | { t: 'index'; obj: Expr; index: Expr | undefined; slice?: (Expr | undefined)[]; at: number }
  | { t: 'call'; callee: Expr; args: Expr[]; kwargs: { name: string; value: Expr }[]; isNew: boolean; at: number }
  | { t: 'bin'; op: string; left: Expr; right: Expr; at: number }
  | { t: 'list'; items: Expr[]; at: number }
  | { t: 'dict'; entries: { key: Expr | undefined; value: Expr }[]; at: number }
  | { t: 'func'; params: string[]; body: Stmt[]; at: number }
  | { t: 'comp'; elt: Expr; target: Target; iter: Expr; at: number }
  | { t: 'other'; children: Expr[]; at: number };

export type Target = { t: 'name'; name: string } | { t: 'pattern'; names: { key: string; name: string }[]; rest?: string } | { t: 'expr'; expr: Expr };

export type Stmt =
  | { t: 'assign'; targets: Target[]; value: Expr; op: string; at: number }
  | { t: 'expr'; e: Expr; at: number }
  | { t: 'import'; module: string; names: { name: string; alias: string }[]; star?: string; at: number }
  | { t: 'def'; name: string; params: string[]; body: Stmt[]; at: number }
  | { t: 'return'; e: Expr | undefined; at: number }
  | { t: 'for'; target: Target; iter: Expr; body: Stmt[]; at: number }
  | { t: 'with'; items: { e: Expr; as: Target | undefined }[]; body: Stmt[]; at: number }
  | { t: 'block'; body: Stmt[]; at: number };

type TokKind = 'name' | 'num' | 'str' | 'tmpl' | 'op' | 'nl' | 'indent' | 'dedent' | 'eof';
interface Tok {
  k: TokKind;
  v: string;
  at: number;
  /** Strings: decoded value; templates: parts. */
  value?: string;
  parts?: (string | { src: string; at: number })[];
  prefix?: string;
}

const MAX_DEPTH = 60;
const MAX_TOKENS = 400_000;

// ---------------------------------------------------------------------------------------
// Escapes

function unescape(body: string, lang: 'py' | 'js', raw: boolean): string {
  if (raw || !body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i] ?? '';
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case '0':
      case '2': case '3': case '4': case '5': case '6': case '7': {
        if (n === '0' && !/[0-7]/.test(body[i + 1] ?? '')) {
          out += '\0';
          break;
        }
        const m = /^[0-7]{1,3}/.exec(body.slice(i))!;
        out += String.fromCharCode(parseInt(m[0], 8));
        i += m[0].length - 1;
        break;
      }
      case 'x': {
        const h = body.slice(i + 1, i + 3);
        if (/^[0-9a-fA-F]{2}$/.test(h)) {
          out += String.fromCharCode(parseInt(h, 16));
          i += 2;
        } else out += 'x';
        break;
      }
      case 'u': {
        if (lang === 'js' && body[i + 1] === '{') {
          const close = body.indexOf('}', i);
          const cp = parseInt(body.slice(i + 2, close), 16);
          out += Number.isFinite(cp) && cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
          i = close < 0 ? i : close;
        } else {
          const h = body.slice(i + 1, i + 5);
          if (/^[0-9a-fA-F]{4}$/.test(h)) {
            out += String.fromCharCode(parseInt(h, 16));
            i += 4;
          } else out += 'u';
        }
        break;
      }
      case 'U': {
        const h = body.slice(i + 1, i + 9);
        if (/^[0-9a-fA-F]{8}$/.test(h) && parseInt(h, 16) <= 0x10ffff) {
          out += String.fromCodePoint(parseInt(h, 16));
          i += 8;
        } else out += 'U';
        break;
      }
      case '\n': break;
      default: out += n;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Tokenizers

const STRING_PREFIX = /([rRbBuUfF]{1,2})?(['"])/y;
const NUMBER = /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d+)?)[jJnlL]?/y;
const IDENT = /[A-Za-z_$\u00c0-\uffff][\w$\u00c0-\uffff]{0,255}/y;
const PUNCT = ['>>>=', '...', '**=', '//=', '>>=', '<<=', '===', '!==', '>>>', '**', '//', '==', '!=', '<=', '>=', '->', '=>', '&&', '||', '??', '?.', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', ':=', '<<', '>>', '++', '--'];

const CHAIN_NEXT = /[ \t\r\n]*\??\.(?![.\d])/y;

function tokenize(src: string, lang: 'py' | 'js'): Tok[] {
  const toks: Tok[] = [];
  const indents = [0];
  let depth = 0; // brackets: newlines inside are not statement ends (Python)
  let i = 0;
  let lineStart = true;
  const n = src.length;
  const push = (t: Tok) => {
    if (toks.length < MAX_TOKENS) toks.push(t);
  };
  const prevIsOperand = () => {
    const p = toks[toks.length - 1];
    if (!p) return false;
    if (p.k === 'name') return !/^(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/.test(p.v);
    return p.k === 'num' || p.k === 'str' || p.k === 'tmpl' || (p.k === 'op' && (p.v === ')' || p.v === ']' || p.v === '}'));
  };
  while (i < n && toks.length < MAX_TOKENS) {
    if (lang === 'py' && lineStart && depth === 0) {
      // Indentation at the start of a logical line
      let col = 0;
      let j = i;
      while (j < n && (src[j] === ' ' || src[j] === '\t')) {
        col += src[j] === '\t' ? 8 - (col % 8) : 1;
        j++;
      }
      if (j < n && src[j] !== '\n' && src[j] !== '\r' && src[j] !== '#') {
        if (col > indents[indents.length - 1]!) {
          indents.push(col);
          push({ k: 'indent', v: '', at: j });
        } else {
          while (col < indents[indents.length - 1]!) {
            indents.pop();
            push({ k: 'dedent', v: '', at: j });
          }
        }
      }
      i = j;
      lineStart = false;
      continue;
    }
    const c = src[i]!;
    if (c === '\n') {
      // JavaScript: a line that starts with `.member` continues the expression above (a chain).
      CHAIN_NEXT.lastIndex = i + 1;
      if (lang === 'js' && depth === 0 && CHAIN_NEXT.test(src)) {
        i++;
        lineStart = true;
        continue;
      }
      if (depth === 0 || lang === 'js') {
        if (toks.length && toks[toks.length - 1]!.k !== 'nl') push({ k: 'nl', v: '\n', at: i });
      }
      i++;
      lineStart = true;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff') {
      i++;
      continue;
    }
    if (c === '\\' && src[i + 1] === '\n') {
      i += 2;
      continue;
    }
    if (lang === 'py' && c === '#') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (lang === 'js' && c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    if (lang === 'js' && c === '/' && src[i + 1] === '*') {
      const end = src.indexOf('*/', i + 2);
      i = end < 0 ? n : end + 2;
      continue;
    }
    if (lang === 'js' && c === '#' && src[i + 1] === '!' && i === 0) {
      while (i < n && src[i] !== '\n') i++;
      continue;
    }
    // Strings (with Python prefixes)
    let pm: RegExpExecArray | null = null;
    if (lang === 'py' && (c === '"' || c === "'" || /[rRbBuUfF]/.test(c))) {
      STRING_PREFIX.lastIndex = i;
      pm = STRING_PREFIX.exec(src);
    }
    if ((lang === 'py' && pm) || (lang === 'js' && (c === '"' || c === "'"))) {
      const prefix = (pm?.[1] ?? '').toLowerCase();
      const q = pm ? pm[2]! : c;
      const start = i;
      i += prefix.length;
      const triple = lang === 'py' && src.startsWith(q.repeat(3), i);
      const delim = triple ? q.repeat(3) : q;
      i += delim.length;
      const bodyStart = i;
      while (i < n) {
        if (src[i] === '\\') {
          i += 2;
          continue;
        }
        if (src.startsWith(delim, i)) break;
        if (!triple && src[i] === '\n') break;
        i++;
      }
      const body = src.slice(bodyStart, Math.min(i, n));
      i = Math.min(i + delim.length, n);
      const raw = prefix.includes('r');
      if (prefix.includes('f')) push({ k: 'tmpl', v: src.slice(start, i), at: start, parts: fstringParts(body, bodyStart, raw) });
      else push({ k: 'str', v: src.slice(start, i), at: start, value: unescape(body, lang, raw), prefix });
      continue;
    }
    if (lang === 'js' && c === '`') {
      const start = i;
      const parts: (string | { src: string; at: number })[] = [];
      let lit = '';
      i++;
      while (i < n && src[i] !== '`') {
        if (src[i] === '\\') {
          lit += src.slice(i, i + 2);
          i += 2;
        } else if (src[i] === '$' && src[i + 1] === '{') {
          parts.push(unescape(lit, 'js', false));
          lit = '';
          let level = 1;
          let j = i + 2;
          while (j < n && level > 0) {
            if (src[j] === '{') level++;
            else if (src[j] === '}') level--;
            else if (src[j] === '`') {
              // nested template: skip it
              const close = src.indexOf('`', j + 1);
              j = close < 0 ? n : close;
            }
            if (level > 0) j++;
          }
          parts.push({ src: src.slice(i + 2, j), at: i + 2 });
          i = j + 1;
        } else lit += src[i++];
      }
      parts.push(unescape(lit, 'js', false));
      i++;
      push({ k: 'tmpl', v: src.slice(start, i), at: start, parts });
      continue;
    }
    if (lang === 'js' && c === '/' && !prevIsOperand()) {
      // A regular expression literal
      let j = i + 1;
      let cls = false;
      while (j < n && src[j] !== '\n') {
        if (src[j] === '\\') j++;
        else if (src[j] === '[') cls = true;
        else if (src[j] === ']') cls = false;
        else if (src[j] === '/' && !cls) break;
        j++;
      }
      j++;
      while (j < n && /[a-z]/i.test(src[j]!)) j++;
      push({ k: 'str', v: src.slice(i, j), at: i, value: src.slice(i, j), prefix: 're' });
      i = j;
      continue;
    }
    const digit = c >= '0' && c <= '9';
    let num: RegExpExecArray | null = null;
    if (digit || (c === '.' && /\d/.test(src[i + 1] ?? ''))) {
      NUMBER.lastIndex = i;
      num = NUMBER.exec(src);
    }
    if (num) {
      push({ k: 'num', v: num[0], at: i });
      i += num[0].length;
      continue;
    }
    IDENT.lastIndex = i;
    const id = IDENT.exec(src);
    if (id) {
      push({ k: 'name', v: id[0], at: i });
      i += id[0].length;
      continue;
    }
    const p = PUNCT.find((x) => src.startsWith(x, i)) ?? c;
    if (p === '(' || p === '[' || p === '{') depth++;
    else if ((p === ')' || p === ']' || p === '}') && depth > 0) depth--;
    push({ k: 'op', v: p, at: i });
    i += p.length;
  }
  if (toks.length && toks[toks.length - 1]!.k !== 'nl') push({ k: 'nl', v: '\n', at: n });
  while (indents.length > 1) {
    indents.pop();
    push({ k: 'dedent', v: '', at: n });
  }
  push({ k: 'eof', v: '', at: n });
  return toks;
}

function fstringParts(body: string, at: number, raw: boolean): (string | { src: string; at: number })[] {
  const parts: (string | { src: string; at: number })[] = [];
  let lit = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '{' && body[i + 1] === '{') {
      lit += '{';
      i++;
    } else if (c === '}' && body[i + 1] === '}') {
      lit += '}';
      i++;
    } else if (c === '{') {
      parts.push(unescape(lit, 'py', raw));
      lit = '';
      let level = 1;
      let j = i + 1;
      for (; j < body.length && level > 0; j++) {
        if (body[j] === '{' || body[j] === '[' || body[j] === '(') level++;
        else if (body[j] === '}' || body[j] === ']' || body[j] === ')') level--;
        if (level === 0) break;
      }
      const expr = body.slice(i + 1, j).replace(/(?:![rsa])?(?::[^:]*)?$/, (m) => (m.startsWith('!') || m.startsWith(':') ? '' : m)).replace(/=\s*$/, '');
      parts.push({ src: expr, at: at + i + 1 });
      i = j;
    } else lit += c;
  }
  parts.push(unescape(lit, 'py', raw));
  return parts;
}

// ---------------------------------------------------------------------------------------
// Parser

const BINARY: Record<string, number> = {
  'or': 1, '||': 1, '??': 1, 'and': 2, '&&': 2,
  'in': 4, 'not in': 4, 'is': 4, 'is not': 4, '==': 4, '!=': 4, '===': 4, '!==': 4, '<': 4, '>': 4, '<=': 4, '>=': 4, 'instanceof': 4,
  '|': 5, '^': 6, '&': 7, '<<': 8, '>>': 8, '>>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '//': 10, '%': 10, '@': 10, '**': 12,
};
const ASSIGN_OPS = new Set(['=', '+=', '-=', '*=', '/=', '//=', '%=', '**=', '|=', '&=', '^=', '>>=', '<<=', ':=', '??=', '||=', '&&=', '>>>=']);

export function parsePython(src: string): Stmt[] {
  return new Parser(tokenize(src, 'py'), 'py').program();
}

export function parseJavaScript(src: string): Stmt[] {
  return new Parser(tokenize(src, 'js'), 'js').program();
}

export function parseExpression(src: string, lang: 'py' | 'js', base: number): Expr {
  const p = new Parser(tokenize(src, lang).map((t) => ({ ...t, at: t.at + base })), lang);
  return p.expression(0);
}

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly toks: Tok[], private readonly lang: 'py' | 'js') {}

  private k(): TokKind {
    return this.tok.k;
  }
  private get tok(): Tok {
    return this.toks[Math.min(this.i, this.toks.length - 1)]!;
  }
  private peekAt(n: number): Tok {
    return this.toks[Math.min(this.i + n, this.toks.length - 1)]!;
  }
  private is(v: string): boolean {
    const t = this.tok;
    return (t.k === 'op' || t.k === 'name') && t.v === v;
  }
  private eat(v: string): boolean {
    if (this.is(v)) {
      this.i++;
      return true;
    }
    return false;
  }
  private next(): Tok {
    const t = this.tok;
    if (t.k !== 'eof') this.i++;
    return t;
  }
  private skipNl(): void {
    while (this.k() === 'nl' || (this.lang === 'js' && this.is(';'))) this.i++;
  }

  program(): Stmt[] {
    const out: Stmt[] = [];
    while (this.k() !== 'eof') {
      const before = this.i;
      const s = this.statement();
      if (s) out.push(s);
      if (this.i === before) this.i++;
    }
    return out;
  }

  // -- statements ------------------------------------------------------------------------

  private statement(): Stmt | undefined {
    this.skipNl();
    const t = this.tok;
    if (t.k === 'eof') return undefined;
    if (t.k === 'indent' || t.k === 'dedent') {
      this.i++;
      return undefined;
    }
    if (this.depth > MAX_DEPTH) {
      this.skipStatement();
      return undefined;
    }
    this.depth++;
    try {
      return this.lang === 'py' ? this.pyStatement() : this.jsStatement();
    } finally {
      this.depth--;
    }
  }

  private skipStatement(): void {
    let level = 0;
    while (this.k() !== 'eof') {
      const v = this.tok.v;
      if (this.k() === 'op' && (v === '(' || v === '[' || v === '{')) level++;
      else if (this.k() === 'op' && (v === ')' || v === ']' || v === '}')) level--;
      if (level <= 0 && (this.k() === 'nl' || (this.lang === 'js' && v === ';'))) {
        this.i++;
        return;
      }
      this.i++;
    }
  }

  private pySuite(): Stmt[] {
    this.eat(':');
    if (this.k() !== 'nl') {
      const out: Stmt[] = [];
      for (;;) {
        const s = this.pySimple();
        if (s) out.push(s);
        if (!this.eat(';')) break;
        if (this.k() === 'nl') break;
      }
      return out;
    }
    this.skipNl();
    if (this.k() !== 'indent') return [];
    this.i++;
    const body: Stmt[] = [];
    while (this.k() !== 'dedent' && this.k() !== 'eof') {
      const before = this.i;
      const s = this.statement();
      if (s) body.push(s);
      if (this.i === before) this.i++;
    }
    this.eat('');
    if (this.k() === 'dedent') this.i++;
    return body;
  }

  private pyStatement(): Stmt | undefined {
    const t = this.tok;
    const at = t.at;
    if (t.k === 'op' && t.v === '@') {
      this.skipStatement();
      return undefined;
    }
    if (t.k === 'name') {
      switch (t.v) {
        case 'async':
          if (this.peekAt(1).v === 'def' || this.peekAt(1).v === 'for' || this.peekAt(1).v === 'with') {
            this.i++;
            return this.pyStatement();
          }
          break;
        case 'def': {
          this.i++;
          const name = this.next().v;
          const params = this.params(')');
          if (this.eat('->')) while (!this.is(':') && this.k() !== 'nl' && this.k() !== 'eof') this.i++;
          return { t: 'def', name, params, body: this.pySuite(), at };
        }
        case 'class': {
          this.i++;
          const name = this.next().v;
          if (this.is('(')) this.expression(0);
          const body = this.pySuite();
          return { t: 'def', name, params: [], body, at };
        }
        case 'if':
        case 'elif':
        case 'while': {
          this.i++;
          const cond = this.expression(0);
          const body = this.pySuite();
          return { t: 'block', body: [{ t: 'expr', e: cond, at }, ...body], at };
        }
        case 'else':
        case 'try':
        case 'finally':
          this.i++;
          return { t: 'block', body: this.pySuite(), at };
        case 'except': {
          this.i++;
          while (!this.is(':') && this.k() !== 'nl' && this.k() !== 'eof') this.i++;
          return { t: 'block', body: this.pySuite(), at };
        }
        case 'for': {
          this.i++;
          const target = this.target(this.expressionList(true));
          this.eat('in');
          const iter = this.expressionList(false);
          return { t: 'for', target, iter, body: this.pySuite(), at };
        }
        case 'with': {
          this.i++;
          const items: { e: Expr; as: Target | undefined }[] = [];
          const paren = this.eat('(');
          for (;;) {
            const e = this.expression(0);
            const as = this.eat('as') ? this.target(this.expression(3)) : undefined;
            items.push({ e, as });
            if (!this.eat(',')) break;
          }
          if (paren) this.eat(')');
          return { t: 'with', items, body: this.pySuite(), at };
        }
        default:
          break;
      }
    }
    const s = this.pySimple();
    while (this.eat(';')) {
      if (this.k() === 'nl') break;
      const more = this.pySimple();
      if (more && s) return { t: 'block', body: [s, more], at };
    }
    if (this.k() === 'nl') this.i++;
    return s;
  }

  private pySimple(): Stmt | undefined {
    const t = this.tok;
    const at = t.at;
    if (t.k === 'name') {
      switch (t.v) {
        case 'import': {
          this.i++;
          const names: { name: string; alias: string }[] = [];
          do {
            const name = this.dotted();
            const alias = this.eat('as') ? this.next().v : name.split('.')[0]!;
            names.push({ name, alias: this.k() === 'eof' ? alias : alias });
          } while (this.eat(','));
          // `import a.b` binds `a`; record the full name for resolution.
          return { t: 'import', module: '', names: names.map((n) => ({ name: n.name, alias: n.alias === n.name.split('.')[0] && n.name.includes('.') ? n.name : n.alias })), at };
        }
        case 'from': {
          this.i++;
          let module = '';
          while (this.is('.')) module += this.next().v;
          if (!this.is('import')) module += this.dotted();
          this.eat('import');
          const paren = this.eat('(');
          const names: { name: string; alias: string }[] = [];
          if (this.eat('*')) return { t: 'import', module, names, star: module, at };
          do {
            this.skipNl();
            if (this.is(')')) break;
            const name = this.next().v;
            const alias = this.eat('as') ? this.next().v : name;
            names.push({ name, alias });
          } while (this.eat(','));
          if (paren) {
            this.skipNl();
            this.eat(')');
          }
          return { t: 'import', module, names, at };
        }
        case 'return':
          this.i++;
          return { t: 'return', e: this.k() === 'nl' || this.is(';') ? undefined : this.expressionList(false), at };
        case 'pass':
        case 'break':
        case 'continue':
          this.i++;
          return undefined;
        case 'global':
        case 'nonlocal':
        case 'del':
        case 'assert':
        case 'raise':
        case 'yield':
          this.i++;
          if (this.k() === 'nl') return undefined;
          return { t: 'expr', e: this.expressionList(false), at };
        default:
          break;
      }
    }
    return this.exprOrAssign(at);
  }

  private exprOrAssign(at: number): Stmt | undefined {
    const first = this.expressionList(false);
    // annotated assignment x: T = v
    if (this.lang === 'py' && this.is(':')) {
      this.i++;
      this.expression(0);
      if (!this.eat('=')) return undefined;
      return { t: 'assign', targets: [this.target(first)], value: this.expressionList(false), op: '=', at };
    }
    if (this.k() === 'op' && ASSIGN_OPS.has(this.tok.v)) {
      const targets = [this.target(first)];
      let op = this.next().v;
      let value = this.expressionList(false);
      while (this.k() === 'op' && this.tok.v === '=') {
        this.i++;
        targets.push(this.target(value));
        value = this.expressionList(false);
        op = '=';
      }
      return { t: 'assign', targets, value, op, at };
    }
    return { t: 'expr', e: first, at };
  }

  private dotted(): string {
    let s = this.next().v;
    while (this.is('.')) {
      this.i++;
      s += '.' + this.next().v;
    }
    return s;
  }

  /** Parameter names of a def/function/arrow, defaults and types skipped. */
  private params(close: string): string[] {
    const out: string[] = [];
    if (!this.eat('(')) return out;
    let level = 0;
    let expectName = true;
    while (this.k() !== 'eof') {
      const t = this.tok;
      if (t.k === 'op' && (t.v === '(' || t.v === '[' || t.v === '{')) level++;
      else if (t.k === 'op' && (t.v === ')' || t.v === ']' || t.v === '}')) {
        if (level === 0 && t.v === close) {
          this.i++;
          break;
        }
        level--;
      } else if (level === 0 && t.k === 'op' && t.v === ',') expectName = true;
      else if (level === 0 && expectName && t.k === 'name' && t.v !== 'self' && t.v !== 'this') {
        out.push(t.v);
        expectName = false;
      } else if (level === 0 && expectName && t.k === 'name') expectName = false;
      else if (level === 0 && t.k !== 'op' && t.k !== 'nl') expectName = false;
      this.i++;
    }
    return out;
  }

  private target(e: Expr): Target {
    if (e.t === 'name') return { t: 'name', name: e.name };
    if (e.t === 'list') return { t: 'pattern', names: e.items.flatMap((x, i) => (x.t === 'name' ? [{ key: String(i), name: x.name }] : [])) };
    if (e.t === 'dict') return { t: 'pattern', names: e.entries.flatMap((x) => (x.value.t === 'name' ? [{ key: x.key?.t === 'str' ? x.key.value : x.value.name, name: x.value.name }] : [])) };
    return { t: 'expr', expr: e };
  }

  // -- JavaScript statements ------------------------------------------------------------

  private jsBlockOrStatement(): Stmt[] {
    this.skipNl();
    if (this.is('{')) {
      this.i++;
      const body: Stmt[] = [];
      for (;;) {
        this.skipNl();
        if (this.is('}') || this.k() === 'eof') break;
        const before = this.i;
        const s = this.statement();
        if (s) body.push(s);
        if (this.i === before) this.i++;
      }
      this.eat('}');
      return body;
    }
    const s = this.statement();
    return s ? [s] : [];
  }

  private jsStatement(): Stmt | undefined {
    const t = this.tok;
    const at = t.at;
    if (t.k === 'op' && t.v === '{') return { t: 'block', body: this.jsBlockOrStatement(), at };
    if (t.k === 'op' && t.v === '@') {
      this.i++;
      this.expression(14);
      return undefined;
    }
    if (t.k === 'name') {
      switch (t.v) {
        case 'export':
          this.i++;
          this.eat('default');
          if (this.is('{') || this.is('*')) {
            this.skipStatement();
            return undefined;
          }
          return this.jsStatement();
        case 'declare':
          if (this.peekAt(1).k === 'name') {
            this.skipStatement();
            return undefined;
          }
          break;
        case 'interface':
        case 'type':
        case 'enum':
        case 'namespace':
          if (this.peekAt(1).k === 'name') {
            this.i += 2;
            if (this.is('<')) this.skipAngles();
            if (this.eat('=')) this.skipType();
            else if (this.is('{')) this.skipBraces();
            else this.skipStatement();
            return undefined;
          }
          break;
        case 'import': {
          if (this.peekAt(1).v === '(' || this.peekAt(1).v === '.') break;
          this.i++;
          this.eat('type');
          const names: { name: string; alias: string }[] = [];
          let star: string | undefined;
          if (this.k() === 'str') {
            const module = this.next().value ?? '';
            return { t: 'import', module, names, at };
          }
          while (!this.is('from') && this.k() !== 'eof' && this.k() !== 'nl' && !this.is(';')) {
            if (this.eat('*')) {
              this.eat('as');
              star = this.next().v;
            } else if (this.eat('{')) {
              while (!this.is('}') && this.k() !== 'eof') {
                this.skipNl();
                this.eat('type');
                const name = this.next().v;
                const alias = this.eat('as') ? this.next().v : name;
                names.push({ name, alias });
                this.eat(',');
                this.skipNl();
              }
              this.eat('}');
            } else if (this.k() === 'name') names.push({ name: 'default', alias: this.next().v });
            else this.i++;
            this.eat(',');
          }
          this.eat('from');
          const module = this.k() === 'str' ? this.next().value ?? '' : '';
          return { t: 'import', module, names, star, at };
        }
        case 'const':
        case 'let':
        case 'var':
        case 'using': {
          this.i++;
          const stmts: Stmt[] = [];
          do {
            this.skipNl();
            const pattern = this.bindingPattern();
            if (this.is(':') || this.is('!')) {
              this.eat('!');
              if (this.eat(':')) this.skipType();
            }
            if (this.eat('=')) stmts.push({ t: 'assign', targets: [pattern], value: this.expression(0), op: '=', at });
            else if (this.is('of') || this.is('in')) break;
          } while (this.eat(','));
          return stmts.length === 1 ? stmts[0] : { t: 'block', body: stmts, at };
        }
        case 'async':
          if (this.peekAt(1).v === 'function') {
            this.i++;
            return this.jsStatement();
          }
          break;
        case 'function': {
          this.i++;
          this.eat('*');
          const name = this.k() === 'name' ? this.next().v : '';
          if (this.is('<')) this.skipAngles();
          const params = this.params(')');
          if (this.eat(':')) this.skipType();
          const body = this.jsBlockOrStatement();
          return { t: 'def', name, params, body, at };
        }
        case 'class': {
          this.i++;
          const name = this.k() === 'name' ? this.next().v : '';
          while (!this.is('{') && this.k() !== 'eof') this.i++;
          return { t: 'def', name, params: [], body: this.classBody(), at };
        }
        case 'if':
        case 'while':
        case 'switch':
        case 'with': {
          this.i++;
          const cond = this.is('(') ? this.parenExpr() : this.expression(0);
          const body = this.jsBlockOrStatement();
          const rest: Stmt[] = [];
          this.skipNlKeep();
          if (t.v === 'if' && this.eat('else')) rest.push(...this.jsBlockOrStatement());
          return { t: 'block', body: [{ t: 'expr', e: cond, at }, ...body, ...rest], at };
        }
        case 'do':
          this.i++;
          return { t: 'block', body: this.jsBlockOrStatement(), at };
        case 'try':
        case 'finally':
          this.i++;
          return { t: 'block', body: this.jsBlockOrStatement(), at };
        case 'catch':
          this.i++;
          if (this.is('(')) this.params(')');
          return { t: 'block', body: this.jsBlockOrStatement(), at };
        case 'else':
          this.i++;
          return { t: 'block', body: this.jsBlockOrStatement(), at };
        case 'for': {
          this.i++;
          this.eat('await');
          this.eat('(');
          if (this.is('const') || this.is('let') || this.is('var')) this.i++;
          const head = this.bindingPatternOrExpr();
          if (this.eat('of') || this.eat('in')) {
            const iter = this.expression(0);
            this.eat(')');
            return { t: 'for', target: head, iter, body: this.jsBlockOrStatement(), at };
          }
          // C-style: skip the header
          let level = 1;
          while (this.k() !== 'eof' && level > 0) {
            if (this.is('(')) level++;
            else if (this.is(')')) level--;
            this.i++;
          }
          return { t: 'block', body: this.jsBlockOrStatement(), at };
        }
        case 'return':
        case 'throw': {
          this.i++;
          const e = this.k() === 'nl' || this.is(';') || this.is('}') ? undefined : this.expression(0);
          this.eat(';');
          return t.v === 'return' ? { t: 'return', e, at } : e ? { t: 'expr', e, at } : undefined;
        }
        case 'break':
        case 'continue':
          this.skipStatement();
          return undefined;
        case 'case':
        case 'default':
          this.i++;
          if (t.v === 'case') this.expression(0);
          this.eat(':');
          return undefined;
        default:
          break;
      }
    }
    const s = this.exprOrAssign(at);
    this.eat(';');
    return s;
  }

  private skipNlKeep(): void {
    while (this.k() === 'nl') this.i++;
  }

  private classBody(): Stmt[] {
    const body: Stmt[] = [];
    if (!this.eat('{')) return body;
    for (;;) {
      this.skipNl();
      if (this.is('}') || this.k() === 'eof') break;
      const at = this.tok.at;
      while (this.k() === 'name' && /^(?:static|async|public|private|protected|readonly|get|set|override|abstract|declare)$/.test(this.tok.v) && (this.peekAt(1).k === 'name' || this.peekAt(1).v === '[' || this.peekAt(1).v === '*' || this.peekAt(1).v === '#')) this.i++;
      this.eat('*');
      this.eat('#');
      const name = this.k() === 'name' ? this.next().v : (this.skipBrackets(), '');
      if (this.is('(') || this.is('<')) {
        if (this.is('<')) this.skipAngles();
        const params = this.params(')');
        if (this.eat(':')) this.skipType();
        body.push({ t: 'def', name, params, body: this.jsBlockOrStatement(), at });
      } else {
        this.eat('?');
        this.eat('!');
        if (this.eat(':')) this.skipType();
        if (this.eat('=')) body.push({ t: 'assign', targets: [{ t: 'name', name: `this.${name}` }], value: this.expression(0), op: '=', at });
        this.eat(';');
        if (this.k() !== 'name' && !this.is('}') && !this.is('[') && !this.is('#') && !this.is('*')) this.i++;
      }
    }
    this.eat('}');
    return body;
  }

  private skipBrackets(): void {
    if (!this.is('[')) {
      this.i++;
      return;
    }
    let level = 0;
    do {
      if (this.is('[')) level++;
      else if (this.is(']')) level--;
      this.i++;
    } while (level > 0 && this.k() !== 'eof');
  }

  private skipBraces(): void {
    let level = 0;
    do {
      if (this.is('{')) level++;
      else if (this.is('}')) level--;
      this.i++;
    } while (level > 0 && this.k() !== 'eof');
  }

  private skipAngles(): void {
    let level = 0;
    do {
      if (this.is('<')) level++;
      else if (this.is('>')) level--;
      else if (this.is('>>')) level -= 2;
      this.i++;
    } while (level > 0 && this.k() !== 'eof' && this.k() !== 'nl');
  }

  /** A TypeScript type: skipped up to `=`, `,`, `)`, `;`, `{` of a body, or a newline at depth 0. */
  private skipType(): void {
    let level = 0;
    const first = this.i;
    while (this.k() !== 'eof') {
      if (level === 0 && this.i > first && this.is('{')) return; // the body after a return type
      const v = this.tok.v;
      if (this.k() === 'op') {
        if (v === '(' || v === '[' || v === '{' || v === '<') level++;
        else if (v === ')' || v === ']' || v === '}' || v === '>') {
          if (level === 0) return;
          level--;
        } else if (v === '>>') level = Math.max(0, level - 2);
        else if (level === 0 && (v === '=' || v === ',' || v === ';' || v === '=>')) return;
      }
      if (level === 0 && this.k() === 'nl') return;
      this.i++;
    }
  }

  private bindingPattern(): Target {
    if (this.is('{') || this.is('[')) return this.target(this.primary());
    const t = this.next();
    return { t: 'name', name: t.v };
  }

  private bindingPatternOrExpr(): Target {
    if (this.is('{') || this.is('[')) return this.target(this.primary());
    return this.target(this.expression(5));
  }

  private parenExpr(): Expr {
    this.eat('(');
    const e = this.expression(0);
    while (!this.is(')') && this.k() !== 'eof' && this.eat(',')) this.expression(0);
    this.eat(')');
    return e;
  }

  // -- expressions ----------------------------------------------------------------------

  /** Comma-separated expressions (Python tuples without parentheses). */
  private expressionList(forTarget: boolean): Expr {
    const at = this.tok.at;
    const first = this.expression(forTarget ? 5 : 0);
    if (this.lang === 'js' || !this.is(',')) return first;
    const items = [first];
    while (this.eat(',')) {
      if (this.k() === 'nl' || this.is('=') || this.is(')') || this.is('in') || this.is(':')) break;
      items.push(this.expression(forTarget ? 5 : 0));
    }
    return { t: 'list', items, at };
  }

  expression(minPrec: number): Expr {
    if (this.depth > MAX_DEPTH) {
      this.i++;
      return { t: 'other', children: [], at: this.tok.at };
    }
    this.depth++;
    try {
      return this.binary(minPrec);
    } finally {
      this.depth--;
    }
  }

  private binary(minPrec: number): Expr {
    let left = this.unary();
    for (;;) {
      const t = this.tok;
      let op = t.k === 'op' || t.k === 'name' ? t.v : '';
      if (this.lang === 'py' && op === 'not' && this.peekAt(1).v === 'in') op = 'not in';
      if (this.lang === 'py' && op === 'is' && this.peekAt(1).v === 'not') op = 'is not';
      if (this.lang === 'js' && (op === 'and' || op === 'or' || op === 'is')) op = '';
      if (this.lang === 'py' && (op === '||' || op === '&&' || op === '??' || op === 'instanceof')) op = '';
      // Ternaries
      if (this.lang === 'py' && op === 'if' && minPrec <= 0) {
        this.i++;
        const cond = this.expression(1);
        this.eat('else');
        const other = this.expression(0);
        left = { t: 'other', children: [left, cond, other], at: left.at };
        continue;
      }
      if (this.lang === 'js' && op === '?' && minPrec <= 0) {
        this.i++;
        const a = this.expression(0);
        this.eat(':');
        const b = this.expression(0);
        left = { t: 'other', children: [left, a, b], at: left.at };
        continue;
      }
      if (this.lang === 'js' && (op === 'as' || op === 'satisfies') && t.k === 'name') {
        this.i++;
        this.skipTypeInExpr();
        continue;
      }
      if (this.lang === 'js' && op === '!' && t.k === 'op') {
        // TypeScript non-null assertion
        this.i++;
        continue;
      }
      // Python comprehensions inside brackets
      if (this.lang === 'py' && op === 'for' && minPrec <= 0) {
        this.i++;
        const target = this.target(this.expressionList(true));
        this.eat('in');
        const iter = this.expression(1);
        while (this.eat('if')) this.expression(1);
        while (this.is('for')) {
          const more = this.binary(0);
          left = { t: 'other', children: [left, more], at: left.at };
        }
        left = { t: 'comp', elt: left, target, iter, at: left.at };
        continue;
      }
      const prec = BINARY[op];
      if (prec === undefined || prec <= minPrec - 1 || prec < minPrec) break;
      this.i += op === 'not in' || op === 'is not' ? 2 : 1;
      const right = this.binary(op === '**' ? prec : prec + 1);
      left = { t: 'bin', op, left, right, at: left.at };
    }
    return left;
  }

  private skipTypeInExpr(): void {
    let level = 0;
    while (this.k() !== 'eof') {
      const t = this.tok;
      if (t.k === 'op' && (t.v === '<' || t.v === '[' || t.v === '(' || t.v === '{')) level++;
      else if (t.k === 'op' && (t.v === '>' || t.v === ']' || t.v === ')' || t.v === '}')) {
        if (level === 0) return;
        level--;
      } else if (level === 0 && !(t.k === 'name' || (t.k === 'op' && (t.v === '.' || t.v === '|' || t.v === '&')))) return;
      else if (level === 0 && t.k === 'name' && this.toks[this.i - 1]?.k === 'name' && this.toks[this.i - 1]!.v !== 'as' && this.toks[this.i - 1]!.v !== 'satisfies' && this.toks[this.i - 1]!.v !== 'keyof' && this.toks[this.i - 1]!.v !== 'typeof') return;
      this.i++;
    }
  }

  private unary(): Expr {
    const t = this.tok;
    const at = t.at;
    if (t.k === 'op' && (t.v === '-' || t.v === '+' || t.v === '~' || t.v === '!' || t.v === '*' || t.v === '**' || t.v === '...' || t.v === '++' || t.v === '--')) {
      this.i++;
      const e = this.unary();
      return t.v === '*' || t.v === '**' || t.v === '...' ? e : { t: 'other', children: [e], at };
    }
    if (t.k === 'name') {
      if (t.v === 'not' && this.lang === 'py') {
        this.i++;
        return { t: 'other', children: [this.expression(3)], at };
      }
      if ((t.v === 'await' || t.v === 'typeof' || t.v === 'void' || t.v === 'delete' || t.v === 'yield') && this.peekAt(1).k !== 'nl' && !(this.peekAt(1).k === 'op' && /^[)\],;:=]$/.test(this.peekAt(1).v))) {
        this.i++;
        if (t.v === 'yield') this.eat('from');
        const e = this.unary();
        return t.v === 'await' || t.v === 'yield' ? e : { t: 'other', children: [e], at };
      }
      if (t.v === 'lambda' && this.lang === 'py') {
        this.i++;
        const params: string[] = [];
        while (!this.is(':') && this.k() !== 'eof' && this.k() !== 'nl') {
          if (this.k() === 'name') params.push(this.tok.v);
          this.i++;
        }
        this.eat(':');
        const e = this.expression(0);
        return { t: 'func', params, body: [{ t: 'return', e, at }], at };
      }
      if (t.v === 'new' && this.lang === 'js') {
        this.i++;
        if (this.eat('.')) {
          this.i++;
          return { t: 'other', children: [], at };
        }
        let callee = this.primary();
        while (this.is('.')) {
          this.i++;
          callee = { t: 'member', obj: callee, prop: this.next().v, at: callee.at };
        }
        if (this.is('<')) this.skipAngles();
        const call = this.is('(') ? this.callArgs(callee, at) : { t: 'call' as const, callee, args: [], kwargs: [], isNew: true, at };
        if (call.t === 'call') call.isNew = true;
        return this.postfix(call);
      }
      if ((t.v === 'function' || (t.v === 'async' && this.peekAt(1).v === 'function')) && this.lang === 'js') {
        if (t.v === 'async') this.i++;
        this.i++;
        this.eat('*');
        if (this.k() === 'name') this.i++;
        const params = this.params(')');
        if (this.eat(':')) this.skipType();
        return this.postfix({ t: 'func', params, body: this.jsBlockOrStatement(), at });
      }
      if (t.v === 'async' && this.lang === 'js' && (this.peekAt(1).v === '(' || (this.peekAt(1).k === 'name' && this.peekAt(2).v === '=>'))) {
        this.i++;
        return this.unary();
      }
    }
    return this.postfix(this.primary());
  }

  private arrowFunction(at: number, params: string[]): Expr {
    this.eat('=>');
    if (this.is('{')) return { t: 'func', params, body: this.jsBlockOrStatement(), at };
    // An assignment as the whole body, bare or in parentheses: `c => body += c`, `c => (s += c)`.
    const save = this.i;
    const paren = this.eat('(');
    const e = this.expression(0);
    if (this.k() === 'op' && ASSIGN_OPS.has(this.tok.v) && this.tok.v !== ':=') {
      const op = this.next().v;
      const value = this.expression(0);
      if (paren) {
        this.skipNl();
        this.eat(')');
      }
      return { t: 'func', params, body: [{ t: 'assign', targets: [this.target(e)], value, op, at }], at };
    }
    if (!paren) return { t: 'func', params, body: [{ t: 'return', e, at }], at };
    this.i = save;
    const whole = this.expression(0);
    return { t: 'func', params, body: [{ t: 'return', e: whole, at }], at };
  }

  private primary(): Expr {
    const t = this.tok;
    const at = t.at;
    switch (t.k) {
      case 'str': {
        this.i++;
        let value = t.value ?? '';
        let parts: (string | Expr)[] | undefined;
        // Adjacent literals concatenate (Python)
        while (this.lang === 'py' && (this.k() === 'str' || this.k() === 'tmpl')) {
          const n = this.next();
          if (n.k === 'str') {
            if (parts) parts.push(n.value ?? '');
            else value += n.value ?? '';
          } else {
            parts = [...(parts ?? [value]), ...this.templateParts(n)];
          }
        }
        return parts ? { t: 'tmpl', parts, at } : { t: 'str', value, at };
      }
      case 'tmpl': {
        this.i++;
        let parts = this.templateParts(t);
        while (this.lang === 'py' && (this.k() === 'str' || this.k() === 'tmpl')) {
          const n = this.next();
          parts = [...parts, ...(n.k === 'str' ? [n.value ?? ''] : this.templateParts(n))];
        }
        return { t: 'tmpl', parts, at };
      }
      case 'num':
        this.i++;
        return { t: 'num', value: Number(t.v.replace(/_/g, '').replace(/[jJnlL]$/, '')), at };
      case 'name': {
        this.i++;
        if (this.lang === 'js' && this.is('=>')) return this.arrowFunction(at, [t.v]);
        if (this.lang === 'js' && t.k === 'name' && this.k() === 'tmpl') {
          // tagged template: String.raw`...`
          const tpl = this.next();
          return { t: 'call', callee: { t: 'name', name: t.v, at }, args: [{ t: 'tmpl', parts: this.templateParts(tpl), at: tpl.at }], kwargs: [], isNew: false, at };
        }
        return { t: 'name', name: t.v, at };
      }
      case 'op':
        break;
      default:
        this.i++;
        return { t: 'other', children: [], at };
    }
    if (t.v === '(') {
      // Arrow function parameters?
      if (this.lang === 'js') {
        const save = this.i;
        const params = this.params(')');
        if (this.eat(':')) this.skipType();
        if (this.is('=>')) return this.arrowFunction(at, params);
        this.i = save;
      }
      this.i++;
      this.skipNl();
      if (this.eat(')')) return { t: 'list', items: [], at };
      const first = this.expression(0);
      const items = [first];
      while (this.eat(',')) {
        this.skipNl();
        if (this.is(')')) break;
        items.push(this.expression(0));
      }
      this.skipNl();
      this.eat(')');
      return items.length === 1 ? first : { t: 'list', items, at };
    }
    if (t.v === '[') {
      this.i++;
      const items: Expr[] = [];
      for (;;) {
        this.skipNl();
        if (this.is(']') || this.k() === 'eof') break;
        if (this.is(',')) {
          this.i++;
          continue;
        }
        const before = this.i;
        items.push(this.expression(0));
        this.skipNl();
        if (!this.eat(',') && !this.is(']')) {
          if (this.i === before) this.i++;
          break;
        }
      }
      this.eat(']');
      if (items.length === 1 && items[0]!.t === 'comp') return items[0]!;
      return { t: 'list', items, at };
    }
    if (t.v === '{') {
      this.i++;
      const entries: { key: Expr | undefined; value: Expr }[] = [];
      for (;;) {
        this.skipNl();
        if (this.is('}') || this.k() === 'eof') break;
        const before = this.i;
        if (this.eat('...') || this.eat('**')) {
          entries.push({ key: undefined, value: this.expression(0) });
        } else {
          let key: Expr;
          if (this.lang === 'js' && this.is('[')) {
            this.i++;
            key = this.expression(0);
            this.eat(']');
          } else if (this.lang === 'js' && (this.k() === 'name' || this.k() === 'num')) {
            const k = this.next();
            key = { t: 'str', value: k.v, at: k.at };
            if (this.is('(')) {
              // method shorthand
              const params = this.params(')');
              entries.push({ key, value: { t: 'func', params, body: this.jsBlockOrStatement(), at: k.at } });
              this.skipNl();
              this.eat(',');
              continue;
            }
            if (!this.is(':')) {
              entries.push({ key, value: { t: 'name', name: k.v, at: k.at } });
              if (this.eat('=')) this.expression(0);
              this.skipNl();
              if (!this.eat(',')) if (!this.is('}')) this.i++;
              continue;
            }
          } else key = this.expression(0);
          if (this.eat(':')) entries.push({ key, value: this.expression(0) });
          else entries.push({ key: undefined, value: key }); // a set
        }
        this.skipNl();
        if (!this.eat(',') && !this.is('}')) {
          if (this.i === before) this.i++;
          if (this.lang === 'py' && this.is('for')) {
            const comp = this.binary(0);
            entries.push({ key: undefined, value: comp });
          }
          if (!this.is('}')) this.i++;
        }
      }
      this.eat('}');
      if (entries.length === 1 && !entries[0]!.key && entries[0]!.value.t === 'comp') return entries[0]!.value;
      return { t: 'dict', entries, at };
    }
    this.i++;
    return { t: 'other', children: [], at };
  }

  private templateParts(t: Tok): (string | Expr)[] {
    return (t.parts ?? []).map((p) => (typeof p === 'string' ? p : this.subExpression(p.src, p.at)));
  }

  private subExpression(src: string, at: number): Expr {
    if (this.depth > MAX_DEPTH) return { t: 'other', children: [], at };
    const p = new Parser(tokenize(src, this.lang).map((x) => ({ ...x, at: x.at + at })), this.lang);
    p.depth = this.depth + 1;
    return p.expression(0);
  }

  private postfix(e: Expr): Expr {
    let cur = e;
    for (let guard = 0; guard < 10_000; guard++) {
      const t = this.tok;
      if (t.k === 'op' && (t.v === '.' || t.v === '?.')) {
        this.i++;
        if (t.v === '?.' && this.is('(')) {
          cur = this.callArgs(cur, cur.at);
          continue;
        }
        if (t.v === '?.' && this.is('[')) continue;
        const name = this.next();
        cur = { t: 'member', obj: cur, prop: name.v, at: cur.at };
      } else if (t.k === 'op' && t.v === '(') {
        cur = this.callArgs(cur, cur.at);
      } else if (t.k === 'op' && t.v === '[') {
        this.i++;
        this.skipNl();
        if (this.lang === 'py') {
          // index or slice a[b:c:d]
          const slice: (Expr | undefined)[] = [];
          let current: Expr | undefined;
          let isSlice = false;
          while (!this.is(']') && this.k() !== 'eof') {
            if (this.eat(':')) {
              slice.push(current);
              current = undefined;
              isSlice = true;
              continue;
            }
            if (this.eat(',')) continue;
            const before = this.i;
            current = this.expression(0);
            if (this.i === before) this.i++;
          }
          this.eat(']');
          if (isSlice) {
            slice.push(current);
            cur = { t: 'index', obj: cur, index: undefined, slice, at: cur.at };
          } else cur = { t: 'index', obj: cur, index: current, at: cur.at };
        } else {
          const index = this.expression(0);
          this.skipNl();
          this.eat(']');
          cur = { t: 'index', obj: cur, index, at: cur.at };
        }
      } else if (t.k === 'tmpl' && this.lang === 'js') {
        this.i++;
        cur = { t: 'call', callee: cur, args: [{ t: 'tmpl', parts: this.templateParts(t), at: t.at }], kwargs: [], isNew: false, at: cur.at };
      } else if (this.lang === 'js' && t.k === 'op' && t.v === '<' && this.looksLikeTypeArgs()) {
        this.skipAngles();
      } else if (this.lang === 'js' && t.k === 'op' && (t.v === '++' || t.v === '--')) {
        this.i++;
      } else break;
    }
    return cur;
  }

  private looksLikeTypeArgs(): boolean {
    // foo<Bar>(…): a `<` followed by names and a `>(`
    for (let k = 1; k < 12; k++) {
      const t = this.peekAt(k);
      if (t.k === 'op' && t.v === '>') return this.peekAt(k + 1).v === '(';
      if (!(t.k === 'name' || (t.k === 'op' && /^[,.[\]|&]$/.test(t.v)))) return false;
    }
    return false;
  }

  private callArgs(callee: Expr, at: number): Expr {
    this.eat('(');
    const args: Expr[] = [];
    const kwargs: { name: string; value: Expr }[] = [];
    for (;;) {
      this.skipNl();
      if (this.is(')') || this.k() === 'eof') break;
      const before = this.i;
      if (this.lang === 'py' && this.k() === 'name' && this.peekAt(1).v === '=' ) {
        const name = this.next().v;
        this.i++;
        kwargs.push({ name, value: this.expression(0) });
      } else if (this.lang === 'py' && this.eat('**')) {
        kwargs.push({ name: '**', value: this.expression(0) });
      } else {
        args.push(this.expression(0));
      }
      this.skipNl();
      if (!this.eat(',')) {
        if (!this.is(')')) {
          if (this.i === before) this.i++;
          // unexpected token inside a call: skip to the closing parenthesis
          let level = 0;
          while (this.k() !== 'eof') {
            if (this.is('(')) level++;
            else if (this.is(')')) {
              if (level === 0) break;
              level--;
            }
            this.i++;
          }
        }
        break;
      }
    }
    this.eat(')');
    return { t: 'call', callee, args, kwargs, isNew: false, at };
  }
}

/** Dotted name of a member chain (`os.environ.get`), or undefined. */
export function dottedName(e: Expr): string | undefined {
  if (e.t === 'name') return e.name;
  if (e.t === 'member') {
    const o = dottedName(e.obj);
    return o === undefined ? undefined : `${o}.${e.prop}`;
  }
  return undefined;
}
