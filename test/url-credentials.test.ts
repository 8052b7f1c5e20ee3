import { describe, expect, it } from 'vitest';
import { buildRuleset, defaultConfig } from '../src/config/config.js';
import { scanText } from '../src/core/scan.js';
import { SECRET } from '../src/core/types.js';
import { expandTemplate, rng } from './helpers/fake-secrets.js';

// Connection URLs as they are found in .env files, compose files and docs: passwords are often
// not percent-encoded, so they carry #, ?, %, @ and /. The finding must be the password exactly.
const ruleset = buildRuleset(defaultConfig());
const found = (text: string) => scanText(text, { path: '.env' }, ruleset).map((f) => ({ rule: f.ruleId, secret: f[SECRET], severity: f.severity }));

const SCHEMES: [string, string, string][] = [
  ['postgres', 'url-postgres-password', 'postgres://app:{pw}@db.internal:5432/orders'],
  ['postgresql+psycopg', 'url-postgres-password', 'postgresql+psycopg://app:{pw}@10.0.0.5/orders?sslmode=require'],
  ['mongodb', 'url-mongodb-password', 'mongodb://app:{pw}@mongo-0:27017,mongo-1:27017/app?replicaSet=rs0'],
  ['mongodb+srv', 'url-mongodb-password', 'mongodb+srv://app:{pw}@cluster0.ab1cd.mongodb.net/prod?retryWrites=true'],
  ['mysql', 'url-mysql-password', 'mysql://report:{pw}@mysql.prod:3306/shop'],
  ['redis', 'url-redis-password', 'rediss://default:{pw}@cache.internal:6380/0'],
  ['amqp', 'url-amqp-password', 'amqps://worker:{pw}@rabbit.internal:5671/prod'],
  ['https basic auth', 'url-http-basic-auth-password', 'https://deploy:{pw}@pypi.corp.test/simple'],
];

// Passwords with the characters people leave unescaped, in every position.
const PASSWORDS = [
  '{{alnum:10}}#{{alnum:8}}',
  '{{alnum:12}}?{{alnum:6}}',
  '{{alnum:9}}%{{alnum:9}}',
  '{{alnum:8}}@{{alnum:10}}',
  '{{alnum:10}}/{{alnum:8}}',
  '#{{alnum:16}}',
  '{{alnum:16}}@',
  '{{alnum:6}}@#?/%{{alnum:10}}',
  '{{alnum:8}}%40{{alnum:8}}',
];

describe('URL passwords with unescaped special characters are found, span exact', () => {
  for (const [label, rule, template] of SCHEMES) {
    it.each(PASSWORDS.map((p, i) => [i, p] as const))(`${label}: password #%i`, (i, pwTemplate) => {
      const pw = expandTemplate(pwTemplate, rng(i + 31));
      for (const line of [`DATABASE_URL=${template.replace('{pw}', pw)}`, `  url: "${template.replace('{pw}', pw)}"`]) {
        expect(found(line), line).toEqual([{ rule, secret: pw, severity: 'high' }]);
      }
    });
  }
});

describe('the password ends where the authority does', () => {
  const pw = expandTemplate('{{alnum:18}}', rng(5));
  it.each([
    ['an @ in the query string', `postgres://app:${pw}@db.internal/app?notify=ops@corp.test`],
    ['an @ in the path (a scoped package)', `https://ci:${pw}@registry.corp.test/@scope/pkg`],
    ['a fragment after the host', `https://ci:${pw}@git.corp.test/repo#readme`],
    ['two URLs on a line', `a=redis://u:${pw}@r1.internal:6379 b=redis://x@r2.internal`],
  ])('%s', (_l, text) => {
    expect(found(text).map((f) => f.secret)).toEqual([pw]);
  });
});

describe('quiet on what is not a leaked password', () => {
  it.each([
    ['a shell reference', 'DATABASE_URL=postgres://app:${DB_PASSWORD}@db:5432/app'],
    ['a bare variable', 'DATABASE_URL=postgres://app:$DB_PASSWORD@db:5432/app'],
    ['a Python format field', 'CELERY_BROKER_URL=amqp://user:%(password)s@rabbit/'],
    ['a Windows variable', 'URL=https://ci:%CI_TOKEN%@git.corp.test/repo.git'],
    ['a template', 'url: "mongodb://app:{{ .Values.mongoPassword }}@mongo:27017/app"'],
    ['angle-bracket placeholders', 'MONGO_URI=mongodb+srv://<username>:<password>@cluster0.mongodb.net/test'],
    ['a password equal to the user', 'MONGO_URI=mongodb://mongodb:mongodb@localhost:27017/app'],
    ['postgres:postgres', 'DATABASE_URL=postgres://postgres:postgres@localhost:5432/dev'],
    ['guest:guest', 'CELERY_BROKER_URL=amqp://guest:guest@localhost:5672//'],
    ['root:password', 'DATABASE_URL=mysql://root:password@localhost/db'],
    ['a port, not a password', 'see http://localhost:8080/@scope/pkg for the package'],
    ['a port then a path with @', 'https://registry.corp.test:4873/@types/node'],
    ['no credentials at all', 'REDIS_URL=redis://localhost:6379/0'],
    ['masked', 'postgres://app:********@db.internal/app'],
  ])('%s', (_l, text) => {
    expect(found(text)).toEqual([]);
  });
});
