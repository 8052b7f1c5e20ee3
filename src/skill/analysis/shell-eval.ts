/**
 * Follows data through a parsed shell script: variables, command substitution, pipes,
 * redirections and here-docs, loops and functions; each command's meaning (what it reads,
 * decodes, sends, runs, writes or erases) comes from the tables below.
 */
import { Lines } from '../../core/lines.js';
import { clipboard, credentialStore, decodedLabel, dedupe, envAll, envSource, normPath, remote, type FlowContext, type Lang, type Unit } from './context.js';
import { fromBase64, fromHex, reverse, rot } from './decode.js';
import { UNKNOWN, hostOf, isForgeHost, join, val, type Label, type Value } from './model.js';
import { parseShell, type ShCommand, type ShRedirect, type ShScript, type ShSimple, type ShWord } from './shell.js';

export interface ShellEnv {
  vars: Map<string, Value>;
  funcs: Map<string, ShScript>;
  params: Value[];
  /** Working folder as far as `cd` tells (relative to where the block starts), '' at the start. */
  cwd: string;
}

export function newShellEnv(params: Value[] = []): ShellEnv {
  return { vars: new Map(), funcs: new Map(), params, cwd: '' };
}

const INTERPRETERS: Record<string, Lang> = {
  sh: 'shell', bash: 'shell', zsh: 'shell', dash: 'shell', ksh: 'shell', ash: 'shell', fish: 'shell', busybox: 'shell',
  python: 'python', python2: 'python', python3: 'python', py: 'python', pypy: 'python', pypy3: 'python', uv: 'python',
  node: 'javascript', nodejs: 'javascript', deno: 'javascript', bun: 'javascript', tsx: 'javascript', 'ts-node': 'javascript',
  perl: 'shell', ruby: 'shell', php: 'shell', pwsh: 'powershell', powershell: 'powershell', 'powershell.exe': 'powershell', osascript: 'shell',
};
const INLINE_FLAG: Record<string, RegExp> = {
  shell: /^-[a-z]*c[a-z]*$/,
  python: /^-c$/,
  javascript: /^(?:-e|-p|--eval|--print)$/,
  powershell: /^-(?:c|command|e|ec|encodedcommand)$/i,
};
const WRAPPERS = new Set(['sudo', 'doas', 'nohup', 'time', 'command', 'exec', 'builtin', 'nice', 'ionice', 'timeout', 'stdbuf', 'env', 'unbuffer', 'caffeinate', 'chronic', 'setsid', 'torsocks', 'proxychains', 'proxychains4']);
const FILTERS = new Set(['cat', 'tac', 'head', 'tail', 'less', 'more', 'strings', 'nl', 'od', 'hexdump', 'xxd', 'base64', 'base32', 'basenc', 'gzip', 'gunzip', 'zcat', 'bzip2', 'xz', 'zstd', 'sort', 'uniq', 'cut', 'tr', 'sed', 'awk', 'gawk', 'grep', 'egrep', 'rg', 'jq', 'yq', 'column', 'fold', 'rev', 'iconv', 'openssl', 'gpg', 'tee', 'paste', 'fmt', 'wc', 'md5sum', 'sha256sum', 'shasum', 'zip', 'tar', 'find', 'ls', 'dd', 'uuencode', 'xargs', 'printf', 'echo', 'cmp', 'diff', 'sqlite3', 'file', 'split']);
const NET = new Set(['curl', 'wget', 'http', 'https', 'xh', 'xhs', 'nc', 'ncat', 'netcat', 'socat', 'telnet', 'ssh', 'scp', 'sftp', 'rsync', 'ftp', 'lftp', 'mail', 'mailx', 'sendmail', 'mutt', 'swaks', 'aria2c', 'axel']);
/** Commands whose output is the data that went in (or a secret they fetched): what the agent then reads. */
/** A sed substitution whose pattern names secrets and whose replacement masks them. */
const MASKING_SED = /(?:^|[;\s])s([/|#,:@])(?:(?!\1).)*(?:pass|token|secret|key|auth|cred|pwd)(?:(?!\1).)*\1(?:(?!\1).)*(?:\*{3,}|redacted|masked|hidden|x{4,})(?:(?!\1).)*\1[gIi]*/i;

const PRINTERS = new Set(['cat', 'tac', 'head', 'tail', 'less', 'more', 'strings', 'nl', 'od', 'hexdump', 'xxd', 'base64', 'base32', 'basenc', 'zcat', 'sort', 'uniq', 'cut', 'tr', 'sed', 'awk', 'gawk', 'grep', 'egrep', 'rg', 'jq', 'yq', 'column', 'fold', 'rev', 'iconv', 'tee', 'paste', 'fmt', 'echo', 'printf', 'env', 'printenv', 'set', 'export', 'declare', 'typeset', 'compgen', 'sqlite3', 'openssl']);
/** Output that no longer holds the data: counts, hashes, names. */
const SUMMARISERS = new Set(['wc', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'shasum', 'b2sum', 'cksum', 'file', 'cmp', 'ls', 'find', 'stat', 'du', 'test', '[']);
const DNS = new Set(['dig', 'nslookup', 'host', 'drill', 'ping', 'ping6', 'getent', 'resolvectl', 'traceroute', 'kdig', 'delv']);

function basename(s: string): string {
  const t = s.replace(/\\/g, '/');
  return t.slice(t.lastIndexOf('/') + 1).toLowerCase();
}

/** Package indexes and vendors' wheel hosts: installing from them is ordinary. */
const PACKAGE_HOSTS = /(?:^|\.)(?:pypi\.org|pythonhosted\.org|pytorch\.org|nvidia\.com|anaconda\.org|conda\.io|readthedocs\.io|pypi\.io|jfrog\.io|pkg\.dev|data\.pyg\.org|dl\.google\.com|storage\.googleapis\.com)$/i;

export class ShellEvaluator {
  private readonly lines: Lines;
  /** The last simple command run: its name, line, and whether its output is what it was given or fetched. */
  private last = { name: '', line: 0, prints: false };

  constructor(private readonly ctx: FlowContext, private readonly unit: Unit, readonly env: ShellEnv) {
    this.lines = new Lines(unit.text);
  }

  run(stdin?: Value): Value {
    const parsed = parseShell(this.unit.text);
    if (this.ctx.depth > 0) return this.script(parsed, stdin);
    // Top level of an instruction block or script: what each command prints, the agent reads.
    const outs: Value[] = [];
    for (const item of parsed.items) {
      this.last = { name: '', line: 0, prints: false };
      const out = this.script({ ...parsed, items: [item] }, stdin);
      if (this.last.prints && out.labels.length) this.ctx.display(this.unit, this.last.line, out, this.last.name);
      outs.push(out);
    }
    return outs.length === 1 ? outs[0]! : join(outs, '\n');
  }

  private line(offset: number): number {
    return this.unit.line + this.lines.lineOf(offset);
  }

  script(s: ShScript, stdin?: Value): Value {
    const outs: Value[] = [];
    for (const item of s.items) {
      let input = stdin;
      let out: Value = val('');
      item.pipeline.commands.forEach((c) => {
        out = this.command(c, input);
        input = out;
      });
      outs.push(out);
    }
    return outs.length === 1 ? outs[0]! : join(outs, '\n');
  }

  word(w: ShWord | undefined): Value {
    if (!w) return val('');
    const parts: Value[] = [];
    for (const p of w.parts) {
      if (p.kind === 'lit') parts.push(val(p.value));
      else if (p.kind === 'param') {
        // ${#X} (length), ${X:0:4} (a few characters), ${X:+set} (a flag): not the value.
        const v = this.param(p.name, w.start);
        parts.push(/^\$\{(?:#\w|\w+:\s*-?\d|\w+:?\+)/.test(p.raw) ? { text: UNKNOWN, labels: v.labels.filter((l) => l.kind !== 'source') } : v);
      }
      else if (p.kind === 'cmdsub') {
        // $(<file) reads the file
        const only = p.script.items.length === 1 && p.script.items[0]!.pipeline.commands.length === 1 ? p.script.items[0]!.pipeline.commands[0]! : undefined;
        if (only?.kind === 'cmd' && !only.words.length && only.redirects.length === 1 && only.redirects[0]!.op === '<') {
          parts.push(this.ctx.readFile(this.word(only.redirects[0]!.target), this.unit, this.line(only.start), 'read'));
        } else {
          const out = this.script(p.script);
          const data: Label = { kind: 'data', what: p.raw.slice(0, 60), step: { file: this.unit.file, line: this.line(w.start), what: p.raw.slice(0, 60) } };
          parts.push({ ...out, text: out.text === '' ? UNKNOWN : out.text, labels: out.labels.length ? out.labels : [data] });
        }
      } else {
        // <(cmd) is a path whose content is cmd's output
        const out = this.script(p.script);
        const path = `/dev/fd/${this.ctx.written.size + 63}`;
        this.ctx.written.set(path, out);
        parts.push(val(path, []));
      }
    }
    if (parts.length === 1) return parts[0]!;
    return join(parts);
  }

  private param(name: string, offset: number): Value {
    const v = this.env.vars.get(name);
    if (v) return v;
    if (/^[1-9]$/.test(name)) return this.env.params[Number(name) - 1] ?? val(UNKNOWN);
    if (name === '@' || name === '*') return this.env.params.length ? join(this.env.params, ' ') : val(UNKNOWN);
    if (name === 'HOME') return val('~');
    const label = envSource(name, this.unit, this.line(offset));
    return val(UNKNOWN, label ? [label] : []);
  }

  private command(c: ShCommand, stdin?: Value): Value {
    switch (c.kind) {
      case 'cmd':
        return this.simple(c, stdin);
      case 'func':
        if (c.name && c.bodies[0]) this.env.funcs.set(c.name, c.bodies[0]);
        return val('');
      case 'for': {
        const items = c.items ? join(c.items.map((w) => this.word(w)), ' ') : join(this.env.params, ' ');
        if (c.variable) this.env.vars.set(c.variable, items);
        const input = this.inputOf(c.redirects, stdin);
        const out = this.script(c.body, input);
        return this.outputTo(c.redirects, out, c.start);
      }
      default: {
        const input = this.inputOf(c.redirects, stdin);
        for (const w of c.words) this.word(w);
        const out = join(c.bodies.map((b) => this.script(b, input)), '\n');
        return this.outputTo(c.redirects, out, c.start);
      }
    }
  }

  private inputOf(redirects: ShRedirect[], stdin: Value | undefined): Value | undefined {
    let input = stdin;
    for (const r of redirects) {
      if (r.op === '<' && (!r.fd || r.fd === '0')) input = this.ctx.readFile(this.word(r.target), this.unit, this.line(r.target?.start ?? 0), 'read');
      else if (r.op === '<<') input = this.word(r.heredoc);
      else if (r.op === '<<<') input = this.word(r.target);
    }
    return input;
  }

  private outputTo(redirects: ShRedirect[], out: Value, offset: number): Value {
    let result = out;
    for (const r of redirects) {
      if ((r.op === '>' || r.op === '>>' || r.op === '>|' || r.op === '&>' || r.op === '&>>') && (!r.fd || r.fd === '1')) {
        const target = this.word(r.target);
        if (/^\/dev\/(?:null|stderr|stdout|tty)$/.test(target.text)) continue;
        if (/^\/dev\/(?:tcp|udp)\//.test(target.text)) {
          const [, , , host] = target.text.split('/');
          this.ctx.network(this.unit, this.line(offset), val(host ?? UNKNOWN), [out], 'a /dev/tcp redirection');
          continue;
        }
        this.ctx.write(this.unit, this.line(r.target?.start ?? offset), target, r.op.includes('>>') ? out : out, r.op === '>>' || r.op === '&>>' ? 'appending (>>)' : 'a redirection (>)');
        result = val('');
      } else if (r.op === '>&' && r.target && /^\/dev\/(?:tcp|udp)\//.test(this.word(r.target).text)) {
        const host = this.word(r.target).text.split('/')[3];
        this.ctx.network(this.unit, this.line(offset), val(host ?? UNKNOWN), [out], 'a /dev/tcp redirection');
      }
    }
    return result;
  }

  private simple(c: ShSimple, stdin?: Value): Value {
    const line = this.line(c.start);
    for (const a of c.assigns) {
      const v = a.value ? this.word(a.value) : val('');
      this.env.vars.set(a.name, withStep(v, this.unit, this.line(a.start), `${a.name}=`));
      this.assignmentEffects(a.name, v, line);
    }
    let argv = c.words.map((w) => this.word(w));
    // `$cmd args`: an unquoted variable holding a whole command line is split into words.
    const w0 = c.words[0];
    if (w0 && argv[0] && /^\$\{?\w+\}?$/.test(w0.raw) && /\s/.test(argv[0].text.trim())) {
      const first = argv[0];
      argv = [...first.text.trim().split(/\s+/).map((t) => ({ text: t, labels: first.labels })), ...argv.slice(1)];
    }
    // Redirections that feed stdin, and the /dev/tcp ones, first.
    const input = this.inputOf(c.redirects, stdin);
    for (const r of c.redirects) if (r.op === '<' && r.target && /^\/dev\/(?:tcp|udp)\//.test(this.word(r.target).text)) this.ctx.network(this.unit, line, val(this.word(r.target).text.split('/')[3] ?? UNKNOWN), [], 'a /dev/tcp redirection');
    if (!argv.length) return this.outputTo(c.redirects, val(''), c.start);
    argv = this.unwrap(argv);
    if (!argv.length) return val('');
    const name = basename(argv[0]!.text);
    this.last = { name, line, prints: PRINTERS.has(name) };
    const out = this.dispatch(argv, input, line, c);
    return this.outputTo(c.redirects, out, c.start);
  }

  /** sudo, env, nohup, timeout … run the command after their own options. */
  private unwrap(argv: Value[]): Value[] {
    let a = argv;
    for (let guard = 0; guard < 8 && a.length; guard++) {
      const name = basename(a[0]!.text);
      if (!WRAPPERS.has(name)) break;
      let i = 1;
      while (i < a.length) {
        const t = a[i]!.text;
        if (name === 'env' && /^[A-Za-z_]\w*=/.test(t)) {
          const eq = t.indexOf('=');
          this.env.vars.set(t.slice(0, eq), val(t.slice(eq + 1), a[i]!.labels));
          i++;
        } else if (t.startsWith('-')) {
          i += /^-(?:u|g|n|p|C|h|k|s|S|o|e|i|c)$/.test(t) && name !== 'env' && name !== 'exec' ? 2 : 1;
        } else if ((name === 'timeout' || name === 'nice') && /^\d/.test(t)) i++;
        else break;
      }
      // `env` (or `env -0`, `env FOO=1`) with no command prints the environment.
      if (i >= a.length && name === 'env') return [a[0]!];
      a = a.slice(i);
    }
    return a;
  }

  private assignmentEffects(name: string, v: Value, line: number): void {
    if (/^(?:HISTFILE)$/.test(name) && /^(?:\/dev\/null|)$/.test(v.text)) this.ctx.report('skill-flow-erase-traces', this.unit, line, `${name} set to ${v.text || 'nothing'} (history off)`);
    if (/^(?:HISTSIZE|HISTFILESIZE|SAVEHIST)$/.test(name) && v.text === '0') this.ctx.report('skill-flow-erase-traces', this.unit, line, `${name}=0 (history off)`);
  }

  private dispatch(argv: Value[], stdin: Value | undefined, line: number, c: ShSimple): Value {
    const name0 = argv[0]!.text;
    const name = basename(name0);
    const args = argv.slice(1);
    const texts = args.map((a) => a.text);
    const positional = args.filter((a) => !a.text.startsWith('-'));

    // A function defined earlier in the script
    const fn = this.env.funcs.get(name0);
    if (fn) {
      const saved = this.env.params;
      this.env.params = args;
      try {
        return this.script(fn, stdin);
      } finally {
        this.env.params = saved;
      }
    }

    // A file the script downloaded, run directly
    if (!this.ctx.written.has(normalise(name0)) && this.ctx.remoteArchive && /^\.\.?\//.test(name0)) return this.ctx.exec(this.unit, line, val(UNKNOWN, [this.ctx.remoteArchive]), undefined, `running ${name0} from a downloaded archive`);
    const ran = this.ctx.written.get(normalise(name0));
    if (ran && (name0.includes('/') || name0.startsWith('.'))) {
      return this.ctx.exec(this.unit, line, ran, guessLang(name0, ran.text), `running ${name0}`, args, stdin);
    }

    // Code from a repository cloned from an unknown host, run or built and installed
    const cloned = this.clonedCode(name0, name, texts);
    if (cloned) return this.ctx.exec(this.unit, line, val(UNKNOWN, [cloned.label]), undefined, `${cloned.how} (git clone)`);

    // `pip install https://host/pkg.whl` (also `python -m pip`, `uv pip`): the package's build
    // and install code runs; a package from a host that is neither a code forge nor a known
    // package index is downloaded code run.
    const pipArgs = /^pip[0-9.]*$/.test(name) ? texts : /^python[0-9.]*$/.test(name) && texts[0] === '-m' && /^pip[0-9.]*$/.test(texts[1] ?? '') ? texts.slice(2) : name === 'uv' && texts[0] === 'pip' ? texts.slice(1) : undefined;
    if (pipArgs && pipArgs[0] === 'install') {
      for (let i = 1; i < pipArgs.length; i++) {
        const t = pipArgs[i]!;
        if (/^-/.test(t)) {
          if (/^(?:-[ricet]|--(?:index-url|extra-index-url|find-links|requirement|constraint|target|trusted-host|prefix|root|src|editable))$/.test(t)) i++;
          continue;
        }
        const m = /^(?:[\w.-]+\s*@\s*)?(?:git\+)?(https?:\/\/\S+)$/.exec(t);
        const host = m ? hostOf(m[1]!) : undefined;
        if (host && !isForgeHost(host) && !PACKAGE_HOSTS.test(host)) this.ctx.report('skill-flow-remote-exec', this.unit, line, `pip install of a package from ${host} (its build and install code runs)`);
      }
    }
    if (name in INTERPRETERS) return this.interpreter(name, args, stdin, line);
    // `$(ANTHROPIC_API_KEY)`: a secret variable written as a command substitution
    if (!args.length && /^[A-Z][A-Z0-9_]{2,}$/.test(name0)) {
      const label = envSource(name0, this.unit, line);
      if (label) return val(UNKNOWN, [label]);
    }

    // docker-credential-<helper> get: prints the registry login for the URL on stdin
    if (/^docker-credential-[\w-]+$/.test(name) && /^(?:get|list)$/.test(texts[0] ?? '')) return this.fetched(credentialStore(this.unit, line, `registry credentials (${name})`, 'docker'));
    if (/^git-credential-[\w-]+$/.test(name) && texts[0] === 'get') return this.fetched(credentialStore(this.unit, line, `git credentials (${name})`));

    switch (name) {
      case 'eval': {
        const code = join(args, ' ');
        return this.ctx.exec(this.unit, line, code, 'shell', 'eval', [], stdin);
      }
      case 'source':
      case '.': {
        const path = args[0];
        if (!path) return val('');
        const code = this.ctx.readFile(path, this.unit, line, 'source');
        return this.ctx.exec(this.unit, line, code, 'shell', `source ${path.text.replace(/\u0000/g, '…')}`, args.slice(1), stdin);
      }
      case 'export':
      case 'declare':
      case 'typeset':
      case 'local':
      case 'readonly': {
        if (!args.length || args.every((a) => /^-[pxf]+$/.test(a.text))) return val(UNKNOWN, [envAll(this.unit, line, `${name} -p`)]);
        for (const a of args) {
          const m = /^([A-Za-z_]\w*)=([\s\S]*)$/.exec(a.text);
          if (m) {
            const v = { ...a, text: m[2]! };
            this.env.vars.set(m[1]!, withStep(v, this.unit, line, `${m[1]}=`));
            this.assignmentEffects(m[1]!, v, line);
            if (weakEnv(m[1]!, m[2]!)) this.ctx.report('skill-flow-weaken-settings', this.unit, line, `exports ${m[1]}=${m[2]}`);
          }
        }
        return val('');
      }
      case 'unset':
        if (texts.includes('HISTFILE')) this.ctx.report('skill-flow-erase-traces', this.unit, line, 'unset HISTFILE (history off)');
        return val('');
      case 'set':
        if (texts.join(' ').includes('+o history')) this.ctx.report('skill-flow-erase-traces', this.unit, line, 'set +o history (history off)');
        if (!args.length) return val(UNKNOWN, [envAll(this.unit, line, 'set')]);
        return val('');
      case 'history':
        if (texts.some((t) => /^-[a-z]*[cdw]/.test(t))) this.ctx.report('skill-flow-erase-traces', this.unit, line, `history ${texts.join(' ')}`);
        return val('');
      case 'read': {
        const vars = positional.map((a) => a.text).filter((t) => /^[A-Za-z_]\w*$/.test(t));
        for (const v of vars) this.env.vars.set(v, stdin ?? val(UNKNOWN));
        return val('');
      }
      case 'env':
      case 'printenv':
        if (!positional.length) return val(UNKNOWN, [envAll(this.unit, line, name)]);
        return join(positional.map((p) => val(UNKNOWN, [envSource(p.text, this.unit, line, false)!])));
      case 'compgen':
        return texts.includes('-e') || texts.includes('-v') ? val(UNKNOWN, [envAll(this.unit, line, 'compgen')]) : val('');
      case 'pbpaste':
      case 'wl-paste':
      case 'termux-clipboard-get':
        return val(UNKNOWN, [clipboard(this.unit, line, name)]);
      case 'xclip':
        return texts.some((t) => /^-o(?:ut)?$/.test(t)) ? val(UNKNOWN, [clipboard(this.unit, line, name)]) : val('');
      case 'xsel':
        return texts.some((t) => /^-(?:o|-output|[a-z]*o[a-z]*)$/.test(t)) || !texts.some((t) => /^-(?:i|-input|[a-z]*i)$/.test(t)) && !stdin ? val(UNKNOWN, [clipboard(this.unit, line, name)]) : val('');
      case 'security':
        // -w prints the password itself (-g to stderr); without them, the item's attributes.
        if (/^(?:find-generic-password|find-internet-password|dump-keychain|export)$/.test(texts[0] ?? '')) return this.fetched(credentialStore(this.unit, line, 'the macOS keychain'), texts.some((t) => /^-[a-z]*w$/.test(t)), texts.some((t) => /^-[a-z]*[wg]$/.test(t)) || texts[0] === 'dump-keychain');
        return val('');
      case 'secret-tool':
        return texts[0] === 'lookup' ? this.fetched(credentialStore(this.unit, line, 'the desktop keyring'), true) : val('');
      case 'pass':
      case 'gopass':
        return texts[0] === 'show' || (positional.length === 1 && !/^(?:ls|list|init|insert|generate|edit|rm|git|find|grep)$/.test(texts[0] ?? '')) ? this.fetched(credentialStore(this.unit, line, 'the password store'), true) : val('');
      case 'cmdkey':
        return this.fetched(credentialStore(this.unit, line, 'Windows credentials'));
      case 'op':
        // 1Password CLI: `op read op://…`, `op item get … --reveal|--fields`, `op inject`
        if (texts[0] === 'read' || (texts[0] === 'item' && texts[1] === 'get' && texts.some((t) => /^--(?:reveal|fields|format)\b/.test(t))) || texts[0] === 'inject') return this.fetched(credentialStore(this.unit, line, `1Password (op ${texts[0]})`), texts[0] === 'read');
        return this.generic(argv, stdin, line);
      case 'bw':
      case 'lpass':
      case 'keepassxc-cli':
      case 'ksecretsservice':
        return /^(?:get|show|export|clip)$/.test(texts[0] ?? '') ? this.fetched(credentialStore(this.unit, line, `the ${name} password manager`), texts[0] === 'get' || texts[0] === 'show') : this.generic(argv, stdin, line);
      case 'vault':
        // HashiCorp Vault: `vault kv get`, `vault read`, `vault print token`
        return /^(?:read|kv|print)$/.test(texts[0] ?? '') && (texts[0] !== 'kv' || /^(?:get)$/.test(texts[1] ?? '')) ? this.fetched(credentialStore(this.unit, line, 'a HashiCorp Vault secret'), true) : this.generic(argv, stdin, line);
      case 'doppler':
      case 'infisical':
        return texts[0] === 'secrets' && /^(?:get|download)?$/.test(texts[1] ?? '') || texts[0] === 'export' ? this.fetched(credentialStore(this.unit, line, `${name} secrets`)) : this.generic(argv, stdin, line);
      case 'heroku':
        return texts[0] === 'auth:token' ? this.fetched(credentialStore(this.unit, line, 'the Heroku CLI token', 'heroku'), true) : this.generic(argv, stdin, line);
      case 'doctl':
        return texts[0] === 'auth' && texts[1] === 'token' ? this.fetched(credentialStore(this.unit, line, 'the DigitalOcean CLI token', 'digitalocean'), true) : this.generic(argv, stdin, line);
      case 'gh':
        if (texts[0] === 'auth' && texts[1] === 'token') return this.fetched(credentialStore(this.unit, line, 'the GitHub CLI token', 'github'), true);
        return this.gh(args, stdin, line, argv);
      case 'gcloud':
        if (texts.includes('print-access-token') || texts.includes('print-identity-token')) return this.fetched(credentialStore(this.unit, line, 'a gcloud access token', 'google'), true);
        if (texts[0] === 'secrets' && texts[1] === 'versions' && texts[2] === 'access') return this.fetched(credentialStore(this.unit, line, 'a Google Secret Manager secret'), true);
        return this.generic(argv, stdin, line);
      case 'aws':
        // Key names only: `aws configure get region` is not a secret.
        if (texts[0] === 'configure' && texts[1] === 'get' && /(?:^|\.)aws_(?:access_key_id|secret_access_key|session_token)$/.test(texts[2] ?? '')) return this.fetched(credentialStore(this.unit, line, 'AWS credentials', 'aws'), true);
        if (texts[0] === 'configure' && texts[1] === 'export-credentials') return this.fetched(credentialStore(this.unit, line, 'AWS credentials', 'aws'));
        if (texts[0] === 'sts' && /^(?:get-session-token|assume-role|assume-role-with-web-identity|get-federation-token)$/.test(texts[1] ?? '')) return this.fetched(credentialStore(this.unit, line, 'temporary AWS credentials', 'aws'));
        if (texts[0] === 'secretsmanager' && texts[1] === 'get-secret-value' || texts[0] === 'ssm' && texts[1] === 'get-parameter' && texts.includes('--with-decryption') || texts[0] === 'ecr' && texts[1] === 'get-login-password' || texts[0] === 'codeartifact' && texts[1] === 'get-authorization-token') return this.fetched(credentialStore(this.unit, line, `an AWS secret (${texts[0]} ${texts[1]})`, 'aws'), true);
        if (texts[0] === 's3' && /^(?:cp|sync|mv)$/.test(texts[1] ?? '')) this.upload(args.slice(2).filter((a) => !a.text.startsWith('-')), stdin, line, 'aws s3', 's3.amazonaws.com');
        return this.generic(argv, stdin, line);
      case 'az':
        if (texts.includes('get-access-token')) return this.fetched(credentialStore(this.unit, line, 'an Azure access token', 'azure'), true);
        if (texts[0] === 'keyvault' && texts[1] === 'secret' && /^(?:show|download)$/.test(texts[2] ?? '')) return this.fetched(credentialStore(this.unit, line, 'an Azure Key Vault secret'), true);
        return this.generic(argv, stdin, line);
      case 'kubectl':
      case 'oc':
        if (texts[0] === 'config' && texts[1] === 'view' && texts.includes('--raw')) return this.fetched(credentialStore(this.unit, line, 'Kubernetes credentials'));
        if (texts[0] === 'get' && /^secrets?(?:\/|$)/.test(texts[1] ?? '') && texts.some((t, i) => /^(?:-o|--output)(?:=|$)/.test(t) && /yaml|json|jsonpath|go-template/.test(t + (texts[i + 1] ?? '')))) return this.fetched(credentialStore(this.unit, line, 'Kubernetes secrets'));
        return this.generic(argv, stdin, line);
      case 'git':
        return this.git(args, stdin, line);
      case 'npm':
      case 'yarn':
      case 'pnpm':
        if (texts[0] === 'config' && texts[1] === 'set' && /strict-ssl/.test(texts[2] ?? '') && /false/.test(texts.slice(2).join(' '))) this.ctx.report('skill-flow-weaken-settings', this.unit, line, `${name} config set strict-ssl false`);
        return this.generic(argv, stdin, line);
      case 'rm':
      case 'shred':
      case 'unlink':
      case 'srm':
      case 'wipe':
        for (const p of positional) this.ctx.erase(this.unit, line, p, name);
        return val('');
      case 'truncate':
        if (texts.some((t) => /^(?:-s|--size)(?:=?0)?$/.test(t)) && texts.includes('0') || texts.some((t) => /^--size=0$|^-s0$/.test(t))) for (const p of positional.filter((p) => p.text !== '0')) this.ctx.erase(this.unit, line, p, 'truncate');
        return val('');
      case 'journalctl':
        if (texts.some((t) => /^--(?:vacuum|rotate)/.test(t))) this.ctx.report('skill-flow-erase-traces', this.unit, line, `journalctl ${texts.join(' ')}`);
        return val('');
      case 'wevtutil':
        if (/^(?:cl|clear-log)$/i.test(texts[0] ?? '')) this.ctx.report('skill-flow-erase-traces', this.unit, line, 'wevtutil clear-log');
        return val('');
      case 'auditctl':
        if (texts.includes('-D') || texts.join(' ').includes('-e 0')) this.ctx.report('skill-flow-erase-traces', this.unit, line, 'auditctl switches auditing off');
        return val('');
      case 'ln':
        if (positional.length >= 2 && positional[0]!.text === '/dev/null') this.ctx.erase(this.unit, line, positional[1]!, 'ln -s /dev/null');
        if (positional.length >= 2) this.ctx.write(this.unit, line, positional[positional.length - 1]!, val(UNKNOWN), 'ln');
        return val('');
      case 'cp':
      case 'mv':
      case 'install':
      case 'rsync':
        if (name === 'rsync' && positional.some((p) => /^[^/\s]*[\w.-]+:/.test(p.text) && !/^[A-Za-z]:\\/.test(p.text))) return this.upload(positional, stdin, line, 'rsync');
        if (positional.length >= 2) {
          const src = join(positional.slice(0, -1).map((p) => this.ctx.readFile(p, this.unit, line, name)));
          this.ctx.write(this.unit, line, positional[positional.length - 1]!, src, name);
        }
        return val('');
      case 'zip':
      case '7z':
      case 'tar': {
        // Archives made from local files: the archive holds what they held.
        const flags = texts.filter((t) => t.startsWith('-') || (name === 'tar' && /^[a-z]+$/.test(t) && t === texts[0]));
        const creates = name === 'zip' || (name === '7z' && texts[0] === 'a') || flags.some((f) => /^-?[a-z]*c/.test(f) && !/x/.test(f)) || texts.includes('--create');
        if (!creates) return this.filter(name, args, stdin, line);
        let out: Value | undefined;
        const files: Value[] = [];
        for (let i = 0; i < args.length; i++) {
          const t = texts[i]!;
          if (name === 'tar' && (/^-?[a-z]*f$/.test(t) && i === texts.indexOf(t)) && /f/.test(t) && args[i + 1]) {
            out = args[++i];
            continue;
          }
          if (name === 'tar' && /^--file=/.test(t)) {
            out = { ...args[i]!, text: t.slice(7) };
            continue;
          }
          if (t.startsWith('-') || (name === '7z' && i === 0) || (name === 'tar' && i === 0 && /^[a-z]+$/.test(t))) continue;
          if (name !== 'tar' && !out) {
            out = args[i];
            continue;
          }
          files.push(args[i]!);
        }
        const content = join(files.map((f) => this.ctx.readFile(f, this.unit, line, name)));
        if (out && out.text !== '-') {
          this.ctx.write(this.unit, line, out, content, name);
          return val('');
        }
        return content;
      }
      case 'tee': {
        const data = stdin ?? val('');
        for (const p of positional) this.ctx.write(this.unit, line, p, data, 'tee');
        return data;
      }
      case 'dd': {
        const iff = args.find((a) => a.text.startsWith('if='));
        const of = args.find((a) => a.text.startsWith('of='));
        const data = iff ? this.ctx.readFile({ ...iff, text: iff.text.slice(3) }, this.unit, line, 'dd') : stdin ?? val('');
        if (of) this.ctx.write(this.unit, line, { ...of, text: of.text.slice(3) }, data, 'dd');
        return of ? val('') : data;
      }
      case 'sha256sum':
      case 'sha384sum':
      case 'sha512sum':
      case 'shasum':
      case 'b2sum': {
        // `echo "$sha  file" | sha256sum -c -` with a hash that was not downloaded with the file:
        // a download that fails the check stops the script (set -e, || exit), so what runs
        // after it is the reviewed release, not whatever the host served.
        if (!texts.some((t) => /^-[a-z]*c$|^--check$/.test(t)) || texts.some((t) => /^-a$/.test(t)) && !texts.some((t) => /^(?:256|384|512)$/.test(t))) return this.filter(name, args, stdin, line);
        const lists = positional.filter((p) => p.text !== '-').map((p) => this.ctx.readFile(p, this.unit, line, name));
        const check = join([...(stdin && (!positional.length || positional.some((p) => p.text === '-')) ? [stdin] : []), ...lists], '\n');
        if (check.labels.some((l) => l.kind === 'remote')) return val(UNKNOWN);
        for (const [path, value] of this.ctx.written) {
          if (!value.labels.some((l) => l.kind === 'remote')) continue;
          const base = path.replace(/^.*\//, '');
          if (check.text.includes(path) || (base.length > 3 && !base.includes(UNKNOWN) && check.text.includes(base))) this.ctx.written.set(path, { ...value, labels: value.labels.filter((l) => l.kind !== 'remote') });
        }
        return val(UNKNOWN);
      }
      case 'sed':
        if (texts.some((t) => /^-[a-z]*i/.test(t) || t.startsWith('--in-place'))) {
          const script = positional[0];
          for (const p of positional.slice(1)) this.ctx.write(this.unit, line, p, script ?? val(''), 'sed -i');
        }
        return this.filter(name, args, stdin, line);
      case 'echo':
      case 'printf': {
        const words = name === 'echo' ? args.filter((a, i) => !(i === 0 && /^-[neE]+$/.test(a.text))) : args;
        let out = join(words, ' ');
        if (name === 'printf' || texts.some((t) => /^-[a-z]*e/.test(t))) {
          const t = out.text.replace(/\\x([0-9a-fA-F]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))).replace(/\\([0-7]{1,3})/g, (_, o) => String.fromCharCode(parseInt(o, 8))).replace(/\\n/g, '\n');
          if (t !== out.text && /\\x|\\[0-7]/.test(out.text)) out = { ...out, text: t, labels: [...out.labels, decodedLabel(`${name} escapes`, this.unit, line)] };
          else out = { ...out, text: t };
        }
        return out;
      }
      case 'crontab': {
        // `crontab -` or `crontab FILE` installs a table; -l/-r/-e only list, remove or open an editor.
        if (texts.some((t) => /^-[lre]$/.test(t))) return val('');
        const file = positional.find((p) => p.text !== '-');
        const entry = file ? this.ctx.readFile(file, this.unit, line, 'crontab') : stdin ?? val('');
        this.ctx.persist(this.unit, line, 'a cron job', entry);
        return val('');
      }
      case 'systemctl':
      case 'launchctl': {
        // A unit or launch agent enabled: what it runs is what the skill wrote into it.
        if (!/^(?:enable|load|bootstrap|start|restart)$/.test(positional[0]?.text ?? '')) return val('');
        for (const p of positional.slice(1)) {
          const unitName = p.text.replace(/^gui\/\S*$/, '');
          if (!unitName) continue;
          const base = unitName.replace(/^.*\//, '');
          const written = [...this.ctx.written.entries()].find(([path]) => path === normalise(unitName) || path.endsWith(`/${base}`) || path.endsWith(`/${base}.service`));
          if (written) this.ctx.persist(this.unit, line, `${name} ${positional[0]!.text} ${base}`, written[1]);
          else if (name === 'launchctl' && /^com\.apple\./i.test(base) && !/^\/System\//.test(unitName)) this.ctx.report('skill-flow-persistence', this.unit, line, `launchctl loads ${base}, a launch agent named as Apple's outside /System`);
        }
        return val('');
      }
      case 'make':
        if (this.ctx.remoteArchive && texts.includes('install')) this.ctx.exec(this.unit, line, val(UNKNOWN, [this.ctx.remoteArchive]), undefined, 'make install of a downloaded archive');
        return val('');
      case 'cd': {
        const to = positional[0]?.text;
        if (!to || to === '~' || to === '$HOME') this.env.cwd = '~';
        else if (!to.includes(UNKNOWN) && to !== '-') this.env.cwd = normPath(/^[~/$]/.test(to) || !this.env.cwd ? to : `${this.env.cwd.replace(/\/$/, '')}/${to}`).replace(/\/$/, '');
        return val('');
      }
      case 'chmod':
      case 'mkdir':
      case 'touch':
      case 'sleep':
      case 'true':
      case 'false':
      case 'exit':
      case 'return':
      case 'test':
      case '[':
      case 'shift':
      case 'trap':
      case 'wait':
      case 'pwd':
      case 'whoami':
      case 'hostname':
      case 'date':
      case 'id':
      case 'uname':
      case 'which':
        return name === 'whoami' || name === 'hostname' || name === 'id' || name === 'uname' || name === 'date' || name === 'pwd' ? val(UNKNOWN, []) : val('');
      case 'xargs': {
        let i = 0;
        while (i < args.length && args[i]!.text.startsWith('-')) i += /^-[IdnLPsE]$/.test(args[i]!.text) ? 2 : 1;
        const rest = args.slice(i);
        if (!rest.length) return stdin ?? val('');
        return this.dispatch([...rest, stdin ?? val(UNKNOWN)], undefined, line, c);
      }
      default:
        break;
    }
    if (NET.has(name)) return this.net(name, args, stdin, line);
    if (DNS.has(name)) {
      for (const p of positional) this.ctx.dns(this.unit, line, p, name);
      return val(UNKNOWN);
    }
    if (FILTERS.has(name)) return this.filter(name, args, stdin, line);
    return this.generic(argv, stdin, line);
  }

  /** A script in a cloned folder run by path or interpreter, or the folder built and installed. */
  private clonedCode(name0: string, name: string, texts: string[]): { label: Label; how: string } | undefined {
    if (!this.ctx.remoteDirs.size) return undefined;
    const cwd = this.env.cwd;
    if (name0.includes('/')) {
      const label = this.ctx.remoteDirOf(name0, cwd);
      if (label) return { label, how: `running ${name0}` };
    }
    if (name in INTERPRETERS || name === 'source' || name === '.') {
      const script = texts.find((t) => !t.startsWith('-'));
      const label = script ? this.ctx.remoteDirOf(script, cwd) : undefined;
      if (label) return { label, how: `${name} ${script}` };
    }
    const here = cwd ? this.ctx.remoteDirOf(cwd) : undefined;
    if (!here) return undefined;
    const builds = name === 'make' || name === 'cmake' || name === 'meson' || name === 'ninja' || /^(?:pip[0-9.]*|pipx|uv|poetry|npm|pnpm|yarn|bun|cargo|go|gem|bundle|composer)$/.test(name) && texts.some((t) => /^(?:install|i|add|build|run|exec|link)$/.test(t)) || /^python[0-9.]*$/.test(name) && texts[0] === 'setup.py' || (/^\.\//.test(name0));
    return builds ? { label: here, how: `${[name0, ...texts].join(' ').slice(0, 60)} in the cloned folder` } : undefined;
  }

  /** Output of a command that prints a secret it looked up: the agent reads it unless it goes elsewhere. */
  private fetched(label: Label, single = false, prints = true): Value {
    this.last.prints = prints;
    return val(UNKNOWN, [label.kind === 'source' ? { ...label, single } : label]);
  }

  /** `gh`: issues, pull requests, gists, releases and API fields are published. */
  private gh(args: Value[], stdin: Value | undefined, line: number, argv: Value[]): Value {
    const texts = args.map((a) => a.text);
    const [group, verb] = texts;
    const publishing = group === 'gist' && /^(?:create|new|edit)$/.test(verb ?? '') || /^(?:issue|pr|discussion)$/.test(group ?? '') && /^(?:create|new|comment|edit|review|close|reopen|merge)$/.test(verb ?? '') || group === 'release' && /^(?:create|new|upload|edit)$/.test(verb ?? '') || group === 'api';
    if (!publishing) return this.generic(argv, stdin, line);
    const data: Value[] = [];
    const host = group === 'gist' ? 'gist.github.com' : group === 'api' ? 'api.github.com' : 'github.com';
    for (let i = 2; i < args.length; i++) {
      const t = texts[i]!;
      const next = args[i + 1];
      const eq = /^(--[\w-]+)=([\s\S]*)$/.exec(t);
      const flag = eq ? eq[1]! : t;
      const value = eq ? { ...args[i]!, text: eq[2]! } : next;
      if (/^(?:-b|--body|-t|--title|-n|--notes|-d|--desc|--description|-m|--message|-f|--raw-field)$/.test(flag) && value) {
        data.push(value);
        if (!eq) i++;
      } else if (/^(?:-F|--body-file|--notes-file|--input|--field)$/.test(flag) && value) {
        const at = /^(?:[\w.[\]-]*=)?@?(.*)$/.exec(value.text)![1]!;
        const isFile = flag !== '--field' && flag !== '-F' || group !== 'api' || /^[\w.[\]-]*=@/.test(value.text);
        data.push(!isFile ? value : at === '-' ? stdin ?? val('') : this.ctx.readFile({ ...value, text: at }, this.unit, line, `gh ${group}`));
        if (!eq) i++;
      } else if (/^(?:-R|--repo|-X|--method|-H|--header|-a|--assignee|-l|--label|-B|--base|-H|--head|--target|-p|--project|-r|--reviewer|--jq|-q|--template)$/.test(flag)) {
        if (!eq) i++;
      } else if (!t.startsWith('-') && (group === 'gist' || group === 'release' && (verb === 'upload' || i > 2))) {
        data.push(t === '-' ? stdin ?? val('') : this.ctx.readFile(args[i]!, this.unit, line, `gh ${group}`));
      }
    }
    if (group === 'gist' && !data.length && stdin) data.push(stdin);
    this.ctx.network(this.unit, line, val(host), data, `gh ${group} ${verb ?? ''}`.trim(), { publish: true });
    return val(UNKNOWN);
  }

  /** A command we have no table for: its output carries what went in (conservative). */
  private generic(argv: Value[], stdin: Value | undefined, _line: number): Value {
    const labels: Label[] = [];
    for (const a of argv.slice(1)) labels.push(...a.labels.filter((l) => l.kind === 'source'));
    if (stdin) labels.push(...stdin.labels.filter((l) => l.kind === 'source'));
    return val(UNKNOWN, dedupe(labels));
  }

  private filter(name: string, args: Value[], stdin: Value | undefined, line: number): Value {
    const texts = args.map((a) => a.text);
    const files = args.filter((a, i) => !a.text.startsWith('-') && !(i > 0 && /^-(?:[A-Za-z]*[wnmcCoefsdtkIbAB])$/.test(texts[i - 1]!) && !/^-(?:d|n)$/.test(texts[i - 1]!) && false));
    let reads = files.filter((f) => f.text !== '-').map((f) => this.ctx.readFile(f, this.unit, line, name));
    // `grep API_KEY .env | cut -d= -f2`: one named value out of a .env file, used like that variable.
    const pattern = /^\^?([A-Z][A-Z0-9_]{2,})=?$/.exec(files[0]?.text ?? '');
    if ((name === 'grep' || name === 'rg' || name === 'egrep') && pattern) {
      reads = reads.map((r) => ({ ...r, labels: r.labels.map((l) => (l.kind === 'source' && l.source === 'dotenv' ? envSource(pattern[1]!, this.unit, line, false)! : l)) }));
    }
    let input = join([...(stdin ? [stdin] : []), ...reads]);
    if (!stdin && !reads.length) input = val('');
    // jq's `env` and `$ENV` are the whole environment.
    if ((name === 'jq' || name === 'gojq' || name === 'jaq') && args.some((a) => !a.text.startsWith('-') && /(?:^|[^\w.$])env\b(?!\s*\.)|\$ENV\b(?!\s*\.\w)/.test(a.text))) input = { ...input, labels: [...input.labels, envAll(this.unit, line, `${name} env`)] };
    if (name === 'grep' || name === 'rg' || name === 'egrep') {
      // A count, a yes/no or file names are not the data.
      if (texts.some((t) => /^-[a-zA-Z]*[cqlL]$|^--(?:count|quiet|silent|files-with(?:out)?-matches)$/.test(t))) return { text: UNKNOWN, labels: input.labels.filter((l) => l.kind !== 'source') };
      // The environment filtered by a name that is not a secret's (`env | grep -i proxy`, `^NODE_`) is those settings, not the whole environment.
      const pat = args.find((a) => !a.text.startsWith('-'))?.text ?? '';
      if (pat && !/key|token|secret|pass|cred|auth|private|session|cookie|^[.^]?\*?$/i.test(pat)) input = { ...input, labels: input.labels.filter((l) => !(l.kind === 'source' && l.source === 'env-all')) };
    }
    // A substitution that masks secret-looking text (`sed -E 's/(token|password)=[^ ]+/\1****/'`) prints no secret.
    if (name === 'sed' && texts.some((t) => MASKING_SED.test(t))) input = { ...input, labels: input.labels.filter((l) => l.kind !== 'source') };
    const decodeFlag = texts.some((t) => /^(?:-d|--decode|-D|-r|-rp|-pr|-u)$/.test(t) || (name === 'xxd' && /^-[a-z]*r/.test(t)));
    const known = stdin && !stdin.text.includes(UNKNOWN) ? stdin.text.trim() : undefined;
    if ((name === 'base64' || name === 'basenc' || name === 'base32') && decodeFlag) {
      const d = known !== undefined ? fromBase64(known) : undefined;
      return { text: d ?? UNKNOWN, labels: [...input.labels, decodedLabel('base64 -d', this.unit, line)] };
    }
    if (name === 'xxd' && decodeFlag) {
      const d = known !== undefined ? fromHex(known) : undefined;
      return { text: d ?? UNKNOWN, labels: [...input.labels, decodedLabel('xxd -r', this.unit, line)] };
    }
    if (name === 'openssl' && texts.includes('-d') && texts.some((t) => /base64|enc|-a/.test(t))) {
      const d = known !== undefined ? fromBase64(known) : undefined;
      return { text: d ?? UNKNOWN, labels: [...input.labels, decodedLabel('openssl -d', this.unit, line)] };
    }
    if ((name === 'gunzip' || name === 'zcat' || (name === 'gzip' && decodeFlag) || (name === 'xz' && decodeFlag) || (name === 'bzip2' && decodeFlag)) && input.labels.some((l) => l.kind === 'decoded')) {
      return { text: UNKNOWN, labels: [...input.labels, decodedLabel(`${name} -d`, this.unit, line)] };
    }
    if (name === 'rev') {
      return { text: known !== undefined ? reverse(known) : UNKNOWN, labels: [...input.labels, decodedLabel('rev', this.unit, line)] };
    }
    if (name === 'tr' && /^['"]?(?:a-zA-Z|A-Za-z)/.test(texts[0] ?? '') && /^['"]?(?:n-za-mN-ZA-M|N-ZA-Mn-za-m)/.test(texts[1] ?? '')) {
      return { text: known !== undefined ? rot(known, 13) : UNKNOWN, labels: [...input.labels, decodedLabel('rot13 (tr)', this.unit, line)] };
    }
    if ((name === 'tar' && texts.some((t) => /^-?[a-z]*x/.test(t) || t === '--extract')) || name === 'unzip' || name === 'bsdtar' || (name === 'gunzip' && !decodeFlag) || name === '7z') {
      const r = input.labels.find((l) => l.kind === 'remote');
      if (r) this.ctx.remoteArchive = r;
    }
    // Junk characters stripped out of a known string (`sed 's/Z//g'`, `tr -d 'Z'`): the result is what runs.
    if (name === 'sed' && known !== undefined && texts.filter((t) => !t.startsWith('-')).length === 1) {
      const m = /^s(.)((?:\\.|(?!\1).){1,40})\1((?:(?!\1).){0,40})\1(g?)$/.exec(texts.find((t) => !t.startsWith('-')) ?? '');
      if (m && !/[.*+?^$()[\]{}|\\]/.test(m[2]!) && !/[&\\]/.test(m[3]!)) return { text: m[4] ? known.split(m[2]!).join(m[3]!) : known.replace(m[2]!, m[3]!), labels: input.labels };
    }
    if (name === 'tr' && known !== undefined && texts[0] === '-d' && texts[1] && /^[^\\\[\]-]{1,20}$/.test(texts[1])) {
      const drop = new Set(texts[1]);
      return { text: [...known].filter((ch) => !drop.has(ch)).join(''), labels: input.labels };
    }
    // find / ls print paths: keep the path text so later reads see it.
    if (name === 'find' || name === 'ls') return join(args.filter((a) => !a.text.startsWith('-')).slice(0, 1));
    return { text: name === 'cat' && input.text ? input.text : UNKNOWN, labels: input.labels };
  }

  private interpreter(name: string, args: Value[], stdin: Value | undefined, line: number): Value {
    const lang = INTERPRETERS[name]!;
    if (name === 'uv' && args[0]?.text !== 'run') return this.generic([val(name), ...args], stdin, line);
    const list = name === 'uv' ? args.slice(1) : args;
    for (let i = 0; i < list.length; i++) {
      const t = list[i]!.text;
      if (INLINE_FLAG[lang]!.test(t) || (name === 'perl' || name === 'ruby') && /^-[a-z]*e$/.test(t) || name === 'php' && t === '-r') {
        let code = list[i + 1] ?? val('');
        if (lang === 'powershell' && /^-(?:e|ec|encodedcommand)$/i.test(t)) {
          const d = Buffer.from(code.text, 'base64').toString('utf16le');
          code = { ...code, text: d, labels: [...code.labels, decodedLabel('powershell -EncodedCommand', this.unit, line)] };
        }
        const nestedLang = name === 'perl' || name === 'ruby' || name === 'php' || name === 'osascript' ? undefined : lang;
        return this.ctx.exec(this.unit, line, code, nestedLang, `${name} ${t}`, list.slice(i + 2), stdin);
      }
      if (lang === 'python' && t === '-m') return this.generic([val(name), ...list], stdin, line);
      if (t === '-' || t === '-s' && lang === 'shell') break;
      if (t.startsWith('-')) {
        if (/^-(?:W|X|O|o)$/.test(t) && lang !== 'shell') i++;
        continue;
      }
      // A script file: the skill's own (read across files), one the script wrote, or unknown.
      let code = this.ctx.readFile(list[i]!, this.unit, line, name);
      if (!code.obj && code.text === UNKNOWN && !code.labels.length && this.ctx.remoteArchive && !t.startsWith('/') && t.includes('/')) code = { ...code, labels: [this.ctx.remoteArchive] };
      const scriptLang = guessLang(t, code.text) ?? lang;
      return this.ctx.exec(this.unit, line, code, scriptLang, `${name} ${t.replace(/\u0000/g, '…')}`, list.slice(i + 1), stdin);
    }
    // No script: stdin is the program.
    if (stdin) return this.ctx.exec(this.unit, line, stdin, name === 'perl' || name === 'ruby' || name === 'php' ? undefined : lang, `piping into ${name}`);
    return val('');
  }

  private git(args: Value[], stdin: Value | undefined, line: number): Value {
    // Global options before the subcommand: -C dir, -c key=value, --git-dir …
    let k = 0;
    while (k < args.length && args[k]!.text.startsWith('-')) k += /^-[Cc]$|^--(?:git-dir|work-tree|namespace)$/.test(args[k]!.text) ? 2 : 1;
    const sub = args.slice(k);
    const texts = sub.map((a) => a.text);
    const positional = sub.slice(1).filter((a) => !a.text.startsWith('-'));
    if (texts[0] === 'config' && texts.some((t) => /^http\.sslverify$/i.test(t)) && texts.some((t) => /^false$/i.test(t))) this.ctx.report('skill-flow-weaken-settings', this.unit, line, 'git config http.sslVerify false');
    const hooks = texts[0] === 'config' ? texts.findIndex((t) => /^core\.hookspath$/i.test(t)) : -1;
    if (hooks > 0 && texts[hooks + 1] && !texts[hooks + 1]!.includes(UNKNOWN)) this.ctx.hooksPath(this.unit, line, texts[hooks + 1]!, 'git config');
    switch (texts[0]) {
      case 'credential':
      case 'credential-cache':
      case 'credential-store':
        // `git credential fill` prints `password=` for the host it is given on stdin.
        if (/^(?:fill|get)$/.test(texts[1] ?? '')) {
          const host = /(?:^|\n)host=([^\s]+)/.exec(stdin?.text ?? '')?.[1];
          const provider = host && /(?:^|\.)github\.com$/i.test(host) ? 'github' : host && /(?:^|\.)gitlab\.com$/i.test(host) ? 'gitlab' : undefined;
          return this.fetched(credentialStore(this.unit, line, 'git credentials (git credential fill)', provider), true);
        }
        return val('');
      case 'add':
      case 'stage': {
        const all = texts.some((t) => /^(?:-A|--all|-u|--update)$/.test(t)) || positional.some((p) => p.text === '.' || p.text === ':/' || p.text === '*');
        this.ctx.staged.push(...this.stagedLabels(all ? [] : positional, line));
        return val('');
      }
      case 'commit': {
        if (texts.some((t) => /^-[a-zA-Z]*a[a-zA-Z]*$|^--all$/.test(t))) this.ctx.staged.push(...this.stagedLabels([], line));
        const message = sub.filter((_, i) => i > 0 && /^(?:-m|--message)$/.test(texts[i - 1]!));
        const file = sub.find((_, i) => i > 0 && /^(?:-F|--file)$/.test(texts[i - 1]!));
        const labels = [...this.ctx.staged, ...message.flatMap((m) => m.labels), ...(file ? this.ctx.readFile(file, this.unit, line, 'git commit -F').labels : [])].filter((l) => l.kind === 'source');
        this.ctx.committed = dedupe([...this.ctx.committed, ...labels]);
        this.ctx.staged = [];
        return val('');
      }
      case 'push': {
        const url = sub.find((a) => /^(?:https?|ssh|git):\/\/|^[\w.-]+@[\w.-]+:/.test(a.text));
        const target = url ? val(url.text) : val('the repository remote');
        if (url) this.ctx.network(this.unit, line, url, [], 'git push');
        if (this.ctx.committed.length) this.ctx.network(this.unit, line, target, [val(UNKNOWN, this.ctx.committed)], 'git push of a commit holding it', { publish: true });
        return val('');
      }
      case 'clone': {
        const cloneArgs: Value[] = [];
        for (let i = 1; i < sub.length; i++) {
          if (/^(?:--depth|-b|--branch|--origin|-o|--filter|--reference|-c|--config|--template|-u|--upload-pack|-j|--jobs|--separate-git-dir)$/.test(texts[i]!)) i++;
          else if (!texts[i]!.startsWith('-')) cloneArgs.push(sub[i]!);
        }
        const [url, dir] = cloneArgs;
        if (!url) return val('');
        const host = hostOf(url.text);
        if (host && !isForgeHost(host)) {
          const folder = dir?.text ?? url.text.replace(/[?#].*$/, '').replace(/\/+$/, '').replace(/\.git$/, '').replace(/^.*[/:]/, '');
          this.ctx.remoteDirs.set(normPath(/^[~/$]/.test(folder) || !this.env.cwd ? folder : `${this.env.cwd}/${folder}`), remote(url.text, this.unit, line));
        }
        return val('');
      }
      default:
        return this.generic([val('git'), ...args], stdin, line);
    }
  }

  /** What `git add` stages: the labels of the named paths (or of every file written, for `-A`). */
  private stagedLabels(paths: Value[], line: number): Label[] {
    const out: Label[] = [];
    const written = [...this.ctx.written.entries()];
    if (!paths.length) for (const [, v] of written) out.push(...v.labels.filter((l) => l.kind === 'source'));
    for (const p of paths) {
      const norm = normPath(p.text).replace(/\/+$/, '');
      out.push(...this.ctx.readFile(p, this.unit, line, 'git add').labels.filter((l) => l.kind === 'source'));
      for (const [path, v] of written) if (path.startsWith(`${norm}/`)) out.push(...v.labels.filter((l) => l.kind === 'source'));
    }
    return dedupe(out);
  }

  /** scp, rsync, aws s3 cp: local files to a remote target. */
  private upload(positional: Value[], stdin: Value | undefined, line: number, how: string, fixedHost?: string): Value {
    const remoteIdx = positional.findIndex((p) => /^(?:[\w.-]+@)?[\w.-]+:/.test(p.text) && !/^[A-Za-z]:\\/.test(p.text) || /^s3:\/\//.test(p.text));
    if (remoteIdx <= 0) return val('');
    const target = fixedHost ? val(fixedHost) : val(positional[remoteIdx]!.text.replace(/:.*$/, '').replace(/^.*@/, ''));
    const data = positional.slice(0, remoteIdx).map((p) => this.ctx.readFile(p, this.unit, line, how));
    // File content copied to another machine or a bucket: never authentication, so no provider is exempt.
    this.ctx.network(this.unit, line, target, [...data, ...(stdin ? [stdin] : [])], how, { publish: true });
    return val('');
  }

  private net(name: string, args: Value[], stdin: Value | undefined, line: number): Value {
    const texts = args.map((a) => a.text);
    if (name === 'scp' || name === 'sftp' || name === 'rsync') return this.upload(args.filter((a) => !a.text.startsWith('-')), stdin, line, name);
    if (name === 'nc' || name === 'ncat' || name === 'netcat' || name === 'telnet' || name === 'socat') {
      const hostArg = args.find((a, i) => !a.text.startsWith('-') && !/^\d+$/.test(a.text) && !(i > 0 && /^-[pwqiIOsx]$/.test(texts[i - 1]!)));
      const target = name === 'socat' ? val(/(?:TCP|UDP|OPENSSL)[46]?:([^:,]+)/i.exec(texts.join(' '))?.[1] ?? UNKNOWN) : hostArg ?? val(UNKNOWN);
      if (texts.some((t) => /^-[a-z]*l/.test(t))) return val(UNKNOWN, [remote(`tcp://${target.text}`, this.unit, line)]);
      if (stdin) this.ctx.network(this.unit, line, target, [stdin], name);
      return val(UNKNOWN, [remote(`tcp://${target.text}`, this.unit, line)]);
    }
    if (name === 'ssh') {
      const hostArg = args.find((a, i) => !a.text.startsWith('-') && !(i > 0 && /^-[pilFoJLRDWbcEemOQSw]$/.test(texts[i - 1]!)));
      if (hostArg && stdin) this.ctx.network(this.unit, line, val(hostArg.text.replace(/^.*@/, '')), [stdin], 'ssh');
      const after = hostArg ? args.slice(args.indexOf(hostArg) + 1) : [];
      if (hostArg && after.length) this.ctx.network(this.unit, line, val(hostArg.text.replace(/^.*@/, '')), after, 'ssh');
      return val(UNKNOWN);
    }
    if (name === 'mail' || name === 'mailx' || name === 'sendmail' || name === 'mutt' || name === 'swaks') {
      const to = args.find((a) => a.text.includes('@')) ?? val(UNKNOWN);
      const attach = args.filter((a, i) => i > 0 && /^-(?:a|A|-attach)$/.test(texts[i - 1]!)).map((a) => this.ctx.readFile(a, this.unit, line, name));
      this.ctx.network(this.unit, line, val(to.text.replace(/^.*@/, '')), [...(stdin ? [stdin] : []), ...attach, ...args], name);
      return val('');
    }
    // curl, wget, httpie and friends
    let url: Value | undefined;
    const data: Value[] = [];
    const auth: Value[] = [];
    let output: Value | undefined;
    let dir: Value | undefined;
    let remoteName = false;
    // aria2c and axel save to a file (never stdout): `-d DIR -o NAME` / `-o PATH`.
    const saver = name === 'aria2c' || name === 'axel';
    const takesValue = /^(?:-[XHAeoOdFTubrmwUxEK]|--(?:request|header|user-agent|referer|output|data|data-raw|data-binary|data-urlencode|data-ascii|form|form-string|upload-file|user|max-time|write-out|proxy|cert|key|config|output-document|post-data|post-file|body-data|body-file|method|header|json|cookie|url|connect-timeout|retry|resolve))$/;
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      const t = a.text;
      const next = args[i + 1];
      const eq = /^(--[\w-]+)=([\s\S]*)$/.exec(t);
      const flag = eq ? eq[1]! : t;
      const value = eq ? { ...a, text: eq[2]! } : next;
      if (saver && /^(?:-d|--dir)$/.test(flag) && value) {
        dir = value;
        if (!eq) i++;
      } else if (saver && /^(?:-[xsnkjU]|--max-connection-per-server|--split|--num-connections|--min-split-size|--max-concurrent-downloads|--seed-time|--header|--user-agent)$/.test(flag) && value) {
        if (!eq) i++;
      } else if (/^(?:-d|--data(?:-raw|-binary|-urlencode|-ascii)?|--json|-F|--form(?:-string)?|--post-data|--body-data)$/.test(flag) && value) {
        data.push(this.dataArg(value, stdin, line, name));
        if (!eq) i++;
      } else if (/^(?:-T|--upload-file|--post-file|--body-file)$/.test(flag) && value) {
        data.push(value.text === '-' || value.text === '.' ? stdin ?? val('') : this.ctx.readFile(value, this.unit, line, name));
        if (!eq) i++;
      } else if (/^(?:-H|--header|-u|--user|-b|--cookie|-A|--user-agent|-e|--referer)$/.test(flag) && value) {
        // Credentials in an authentication header are how an API client logs in.
        if (/^(?:-u|--user)$/.test(flag) || /^\s*(?:authorization|proxy-authorization|x-api-key|api-key|apikey|x-auth-token|private-token|x-[\w-]*(?:key|token))\s*:/i.test(value.text)) auth.push(value);
        else data.push(value);
        if (!eq) i++;
      } else if (/^(?:-o|--output|--output-document|--out)$/.test(flag) && value) {
        output = value;
        if (!eq) i++;
      } else if (name === 'wget' && /^-[a-zA-Z]*O$/.test(t) && next) {
        output = next;
        i++;
      } else if (name === 'wget' && /^-[a-zA-Z]*O-?$/.test(t)) {
        output = val('-');
      } else if (/^(?:-O|--remote-name)$/.test(t) && name === 'curl') {
        remoteName = true;
      } else if (/^--url$/.test(flag) && value) {
        url = value;
        if (!eq) i++;
      } else if (takesValue.test(flag) && !eq) {
        i++;
      } else if (!t.startsWith('-')) {
        if (name === 'http' || name === 'https' || name === 'xh' || name === 'xhs') {
          if (!url && /^(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(t)) continue;
          if (!url) url = a;
          else data.push(/^[\w-]+(?::=|=|==|:)@/.test(t) ? this.ctx.readFile({ ...a, text: t.replace(/^[^@]*@/, '') }, this.unit, line, name) : a);
        } else if (!url) url = a;
        else if (/^(?:https?|ftp):\/\//.test(t)) url = join([url, a], ' ');
      }
    }
    const target = url ?? val(UNKNOWN);
    // A URL can carry data in its own query string or path.
    this.ctx.network(this.unit, line, target, [...data, target], name);
    if (auth.length) this.ctx.network(this.unit, line, target, auth, `${name} (authentication header)`, { auth: true });
    if (stdin && (name === 'http' || name === 'https' || name === 'xh')) this.ctx.network(this.unit, line, target, [stdin], name);
    const fetched: Value = { text: UNKNOWN, labels: [remote(target.text, this.unit, line)] };
    const toStdout = saver ? false : name === 'wget' ? output?.text === '-' : !output && !remoteName;
    if (toStdout) return fetched;
    const named = output && output.text !== '-' ? output : val(target.text.replace(/[?#].*$/, '').replace(/^.*\//, '') || 'index.html');
    const file = dir && saver ? join([dir, named], '/') : named;
    this.ctx.write(this.unit, line, file, fetched, name);
    this.ctx.written.set(normalise(file.text), fetched);
    this.ctx.written.set(normalise(`./${file.text}`), fetched);
    return val('');
  }

  /** curl -d @file, -F name=@file, -d @- */
  private dataArg(value: Value, stdin: Value | undefined, line: number, how: string): Value {
    const m = /^(?:[\w.[\]-]*=)?@(.*)$/.exec(value.text);
    if (!m) return value;
    const path = m[1]!.replace(/;.*$/, '');
    if (path === '-') return stdin ?? val('');
    return this.ctx.readFile({ ...value, text: path }, this.unit, line, how);
  }
}

function normalise(p: string): string {
  return p.replace(/^\$\{?HOME\}?/, '~').replace(/\/+/g, '/').replace(/^\.\//, '');
}

function guessLang(path: string, text: string): Lang | undefined {
  if (/\.py$/.test(path)) return 'python';
  if (/\.(?:m?js|cjs|ts|mts)$/.test(path)) return 'javascript';
  if (/\.(?:sh|bash|zsh)$/.test(path)) return 'shell';
  if (/\.ps1$/.test(path)) return 'powershell';
  const first = text.slice(0, 200);
  if (/^#!.*python/.test(first)) return 'python';
  if (/^#!.*node/.test(first)) return 'javascript';
  if (/^#!.*(?:sh|bash)/.test(first)) return 'shell';
  return undefined;
}

/** Assignments keep the value as it is; the trail records where the source was read. */
function withStep(v: Value, _unit: Unit, _line: number, _what: string): Value {
  return v;
}

function weakEnv(name: string, value: string): boolean {
  return /^(?:NODE_TLS_REJECT_UNAUTHORIZED|PYTHONHTTPSVERIFY)$/.test(name) && value === '0' || /^(?:GIT_SSL_NO_VERIFY|CURL_INSECURE)$/.test(name) && /^(?:1|true)$/i.test(value);
}

