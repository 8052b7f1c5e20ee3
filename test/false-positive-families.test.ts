import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { builtinRulePacks } from '../src/config/builtin-rules.js';
import { compileRule, type Problem } from '../src/core/rules.js';
import { COUNTING_RUNS, MADE_UP_STOPWORDS, PLACEHOLDER_WORDS } from '../src/core/made-up.js';
import { scanText } from '../src/core/scan.js';
import { SECRET } from '../src/core/types.js';
import type { ContextDefinition } from '../src/core/assignment.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

// Families of look-alikes, each quiet in every rule: made-up values (counting and keyboard
// runs, placeholder words), placeholder families in real-looking lines (URL rules included),
// tokens one character too short or too long for a fixed-length format, and the documented
// example values of providers.
const packs = builtinRulePacks();
const ruleset = buildRuleset(defaultConfig(), packs);
const defs = packs.flatMap((p) => p.rules as { id: string; regex?: string; context?: ContextDefinition; tags?: string[]; examples?: { tp?: string[] } }[]);
const scan = (text: string) => scanText(text, { path: 'config.env' }, ruleset);

describe('every rule gets the made-up stopwords from the engine', () => {
  it('each built-in rule carries them once compiled', () => {
    const missing = ruleset.rules.filter((r) => MADE_UP_STOPWORDS.some((w) => !r.allowlist.stopwords.includes(w))).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it('a custom rule carries them too, with or without the built-in packs', () => {
    const problems: Problem[] = [];
    const rule = compileRule({ id: 'acme-token', description: 'ACME', regex: '(acme_[a-z0-9]{20})', keywords: ['acme_'], severity: 'high' }, ['r'], problems);
    expect(problems).toEqual([]);
    expect(rule!.allowlist.stopwords).toEqual(expect.arrayContaining([...MADE_UP_STOPWORDS]));
  });

  it('stopwords are long enough that random secrets do not contain them', () => {
    for (const w of MADE_UP_STOPWORDS) expect(w.length, w).toBeGreaterThanOrEqual(5);
  });
});

/** Where a rule's first true positive puts its secret, and the secret itself. */
function firstSecret(id: string, template: string) {
  const text = expandTemplate(template, rng(1));
  const f = scanText(text, { path: 'example.txt' }, ruleset).find((x) => x.ruleId === id);
  return f ? { text, secret: f[SECRET] } : undefined;
}

describe('made-up values are quiet in every rule', () => {
  // A word replaces part of the rule's own true positive (in the secret's case): the shape stays
  // what the rule expects, only the value is now obviously invented.
  const words = [...COUNTING_RUNS.filter((w) => /^\d/.test(w)).slice(0, 2), 'qwerty', 'abcdefg', 'example', 'placeholder', 'changeme'];
  const textDefs = defs.filter((d) => !(d.tags ?? []).includes('binary') && d.examples?.tp?.length);
  it.each(textDefs.map((d) => [d.id, d] as const))('%s', (id, def) => {
    const found = firstSecret(id, def.examples!.tp![0]!);
    if (!found || found.secret.length < 16) return; // too short for a word to replace part of it
    const { text, secret } = found;
    for (const word of words) {
      const cased = /[a-z]/.test(secret) ? word : word.toUpperCase();
      const at = Math.max(0, secret.length - cased.length - 2);
      const mutated = secret.slice(0, at) + cased + secret.slice(at + cased.length);
      const reported = scan(text.replace(secret, mutated)).filter((f) => f.ruleId === id && f[SECRET].toLowerCase().includes(word));
      expect(reported.map((f) => f.masked), `${id} with "${cased}"`).toEqual([]);
    }
  });
});

describe('placeholder families are quiet in real lines, URL rules included', () => {
  it.each([
    'DATABASE_URL=postgres://app:REPLACE_WITH_DB_PASSWORD@db.internal:5432/app',
    'REDIS_URL=redis://default:CHANGE_ME@redis.internal:6379/0',
    'MONGO_URI=mongodb+srv://app:<your-password>@cluster0.mongodb.net/prod',
    'AMQP_URL=amqp://worker:your_rabbit_password@rabbit.internal:5672/',
    'PIP_INDEX_URL=https://deploy:changeit@pypi.corp.test/simple',
    'OPENAI_API_KEY=sk-proj-REPLACE_WITH_YOUR_OPENAI_KEY_xxxxxxxxxxxxxxxxxxxxxxxxxx',
    'COHERE_API_KEY=YourCohereApiKeyGoesHere0000000000000000',
    'STRIPE_SECRET_KEY=sk_live_EXAMPLEKEY0000000000000000000000000000',
    'password: CHANGE_ME_BEFORE_DEPLOY',
    'api_key: "<your-api-key>"',
    'client_secret = "insert-your-client-secret-here"',
    'token: fake-token-for-unit-tests-only',
    'SECRET_KEY=not-a-real-secret-key-just-for-dev',
    'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'AUTH_TOKEN=1234567890abcdefghijklmnopqrstuvwxyz',
    'GITHUB_TOKEN=ghp_qwertyuiopasdfghjklzxcvbnm0123456789',
  ])('%s', (line) => {
    expect(scan(line).map((f) => f.ruleId)).toEqual([]);
  });

  it('every placeholder word is at least five characters or carries its separator', () => {
    for (const w of PLACEHOLDER_WORDS) expect(w.length >= 5, w).toBe(true);
  });
});

describe('documented example values are quiet, each with a source in rules/_global.yaml', () => {
  it.each([
    ['AWS', 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    ['AWS (second pair)', 'aws_access_key_id = AKIAI44QH8DHBEXAMPLE\naws_secret_access_key = je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY'],
    ['Stripe', 'stripe.api_key = "sk_test_BQokikJOvBiI2HlWgH4olfQ2"'],
    ['Stripe (earlier docs)', "const stripe = require('stripe')('sk_test_4eC39HqLyjWDarjtT1zdp7dc');"],
    ['Firebase', 'apiKey: "AIzaSyDOCAbC123dEf456GhI789jKl012-MnO",'],
    ['Mailgun', "auth=('api', 'key-3ax6xnjp29jd6fds4gc373sgvjxteol0')"],
    ['jwt.io sample token under a generic name', 'ACCESS_TOKEN=eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'],
    ['MongoDB manual (percent-encoded)', 'MONGODB_URI=mongodb://myDBReader:D1fficultP%40ssw0rd@mongodb0.example.com:27017/?authSource=admin'],
    ['MongoDB manual (SRV, in prose)', 'Connect with `mongodb+srv://myDatabaseUser:D1fficultP%40ssw0rd@cluster0.example.mongodb.net/` from the shell.'],
    ['Azurite', 'AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='],
  ])('%s', (_provider, text) => {
    expect(scan(text).map((f) => f.ruleId)).toEqual([]);
  });

  it('a key one character away from a documented one is still found', () => {
    // assembled here so that this file holds no realistic key
    const nearby = 'sk_test_BQokikJOvBiI2HlWgH4olfQ2'.slice(0, -1) + '3';
    expect(scan(`stripe.api_key = "${nearby}"`).map((f) => f.ruleId)).toEqual(['stripe-secret-key-test']);
  });
});

/** The regex source of a rule's secret: its value for context rules, its secret group otherwise. */
function secretSource(def: { regex?: string; context?: ContextDefinition }): string | undefined {
  if (def.context) return def.context.value;
  const re = def.regex;
  if (!re) return undefined;
  // the first capture group's body
  let depth = 0;
  let start = -1;
  for (let i = 0; i < re.length; i++) {
    const c = re[i]!;
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '[') {
      while (i < re.length && re[i] !== ']') i += re[i] === '\\' ? 2 : 1;
      continue;
    }
    if (c === '(') {
      if (start === -1 && re[i + 1] !== '?') {
        start = i + 1;
        depth = 1;
        continue;
      }
      if (start !== -1) depth++;
    } else if (c === ')' && start !== -1 && --depth === 0) return re.slice(start, i);
  }
  return undefined;
}

/** A format of one exact length: no ranges, optional parts or alternatives in the secret. */
const fixedLength = (src: string) => !/\{\d+,\d*\}|[*+?|]/.test(src.replace(/\\./g, '').replace(/\[[^\]]*\]/g, 'x').replace(/\(\?[:=!<]/g, '('));

describe('fixed-length formats are checked exactly', () => {
  const fixed = defs.filter((d) => {
    const src = secretSource(d);
    return src !== undefined && fixedLength(src) && d.examples?.tp?.length && !(d.tags ?? []).includes('binary');
  });
  it('most prefixed formats are fixed-length and covered here', () => {
    expect(fixed.length).toBeGreaterThan(60);
  });
  it.each(fixed.map((d) => [d.id, d] as const))('%s: one character short or long is not the token', (id, def) => {
    for (const template of def.examples!.tp!) {
      const found = firstSecret(id, template);
      if (!found) continue;
      const { text, secret } = found;
      const last = secret[secret.length - 1]!;
      for (const wrong of [secret.slice(0, -1), secret + last, secret.slice(0, 1) + secret.slice(2)]) {
        const reported = scan(text.replace(secret, wrong)).filter((f) => f.ruleId === id);
        expect(reported.map((f) => f.secretLength), `${id}: ${wrong.length} instead of ${secret.length}`).toEqual([]);
      }
    }
  });
});
