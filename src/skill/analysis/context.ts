import type { FlowCheck } from '../../core/skill-checks.js';
import { agentConfigOf, classifyHost, isSecretEnvName, credentialOf, hostBelongsTo, hostOf, isCaptureUrl, isTracePath, nameMatchesHost, providerOf, UNKNOWN, val, weakensSettings, type Label, type Step, type Value } from './model.js';

/** How data reaches a network sink: as the body, as an authentication header, or published. */
export interface SendOptions {
  /** Sent as an `Authorization`/API-key header: a looked-up token there is an API client at work. */
  auth?: boolean;
  /** Published (a gist, an issue, a release asset, a pushed commit, a bucket, mail): content, never authentication, so no provider is exempt. */
  publish?: boolean;
}

export interface FlowFinding {
  ruleId: FlowCheck;
  file: string;
  line: number;
  /** What flowed where, without any value: names of variables, paths and hosts only. */
  detail: string;
  trail: Step[];
  /** Found inside decoded content: how it was decoded. */
  decoded: string | undefined;
}

export type Lang = 'shell' | 'python' | 'javascript' | 'powershell';

/** Where a piece of code sits in the skill. */
export interface Unit {
  file: string;
  lang: Lang;
  text: string;
  /** Line of the first character of text in the file (1-based). */
  line: number;
  /** Set when the text was decoded from something else. */
  decoded: string | undefined;
  /**
   * For instruction blocks in Markdown: whether the prose around the block tells the agent to
   * hand the output on (paste it into the reply, show it to the user, send it). Undefined for
   * code files.
   */
  shares?: boolean;
}

const MAX_NESTED = 6;
const MAX_FINDINGS = 400;

/** State shared by every unit of one skill: file contents written so far, findings, budget. */
export class FlowContext {
  readonly findings: FlowFinding[] = [];
  /** Files written by the skill's code (path as written), with what they hold. */
  readonly written = new Map<string, Value>();
  /** Files of the skill itself, by relative path. */
  readonly skillFiles: Map<string, string>;
  /** Nested analysis (sh -c, python -c, decoded payloads): bounded. */
  depth = 0;
  decodedBytes = 0;
  /** Text recovered from encodings, for the pattern rules to read as well. */
  readonly decodedUnits: { file: string; line: number; how: string; text: string }[] = [];
  analyse: ((unit: Unit, args?: Value[], stdin?: Value) => Value) | undefined;
  /** Set when a downloaded archive was unpacked: what it held may be run by any path. */
  remoteArchive: Label | undefined;
  /** Folders holding code cloned from an unknown host (not a forge), by normalised path. */
  readonly remoteDirs = new Map<string, Label>();
  /** Content staged (`git add`) and committed, waiting for a push. */
  staged: Label[] = [];
  committed: Label[] = [];

  constructor(skillFiles: Map<string, string>) {
    this.skillFiles = skillFiles;
  }

  report(ruleId: FlowCheck, unit: Unit, line: number, detail: string, trail: Step[] = []): void {
    if (this.findings.length >= MAX_FINDINGS) return;
    const key = `${ruleId}\0${unit.file}\0${line}\0${detail}`;
    if (this.findings.some((f) => `${f.ruleId}\0${f.file}\0${f.line}\0${f.detail}` === key)) return;
    this.findings.push({ ruleId, file: unit.file, line, detail, trail: trail.slice(0, 8), decoded: unit.decoded });
  }

  nested(unit: Unit, args?: Value[], stdin?: Value): Value {
    if (!this.analyse || this.depth >= MAX_NESTED) {
      if (this.depth >= MAX_NESTED) this.report('skill-flow-unreadable', unit, unit.line, 'nesting limit reached');
      return val(UNKNOWN);
    }
    this.depth++;
    try {
      return this.analyse(unit, args, stdin);
    } finally {
      this.depth--;
    }
  }

  // -------------------------------------------------------------------------------------
  // Sources

  /** What reading a path yields: its credential label, or what the skill wrote there. */
  readFile(path: Value, unit: Unit, line: number, via = 'read'): Value {
    const labels: Label[] = [...path.labels.filter((l) => l.kind !== 'source' || l.source !== 'env-secret')];
    let text = UNKNOWN;
    for (const p of splitPaths(path.text)) {
      const cred = credentialOf(p);
      if (cred) {
        labels.push({ kind: 'source', source: cred.source, name: cred.what, provider: cred.provider, step: { file: unit.file, line, what: `${via} ${shortPath(p)}` } });
        if (cred.source === 'credential') this.report('skill-flow-credential-read', unit, line, `${via} ${cred.what} (${shortPath(p)})`);
      }
      const w = this.written.get(normPath(p));
      if (w) {
        labels.push(...w.labels);
        text = w.text;
      } else {
        const rel = normPath(p).replace(/^\.\//, '');
        const own = this.skillFiles.get(rel) ?? this.skillFiles.get(rel.replace(/^.*?\/(?=scripts\/|bin\/|src\/|lib\/)/, ''));
        if (own !== undefined) return { text: own, labels: dedupe(labels), obj: { kind: 'skillfile', path: this.skillFiles.has(rel) ? rel : rel.replace(/^.*?\/(?=scripts\/|bin\/|src\/|lib\/)/, '') } };
      }
    }
    return { text, labels: dedupe(labels) };
  }

  // -------------------------------------------------------------------------------------
  // Sinks

  /** Data leaving the machine for `url` (or host). */
  network(unit: Unit, line: number, target: Value, data: Value[], how: string, opts: SendOptions = {}): void {
    const url = target.text;
    const host = hostOf(url) ?? (/^[\w.-]+$/.test(url) ? url.toLowerCase() : undefined);
    const cls = isCaptureUrl(url) ? 'capture' : classifyHost(host);
    if (cls === 'local') return;
    const labels = dedupe([...data.flatMap((d) => d.labels), ...target.labels]);
    const where = host && !host.includes(UNKNOWN) ? host : 'a host chosen at run time';
    for (const l of labels) {
      if (l.kind !== 'source') continue;
      const trail = [l.step, { file: unit.file, line, what: `${how} to ${where}` }];
      if (opts.publish) {
        this.report('skill-flow-secret-exfil', unit, line, `${l.source === 'env-secret' ? '$' : ''}${l.name} (line ${l.step.line}) uploaded by ${how} to ${where}`, trail);
        continue;
      }
      // A token a provider's own CLI printed, sent back to that provider, is an API call.
      if (l.source === 'credential' && l.provider && host && cls === 'named' && hostBelongsTo(host, l.provider)) continue;
      // One looked-up token in an authentication header is an API client, like a secret variable.
      const tokenAsAuth = l.source === 'credential' && l.single && opts.auth;
      if (!tokenAsAuth && (l.source === 'env-all' || l.source === 'credential' || l.source === 'clipboard' || l.source === 'dotenv')) {
        this.report('skill-flow-secret-exfil', unit, line, `${l.name} (line ${l.step.line}) sent by ${how} to ${where}`, trail);
        continue;
      }
      // A single secret-named variable: fine to its own provider or a named API host.
      if (cls === 'ip' || cls === 'capture') {
        this.report('skill-flow-secret-exfil', unit, line, `$${l.name} (line ${l.step.line}) sent by ${how} to ${cls === 'ip' ? 'a raw IP address' : 'a capture or paste service'} ${where}`, trail);
      } else if (cls === 'named' && host) {
        const provider = l.provider ?? providerOf(l.name);
        if (provider && !hostBelongsTo(host, provider) && !nameMatchesHost(l.name, host)) this.report('skill-flow-token-misdirected', unit, line, `$${l.name} (a ${provider} token, line ${l.step.line}) sent by ${how} to ${host}`, trail);
      }
    }
  }

  /**
   * Output the agent reads (a top-level command of an instruction block, a script's print):
   * credentials, a .env file or the whole environment there are in the conversation. A single
   * secret variable is not reported: checking that a key is set prints it too often in benign
   * skills, and the prose rules catch the instructions to share one.
   */
  display(unit: Unit, line: number, out: Value, how: string): void {
    for (const l of out.labels) {
      if (l.kind !== 'source' || l.source === 'env-secret') continue;
      // Told to hand the output on, or a script printing a token it looked up: a leak. Printed
      // for the agent to read (a debugging `env`, `cat ~/.aws/config`): worth a review.
      const shared = unit.shares ?? (l.single === true);
      this.report(shared ? 'skill-flow-secret-display' : 'skill-flow-secret-in-context', unit, line, `${l.name} (line ${l.step.line}) printed by ${how}`, [l.step, { file: unit.file, line, what: how }]);
      return;
    }
  }

  /** The cloned folder of an unknown host that `path` (resolved against `cwd`) lies in. */
  remoteDirOf(path: string, cwd = ''): Label | undefined {
    if (!this.remoteDirs.size || !path || path.includes(UNKNOWN)) return undefined;
    const p = normPath(/^[~/$]/.test(path) || !cwd ? path : `${cwd.replace(/\/$/, '')}/${path}`).replace(/\/\.\//g, '/');
    for (const [dir, label] of this.remoteDirs) if (p === dir || p.startsWith(`${dir}/`)) return label;
    return undefined;
  }

  /** A persistent job (cron, service, launch agent, start-up file) is registered. */
  persist(unit: Unit, line: number, how: string, entry: Value, startupFile = false): void {
    const text = entry.text.replace(/\u0000/g, ' ');
    const bad = entry.labels.find((l) => l.kind === 'remote' || l.kind === 'decoded');
    let why: string | undefined;
    if (bad) why = bad.kind === 'remote' ? `runs content downloaded from ${hostOf(bad.url) ?? 'a URL'} (line ${bad.step.line})` : `runs ${bad.how} output (line ${bad.step.line})`;
    else if (/\b(?:curl|wget|nc|ncat|socat)\b[^\n]*(?:\|\s*(?:ba|z)?sh\b|-o\b|-O\b)|\bbase64\s+(?:-d|--decode)|\/dev\/tcp\/|\b(?:python[0-9.]*|perl|ruby|node)\s+-[ce]\b|\b(?:ba|z)?sh\s+-c\b/.test(text)) why = 'runs a download or an inline payload';
    else {
      for (const m of text.matchAll(/(?:^|[\s"'=(;&|])((?:~|\$HOME|\/)[^\s"';|&()]*)/g)) {
        const path = m[1]!;
        const w = this.written.get(normPath(path));
        const r = w?.labels.find((l) => l.kind === 'remote' || l.kind === 'decoded');
        if (r) {
          why = `runs ${shortPath(path)}, written from ${r.kind === 'remote' ? `a download (line ${r.step.line})` : `decoded data (line ${r.step.line})`}`;
          break;
        }
        // Start-up files source dot-files all the time (~/.fzf.zsh, ~/.cargo/env); a job that
        // runs a hidden or temporary executable is another matter.
        // In a start-up file, temporary folders and a hidden file inside a hidden folder (~/.cache/.env) still count.
        const temp = /\/(?:tmp|dev\/shm|var\/tmp)\//.test(path);
        const nestedHidden = /\/\.[\w.-]+\/(?:[^/]+\/)*\.[\w.-]+$/.test(path) && !/\/\.(?:config|local|cargo|npm|nvm|bun|deno|oh-my-zsh|zsh|zprezto|asdf|pyenv|rbenv|sdkman)\//.test(path);
        if ((!startupFile && (/\/(?:tmp|dev\/shm|var\/tmp)\/|\/\.[\w.-]+$|\/\.[\w.-]+\//.test(path) && !/\/\.(?:config|local|cargo|npm|nvm|bun|deno)\//.test(path))) || (startupFile && (temp || nestedHidden))) {
          why = `runs ${shortPath(path)}, a hidden or temporary path`;
          break;
        }
        const dir = this.remoteDirOf(path);
        if (dir && dir.kind === 'remote') {
          why = `runs ${shortPath(path)}, cloned from ${hostOf(dir.url) ?? 'an unknown host'} (line ${dir.step.line})`;
          break;
        }
      }
    }
    if (why) this.report('skill-flow-persistence', unit, line, `${how} ${why}`);
  }

  dns(unit: Unit, line: number, name: Value, how: string): void {
    const text = name.text;
    const sources = name.labels.filter((l) => l.kind === 'source');
    // Data (unknown at analysis time) followed by a fixed domain: a.b.attacker.example
    const dataThenDomain = /\u0000[^\u0000]*\.[a-z0-9-]{1,63}\.[a-z]{2,24}\.?$/i.test(text);
    if (sources.length) {
      const l = sources[0]! as Extract<Label, { kind: 'source' }>;
      this.report('skill-flow-secret-exfil', unit, line, `${l.name} (line ${l.step.line}) encoded into a DNS lookup by ${how}`, [l.step, { file: unit.file, line, what: how }]);
    } else if (dataThenDomain && name.labels.some((l) => l.kind === 'data' || l.kind === 'decoded')) {
      this.report('skill-flow-dns-data', unit, line, `a lookup of a name built from data by ${how}`);
    }
  }

  /** Code about to run: downloaded or decoded content is the finding; known text is read too. */
  exec(unit: Unit, line: number, code: Value, lang: Lang | undefined, how: string, args: Value[] = [], stdin?: Value): Value {
    const remote = code.labels.find((l) => l.kind === 'remote') as Extract<Label, { kind: 'remote' }> | undefined;
    const decoded = code.labels.find((l) => l.kind === 'decoded') as Extract<Label, { kind: 'decoded' }> | undefined;
    if (remote) this.report('skill-flow-remote-exec', unit, line, `content downloaded from ${hostOf(remote.url) ?? 'a URL'} (line ${remote.step.line}) run by ${how}`, [remote.step, { file: unit.file, line, what: how }]);
    if (decoded) this.report('skill-flow-decoded-exec', unit, line, `${decoded.how} output (line ${decoded.step.line}) run by ${how}`, [decoded.step, { file: unit.file, line, what: how }]);
    if (code.obj?.kind === 'skillfile' && code.obj.path) {
      // One of the skill's own files: it is read on its own anyway; read it again only when
      // the caller hands it data worth following, as that file, with the call in the trail.
      // Files the caller downloaded or decoded before running it count too: the script may read them.
      const carries = [...args, ...(stdin ? [stdin] : [])].some((v) => v.labels.some((l) => l.kind === 'source' || l.kind === 'remote' || l.kind === 'decoded')) || [...this.written.values()].some((v) => v.labels.some((l) => l.kind === 'remote' || l.kind === 'decoded'));
      if (!carries || !lang) return val(UNKNOWN);
      return this.nested({ file: code.obj.path, lang, text: code.text, line: 1, decoded: unit.decoded }, args, stdin);
    }
    if (lang && code.text && code.text !== UNKNOWN) {
      const text = code.text.replace(/\u0000/g, ' ');
      if (decoded && this.decodedBytes < 1024 * 1024) {
        this.decodedBytes += text.length;
        this.decodedUnits.push({ file: unit.file, line, how: decoded.how, text });
      }
      if (text.trim()) return this.nested({ file: unit.file, lang, text, line, decoded: decoded ? decoded.how : unit.decoded }, args, stdin);
    }
    return val(UNKNOWN);
  }

  deserialize(unit: Unit, line: number, data: Value, how: string): void {
    const remote = data.labels.find((l) => l.kind === 'remote');
    // Decoding stored data before unpickling it is a cache, not a payload: only a blob
    // written into the skill itself (its decoding is known here) counts.
    const decoded = data.text.includes(UNKNOWN) ? undefined : (data.labels.find((l) => l.kind === 'decoded') as Extract<Label, { kind: 'decoded' }> | undefined);
    if (remote) this.report('skill-flow-remote-exec', unit, line, `downloaded data deserialized by ${how} (runs code)`);
    else if (decoded) this.report('skill-flow-decoded-exec', unit, line, `${decoded.how} output (line ${decoded.step.line}) deserialized by ${how} (runs code)`);
  }

  write(unit: Unit, line: number, path: Value, data: Value, how: string): void {
    for (const p of splitPaths(path.text)) {
      const kind = agentConfigOf(p);
      if (kind === 'config') this.report('skill-flow-agent-config-write', unit, line, `${how} writes ${shortPath(p)}`);
      else if (kind === 'memory') this.report('skill-flow-agent-memory-write', unit, line, `${how} writes ${shortPath(p)}`);
      if (isTracePath(p) && (data.text === '' || /^\s*$/.test(data.text))) this.report('skill-flow-erase-traces', unit, line, `${how} empties ${shortPath(p)}`);
      if (/(?:^|[/\\])\.(?:bashrc|bash_profile|bash_login|profile|zshrc|zshenv|zprofile|zlogin|kshrc|mkshrc)$|(?:^|[/\\])\.config[/\\]fish[/\\]config\.fish$|^\/etc\/(?:profile|bash\.bashrc|zshrc)\b/.test(p)) this.persist(unit, line, `${how} to ${shortPath(p)}`, data, true);
      if (/(?:^|[/\\])\.env(?:\.[\w-]+)?$|\.(?:ini|conf|cfg|toml|ya?ml|properties|npmrc|pip\.conf|gitconfig)$|(?:^|[/\\])\.(?:npmrc|curlrc|wgetrc|gitconfig)$/.test(p)) {
        const weak = weakensSettings(data.text.replace(/\u0000/g, ''));
        if (weak) this.report('skill-flow-weaken-settings', unit, line, `${how} sets ${weak} in ${shortPath(p)}`);
      }
      if (GIT_HOOK.test(p)) this.gitHook(unit, line, p, data, how);
      if (isDocumentPath(p)) {
        const leaked = data.labels.find((l) => l.kind === 'source' && l.source !== 'env-secret');
        if (leaked && leaked.kind === 'source') this.report('skill-flow-secret-to-document', unit, line, `${leaked.name} (line ${leaked.step.line}) written by ${how} into ${shortPath(p)}`, [leaked.step, { file: unit.file, line, what: `${how} ${shortPath(p)}` }]);
      }
      this.written.set(normPath(p), data);
    }
  }

  /**
   * A git hook written by code runs on every commit, checkout or push of the user. A hook
   * written from known text that runs local commands (a linter, the tests) is a setup step and
   * left to the pattern rule (medium); one whose content is downloaded, decoded, carries
   * secrets, cannot be known here, or itself reaches the network or runs an inline payload is
   * the finding.
   */
  private gitHook(unit: Unit, line: number, p: string, data: Value, how: string): void {
    const bad = data.labels.find((l) => l.kind === 'remote' || l.kind === 'decoded' || l.kind === 'source');
    const text = data.text.replace(/\u0000/g, ' ');
    let why: string | undefined;
    if (bad) why = bad.kind === 'remote' ? `content downloaded from ${hostOf(bad.url) ?? 'a URL'} (line ${bad.step.line})` : bad.kind === 'decoded' ? `${bad.how} output (line ${bad.step.line})` : `${bad.name} (line ${bad.step.line})`;
    else if (!text.trim() || data.text.includes(UNKNOWN)) why = 'content not known before it runs';
    else if (HOOK_PAYLOAD.test(text)) why = 'a hook that reaches the network, reads the environment or credentials, or runs an inline payload';
    if (why) this.report('skill-flow-git-hook-write', unit, line, `${how} writes the git hook ${shortPath(p)}: ${why}`);
  }

  /** `git config core.hooksPath DIR`: a temporary or hidden folder outside the repository's own hook folders. */
  hooksPath(unit: Unit, line: number, dir: string, how: string): void {
    const d = normPath(dir);
    const temp = /^(?:\/tmp|\/var\/tmp|\/dev\/shm|\/private\/tmp)(?:\/|$)|^%TEMP%|^\$\{?TMPDIR/i.test(d);
    const hidden = d.split(/[/\\]/).some((c) => /^\.[^./]/.test(c) && !/^\.(?:githooks|git-hooks|husky|hooks|git|config)$/i.test(c));
    if (temp || hidden) this.report('skill-flow-git-hook-write', unit, line, `${how} points core.hooksPath at ${shortPath(d)}, ${temp ? 'a temporary folder' : 'a hidden folder'}`);
  }

  erase(unit: Unit, line: number, path: Value, how: string): void {
    for (const p of splitPaths(path.text)) if (isTracePath(p)) this.report('skill-flow-erase-traces', unit, line, `${how} ${shortPath(p)}`);
  }
}

/**
 * A document people or later sessions read (a report, inventory, note, badge, README), not a
 * scratch file: secrets written there leave the machine with the next commit or share.
 */
export function isDocumentPath(p: string): boolean {
  if (/^(?:\/tmp|\/var\/tmp|\/dev|\$\{?TMPDIR|\$\{?TMP\b)/.test(p) || p.includes(UNKNOWN)) return false;
  const base = p.split(/[/\\]/).pop() ?? '';
  return /\.(?:md|markdown|mdx|html?|csv|rst|adoc|txt)$/i.test(base) || /(?:report|inventory|notes?|badge|summary|readme|onboarding|audit)[\w.-]*$/i.test(base);
}

export function dedupe(labels: Label[]): Label[] {
  const out: Label[] = [];
  for (const l of labels) if (!out.includes(l)) out.push(l);
  return out.slice(0, 64);
}

/** A file in a repository's hook folder (the samples git ships are not hooks). */
const GIT_HOOK = /(?:^|[/\\])\.git[/\\]hooks[/\\](?![^/\\]*\.sample$)[^/\\]+$/;
/** What a hook has no business doing: reach the network, dump the environment or credentials, decode and run. */
const HOOK_PAYLOAD = /\b(?:curl|wget|nc|ncat|socat|telnet|scp|rsync)\b|\/dev\/(?:tcp|udp)\/|\bbase64\s+(?:-d|--decode)|\b(?:python[0-9.]*|perl|ruby|node)\s+-[ce]\b|\beval\b|\bprintenv\b|(?:^|[;&|]\s*)env\s*(?:\||>|$)|os\.environ|process\.env|https?:\/\/|\.ssh\/|\.aws\/|\.netrc|\/tmp\/|\/dev\/shm/m;

function splitPaths(text: string): string[] {
  return text.split(/[\s\u0000]+(?=[~/.$%A-Za-z])/).map((p) => p.replace(/\u0000/g, '')).filter((p) => p.length > 0);
}

export function normPath(p: string): string {
  return p.replace(/^\$\{?HOME\}?/, '~').replace(/\/+/g, '/').replace(/^\.\//, '');
}

export function shortPath(p: string): string {
  const s = p.replace(/\u0000/g, '…');
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

export function envSource(name: string, unit: Unit, line: number, secretOnly = true): Label | undefined {
  const secret = isSecretEnvName(name);
  if (secretOnly && !secret) return undefined;
  return { kind: 'source', source: 'env-secret', name, provider: providerOf(name), step: { file: unit.file, line, what: `$${name}` } };
}

export function envAll(unit: Unit, line: number, what: string): Label {
  return { kind: 'source', source: 'env-all', name: 'the whole environment', provider: undefined, step: { file: unit.file, line, what } };
}

export function clipboard(unit: Unit, line: number, what: string): Label {
  return { kind: 'source', source: 'clipboard', name: 'the clipboard', provider: undefined, step: { file: unit.file, line, what } };
}

export function credentialStore(unit: Unit, line: number, what: string, provider?: string): Label {
  return { kind: 'source', source: 'credential', name: what, provider, step: { file: unit.file, line, what } };
}

export function remote(url: string, unit: Unit, line: number): Label {
  return { kind: 'remote', url, step: { file: unit.file, line, what: `download ${hostOf(url) ?? ''}` } };
}

export function decodedLabel(how: string, unit: Unit, line: number): Label {
  return { kind: 'decoded', how, step: { file: unit.file, line, what: how } };
}
