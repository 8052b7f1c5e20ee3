import type { Origin } from './types.js';

/**
 * The one line index: offsets in a piece of text (one char per byte, so byte offsets) to
 * 0-based line indices, built lazily on the first question.
 */
export class Lines {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}
  private index(): number[] {
    if (!this.starts) {
      const starts = [0];
      let i = -1;
      while ((i = this.text.indexOf('\n', i + 1)) !== -1) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }
  /** 0-based line index containing offset. */
  lineOf(offset: number): number {
    const s = this.index();
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  start(line: number): number {
    return this.index()[line] ?? this.text.length;
  }
  /** Offset just past the line's last character (its newline excluded). */
  end(line: number): number {
    const next = this.index()[line + 1];
    return next === undefined ? this.text.length : next - 1;
  }
  text0(line: number): string {
    const s = this.index();
    const from = s[line];
    if (from === undefined) return '';
    const next = s[line + 1];
    return this.text.slice(from, next === undefined ? this.text.length : next - 1);
  }
}

/**
 * The line in the file of 0-based line `line0` of a piece of text from `origin`: through the
 * line map of a diff fragment, or counted from the piece's first line (1 for a whole file; a
 * window of a larger file starts further down).
 */
export function fileLine(origin: Pick<Origin, 'lineMap' | 'firstLine'>, line0: number): number {
  return origin.lineMap?.[line0] ?? (origin.firstLine ?? 1) + line0;
}
