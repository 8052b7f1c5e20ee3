import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { builtinRulePacks } from '../src/config/builtin-rules.js';
import { isPasswordHash } from '../src/core/password-hash.js';
import { PUBLIC_BY_DESIGN } from '../src/core/public-by-design.js';
import { scanText } from '../src/core/scan.js';
import { SECRET } from '../src/core/types.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

// Two classes of values that look like leaks and are not: password hashes (the stored form of
// a password, which has to be cracked before it is worth anything) and keys that their provider
// says belong in client code. Hashes are quiet in every rule; public keys are reported at low
// severity, with the reason in the description. Every value is generated here.

const ruleset = buildRuleset(defaultConfig(), builtinRulePacks());
const scan = (text: string, path = 'config.txt') => scanText(text, { path }, ruleset);
const fill = (t: string, seed = 7) => expandTemplate(t, rng(seed));
const b64url = (s: string) => Buffer.from(s).toString('base64url');

// Hash shapes, each as a stored-password format writes it.
const HASHES: [string, string][] = [
  ['bcrypt', '$2b$12${{alnum:53}}'],
  ['bcrypt 2y (PHP)', '$2y$10${{alnum:53}}'],
  ['md5-crypt', '$1${{alnum:8}}${{alnum:22}}'],
  ['Apache apr1', '$apr1${{alnum:8}}${{alnum:22}}'],
  ['sha512-crypt', '$6${{alnum:16}}${{alnum:86}}'],
  ['sha256-crypt with rounds', '$5$rounds=80000${{alnum:16}}${{alnum:43}}'],
  ['yescrypt', '$y$j9T${{alnum:22}}${{alnum:43}}'],
  ['argon2id', '$argon2id$v=19$m=65536,t=3,p=4${{alnum:22}}${{alnum:43}}'],
  ['passlib pbkdf2-sha256', '$pbkdf2-sha256$29000${{alnum:22}}${{alnum:43}}'],
  ['phpass', '$P${{alnum:31}}'],
  ['Django PBKDF2', 'pbkdf2_sha256$720000${{alnum:22}}${{base64:43}}='],
  ['Django argon2', 'argon2$argon2id$v=19$m=102400,t=2,p=8${{alnum:22}}${{alnum:43}}'],
  ['Django bcrypt_sha256', 'bcrypt_sha256$$2b$12${{base64:53}}'],
  ['Django scrypt', 'scrypt${{alnum:22}}$16384$8$1${{base64:43}}='],
  ['Werkzeug pbkdf2', 'pbkdf2:sha256:600000${{alnum:16}}${{hex:64}}'],
  ['Werkzeug scrypt', 'scrypt:32768:8:1${{alnum:16}}${{hex:128}}'],
  ['LDAP SSHA', '{SSHA}{{base64:32}}'],
  ['htpasswd SHA', '{SHA}{{base64:27}}='],
  ['PostgreSQL md5', 'md5{{hex:32}}'],
  ['PostgreSQL SCRAM', 'SCRAM-SHA-256$4096:{{base64:24}}${{base64:43}}=:{{base64:43}}='],
  ['MySQL native', '*{{HEX:40}}'],
];

// The places hashes sit: fixtures, seeds, htpasswd, user tables, code.
const HASH_PLACES: [string, string, (h: string) => string][] = [
  ['Django fixture', 'fixtures/users.json', (h) => `[{"model": "auth.user", "pk": 1, "fields": {"username": "ana", "password": "${h}"}}]`],
  ['SQL seed', 'db/seed.sql', (h) => `INSERT INTO users (email, password) VALUES ('ana@shop.test', '${h}');`],
  ['htpasswd line', '.htpasswd', (h) => `deploy:${h}`],
  ['YAML user list', 'users.yml', (h) => `users:\n  - name: ana\n    password: "${h}"`],
  ['env file', '.env', (h) => `ADMIN_PASSWORD_HASH=${h}\nADMIN_PASSWORD=${h}`],
  ['Python constant', 'tests/conftest.py', (h) => `STORED_PASSWORD = '${h}'`],
];

describe('password hashes are not reported by any rule', () => {
  it.each(HASHES)('the recogniser knows %s', (_name, template) => {
    expect(isPasswordHash(fill(template))).toBe(true);
  });

  for (const [place, path, render] of HASH_PLACES) {
    it.each(HASHES)(`${place}: %s`, (_name, template) => {
      const text = render(fill(template));
      expect(scan(text, path).map((f) => `${f.ruleId} ${f.masked}`)).toEqual([]);
    });
  }

  it.each([
    ['a random password', '{{alnum:20}}'],
    ['a password that starts with a dollar sign', '${{alnum:6}}${{alnum:12}}'],
    ['a password with a hash-like word in it', 'md5{{alnum:14}}'],
    ['a 40-hex value without the star', '{{HEX:40}}'],
  ])('a real password is still one: %s', (_name, template) => {
    const value = fill(template, 11);
    expect(isPasswordHash(value)).toBe(false);
    const found = scan(`DB_PASSWORD="${value}"`, '.env');
    expect(found.map((f) => f[SECRET])).toContain(value);
  });
});

const anonJwt = () =>
  `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"iss":"supabase","ref":"${fill('{{lower:20}}')}","role":"anon","iat":1700000000,"exp":2000000000}`)}.${fill('{{base64url:43}}')}`;
const serviceJwt = () =>
  `${b64url('{"alg":"HS256","typ":"JWT"}')}.${b64url(`{"iss":"supabase","ref":"${fill('{{lower:20}}')}","role":"service_role","iat":1700000000,"exp":2000000000}`)}.${fill('{{base64url:43}}', 3)}`;

// Public-by-design keys in the files that hold them, and the secret neighbours that must stay high.
const PUBLIC: [string, string, string, string][] = [
  ['jwt-anon-role', 'Supabase anon key in a Next.js env file', '.env.local', `NEXT_PUBLIC_SUPABASE_ANON_KEY=${anonJwt()}`],
  ['jwt-anon-role', 'Supabase anon key in client code', 'src/lib/supabase.ts', `export const supabase = createClient("https://${fill('{{lower:20}}')}.supabase.co", "${anonJwt()}");`],
  ['sentry-dsn-public-key', 'Sentry DSN in browser code', 'src/main.ts', `Sentry.init({ dsn: "https://${fill('{{hex:32}}')}@o${fill('{{digits:6}}')}.ingest.sentry.io/${fill('{{digits:7}}')}" });`],
  ['sentry-dsn-public-key', 'Sentry DSN in an env file', '.env', `SENTRY_DSN=https://${fill('{{hex:32}}')}@o${fill('{{digits:6}}')}.ingest.us.sentry.io/${fill('{{digits:7}}')}`],
  ['firebase-web-api-key', 'Firebase web config object', 'src/firebase.js', `const firebaseConfig = {\n  apiKey: "AIza${fill('{{base64url:35}}')}",\n  authDomain: "shop-${fill('{{lower:4}}')}.firebaseapp.com",\n  projectId: "shop",\n};`],
  ['firebase-web-api-key', 'Firebase config in a Vite env file', '.env', `VITE_FIREBASE_API_KEY=AIza${fill('{{base64url:35}}')}\nVITE_FIREBASE_AUTH_DOMAIN=shop.firebaseapp.com`],
];

const SECRET_NEIGHBOURS: [string, string, string][] = [
  ['Supabase service_role key', '.env', `SUPABASE_SERVICE_ROLE_KEY=${serviceJwt()}`],
  ['Sentry DSN with its secret part', 'settings.py', `SENTRY_DSN = "https://${fill('{{hex:32}}')}:${fill('{{hex:32}}', 5)}@sentry.corp.test/42"`],
  ['a Google API key with no Firebase config around it', 'deploy/maps.env', `GOOGLE_MAPS_SERVER_KEY=AIza${fill('{{base64url:35}}')}`],
];

describe('keys that are public by design are reported low, with the reason', () => {
  it.each(PUBLIC)('%s: %s', (id, _what, path, text) => {
    const found = scan(text, path);
    expect(found.length).toBeGreaterThan(0);
    const reason = PUBLIC_BY_DESIGN.find((p) => p.id === id)!.reason;
    for (const f of found) {
      expect(f.severity === 'low' || f.severity === 'info', `${f.ruleId} ${f.severity}`).toBe(true);
      expect(f.tags).toContain('public-by-design');
      expect(f.description).toContain(reason);
    }
  });

  it.each(SECRET_NEIGHBOURS)('%s stays above low', (_what, path, text) => {
    const found = scan(text, path);
    expect(found.length).toBeGreaterThan(0);
    for (const f of found) {
      expect(['medium', 'high', 'critical']).toContain(f.severity);
      expect(f.tags).not.toContain('public-by-design');
    }
  });

  it('the description names the reason but never the value', () => {
    const jwt = anonJwt();
    const [f] = scan(`SUPABASE_ANON_KEY=${jwt}`, '.env');
    expect(f).toBeDefined();
    expect(f!.description).not.toContain(jwt.slice(0, 40));
    expect(JSON.stringify(f)).not.toContain(jwt);
  });
});
