import { usageError } from '../errors.js';

/** Durations on the command line ("15m", "8h", "1h30m") and for people ("14m 58s"). */

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const MAX_SESSION_MS = 7 * 86_400_000;

/** "15m", "8h", "90s", "1h30m": a duration in ms. */
export function parseDuration(text: string, option: string): number {
  const parts = /^(?:\d+[smhd])+$/.test(text.trim()) ? [...text.trim().matchAll(/(\d+)([smhd])/g)] : [];
  const ms = parts.reduce((sum, m) => sum + Number(m[1]) * UNITS[m[2]!]!, 0);
  if (!parts.length || ms < 1000 || ms > MAX_SESSION_MS) {
    throw usageError(`${option} "${text}" is not a duration between 1s and 7d`, 'Use a number with a unit: s, m, h or d (e.g. 15m, 8h, 1h30m).');
  }
  return ms;
}

/** "14m 58s", "7h 59m", "12s": for people. */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  if (h) return m ? `${h}h ${m}m` : `${h}h`;
  if (m) return sec ? `${m}m ${sec}s` : `${m}m`;
  return `${sec}s`;
}

/** An approval window: a duration, or 0 for none. */
export function windowOf(text: string, option: string): number {
  return text.trim() === '0' ? 0 : parseDuration(text, option);
}

/** --since: an ISO time, or a duration ago. */
export function sinceOf(text: string): Date {
  if (/^(?:\d+[smhd])+$/.test(text)) return new Date(Date.now() - parseDuration(text, '--since'));
  const t = Date.parse(text);
  if (Number.isNaN(t)) throw usageError(`--since "${text}" is not a time`, 'Use an ISO time (2026-01-31T12:00:00Z) or a duration ago (1h, 2d).');
  return new Date(t);
}
