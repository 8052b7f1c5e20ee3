/**
 * Parser for `git log -p -U0` output, fed line by line, producing one fragment of added
 * lines per (commit, file), with the file line number of every fragment line.
 *
 * The caller asks git for `--format=AV-COMMIT %H %aI %an`; a header line can never start
 * with that marker because every diff body line starts with '+', '-', ' ' or '\'.
 */
export const COMMIT_MARKER = 'AV-COMMIT ';

export interface DiffFragment {
  commit: string | undefined;
  author: string | undefined;
  date: string | undefined;
  /** The file's path as text (decoded from the UTF-8 bytes git printed). */
  path: string;
  /** Added lines joined with '\n' (latin1, one char per byte). */
  text: string;
  /** lineMap[i] = line number in the new file of fragment line i. */
  lineMap: number[];
}

/**
 * Text git wrote as bytes and the parser read one char per byte (paths, author names) as the
 * UTF-8 it is. This is the one place such text is decoded.
 */
export function utf8Text(oneCharPerByte: string): string {
  return /[^\x00-\x7f]/.test(oneCharPerByte) ? Buffer.from(oneCharPerByte, 'latin1').toString('utf8') : oneCharPerByte;
}

/** A path as a diff header prints it, C-quoted when unusual ("a\tb", "caf\303\251"), as text. */
export function unquoteGitPath(raw: string): string {
  if (!raw.startsWith('"') || !raw.endsWith('"')) return utf8Text(raw);
  const body = raw.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(body.charCodeAt(i) & 0xff);
      continue;
    }
    const n = body[++i];
    if (n === undefined) break;
    if (/[0-7]/.test(n)) {
      const oct = body.slice(i, i + 3);
      bytes.push(parseInt(oct, 8));
      i += 2;
      continue;
    }
    const map: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, '\\': 92, '"': 34 };
    bytes.push(map[n] ?? n.charCodeAt(0));
  }
  return Buffer.from(bytes).toString('utf8');
}

export class DiffParser {
  private commit: string | undefined;
  private author: string | undefined;
  private date: string | undefined;
  private path: string | undefined;
  private lines: string[] = [];
  private lineMap: number[] = [];
  private nextNew = 0;
  private newLeft = 0;
  private oldLeft = 0;

  constructor(private readonly emit: (f: DiffFragment) => void) {}

  private flush(): void {
    if (this.path !== undefined && this.lines.length) {
      this.emit({ commit: this.commit, author: this.author, date: this.date, path: this.path, text: this.lines.join('\n'), lineMap: this.lineMap });
    }
    this.lines = [];
    this.lineMap = [];
  }

  /** Feed one line without its trailing newline. */
  line(l: string): void {
    if (this.newLeft > 0 || this.oldLeft > 0) {
      const c = l.charCodeAt(0);
      if (c === 43 /* + */ && this.newLeft > 0) {
        this.lines.push(l.slice(1));
        this.lineMap.push(this.nextNew++);
        this.newLeft--;
        return;
      }
      if (c === 45 /* - */ && this.oldLeft > 0) {
        this.oldLeft--;
        return;
      }
      if (c === 92 /* \ No newline at end of file */) return;
      // Anything else ends the hunk early (should not happen with -U0).
      this.newLeft = this.oldLeft = 0;
    }
    if (l.startsWith(COMMIT_MARKER)) {
      this.flush();
      this.path = undefined;
      const rest = l.slice(COMMIT_MARKER.length);
      const [hash, date, ...author] = rest.split(' ');
      this.commit = hash;
      this.date = date;
      this.author = utf8Text(author.join(' '));
      return;
    }
    if (l.startsWith('diff --git ') || l.startsWith('diff --cc ') || l.startsWith('diff --combined ')) {
      this.flush();
      this.path = undefined;
      return;
    }
    if (l.startsWith('+++ ')) {
      const p = l.slice(4).replace(/\t$/, '');
      if (p === '/dev/null') this.path = undefined;
      else {
        const unq = unquoteGitPath(p);
        this.path = unq.startsWith('b/') ? unq.slice(2) : unq;
      }
      return;
    }
    if (l.startsWith('@@')) {
      const m = /^@@ -\d+(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(l);
      if (m) {
        this.oldLeft = m[1] === undefined ? 1 : Number(m[1]);
        this.nextNew = Number(m[2]);
        this.newLeft = m[3] === undefined ? 1 : Number(m[3]);
      }
    }
  }

  end(): void {
    this.flush();
  }
}

/** Split a stream of latin1 chunks into lines and feed a DiffParser. */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(chunk: string): void {
    const data = this.rest + chunk;
    let start = 0;
    let i: number;
    while ((i = data.indexOf('\n', start)) !== -1) {
      this.onLine(data.slice(start, i));
      start = i + 1;
    }
    this.rest = data.slice(start);
  }
  end(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}
