/**
 * Keys that are public by design: values their provider says belong in client code (a web
 * page, a mobile app), so finding one in a repository is not a leak. The scanner still reports
 * them, at low severity with the reason in the description and a `public-by-design` tag: a
 * reviewer may want to know where they are, but a gate at `high` or `medium` lets them through.
 *
 * Each entry recognises a class from the value itself or the text right around it, never from
 * a file name alone:
 *
 * - a JWT whose claims say it is the anonymous client role (Supabase's anon key),
 * - a Sentry DSN that carries only its public key (no secret part after a colon),
 * - a Google API key inside a Firebase web app configuration.
 */

export interface PublicByDesign {
  /** Short name, used in tests. */
  id: string;
  /** Why the value may sit in client code, as a reader sees it next to the finding. */
  reason: string;
  /** Whether the finding of `ruleId` on `secret` at [start, end) of `text` is such a value. */
  test: (ruleId: string, secret: string, text: string, start: number, end: number) => boolean;
}

/** The severity a public-by-design value is reported at (at most: a rule set lower keeps its own). */
export const PUBLIC_BY_DESIGN_SEVERITY = 'low' as const;

/** How far around a value its surrounding configuration is looked at (a Firebase config object). */
const NEAR = 600;
const near = (text: string, start: number, end: number) => text.slice(Math.max(0, start - NEAR), Math.min(text.length, end + NEAR));

/** The claims of a JWT (its middle segment, base64url JSON), or undefined when it is not one. */
function jwtClaims(secret: string): Record<string, unknown> | undefined {
  const parts = secret.split('.');
  if (parts.length !== 3 || !parts[0]!.startsWith('eyJ') || !parts[1]!.startsWith('eyJ')) return undefined;
  const json = base64urlText(parts[1]!);
  if (json === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(json);
    return claims && typeof claims === 'object' && !Array.isArray(claims) ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function base64urlText(segment: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{4,8000}$/.test(segment)) return undefined;
  return Buffer.from(segment, 'base64url').toString('latin1');
}

/** Client roles that the provider hands to browsers: Supabase's `anon` (row-level security guards the data). */
const CLIENT_ROLES = new Set(['anon']);

export const PUBLIC_BY_DESIGN: readonly PublicByDesign[] = [
  {
    id: 'jwt-anon-role',
    reason: 'a JWT for the anonymous client role (such as a Supabase anon key) is meant for browser code; row-level security protects the data',
    test: (_rule, secret) => {
      if (!secret.startsWith('eyJ')) return false;
      const role = jwtClaims(secret)?.role;
      return typeof role === 'string' && CLIENT_ROLES.has(role);
    },
  },
  {
    id: 'sentry-dsn-public-key',
    reason: 'a Sentry DSN with only its public key is meant to ship in client code; it can only send events',
    test: (rule, secret) => rule === 'sentry-dsn' && /^[a-f0-9]{32}$/.test(secret),
  },
  {
    id: 'firebase-web-api-key',
    reason: 'the apiKey of a Firebase web app configuration identifies the project to Google and is meant for client code; security rules protect the data',
    test: (_rule, secret, text, start, end) =>
      /^AIza[A-Za-z0-9_-]{35}$/.test(secret) && /authDomain|firebaseapp\.com|firebaseConfig|messagingSenderId|FIREBASE_AUTH_DOMAIN|(?:NEXT_PUBLIC|VITE|REACT_APP|EXPO_PUBLIC)_FIREBASE/.test(near(text, start, end)),
  },
];

/** The reason a finding's value is public by design, or undefined when it is not. */
export function publicByDesignReason(ruleId: string, secret: string, text: string, start: number, end: number): string | undefined {
  for (const p of PUBLIC_BY_DESIGN) if (p.test(ruleId, secret, text, start, end)) return p.reason;
  return undefined;
}
