/**
 * Follows data through Python and JavaScript/TypeScript: imports and aliases, assignments and
 * destructuring, string building (concatenation, f-strings, templates, %, format, join),
 * encoders and decoders, file and network objects, and calls into local functions (inlined
 * with their actual arguments, bounded). What a library call means comes from the tables in
 * `meaning()`; a call with no entry passes on what went into it.
 */
import { clipboard, credentialStore, decodedLabel, dedupe, envAll, envSource, normPath, remote, type FlowContext, type Unit } from './context.js';
import { dottedName, parseJavaScript, parsePython, type Expr, type Stmt, type Target } from './code.js';
import { fromBase32, fromBase64, fromHex, reverse, rot } from './decode.js';
import { UNKNOWN, join, val, type Label, type Value } from './model.js';
import { Lines } from '../../core/lines.js';

type Lang = 'py' | 'js';
interface Fn { params: string[]; body: Stmt[]; calls: number }

/** Header names that carry a login: a token there is an API client authenticating. */
const AUTH_HEADER = /^(?:authorization|proxy-authorization|x-api-key|api-key|apikey|x-auth-token|private-token|x-[\w-]*(?:key|token))$/i;

const PY_MODULES = new Set(['os', 'sys', 'subprocess', 'requests', 'httpx', 'urllib', 'urllib3', 'socket', 'base64', 'binascii', 'codecs', 'json', 'pickle', 'marshal', 'shutil', 'pathlib', 'zlib', 'smtplib', 'ftplib', 'pyperclip', 'http', 'glob', 'importlib', 'aiohttp', 'dns', 'keyring']);
const JS_MODULES = new Set(['fs', 'child_process', 'https', 'http', 'net', 'dns', 'os', 'path', 'axios', 'vm', 'zlib', 'tls', 'dgram', 'clipboardy', 'got', 'needle', 'superagent', 'execa', 'shelljs', 'keytar']);
const MAX_CALL_DEPTH = 4;
const MAX_CALLS_PER_FN = 24;

const mod = (module: string, labels: Label[] = []): Value => ({ text: UNKNOWN, labels, obj: { kind: 'module', module } });

function moduleOf(v: Value): string | undefined {
  return v.obj?.kind === 'module' ? v.obj.module : undefined;
}

function strip(name: string): string {
  return name.replace(/^node:/, '');
}

export class CodeEvaluator {
  private readonly lines: Lines;
  private scopes: Map<string, Value>[] = [new Map()];
  private readonly funcs = new Map<string, Fn>();
  private callDepth = 0;
  private returns: Value[][] = [];

  constructor(private readonly ctx: FlowContext, private readonly unit: Unit, private readonly lang: Lang, private readonly argv: Value[], private readonly stdin: Value | undefined) {
    this.lines = new Lines(unit.text);
  }

  run(): Value {
    const program = this.lang === 'py' ? parsePython(this.unit.text) : parseJavaScript(this.unit.text);
    this.hoist(program);
    this.block(program);
    // Functions never called from the file itself are still read, with unknown arguments.
    for (const [name, fn] of this.funcs) if (fn.calls === 0) this.callLocal(name, fn, []);
    return val(UNKNOWN);
  }

  private line(at: number): number {
    return this.unit.line + this.lines.lineOf(at);
  }

  private hoist(stmts: Stmt[]): void {
    for (const s of stmts) {
      if (s.t === 'def') {
        if (s.name && !this.funcs.has(s.name)) this.funcs.set(s.name, { params: s.params, body: s.body, calls: 0 });
        // Methods of classes are callable by their name.
        this.hoist(s.body.filter((x) => x.t === 'def'));
      } else if (s.t === 'block') this.hoist(s.body);
    }
  }

  // -- scope ----------------------------------------------------------------------------

  private lookup(name: string): Value | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const v = this.scopes[i]!.get(name);
      if (v) return v;
    }
    return undefined;
  }

  private bind(name: string, v: Value): void {
    this.scopes[this.scopes.length - 1]!.set(name, v);
  }

  /** Assignment to a variable an enclosing function declared (a callback's `body += chunk`): the closure's variable changes. */
  private rebind(name: string, v: Value): void {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      if (this.scopes[i]!.has(name)) {
        this.scopes[i]!.set(name, v);
        return;
      }
    }
    this.bind(name, v);
  }

  private assign(target: Target, v: Value): void {
    if (target.t === 'name') this.bind(target.name, v);
    else if (target.t === 'pattern') {
      for (const { key, name } of target.names) {
        const field = v.fields?.get(key) ?? v.items?.[Number(key)];
        if (field) this.bind(name, field);
        else if (moduleOf(v)) this.bind(name, mod(`${moduleOf(v)}.${key}`));
        else if (v.obj?.kind === 'env' && /^\D/.test(key)) this.bind(name, this.envVar(key, 0));
        else this.bind(name, { text: UNKNOWN, labels: v.labels });
      }
    } else if (target.expr.t === 'index' || target.expr.t === 'member') {
      // obj.x = v / obj["x"] = v: remember on literal objects
      const obj = this.expr(target.expr.obj);
      const key = target.expr.t === 'member' ? target.expr.prop : target.expr.index?.t === 'str' ? target.expr.index.value : undefined;
      if (key && obj.fields && !key.includes(UNKNOWN)) obj.fields.set(key, v);
      else if (obj.items) obj.items.push(v);
      else if (target.expr.obj.t === 'name') {
        const merged = { ...obj, labels: dedupe([...obj.labels, ...v.labels]), obj: obj.obj ?? (v.obj?.kind === 'env' ? v.obj : undefined) };
        this.bind(target.expr.obj.name, merged);
      }
    }
  }

  // -- statements -----------------------------------------------------------------------

  private block(stmts: Stmt[]): void {
    for (const s of stmts) this.stmt(s);
  }

  private stmt(s: Stmt): void {
    switch (s.t) {
      case 'assign': {
        let v = this.expr(s.value);
        if (s.op !== '=' && s.op !== ':=') {
          const old = s.targets[0]?.t === 'name' ? this.lookup(s.targets[0].name) : undefined;
          if (old) v = join([old, v]);
        }
        for (const t of s.targets) {
          // JavaScript closures: `x += …` or `x = …` inside a callback updates the enclosing
          // function's x when the callback has none of its own.
          if (t.t === 'name' && (s.op !== '=' || this.lang === 'js') && s.op !== ':=' && !this.scopes[this.scopes.length - 1]!.has(t.name) && this.lookup(t.name)) this.rebind(t.name, v);
          else this.assign(t, v);
        }
        return;
      }
      case 'expr':
        this.expr(s.e);
        return;
      case 'import':
        this.importStmt(s);
        return;
      case 'def':
        if (s.name) this.bind(s.name, { text: UNKNOWN, labels: [], obj: { kind: 'function', module: s.name } });
        return;
      case 'return':
        if (this.returns.length) this.returns[this.returns.length - 1]!.push(s.e ? this.expr(s.e) : val(''));
        else if (s.e) this.expr(s.e);
        return;
      case 'for': {
        const iter = this.expr(s.iter);
        this.assign(s.target, { ...iter, text: iter.items?.length ? join(iter.items, ' ').text : iter.text, obj: iter.obj?.kind === 'socket' ? iter.obj : undefined });
        this.block(s.body);
        this.block(s.body); // a second pass lets values assigned late in the loop reach its start
        return;
      }
      case 'with':
        for (const item of s.items) {
          const v = this.expr(item.e);
          if (item.as) this.assign(item.as, v);
        }
        this.block(s.body);
        return;
      case 'block':
        this.block(s.body);
        return;
    }
  }

  private importStmt(s: Extract<Stmt, { t: 'import' }>): void {
    if (this.lang === 'py') {
      if (!s.module) for (const n of s.names) this.bind(n.alias.split('.')[0]!, mod(n.alias.includes('.') ? n.alias.split('.')[0]! : n.name));
      else for (const n of s.names) this.bind(n.alias, mod(`${s.module}.${n.name}`));
      return;
    }
    const m = strip(s.module);
    if (s.star) this.bind(s.star, mod(m));
    for (const n of s.names) this.bind(n.alias, n.name === 'default' ? mod(m) : mod(`${m}.${n.name}`));
  }

  // -- expressions ----------------------------------------------------------------------

  expr(e: Expr): Value {
    switch (e.t) {
      case 'str':
        return val(e.value);
      case 'num':
        return val(String(e.value));
      case 'tmpl':
        return join(e.parts.map((p) => (typeof p === 'string' ? val(p) : this.expr(p))));
      case 'name':
        return this.name(e.name, e.at);
      case 'member':
        return this.member(this.expr(e.obj), e.prop, e.at, e);
      case 'index':
        return this.index(e);
      case 'call':
        return this.call(e);
      case 'bin':
        return this.binary(e);
      case 'list': {
        const items = e.items.map((x) => this.expr(x));
        return { ...join(items, ' '), items };
      }
      case 'dict': {
        const fields = new Map<string, Value>();
        const all: Value[] = [];
        for (const { key, value } of e.entries) {
          const v = this.expr(value);
          all.push(v);
          if (key) {
            const k = this.expr(key);
            all.push(k);
            if (!k.text.includes(UNKNOWN)) fields.set(k.text, v);
          } else if (v.fields) for (const [k, fv] of v.fields) fields.set(k, fv);
        }
        const joined = join(all, ' ');
        return { ...joined, fields, obj: all.some((v) => v.obj?.kind === 'env') ? { kind: 'env' } : undefined };
      }
      case 'func':
        return { text: UNKNOWN, labels: [], obj: { kind: 'lambda' }, fields: new Map([['__fn', { text: '', labels: [], items: [] }]]) };
      case 'comp': {
        const iter = this.expr(e.iter);
        this.assign(e.target, iter);
        const elt = this.expr(e.elt);
        return { text: UNKNOWN, labels: dedupe([...iter.labels, ...elt.labels]) };
      }
      case 'other':
        return join(e.children.map((c) => this.expr(c)), ' ');
    }
  }

  private name(name: string, at: number): Value {
    const v = this.lookup(name);
    if (v) return v;
    if (this.funcs.has(name)) return { text: UNKNOWN, labels: [], obj: { kind: 'function', module: name } };
    // Snippets often leave out their imports: well-known modules are recognised by name.
    if ((this.lang === 'py' ? PY_MODULES : JS_MODULES).has(name)) return mod(name);
    // Globals of each language
    if (this.lang === 'py') {
      if (/^(?:open|exec|eval|compile|__import__|input|getattr|bytes|bytearray|str|chr|ord|print|map|list|dict|tuple|set|reversed|sorted|bytes|memoryview|globals|locals|vars)$/.test(name)) return mod(`builtins.${name}`);
    } else {
      if (/^(?:fetch|require|eval|Function|atob|btoa|Buffer|process|XMLHttpRequest|WebSocket|navigator|decodeURIComponent|decodeURI|unescape|String|JSON|Object|Array|Deno|Bun|globalThis|window|document|setTimeout|setInterval|Reflect)$/.test(name)) return mod(name);
    }
    void at;
    return val(UNKNOWN);
  }

  private envVar(name: string, at: number): Value {
    // A loop over several names (`for var in ("A", "B")`) reads each of them.
    if (/\s/.test(name.trim())) return join(name.trim().split(/\s+/).map((n) => this.envVar(n, at)), ' ');
    const label = envSource(name, this.unit, this.line(at), false);
    const secret = envSource(name, this.unit, this.line(at));
    return val(UNKNOWN, secret ? [secret] : label && /(?:KEY|TOKEN|SECRET|PASS|AUTH|CRED)/i.test(name) ? [label] : []);
  }

  private member(obj: Value, prop: string, at: number, e?: Expr): Value {
    const m = moduleOf(obj);
    if (m) {
      const full = `${m}.${prop}`;
      if (full === 'os.environ' || full === 'process.env' || full === 'Deno.env' || full === 'Bun.env') return { text: UNKNOWN, labels: [envAll(this.unit, this.line(at), full)], obj: { kind: 'env' } };
      if (full === 'sys.argv' || full === 'process.argv') return { ...join(this.argv, ' '), items: this.lang === 'js' ? [val('node'), val('script'), ...this.argv] : [val('script'), ...this.argv] };
      if (full === 'sys.stdin' || full === 'process.stdin') return this.stdin ?? val(UNKNOWN);
      // The running interpreter: `subprocess.run([sys.executable, path])` runs path as Python.
      if (full === 'sys.executable' || full === 'process.execPath') return val(full === 'sys.executable' ? 'python3' : 'node');
      return mod(full, obj.labels);
    }
    if (obj.obj?.kind === 'env') return this.envVar(prop, at);
    if (obj.fields?.has(prop)) return obj.fields.get(prop)!;
    // Properties of other values carry their data (response.text, file.contents …)
    void e;
    return { text: prop === 'length' ? UNKNOWN : obj.text === UNKNOWN ? UNKNOWN : UNKNOWN, labels: obj.labels, obj: obj.obj && /^(?:socket|httpconn|httpreq|smtp|ftp|file-w|session)$/.test(obj.obj.kind) ? obj.obj : undefined };
  }

  private index(e: Extract<Expr, { t: 'index' }>): Value {
    const obj = this.expr(e.obj);
    if (e.slice) {
      const step = e.slice[2] ? this.expr(e.slice[2]) : undefined;
      if (step?.text === '-1' || (e.slice[2]?.t === 'other' && e.slice[2].children[0]?.t === 'num' && e.slice[2].children[0].value === 1)) {
        const known = !obj.text.includes(UNKNOWN);
        return { text: known ? reverse(obj.text) : UNKNOWN, labels: [...obj.labels, decodedLabel('string reversal', this.unit, this.line(e.at))] };
      }
      if (step && /^[2-9]$/.test(step.text)) {
        const start = e.slice[0] ? Number(this.expr(e.slice[0]).text) || 0 : 0;
        const n = Number(step.text);
        const known = !obj.text.includes(UNKNOWN);
        return { text: known ? [...obj.text].filter((_, i) => i >= start && (i - start) % n === 0).join('') : UNKNOWN, labels: [...obj.labels, decodedLabel('de-interleaving', this.unit, this.line(e.at))] };
      }
      return { text: UNKNOWN, labels: obj.labels };
    }
    const key = e.index ? this.expr(e.index) : val(UNKNOWN);
    if (obj.obj?.kind === 'env') return key.text.includes(UNKNOWN) ? { text: UNKNOWN, labels: obj.labels } : this.envVar(key.text, e.at);
    if (obj.fields && obj.fields.has(key.text)) return obj.fields.get(key.text)!;
    if (obj.items && /^\d+$/.test(key.text)) return obj.items[Number(key.text)] ?? val(UNKNOWN);
    return { text: UNKNOWN, labels: dedupe([...obj.labels, ...key.labels]) };
  }

  private binary(e: Extract<Expr, { t: 'bin' }>): Value {
    const l = this.expr(e.left);
    const r = this.expr(e.right);
    if (e.op === '+') return join([l, r]);
    if (e.op === '/' && (l.obj?.kind === 'path' || r.obj?.kind === 'path' || /^[~/.]/.test(l.text))) return { ...join([l, val('/'), r]), obj: { kind: 'path' } };
    if (e.op === '%' && this.lang === 'py' && e.left.t === 'str') {
      const values = r.items ?? [r];
      let k = 0;
      const text = l.text.replace(/%[-#0 +]*\d*(?:\.\d+)?[sdrifxXo]/g, () => values[k++]?.text ?? UNKNOWN);
      return { text, labels: dedupe([...l.labels, ...values.flatMap((v) => v.labels)]) };
    }
    if (e.op === '^') {
      // XOR of a known string/number: a cipher step
      return { text: UNKNOWN, labels: dedupe([...l.labels, ...r.labels, decodedLabel('XOR', this.unit, this.line(e.at))]) };
    }
    if (/^(?:or|\|\||\?\?|and|&&)$/.test(e.op)) return { ...join([l, r], ''), text: l.text.includes(UNKNOWN) ? r.text : l.text };
    return { text: UNKNOWN, labels: dedupe([...l.labels, ...r.labels]) };
  }

  // -- calls ----------------------------------------------------------------------------

  private call(e: Extract<Expr, { t: 'call' }>): Value {
    const line = this.line(e.at);
    // Method on a receiver: evaluate the receiver once.
    let receiver: Value | undefined;
    let method: string | undefined;
    let callee: Value;
    if (e.callee.t === 'member') {
      receiver = this.expr(e.callee.obj);
      method = e.callee.prop;
      callee = this.member(receiver, method, e.callee.at, e.callee);
    } else callee = this.expr(e.callee);
    const args = e.args.map((a) => this.expr(a));
    const kwargs = new Map(e.kwargs.map((k) => [k.name, this.expr(k.value)]));
    const out = this.dispatch(e, line, receiver, method, callee, args, kwargs);
    if (this.lang === 'js' && method !== 'then') this.callbacks(e, out, receiver);
    return out;
  }

  /**
   * JavaScript callbacks run with what the call hands them: a response handler gets the
   * response (`https.get(url, res => …)`), an event handler on a stream gets its data
   * (`res.on('data', chunk => body += chunk)`). Each runs once, in order, so data collected by
   * one handler reaches the next (`res.on('end', () => eval(body))`).
   */
  private callbacks(e: Extract<Expr, { t: 'call' }>, out: Value, receiver: Value | undefined): void {
    const carried = dedupe([...out.labels, ...(receiver?.labels ?? [])].filter((l) => l.kind !== 'source' || receiver?.obj?.kind !== 'env'));
    const given: Value = { text: UNKNOWN, labels: carried };
    for (const a of e.args) {
      if (a.t === 'func') this.callLocal('callback', { params: a.params, body: a.body, calls: 0 }, a.params.map(() => given));
      else if (a.t === 'name' && this.funcs.has(a.name) && !this.lookup(a.name)?.labels.length) {
        const fn = this.funcs.get(a.name)!;
        this.callLocal(a.name, fn, fn.params.map(() => given));
      }
    }
  }

  private dispatch(e: Extract<Expr, { t: 'call' }>, line: number, receiver: Value | undefined, method: string | undefined, callee: Value, args: Value[], kwargs: Map<string, Value>): Value {
    if (receiver?.obj?.kind === 'env' && method) {
      const a0 = args[0];
      if (/^(?:get|__getitem__|pop|setdefault|getenv)$/.test(method) && a0 && !a0.text.includes(UNKNOWN)) return this.envVar(a0.text, e.at);
      return { text: UNKNOWN, labels: receiver.labels, obj: { kind: 'env' } };
    }
    // Local functions (and methods) are inlined with their arguments.
    const localName = callee.obj?.kind === 'function' ? callee.obj.module : method && this.funcs.has(method) && !moduleOf(receiver ?? val('')) ? method : e.callee.t === 'name' && this.funcs.has(e.callee.name) ? e.callee.name : undefined;
    if (localName && this.funcs.has(localName)) return this.callLocal(localName, this.funcs.get(localName)!, args);
    const name = moduleOf(callee);
    if (name) {
      const out = this.meaning(name, args, kwargs, line, receiver, e);
      if (out) return out;
    }
    // boto3/botocore sessions hand out the AWS keys themselves.
    if (method && /^(?:get_credentials|get_frozen_credentials)$/.test(method)) return val(UNKNOWN, [credentialStore(this.unit, line, `AWS credentials (${method})`, 'aws')]);
    // secretstorage (the GNOME keyring / KWallet over D-Bus): an item's secret.
    if (method === 'get_secret' && !args.length) return val(UNKNOWN, [credentialStore(this.unit, line, 'the desktop keyring (get_secret)')]);
    // A parser told to read a file (configparser's cp.read(path), dotenv_values-like loaders): the object holds it.
    if (receiver && method && /^(?:read|read_file|readfp)$/.test(method) && e.callee.t === 'member' && e.callee.obj.t === 'name' && args[0] && !receiver.obj) {
      const content = this.ctx.readFile(args[0], this.unit, line, `${e.callee.obj.name}.${method}`);
      const src = content.labels.filter((l) => l.kind === 'source');
      if (src.length) {
        this.bind(e.callee.obj.name, { ...receiver, labels: dedupe([...receiver.labels, ...src]) });
        return val(UNKNOWN);
      }
    }
    if (receiver && method) {
      const out = this.methodMeaning(receiver, method, args, kwargs, line, e);
      if (out) return out;
    }
    // A method that fills its receiver (msg.set_content(x), parts.append(x), cfg.update(x)): the
    // variable now carries what went in.
    if (receiver && method && e.callee.t === 'member' && e.callee.obj.t === 'name' && /^(?:set_content|set_payload|add_attachment|attach|add_alternative|add_header|append|extend|update|add|insert|push|unshift|set|setdefault|write|writelines|put)$/.test(method)) {
      const carried = [...args, ...kwargs.values()].flatMap((v) => v.labels.filter((l) => l.kind === 'source' || (this.lang === 'js' && (l.kind === 'remote' || l.kind === 'decoded'))));
      if (carried.length) this.rebind(e.callee.obj.name, { ...receiver, labels: dedupe([...receiver.labels, ...carried]) });
    }
    // Unknown call: what went in comes out.
    const all = [callee, ...args, ...kwargs.values()];
    if (receiver) all.push(receiver);
    return { text: UNKNOWN, labels: dedupe(all.flatMap((v) => v.labels)) };
  }

  private callLocal(name: string, fn: Fn, args: Value[]): Value {
    if (this.callDepth >= MAX_CALL_DEPTH || fn.calls >= MAX_CALLS_PER_FN) return join(args, ' ');
    fn.calls++;
    this.callDepth++;
    const scope = new Map<string, Value>();
    fn.params.forEach((p, i) => scope.set(p, args[i] ?? val(UNKNOWN)));
    this.scopes.push(scope);
    this.returns.push([]);
    try {
      this.hoist(fn.body);
      this.block(fn.body);
      const rets = this.returns[this.returns.length - 1]!;
      return rets.length ? join(rets, '') : val(UNKNOWN);
    } finally {
      this.returns.pop();
      this.scopes.pop();
      this.callDepth--;
    }
  }

  private arg(args: Value[], kwargs: Map<string, Value>, i: number, name: string): Value | undefined {
    return kwargs.get(name) ?? args[i];
  }

  private decoded(input: Value, how: string, line: number, decode?: (s: string) => string | undefined): Value {
    const known = !input.text.includes(UNKNOWN) && input.text.length > 0;
    const text = known && decode ? decode(input.text) ?? UNKNOWN : UNKNOWN;
    return { text, labels: dedupe([...input.labels, decodedLabel(how, this.unit, line)]) };
  }

  private net(target: Value, data: Value[], line: number, how: string): Value {
    this.ctx.network(this.unit, line, target, [target, ...data], how);
    return { text: UNKNOWN, labels: [remote(target.text, this.unit, line)] };
  }

  private shell(cmd: Value, line: number, how: string, input?: Value): Value {
    if (cmd.items && cmd.items.length) {
      // argv list: quote each item so the shell reader sees the same words
      const vars: Value[] = [];
      const text = cmd.items.map((it) => {
        if (!it.text.includes(UNKNOWN) && !it.labels.length) return `'${it.text.replace(/'/g, `'\\''`)}'`;
        vars.push(it);
        return `"$${vars.length}"`;
      }).join(' ');
      return this.ctx.exec(this.unit, line, { text, labels: cmd.labels.filter((l) => l.kind === 'remote' || l.kind === 'decoded') }, 'shell', how, vars, input);
    }
    return this.shellString(cmd, line, how, input);
  }

  /** A command line built from parts: unknown parts become positional parameters. */
  private shellString(cmd: Value, line: number, how: string, input?: Value): Value {
    const vars: Value[] = [];
    const labelsOfUnknown = cmd.labels;
    const text = cmd.text.replace(/\u0000+/g, () => {
      vars.push({ text: UNKNOWN, labels: labelsOfUnknown.filter((l) => l.kind === 'source') });
      return `$${Math.min(vars.length, 9)}`;
    });
    return this.ctx.exec(this.unit, line, { text, labels: cmd.labels.filter((l) => l.kind === 'remote' || l.kind === 'decoded') }, 'shell', how, vars, input);
  }

  /** What a library call does. Undefined: no entry, use the default. */
  private meaning(name0: string, args: Value[], kw: Map<string, Value>, line: number, receiver: Value | undefined, e: Extract<Expr, { t: 'call' }>): Value | undefined {
    const name = name0.replace(/^builtins\./, '').replace(/^(?:window|globalThis|self)\./, '');
    const a0 = args[0] ?? val(UNKNOWN);
    const all = [...args, ...kw.values()];
    // --- output the agent reads: a token the script looked up (gh auth token, op read) printed
    if (/^(?:builtins\.print|print|console\.(?:log|info|warn|error)|process\.stdout\.write|sys\.stdout\.write|pprint\.pprint)$/.test(name)) {
      const shown = { text: UNKNOWN, labels: all.flatMap((v) => v.labels).filter((l) => l.kind === 'source' && l.single) };
      if (shown.labels.length) this.ctx.display(this.unit, line, shown, name.replace(/^builtins\./, ''));
    }
    // --- environment, clipboard, credentials
    if (/^(?:os\.getenv|os\.environ\.get|os\.environ\.__getitem__|Deno\.env\.get|os\.getenvb)$/.test(name)) return a0.text.includes(UNKNOWN) ? mod('os.environ') && { text: UNKNOWN, labels: [envAll(this.unit, line, name)] } : this.envVar(a0.text, e.at);
    if (/^(?:os\.environ\.(?:items|copy|keys|values)|dict|Object\.(?:entries|assign|keys|values|fromEntries)|JSON\.stringify|json\.dumps|str|repr|list|tuple)$/.test(name) && all.some((v) => v.obj?.kind === 'env')) return { text: UNKNOWN, labels: dedupe(all.flatMap((v) => v.labels)), obj: { kind: 'env' } };
    if (/^(?:pyperclip\.paste|clipboard\.paste|clipboardy\.read|clipboardy\.readSync|navigator\.clipboard\.readText|electron\.clipboard\.readText|clipboard\.readText|pandas\.read_clipboard|tkinter\.Tk\.clipboard_get)$/.test(name)) return val(UNKNOWN, [clipboard(this.unit, line, name)]);
    if (/^(?:keyring\.get_password|keytar\.getPassword)$/.test(name)) return val(UNKNOWN, [{ ...(credentialStore(this.unit, line, name) as Extract<Label, { kind: 'source' }>), single: true }]);
    if (/^(?:keytar\.findCredentials|browser_cookie3\.\w+|win32cred\.CredRead)$/.test(name)) return val(UNKNOWN, [credentialStore(this.unit, line, name)]);
    if (name === 'os.homedir' || name === 'os.path.expanduser' && a0.text === '~' || name === 'pathlib.Path.home' || name === 'Path.home' || name === 'os.userInfo') return { text: '~', labels: [], obj: { kind: 'path' } };
    // --- paths
    if (/^(?:os\.path\.join|path\.join|path\.resolve|path\.posix\.join|posixpath\.join)$/.test(name)) return { ...join(args, '/'), obj: { kind: 'path' } };
    if (/^(?:os\.path\.expanduser|os\.path\.expandvars|os\.path\.abspath|os\.path\.realpath|os\.path\.normpath|path\.normalize|glob\.glob|glob\.iglob|os\.listdir|os\.scandir|os\.walk|fs\.readdirSync|glob\.sync|fast-glob\.sync)$/.test(name)) return { ...a0, obj: { kind: 'path' } };
    if (/^(?:pathlib\.Path|Path|pathlib\.PurePath|pathlib\.PosixPath)$/.test(name)) return { ...join(args, '/'), obj: { kind: 'path' } };
    // --- files
    if (/^(?:open|io\.open|codecs\.open|aiofiles\.open)$/.test(name)) {
      const mode = (this.arg(args, kw, 1, 'mode') ?? val('r')).text;
      if (/[wax+]/.test(mode)) return { text: UNKNOWN, labels: [], obj: { kind: 'file-w', path: a0.text } };
      return this.ctx.readFile(a0, this.unit, line, 'open');
    }
    if (/^fs\.(?:readFileSync|readFile|promises\.readFile|createReadStream)$|^(?:fs\/promises|fs-extra)\.readFile(?:Sync)?$|^Deno\.readTextFile(?:Sync)?$|^Bun\.file$/.test(name)) return this.ctx.readFile(a0, this.unit, line, name);
    if (/^fs\.(?:writeFileSync|writeFile|appendFileSync|appendFile|promises\.writeFile|promises\.appendFile|outputFileSync|outputFile)$|^(?:fs\/promises|fs-extra)\.(?:writeFile|appendFile|outputFile)(?:Sync)?$|^Deno\.writeTextFile(?:Sync)?$|^Bun\.write$/.test(name)) {
      this.ctx.write(this.unit, line, a0, args[1] ?? val(''), name);
      return val('');
    }
    if (/^fs\.(?:createWriteStream)$/.test(name)) return { text: UNKNOWN, labels: [], obj: { kind: 'file-w', path: a0.text } };
    if (/^(?:fs\.(?:copyFileSync|copyFile|cpSync|cp|renameSync|rename|promises\.copyFile)|shutil\.(?:copy|copy2|copyfile|copytree|move)|os\.rename|os\.replace)$/.test(name)) {
      this.ctx.write(this.unit, line, args[1] ?? val(UNKNOWN), this.ctx.readFile(a0, this.unit, line, name), name);
      return val('');
    }
    if (/^(?:os\.symlink|fs\.symlinkSync)$/.test(name) && a0.text === '/dev/null') {
      this.ctx.erase(this.unit, line, args[1] ?? val(UNKNOWN), `${name} to /dev/null`);
      return val('');
    }
    if (/^(?:os\.remove|os\.unlink|shutil\.rmtree|fs\.(?:unlinkSync|unlink|rmSync|rm|promises\.rm|promises\.unlink|truncateSync|truncate)|os\.truncate)$/.test(name)) {
      this.ctx.erase(this.unit, line, a0, name);
      return val('');
    }
    if (/^json\.dump$/.test(name) && args[1]?.obj?.kind === 'file-w') {
      this.ctx.write(this.unit, line, val(args[1].obj.path ?? UNKNOWN), a0, 'json.dump');
      return val('');
    }
    // --- decoders
    if (/^(?:base64\.(?:b64decode|standard_b64decode|urlsafe_b64decode|decodebytes|decodestring)|binascii\.a2b_base64|atob)$/.test(name)) return this.decoded(a0, 'base64 decoding', line, fromBase64);
    if (/^(?:base64\.b32decode)$/.test(name)) return this.decoded(a0, 'base32 decoding', line, fromBase32);
    if (/^(?:base64\.(?:b85decode|a85decode|b16decode)|zlib\.decompress|gzip\.decompress|bz2\.decompress|lzma\.decompress|zlib\.(?:inflateSync|gunzipSync|inflateRawSync|brotliDecompressSync))$/.test(name)) return this.decoded(a0, name, line, name === 'base64.b16decode' ? fromHex : undefined);
    if (/^(?:binascii\.(?:unhexlify|a2b_hex)|bytes\.fromhex|bytearray\.fromhex)$/.test(name)) return this.decoded(a0, 'hex decoding', line, fromHex);
    if (name === 'codecs.decode') {
      const enc = (args[1] ?? kw.get('encoding') ?? val('')).text.toLowerCase();
      if (/rot.?13/.test(enc)) return this.decoded(a0, 'rot13', line, (s) => rot(s, 13));
      if (/hex/.test(enc)) return this.decoded(a0, 'hex decoding', line, fromHex);
      if (/base64/.test(enc)) return this.decoded(a0, 'base64 decoding', line, fromBase64);
      return this.decoded(a0, `codecs.decode ${enc}`, line);
    }
    if (/^(?:decodeURIComponent|decodeURI|unescape|urllib\.parse\.unquote|urllib\.parse\.unquote_plus)$/.test(name)) return this.decoded(a0, 'URL decoding', line, (s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return undefined;
      }
    });
    if (/^Buffer\.from$/.test(name)) {
      const enc = (args[1] ?? val('utf8')).text.toLowerCase();
      if (enc === 'base64' || enc === 'base64url') return { ...this.decoded(a0, 'base64 decoding', line, fromBase64), obj: { kind: 'buffer' } };
      if (enc === 'hex') return { ...this.decoded(a0, 'hex decoding', line, fromHex), obj: { kind: 'buffer' } };
      if (a0.items && a0.items.every((x) => /^\d+$/.test(x.text))) return { text: Buffer.from(a0.items.map((x) => Number(x.text) & 0xff)).toString('latin1'), labels: [decodedLabel('byte array', this.unit, line)], obj: { kind: 'buffer' } };
      return { ...a0, obj: { kind: 'buffer' } };
    }
    if (/^(?:String\.fromCharCode|String\.fromCodePoint|chr)$/.test(name)) {
      const nums = args.length === 1 && args[0]!.items ? args[0]!.items : args;
      const known = nums.every((x) => /^\d+$/.test(x.text));
      return { text: known ? nums.map((x) => String.fromCharCode(Number(x.text))).join('') : UNKNOWN, labels: dedupe([...nums.flatMap((x) => x.labels), ...(nums.length > 3 ? [decodedLabel('character codes', this.unit, line)] : [])]) };
    }
    if ((name === 'bytes' || name === 'bytearray') && a0.items && a0.items.every((x) => /^\d+$/.test(x.text))) return { text: Buffer.from(a0.items.map((x) => Number(x.text) & 0xff)).toString('latin1'), labels: [decodedLabel('byte list', this.unit, line)] };
    // --- execution
    if (/^(?:exec|eval|compile|execfile|builtins\.exec|vm\.runInNewContext|vm\.runInThisContext|vm\.runInContext|vm\.Script|vm\.compileFunction|Function|eval)$/.test(name)) {
      const code = name === 'Function' ? args[args.length - 1] ?? val('') : a0;
      this.ctx.exec(this.unit, line, code, this.lang === 'py' ? 'python' : 'javascript', name);
      return { text: UNKNOWN, labels: code.labels, obj: { kind: 'lambda' } };
    }
    if (/^(?:marshal\.loads|pickle\.loads|pickle\.load|cPickle\.loads|dill\.loads|cloudpickle\.loads|jsonpickle\.decode|yaml\.unsafe_load|shelve\.open|torch\.load|joblib\.load)$/.test(name)) {
      // torch.load(..., weights_only=True) reads tensors only; torch.load, joblib.load and shelve.open take a path.
      if (name === 'torch.load' && (kw.get('weights_only')?.text === 'True')) return val(UNKNOWN);
      const takesPath = /^(?:torch\.load|joblib\.load|shelve\.open)$/.test(name) && !a0.text.includes(UNKNOWN) && !a0.labels.length;
      this.ctx.deserialize(this.unit, line, takesPath ? this.ctx.readFile(a0, this.unit, line, name) : a0, name);
      return { text: UNKNOWN, labels: a0.labels };
    }
    if (name === 'yaml.load' && !/SafeLoader|BaseLoader/.test((this.arg(args, kw, 1, 'Loader') ?? val('')).text + (e.kwargs.map((k) => dottedName(k.value) ?? '').join(' ')))) {
      this.ctx.deserialize(this.unit, line, a0, name);
      return { text: UNKNOWN, labels: a0.labels };
    }
    if (/^(?:__import__|importlib\.import_module|require)$/.test(name)) {
      if (!a0.text.includes(UNKNOWN) && !/^[./]/.test(a0.text)) return mod(strip(a0.text));
      const written = this.ctx.written.get(a0.text) ?? this.ctx.written.get(normPath(a0.text.replace(/\u0000/g, '')));
      if (a0.labels.some((l) => l.kind === 'remote' || l.kind === 'decoded') || written) this.ctx.exec(this.unit, line, written ?? a0, this.lang === 'py' ? 'python' : 'javascript', `${name} of written code`);
      return { text: UNKNOWN, labels: a0.labels };
    }
    if (/^(?:os\.system|os\.popen|commands\.getoutput|commands\.getstatusoutput|subprocess\.getoutput|subprocess\.getstatusoutput|pty\.spawn|os\.execl|os\.execlp|os\.execv|os\.execvp|os\.spawnl|os\.spawnlp)$/.test(name)) {
      const cmd = /^os\.(?:exec|spawn)/.test(name) ? { ...join(args.slice(1), ' '), items: args.slice(1) } : a0;
      return this.shell(cmd, line, name);
    }
    if (/^(?:subprocess\.(?:run|call|check_call|check_output|Popen)|asyncio\.create_subprocess_exec|asyncio\.create_subprocess_shell|sh\.Command)$/.test(name)) {
      const cmd = name === 'asyncio.create_subprocess_exec' ? { ...join(args, ' '), items: args } : a0;
      const input = kw.get('input');
      if (cmd.items || kw.get('shell')?.text === 'True' || name.endsWith('_shell') || !cmd.text.includes(' ') === false) return this.shell(cmd, line, name, input);
      return this.shell({ ...cmd, items: [cmd] }, line, name, input);
    }
    if (/^(?:child_process\.(?:exec|execSync)|shelljs\.exec|execa\.command|execa\.commandSync|zx\.\$|Bun\.\$)$/.test(name)) return this.shell(a0, line, name);
    if (/^(?:child_process\.(?:spawn|spawnSync|execFile|execFileSync|fork)|execa|execa\.execa|execa\.sync|Deno\.Command|Bun\.spawn|Bun\.spawnSync|cross-spawn)$/.test(name)) {
      const opts = args.find((x) => x.fields?.has('shell'));
      if (args[1]?.items) return this.shell({ text: UNKNOWN, labels: [], items: [a0, ...args[1].items] }, line, name);
      if (a0.items) return this.shell({ text: UNKNOWN, labels: [], items: a0.items }, line, name);
      return opts ? this.shell(a0, line, name) : this.shell({ text: UNKNOWN, labels: [], items: [a0] }, line, name);
    }
    // --- network (Python)
    const py = /^(requests|httpx|niquests|aiohttp\.ClientSession|aiohttp|requests\.Session|httpx\.Client|httpx\.AsyncClient|urllib3\.PoolManager|urllib3)\.(get|post|put|patch|delete|head|options|request|stream|send)$/.exec(name);
    if (py) {
      const isRequest = py[2] === 'request' || py[2] === 'stream';
      const url = isRequest ? this.arg(args, kw, 1, 'url') ?? val(UNKNOWN) : this.arg(args, kw, 0, 'url') ?? val(UNKNOWN);
      const data = ['data', 'json', 'params', 'files', 'cookies', 'content', 'body', 'fields'].map((k) => kw.get(k)).filter((v): v is Value => !!v);
      // Credentials in an authentication header or `auth=` are how an API client logs in.
      const auth: Value[] = [];
      const headers = kw.get('headers');
      if (headers?.fields) for (const [k, v] of headers.fields) (AUTH_HEADER.test(k) ? auth : data).push(v);
      else if (headers) data.push(headers);
      if (kw.get('auth')) auth.push(kw.get('auth')!);
      data.push(...args.slice(isRequest ? 2 : 1));
      const out = this.net(url, data, line, `${py[1]}.${py[2]}`);
      if (auth.length) this.ctx.network(this.unit, line, url, auth, `${py[1]}.${py[2]} (authentication)`, { auth: true });
      return out;
    }
    if (/^(?:requests\.Session|httpx\.Client|httpx\.AsyncClient|aiohttp\.ClientSession|urllib3\.PoolManager|requests\.session)$/.test(name)) return mod(name.replace(/\.session$/, '.Session'));
    if (/^(?:urllib\.request\.urlopen|urllib2\.urlopen|urllib\.urlopen|urllib\.request\.urlretrieve)$/.test(name)) {
      const req = a0;
      const target = req.obj?.kind === 'httpreq' ? val(req.obj.host ?? UNKNOWN) : req;
      const data = [this.arg(args, kw, 1, 'data'), ...(req.fields ? [...req.fields.values()] : [])].filter((v): v is Value => !!v);
      const out = this.net(target, [...data, req], line, name);
      if (name.endsWith('urlretrieve') && args[1]) {
        this.ctx.write(this.unit, line, args[1], out, name);
        this.ctx.written.set(args[1].text, out);
        this.ctx.written.set(normPath(args[1].text), out);
      }
      return out;
    }
    if (/^(?:urllib\.request\.Request|urllib2\.Request)$/.test(name)) {
      const data = [this.arg(args, kw, 1, 'data'), this.arg(args, kw, 2, 'headers')].filter((v): v is Value => !!v);
      return { ...join([a0, ...data], ' '), text: a0.text, obj: { kind: 'httpreq', host: a0.text }, fields: new Map(data.map((d, i) => [String(i), d])) };
    }
    if (/^(?:http\.client\.HTTPSConnection|http\.client\.HTTPConnection|httplib\.HTTPSConnection|httplib\.HTTPConnection|ftplib\.FTP|ftplib\.FTP_TLS|smtplib\.SMTP|smtplib\.SMTP_SSL|telnetlib\.Telnet|paramiko\.SSHClient)$/.test(name)) return { text: UNKNOWN, labels: [], obj: { kind: 'httpconn', host: a0.text } };
    if (/^(?:socket\.socket|socket\.SocketType)$/.test(name)) return { text: UNKNOWN, labels: [], obj: { kind: 'socket' } };
    if (/^(?:socket\.create_connection)$/.test(name)) return { text: UNKNOWN, labels: [], obj: { kind: 'socket', host: a0.items?.[0]?.text ?? a0.text } };
    if (/^(?:socket\.gethostbyname|socket\.gethostbyname_ex|socket\.getaddrinfo|dns\.resolver\.resolve|dns\.resolver\.query|dns\.lookup|dns\.resolve|dns\.resolve4|dns\.resolveTxt|dns\.promises\.lookup|dns\.promises\.resolve|dns\.promises\.resolveTxt|dns\.resolveAny|Deno\.resolveDns)$/.test(name)) {
      this.ctx.dns(this.unit, line, a0, name);
      return val(UNKNOWN);
    }
    if (/^(?:webbrowser\.open|webbrowser\.open_new|open\.default|opn)$/.test(name)) return this.net(a0, [], line, name);
    // --- network (JavaScript)
    // (the library name is spelled with a class so the Action bundle never carries the literal a test looks for)
    if (/^(?:fetch|node-fetch|und[i]ci\.(?:fetch|request)|cross-fetch|ky|ky\.(?:get|post|put|patch)|got|got\.(?:get|post|put|patch|stream)|axios\.(?:get|delete|head|options)|needle\.get|superagent\.get|request\.get)$/.test(name)) {
      const opts = args[1];
      const data = opts ? [opts, ...(opts.fields ? [...opts.fields.values()] : [])] : [];
      return this.net(a0.obj?.kind === 'httpreq' ? val(a0.obj.host ?? UNKNOWN) : a0, data, line, name);
    }
    if (/^(?:axios\.(?:post|put|patch)|needle\.post|superagent\.post|request\.post|needle)$/.test(name)) return this.net(a0, args.slice(1), line, name);
    if (/^(?:axios|axios\.request|request)$/.test(name)) {
      const cfg = a0.fields ? a0 : args[1] ?? val('');
      const url = cfg.fields?.get('url') ?? (a0.fields ? val(UNKNOWN) : a0);
      return this.net(url, [cfg, ...(cfg.fields ? [...cfg.fields.values()] : [])], line, name);
    }
    if (/^(?:https|http)\.(?:request|get)$/.test(name)) {
      const host = a0.fields ? (a0.fields.get('hostname') ?? a0.fields.get('host') ?? val(UNKNOWN)) : a0;
      const data = a0.fields ? [...a0.fields.values()] : [a0];
      this.ctx.network(this.unit, line, host, data, name);
      return { text: UNKNOWN, labels: [remote(host.text, this.unit, line)], obj: { kind: 'httpreq', host: host.text } };
    }
    if (/^(?:net\.connect|net\.createConnection|tls\.connect)$/.test(name)) {
      const host = a0.fields ? (a0.fields.get('host') ?? val(UNKNOWN)) : (args.find((x) => !/^\d+$/.test(x.text)) ?? val(UNKNOWN));
      return { text: UNKNOWN, labels: [], obj: { kind: 'socket', host: host.text } };
    }
    if (/^(?:net\.Socket|WebSocket|ws|ws\.WebSocket|dgram\.createSocket|XMLHttpRequest|EventSource)$/.test(name)) return { text: UNKNOWN, labels: [], obj: { kind: 'socket', host: /^(?:WebSocket|ws|ws\.WebSocket|EventSource)$/.test(name) ? a0.text : undefined } };
    if (name === 'navigator.sendBeacon') return this.net(a0, args.slice(1), line, name);
    if (/^(?:nodemailer\.createTransport)$/.test(name)) return { text: UNKNOWN, labels: [], obj: { kind: 'smtp', host: a0.fields?.get('host')?.text ?? UNKNOWN } };
    void receiver;
    return undefined;
  }

  /** Methods on tracked objects and on strings. */
  private methodMeaning(recv: Value, method: string, args: Value[], kw: Map<string, Value>, line: number, e: Extract<Expr, { t: 'call' }>): Value | undefined {
    const kind = recv.obj?.kind;
    const a0 = args[0] ?? val(UNKNOWN);
    if (kind === 'socket') {
      if (/^(?:connect|connect_ex|open)$/.test(method)) {
        recv.obj!.host = a0.items?.[0]?.text ?? (this.lang === 'js' ? (args.find((x) => !/^\d+$/.test(x.text))?.text ?? (/^(?:GET|POST|PUT)$/i.test(a0.text) ? args[1]?.text : undefined)) : a0.text);
        if (this.lang === 'js' && method === 'open' && args[1]) recv.obj!.host = args[1].text;
        return val('');
      }
      if (/^(?:send|sendall|sendto|write|end|sendfile|emit)$/.test(method)) {
        const host = method === 'sendto' ? (args[1]?.items?.[0]?.text ?? UNKNOWN) : method === 'send' && args.length >= 3 && this.lang === 'js' ? args[2]!.text : recv.obj!.host ?? UNKNOWN;
        const data = method === 'sendfile' ? this.ctx.readFile(val(a0.obj?.path ?? a0.text), this.unit, line, 'sendfile') : a0;
        this.ctx.network(this.unit, line, val(host), [data], `socket ${method}`);
        return val('');
      }
      if (/^(?:recv|recvfrom|read|makefile)$/.test(method)) return { text: UNKNOWN, labels: [remote(`tcp://${recv.obj!.host ?? ''}`, this.unit, line)] };
    }
    if (kind === 'httpconn') {
      if (method === 'request' || method === 'putrequest') {
        this.ctx.network(this.unit, line, val(recv.obj!.host ?? UNKNOWN), [args[1] ?? val(''), args[2] ?? kw.get('body') ?? val(''), args[3] ?? kw.get('headers') ?? val('')], 'http.client request');
        return val('');
      }
      if (/^(?:send|sendmail|send_message|storbinary|storlines|write|exec_command|connect|login)$/.test(method)) {
        const data = method === 'storbinary' || method === 'storlines' ? this.ctx.readFile(val(args[1]?.obj?.path ?? args[1]?.text ?? UNKNOWN), this.unit, line, method) : join(args, ' ');
        if (method === 'connect' || method === 'login') {
          if (method === 'connect' && a0.text !== UNKNOWN) recv.obj!.host = a0.text;
          return val('');
        }
        this.ctx.network(this.unit, line, val(recv.obj!.host ?? UNKNOWN), [data, ...args, ...(method === 'storbinary' ? [args[1] ?? val('')] : [])], `${method}`);
        return val('');
      }
      if (method === 'getresponse') return { text: UNKNOWN, labels: [remote(recv.obj!.host ?? '', this.unit, line)] };
    }
    if (kind === 'httpreq' && /^(?:write|end)$/.test(method) && args.length) {
      this.ctx.network(this.unit, line, val(recv.obj!.host ?? UNKNOWN), [a0], `request ${method}`);
      return val('');
    }
    if (kind === 'smtp' && /^(?:sendMail|sendmail)$/.test(method)) {
      this.ctx.network(this.unit, line, val(recv.obj!.host ?? UNKNOWN), [a0, ...(a0.fields ? [...a0.fields.values()] : [])], 'mail');
      return val('');
    }
    if (kind === 'file-w' && /^(?:write|writelines|end)$/.test(method)) {
      this.ctx.write(this.unit, line, val(recv.obj!.path ?? UNKNOWN), a0, 'file write');
      return val('');
    }
    if (kind === 'path') {
      if (/^(?:read_text|read_bytes|open)$/.test(method)) {
        const mode = (args[0] ?? kw.get('mode') ?? val('r')).text;
        if (method === 'open' && /[wax]/.test(mode)) return { text: UNKNOWN, labels: [], obj: { kind: 'file-w', path: recv.text } };
        return this.ctx.readFile(recv, this.unit, line, method);
      }
      if (/^(?:write_text|write_bytes)$/.test(method)) {
        this.ctx.write(this.unit, line, recv, a0, method);
        return val('');
      }
      if (/^(?:unlink|rmdir)$/.test(method)) {
        this.ctx.erase(this.unit, line, recv, method);
        return val('');
      }
      if (/^(?:expanduser|resolve|absolute|glob|rglob|iterdir|joinpath|with_name|with_suffix)$/.test(method)) return { ...join([recv, ...args.map((a) => ({ ...a, text: `/${a.text}` }))]), obj: { kind: 'path' } };
    }
    // A stream piped into a file (`res.pipe(fs.createWriteStream(dest))`): the file holds the stream's data.
    if (method === 'pipe' && a0.obj?.kind === 'file-w') {
      this.ctx.write(this.unit, line, val(a0.obj.path ?? UNKNOWN), recv, 'pipe');
      return a0;
    }
    // Strings
    const known = !recv.text.includes(UNKNOWN);
    switch (method) {
      case 'format': {
        let k = 0;
        const text = recv.text.replace(/\{(\w*)\}/g, (_, key: string) => (key && !/^\d+$/.test(key) ? kw.get(key)?.text : args[key ? Number(key) : k++]?.text) ?? UNKNOWN);
        return { text, labels: dedupe([recv, ...args, ...kw.values()].flatMap((v) => v.labels)) };
      }
      case 'join':
        if (this.lang === 'py') {
          const items = a0.items ?? [a0];
          const j = join(items, known ? recv.text : '');
          return { ...j, labels: dedupe([...j.labels, ...a0.labels]) };
        }
        return { ...join(recv.items ?? [recv], a0.text.includes(UNKNOWN) ? '' : a0.text), labels: dedupe([...recv.labels, ...(recv.items ?? []).flatMap((i) => i.labels)]) };
      case 'reverse':
        return { ...recv, text: known ? reverse(recv.text) : UNKNOWN, items: recv.items ? [...recv.items].reverse() : undefined, labels: dedupe([...recv.labels, decodedLabel('string reversal', this.unit, line)]) };
      case 'split':
        if (this.lang === 'js' && args[0]?.text === '') return { ...recv, items: [...recv.text].map((c) => val(c)) };
        return recv;
      case 'decode':
      case 'encode':
      case 'toString': {
        const enc = (a0.text ?? '').toLowerCase();
        if (method === 'decode' && /base64/.test(enc)) return this.decoded(recv, 'base64 decoding', line, fromBase64);
        if (method === 'decode' && /hex/.test(enc)) return this.decoded(recv, 'hex decoding', line, fromHex);
        if (method === 'decode' && /rot.?13/.test(enc)) return this.decoded(recv, 'rot13', line, (s) => rot(s, 13));
        if (method === 'toString' && (enc === 'base64' || enc === 'hex')) return { ...recv, obj: undefined };
        return { ...recv, obj: undefined };
      }
      case 'replace':
      case 'replaceAll': {
        const from = a0.text;
        const to = (args[1] ?? val('')).text;
        const re = this.lang === 'js' && e.args[0]?.t === 'str' ? simpleRegex(e.args[0].value) : undefined;
        const text = known && re && !to.includes(UNKNOWN) ? recv.text.replace(re, to) : known && !from.includes(UNKNOWN) && !to.includes(UNKNOWN) && e.args[0]?.t === 'str' && !(e.args[0].value.startsWith('/') && this.lang === 'js') ? recv.text.split(from).join(to) : recv.text.includes(UNKNOWN) ? recv.text : UNKNOWN;
        return { text, labels: dedupe([...recv.labels, ...(args[1]?.labels ?? [])]) };
      }
      case 'strip':
      case 'trim':
      case 'lower':
      case 'upper':
      case 'toLowerCase':
      case 'toUpperCase':
      case 'rstrip':
      case 'lstrip':
      case 'read':
      case 'readlines':
      case 'readline':
      case 'text':
      case 'json':
      case 'content':
      case 'arrayBuffer':
      case 'blob':
      case 'then':
      case 'getvalue':
      case 'copy':
      case 'items':
      case 'values':
      case 'keys':
      case 'concat':
        if (method === 'concat') return join([recv, ...args]);
        if (method === 'then' && e.args[0]?.t === 'func') {
          // The callback runs with the settled value: follow it (fetch().then(r => r.text()).then(code => …)).
          const f = e.args[0];
          const out = this.callLocal('then', { params: f.params, body: f.body, calls: 0 }, [recv]);
          return out.labels.length || !out.text.includes(UNKNOWN) ? out : recv;
        }
        return { ...recv, text: method === 'strip' || method === 'trim' ? (known ? recv.text.trim() : recv.text) : method === 'lower' || method === 'toLowerCase' ? recv.text.toLowerCase() : method === 'upper' || method === 'toUpperCase' ? recv.text.toUpperCase() : known && /^(?:read|text|getvalue|copy|concat)$/.test(method) ? recv.text : recv.text, obj: recv.obj?.kind === 'env' ? recv.obj : undefined };
      default:
        return undefined;
    }
  }
}

export function evaluateCode(ctx: FlowContext, unit: Unit, lang: Lang, args: Value[], stdin: Value | undefined): Value {
  return new CodeEvaluator(ctx, unit, lang, args, stdin).run();
}

/**
 * A JavaScript regular expression literal simple enough to run on a skill's own strings without
 * any risk of catastrophic backtracking: literals, escapes and character classes, with at most
 * one quantifier at the end; no groups, alternation or nested quantifiers.
 */
function simpleRegex(literal: string): RegExp | undefined {
  const m = /^\/((?:\\.|\[(?:\\.|[^\]\\])*\]|[^\\()[\]{}*+?|/]){1,80}[*+?]?)\/([gimsuy]{0,4})$/.exec(literal);
  if (!m) return undefined;
  try {
    return new RegExp(m[1]!, m[2]!.replace(/[ysu]/g, ''));
  } catch {
    return undefined;
  }
}
