/**
 * The tables in SPEC.md, generated from the data so the spec cannot drift from what is
 * planted: one row per credential kind (with a shape sketch drawn from sample values and the
 * documentation URL), one per carrier family, one per look-alike class and public example.
 */
import { CARRIERS } from './carriers.js';
import { NEGATIVE_CLASSES, PUBLIC_EXAMPLES } from './negatives.js';
import { PROVIDERS, sentWithRequests, type Provider } from './providers.js';
import { Rand } from './rand.js';

const CLASS_NAMES: [RegExp, string][] = [
  [/^[0-9]+$/, '0-9'],
  [/^[0-9a-f]+$/, 'hex'],
  [/^[0-9A-F]+$/, 'HEX'],
  [/^[a-z]+$/, 'a-z'],
  [/^[A-Z]+$/, 'A-Z'],
  [/^[A-Z2-7]+$/, 'A-Z2-7'],
  [/^[a-z2-7]+$/, 'a-z2-7'],
  [/^[a-z0-9]+$/, 'a-z0-9'],
  [/^[A-Z0-9]+$/, 'A-Z0-9'],
  [/^[A-Za-z]+$/, 'A-Za-z'],
  [/^[A-Za-z0-9]+$/, 'A-Za-z0-9'],
  [/^[A-Za-z0-9_-]+$/, 'A-Za-z0-9_-'],
  [/^[A-Za-z0-9+/]+$/, 'A-Za-z0-9+/'],
  [/^[A-Za-z0-9+/=]+$/, 'base64'],
];

/** A short description of a kind's shape, from 24 sample values: common prefix, then length and alphabet. */
export function shapeSketch(p: Provider): string {
  const r = new Rand(0x5ca1ab1e);
  const values = Array.from({ length: 24 }, () => p.make(r));
  const samples = values.map((v) => v.text.slice(v.start, v.end));
  const pemLabel = /-----BEGIN ([A-Z0-9 ]+)-----/.exec(samples[0]!)?.[1];
  if (pemLabel) return `PEM block \`BEGIN ${pemLabel}\`${samples[0]!.includes('\\n') ? ', JSON-escaped' : ''}`;
  if (samples[0]!.startsWith('PuTTY-User-Key-File')) return 'PuTTY key file, `PuTTY-User-Key-File-3` header through `Private-MAC`';
  let prefix = samples[0]!;
  for (const s of samples) while (!s.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const rests = samples.map((s) => s.slice(prefix.length));
  const lo = Math.min(...rests.map((s) => s.length));
  const hi = Math.max(...rests.map((s) => s.length));
  const all = rests.join('');
  const cls = CLASS_NAMES.find(([re]) => re.test(all))?.[1] ?? 'mixed, incl. punctuation';
  const len = lo === hi ? String(lo) : `${lo}-${hi}`;
  const shown = prefix.length > 24 ? prefix.slice(0, 24) + '...' : prefix;
  const sketch = `${shown ? '`' + shown + '` + ' : ''}${len} chars [${cls}]`;
  const v = values[0]!;
  if (v.start === 0 && v.end === v.text.length) return sketch;
  const before = v.text.slice(0, v.start);
  return `${sketch}, scored inside \`${before.length > 40 ? '...' + before.slice(-40) : before}...\``;
}

export function providerTable(): string {
  const rows = ['| kind | group | issuer: credential | shape (sketched from samples) | sent per request | documentation |', '| --- | --- | --- | --- | --- | --- |'];
  for (const p of PROVIDERS) rows.push(`| \`${p.label}\` | ${p.group} | ${p.vendor}: ${p.noun} | ${shapeSketch(p).replace(/\|/g, '\\|')} | ${sentWithRequests(p) ? 'yes' : 'no'} | ${p.docs} |`);
  return rows.join('\n');
}

export function carrierList(): string {
  const families = new Map<string, string[]>();
  for (const c of CARRIERS) {
    const fam = c.id.split('/')[0]!;
    families.set(fam, [...(families.get(fam) ?? []), c.id]);
  }
  return [...families].map(([fam, ids]) => `- **${fam}**: ${ids.map((i) => `\`${i}\``).join(', ')}`).join('\n');
}

export function negativeTable(): string {
  const rows = ['| class | why it is not a secret | low/info finding acceptable |', '| --- | --- | --- |'];
  for (const c of NEGATIVE_CLASSES) rows.push(`| \`${c.label}\` | ${c.why.replace(/\|/g, '\\|')} | ${c.lowOk ? 'yes' : 'no'} |`);
  return rows.join('\n');
}

export function exampleTable(): string {
  const rows = ['| issuer | what | published at |', '| --- | --- | --- |'];
  for (const e of PUBLIC_EXAMPLES) rows.push(`| ${e.vendor} | ${e.noun} (\`${e.name}\`) | ${e.source} |`);
  return rows.join('\n');
}

export const GENERATED = { providers: providerTable, carriers: carrierList, negatives: negativeTable, examples: exampleTable };

/** SPEC.md with every `<!-- generated:NAME -->` section rewritten from the data. */
export function syncSpec(spec: string): string {
  return spec.replace(/<!-- generated:(\w+) -->\n[\s\S]*?<!-- \/generated -->/g, (_, name: string) => {
    const make = GENERATED[name as keyof typeof GENERATED];
    if (!make) throw new Error(`SPEC.md has an unknown generated section "${name}"`);
    return `<!-- generated:${name} -->\n${make()}\n<!-- /generated -->`;
  });
}
