/**
 * Placeholder grammar shared by every component:
 *   <agent-vault:KEY>                        KEY = [a-z0-9](?:[a-z0-9-]*[a-z0-9])?
 *   <agent-vault:UNVAULTED:sha256:XXXXXXXX>  first 8 hex of sha256 of the value
 */
export const KEY_PATTERN = '[a-z0-9](?:[a-z0-9-]{0,126}[a-z0-9])?';
export const KEY_RE = new RegExp(`^${KEY_PATTERN}$`);
export const PLACEHOLDER_PREFIX = '<agent-vault:';

/** Matches either placeholder form; group 1 = key, group 2 = unvaulted hash. */
export function placeholderRegex(): RegExp {
  return new RegExp(`<agent-vault:(?:(${KEY_PATTERN})|UNVAULTED:sha256:([0-9a-f]{8}))>`, 'g');
}

export function isValidKey(key: string): boolean {
  return KEY_RE.test(key);
}

export function placeholderFor(key: string): string {
  return `<agent-vault:${key}>`;
}

export function unvaultedMarker(hash8: string): string {
  return `<agent-vault:UNVAULTED:sha256:${hash8}>`;
}

/** True when [start, end) of text lies inside a placeholder or UNVAULTED marker. */
export function insidePlaceholder(text: string, start: number, end: number): boolean {
  // Look back a bounded window only: a search back to offset 0 for every candidate made
  // scans of large files without placeholders quadratic.
  const lo = Math.max(0, start - 200);
  const at = text.slice(lo, start + PLACEHOLDER_PREFIX.length).lastIndexOf(PLACEHOLDER_PREFIX);
  if (at < 0 || lo + at > start) return false;
  const from = lo + at;
  const re = placeholderRegex();
  re.lastIndex = from;
  const m = re.exec(text);
  return m !== null && m.index === from && from + m[0].length >= end;
}
