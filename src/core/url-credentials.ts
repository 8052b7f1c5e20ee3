/**
 * Credentials in connection URLs (`scheme://user:password@host`), as people really write them.
 *
 * A rule declares only its schemes:
 *
 *   url:
 *     schemes: '(?:postgres(?:ql)?|pgsql)(?:\+[a-z0-9]{1,20})?'
 *
 * and `compileUrl` builds the regex. The password is group 2 (group 1 is the user name).
 *
 * Passwords in `.env` files are often not percent-encoded, so they hold `#`, `?`, `%`, `@` and `/`.
 * Userinfo therefore ends at the LAST `@` that is followed by a host and the end of the
 * authority, as URL parsers that tolerate such input do, with two exceptions that keep the
 * span right on ordinary URLs: a query (`?name=`) never belongs to the password, and neither
 * does an `@` followed by a dotted host name and the end of the authority (that `@` is the
 * separator, and what follows is a path such as `/@scope/pkg`).
 *
 * Quiet by construction: a password equal to the user name (`mongodb:mongodb`), a port
 * (`http://host:8080/@x`), and through URL_ALLOWLIST references (`${DB_PASSWORD}`), templates
 * and well-known local defaults (`guest:guest`, `root:password`).
 */
import type { AllowlistDefinition } from './types.js';

export interface UrlDefinition {
  /** Regex fragment of the schemes, without `://`; matched ignoring case. */
  schemes: string;
}

/** Characters that end a URL in text: blanks, quotes, angle brackets. */
const STOP = `\\s"'\\x60<>`;
/** A host name with at least one dot, an IPv4/IPv6 address or localhost, then the authority's end. */
const DOTTED_HOST_END = `(?:[\\w-]{1,63}(?:\\.[\\w-]{1,63}){1,8}|localhost|\\[[0-9a-f:.]{2,45}\\])(?::[0-9]{1,5})?(?:[/?#,;${STOP})\\]]|$)`;
/** One password character: anything but a stop, a query start, or the separating `@`. */
const PASSWORD_CHAR = `(?:[^${STOP}?@]|\\?(?![\\w.%-]{1,40}=)|@(?!${DOTTED_HOST_END}))`;
/** What follows the separating `@`: a host (name, address, or a Mongo/Kafka host list). */
const HOST = `[A-Za-z0-9\\[_.-]`;

/** The regex (flag i) of a URL rule; group 2 is the password. */
export function compileUrl(def: UrlDefinition): { source: string; secretGroup: number } {
  const source =
    `://(?<=(?<![A-Za-z0-9+.-])(?:${def.schemes})://)` +
    // the user: RFC 3986 userinfo characters (no colon, @, slash, brackets or quotes)
    `([\\w.~%!$&*+=,;-]{0,128}):` +
    // not the user again (mongodb:mongodb), not a port followed by a path
    `(?!\\1@)(?![0-9]{1,5}(?:[/?#]|$))` +
    `(${PASSWORD_CHAR}{1,256})@(?=${HOST})`;
  return { source, secretGroup: 2 };
}

/** Applied to every URL rule: references, templates and defaults that are not leaks. */
export const URL_ALLOWLIST: AllowlistDefinition = {
  regexes: [
    // a reference or template: ${VAR}, $VAR, %(name)s, %VAR%, {name}, {{ x }}, ****, :
    '^(?:\\$|%\\(|%[A-Za-z_][A-Za-z0-9_]*%|\\{|\\*+$|:)',
    // well-known local defaults and words that stand for a password
    '^(?:[Pp]ass(?:word|wd)?|PASS(?:WORD)?|[Ss]ecret|SECRET|changeme|CHANGEME|pwd|pw|admin|root|guest|postgres|mysql|mongo|mongodb|redis|rabbitmq|neo4j|sa|test|example|dummy|redacted|REDACTED|your[_-]?password|YOUR[_-]?PASSWORD|mypassword|passw0rd|password123)$',
    // a default word plus digits or a symbol (admin123, root!, test1234)
    '^(?:[Aa]dmin|[Rr]oot|[Uu]ser|[Tt]est|[Gg]uest|[Dd]emo|[Pp]ass|[Pp]assword|[Ss]ecret|[Cc]hangeme|[Pp]ostgres|[Mm]ysql|[Dd]ev|[Ll]ocal)[0-9!@#$._-]{0,6}$',
  ],
  stopwords: ['changeme', 'yourstrong', 'your', 'your_pass', 'your-pass', 'yourpass', 'redacted', 'placeholder', 'example', 'passw0rd', 'p@ss'],
};

export function urlProblems(raw: unknown): { where: string[]; message: string }[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [{ where: [], message: 'url must be a mapping with schemes' }];
  const u = raw as Record<string, unknown>;
  const out: { where: string[]; message: string }[] = [];
  for (const k of Object.keys(u)) if (k !== 'schemes') out.push({ where: [k], message: 'unknown url key (expected schemes)' });
  if (typeof u.schemes !== 'string' || !u.schemes) out.push({ where: ['schemes'], message: 'schemes is required (a regex fragment, without ://)' });
  return out;
}
