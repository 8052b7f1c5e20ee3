/**
 * Password hashes: the stored form of a password (bcrypt, argon2, scrypt, PBKDF2, crypt(3),
 * Django, Werkzeug, LDAP, htpasswd, PostgreSQL, MySQL). A hash sits under a `password` name in
 * seeds, fixtures and user tables, looks random, and is not a credential by itself: whoever
 * holds it still has to crack it, and rotating it means rotating the password it stands for.
 *
 * The scanner asks `isPasswordHash` about the whole word around a finding (a rule may capture
 * only part of `pbkdf2_sha256$600000$salt$hash`, stopping at a character its value class does
 * not take), so one recogniser serves every rule.
 */

/** Each shape is anchored at both ends and linear: fixed prefixes, one class per run. */
const HASH_SHAPES: readonly RegExp[] = [
  // Modular crypt format: $id$[params$]salt$digest (bcrypt $2b$, md5-crypt $1$, Apache $apr1$,
  // sha-crypt $5$ $6$ with optional rounds=, yescrypt $y$, scrypt $7$, gost-yescrypt $gy$,
  // argon2 $argon2id$v=19$m=..., passlib's $pbkdf2-sha256$ and $scrypt$, phpass $P$ $H$)
  /^\$2[abxy]?\$[0-9]{2}\$[./A-Za-z0-9]{53}$/,
  /^\$(?:1|apr1|5|6|md5|sha1)\$(?:rounds=[0-9]{1,9}\$)?[./A-Za-z0-9]{1,96}\$[./A-Za-z0-9]{20,128}$/,
  /^\$(?:y|gy|7)\$[./A-Za-z0-9]{1,64}\$[./A-Za-z0-9]{1,96}\$[./A-Za-z0-9]{20,128}$/,
  /^\$argon2(?:id|i|d)\$(?:v=[0-9]{1,3}\$)?m=[0-9]{1,9},t=[0-9]{1,6},p=[0-9]{1,4}\$[A-Za-z0-9+/.=-]{8,128}\$[A-Za-z0-9+/.=-]{16,256}$/,
  /^\$(?:pbkdf2(?:-sha(?:1|256|512))?|scrypt|bcrypt-sha256)\$[A-Za-z0-9+/.,=$-]{16,400}$/,
  /^\$[PH]\$[./A-Za-z0-9]{31}$/,
  // Django: algorithm$iterations$salt$hash, and argon2/bcrypt wrapped as algorithm$<inner>
  /^(?:pbkdf2_sha(?:1|256|512)|sha1|md5|crypt)\$[0-9]{0,9}\$?[A-Za-z0-9./+]{1,128}\$[A-Za-z0-9./+=]{16,256}$/,
  /^(?:argon2|bcrypt_sha256|bcrypt)\$\$?(?:argon2(?:id|i|d)|2[abxy]?)\$[A-Za-z0-9+/.,=$-]{16,400}$/,
  /^scrypt\$[A-Za-z0-9+/.]{1,64}\$[0-9]{1,9}\$[0-9]{1,3}\$[0-9]{1,3}\$[A-Za-z0-9+/=]{16,256}$/,
  /^unsalted_(?:md5|sha1)\$\$?[0-9a-f]{32,40}$/,
  // Werkzeug / Flask: method:params$salt$hash (pbkdf2:sha256:600000, scrypt:32768:8:1)
  /^(?:pbkdf2:sha(?:1|256|512)(?::[0-9]{1,9})?|scrypt:[0-9]{1,9}:[0-9]{1,3}:[0-9]{1,3})\$[A-Za-z0-9./+]{1,64}\$[0-9a-f]{32,256}$/,
  // LDAP userPassword, Dovecot and htpasswd {SHA}: {SCHEME}base64 or {SCHEME}$crypt$...
  /^\{(?:S?SHA(?:256|384|512)?|S?MD5|CRYPT|BCRYPT|ARGON2|PBKDF2(?:-SHA(?:1|256|512))?|SHA(?:256|512)-CRYPT|BLF-CRYPT|SSHA-?512)\}[A-Za-z0-9+/=$.,:-]{20,400}$/,
  // PostgreSQL pg_authid: md5 + md5(password || user), SCRAM-SHA-256$iter:salt$stored:server
  /^md5[0-9a-f]{32}$/,
  /^SCRAM-SHA-256\$[0-9]{1,7}:[A-Za-z0-9+/=]{8,64}\$[A-Za-z0-9+/=]{40,64}:[A-Za-z0-9+/=]{40,64}$/,
  // MySQL mysql_native_password: * followed by 40 upper-case hex digits
  /^\*[0-9A-F]{40}$/,
];

/** Whether `value` is a password hash in one of the stored-password formats above. */
export function isPasswordHash(value: string): boolean {
  if (value.length < 20 || value.length > 512) return false;
  const c = value.charCodeAt(0);
  // every shape starts with $, {, *, or a lower-case/upper-case algorithm name
  if (c !== 0x24 && c !== 0x7b && c !== 0x2a && !/^[a-zA-Z]/.test(value)) return false;
  return HASH_SHAPES.some((re) => re.test(value));
}

/** Characters that end a word around a finding: blanks, quotes, and the separators of code. */
const WORD_END = /[\s"'`,;<>()[\]]/;
/** The same without the comma, which argon2 parameters hold (`m=65536,t=3,p=4`). */
const WORD_END_NO_COMMA = /[\s"'`;<>()[\]]/;

/**
 * The word of `text` that holds [start, end): extended both ways to the nearest blank, quote
 * or code separator, at most `limit` characters each way (a hash is never longer).
 */
export function wordAround(text: string, start: number, end: number, limit = 512, stop: RegExp = WORD_END): string {
  let a = start;
  while (a > 0 && start - a < limit && !stop.test(text[a - 1]!)) a--;
  let b = end;
  while (b < text.length && b - end < limit && !stop.test(text[b]!)) b++;
  return text.slice(a, b);
}

/**
 * Whether a finding at [start, end) of `text` is (part of) a password hash. The word around it
 * is tried as written, then without the key of a `key=value` or `key:value` word (an htpasswd
 * line is `user:hash`, a Django fixture `"password": "pbkdf2_sha256$..."`).
 */
export function findingIsPasswordHash(text: string, start: number, end: number, secret: string): boolean {
  if (isPasswordHash(secret)) return true;
  for (const stop of [WORD_END, WORD_END_NO_COMMA]) {
    const word = wordAround(text, start, end, 512, stop);
    if (word === secret) continue;
    if (isPasswordHash(word)) return true;
    const sep = word.search(/[:=]/);
    if (sep > 0 && isPasswordHash(word.slice(sep + 1))) return true;
  }
  return false;
}
