/**
 * The assignment forms: every way people write "this name has this value", as one table that
 * every named-context rule shares.
 *
 * A provider whose tokens carry no prefix (a bare 40-character string) is only a secret when
 * the text names the provider next to it. Such a rule declares, instead of a regex,
 *
 *   context:
 *     names: ['cohere', 'co[_.-]api[_.-]key']   # regex fragments, matched ignoring case
 *     value: '[A-Za-z0-9]{40}'                  # the secret itself, matched exactly (case too)
 *
 * and `compileContext` builds the rule's regex from the forms below: the name, the rest of the
 * identifier, then any one form, then the value in capture group 1. Adding a form here
 * teaches every such rule at once; `test/assignment-forms.test.ts` proves each form.
 *
 * Names are matched case-insensitively by folding their letters into classes (`co` ->
 * `[cC][oO]`), so the value keeps its exact alphabet: a rule for lower-case hex does not
 * accept upper-case hex. A name must start a word (not inside `rookTable`), where a word also
 * starts at a camelCase hump (`myOktaToken`).
 */

import { countCapturingGroups, foldCase } from './regex-source.js';

export { foldCase };

/** The `context` field of a rule definition. */
export interface ContextDefinition {
  /** Regex fragments that name the provider; matched ignoring case, on a word start. */
  names: string[];
  /**
   * Optional word that must follow the name, in the same identifier (`PUSHER_APP_SECRET`) or in
   * a key nested under it (`pusher:\n  secret: ...`). Regex fragment, matched ignoring case.
   */
  qualifier?: string;
  /** Regex of the secret (case-sensitive, bounded quantifiers, no capture groups). */
  value: string;
  /** What may not follow the value; default: no token character (`(?![A-Za-z0-9_+/=-])`). */
  end?: string;
  /**
   * Extra contexts, regex fragments matched ignoring case, that sit directly before the value
   * (an access key id followed by a comma, `AccountKey=` in a connection string).
   */
  also?: string[];
}

/** One assignment form: the text between the end of a name and the start of its value. */
export interface AssignmentForm {
  id: string;
  /** What it covers, for people. */
  covers: string;
  /**
   * Regex source, written as if matched ignoring case (it is folded before use). `after`
   * forms run from the end of the name's identifier to the value; `before` forms are
   * lookbehinds for text in front of a value whose name follows it on the same line.
   */
  source: string;
  position: 'after' | 'before';
  /**
   * For `before` forms, `source` is a site found once per text (not per rule), and the value
   * sits at the site's end (a header) or is the word just before it (prose: `v` as the ...).
   * Starting a regex at every word that could be a value cost more than all other forms.
   */
  valueAt?: 'site-end' | 'word-before-site';
  /** For `before` forms: what lies between the end of the value and the name after it. */
  link?: string;
}

const Q = `["'\\x60]`;
/**
 * An opening quote of a string literal, with the prefixes of raw/byte/verbatim strings, or
 * escaped as code inside a JSON string writes it (`\"` in a notebook cell's source).
 */
const OPEN = `(?:[rbuf@]{1,2}(?=${Q})|\\\\(?=${Q}))?${Q}{0,3}`;
/** The closing of the name: its quote (escaped inside JSON too), an index bracket (`environ["X"]`), Markdown bold. */
const CLOSE = `(?:\\\\?${Q}{1,3}\\]?|\\]|\\*\\*)?`;
/** Assignment operators, longest first. */
const OPERATOR =
  `(?::::=|::=|:=|[?+.]=|={1,3}>?|->|<-|:-|\\?\\?|\\|\\||:(?![:=]))`;
/** YAML block scalar (`key: |` then the value on the next line) and YAML tags (`!secret`). */
const YAML_EXTRA = `(?:[|>][+-]?[ \\t]{0,3}\\r?\\n[ \\t]{0,40}|!{1,2}[\\w]{1,20}[ \\t]{1,3})?`;
/** Another key line skipped inside a nested block, so the value may sit a few keys below. */
const SKIPPED_KEY = `${Q}?[\\w.-]{1,30}${Q}?[ \\t]{0,12}[:=][ \\t]{0,3}(?:[^\\s,;][^\\n,;]{0,119})?[,\\n]\\s{0,40}`;
/** HTTP header or curl user whose value is the secret. */
const HEADER =
  `(?:authorization|proxy-authorization|x-api-key|api-key|apikey|x-auth-token|x-access-token|private-token|x-[\\w-]{1,30}-(?:key|token))${Q}?[ \\t]{0,3}[:=][ \\t]{0,3}${Q}?` +
  `(?:(?:bearer|token|basic|apikey|key)[ \\t]{1,3})?(?:[^\\s:"'\\x60]{1,64}:(?=[^\\s:"'\\x60]))?` +
  `|-(?:u|-user)(?<=(?<![\\w-])-(?:u|-user))[ \\t]{1,3}${Q}?(?:[^\\s:"'\\x60]{1,64}:(?=[^\\s:"'\\x60]))?`;

/**
 * A CSV column: the name is a header cell (K cells before it on its line, a comma or the end of
 * the line after it) and the value sits in cell K of one of the next rows. One alternative per
 * K, since a regex cannot count cells on two lines to the same number any other way.
 */
const CSV_CELL = `(?:"[^"\\n]{0,80}"|[^,"\\n]{0,80})`;
const CSV_COLUMN =
  '(?:' +
  [0, 1, 2, 3, 4, 5]
    .map(
      (k) =>
        `(?<=(?:^|\\n)(?:[^,\\n]{0,60},){${k}}[^,\\n]{0,60})"?` +
        `${k === 0 ? ',' : '(?:,'}[^\\n]{0,400}${k === 0 ? '' : ')?'}\\r?\\n(?:[^\\n]{1,400}\\r?\\n){0,2}?(?:${CSV_CELL},){${k}}"?`,
    )
    .join('|') +
  ')';

/**
 * The table. Order matters only for speed (the common forms first); a match by any form is the
 * same finding.
 */
export const ASSIGNMENT_FORMS: readonly AssignmentForm[] = [
  {
    id: 'operator',
    covers:
      'NAME=value, name: value, "name": "value", name = "value", Go :=, Makefile ::= :::= ?= +=, PHP .= and =>, ' +
      'R <-, shell ${NAME:-value}, JS ?? and || defaults, YAML block scalars and tags',
    position: 'after',
    source: `${CLOSE}[ \\t]{0,3}${OPERATOR}[ \\t]{0,3}${YAML_EXTRA}${OPEN}`,
  },
  {
    id: 'call-argument',
    covers:
      "a string argument: define('NAME', 'value'), os.environ.setdefault(\"NAME\", \"value\"), new Name(\"value\"), $name->setApiKey('value')",
    position: 'after',
    source: `(?:${Q}\\]?[ \\t]{0,3},|\\()[ \\t]{0,3}(?=${Q})${OPEN}`,
  },
  {
    id: 'typed-declaration',
    covers: 'a type between name and value: Go var x string = "v", TypeScript/Kotlin x: string = "v", Rust x: &str = "v"',
    position: 'after',
    source: `(?:[ \\t]{0,3}:[ \\t]{0,3}|[ \\t]{1,3})[&*]?(?:'static[ \\t]{1,3})?[\\w.\\[\\]<>|?]{1,40}[ \\t]{0,3}:?=[ \\t]{0,3}${OPEN}`,
  },
  {
    id: 'nested-block',
    covers:
      'the value a few keys below the name: YAML/JSON/HCL blocks, a [name] TOML/INI section, a Kubernetes env entry ' +
      '(- name: NAME / value: v), a constructor call Client(api_key="v"), a Terraform variable default',
    position: 'after',
    source:
      `${CLOSE}[ \\t]{0,3}(?:${OPERATOR}|[({\\[])?[ \\t]{0,3}(?:\\r?\\n|[({])\\s{0,40}(?:\\{\\s{0,40})?(?:${SKIPPED_KEY}){0,4}` +
      `(?:${Q}?[\\w.-]{1,30}${Q}?[ \\t]{0,12}(?:=|:=|:|=>)[ \\t]{0,3})?${OPEN}`,
  },
  {
    id: 'xml-attribute-pair',
    covers: 'the name in one attribute and the value in another: <add key="Name" value="v"/> (app.config, NuGet.config), <property name="n" value="v"/>',
    position: 'after',
    source: `["'](?:\\s{1,5}[\\w:.-]{1,30}[ \\t]{0,3}=[ \\t]{0,3}["'][^"'<>\\n]{0,60}["']){0,3}\\s{1,5}(?:value|content|secret|password|token|key)[ \\t]{0,3}=[ \\t]{0,3}["']`,
  },
  {
    id: 'json-name-value-pair',
    covers:
      'the name as the value of one JSON key and the secret under "value" in the same object: Postman/Insomnia environments ' +
      '{"key": "NAME", "value": "v"}, ECS task definitions {"name": "NAME", "value": "v"}',
    position: 'after',
    source: `\\\\?["'](?:[ \\t]{0,3},\\s{0,40}["'][\\w.-]{1,30}["'][ \\t]{0,3}:[ \\t]{0,3}(?:["'][^"'\\n]{0,60}["']|[\\w.-]{1,20})){0,3}[ \\t]{0,3},\\s{0,40}["'](?:value|secret|password|token)["'][ \\t]{0,3}:[ \\t]{0,3}["']`,
  },
  {
    id: 'csv-column',
    covers: 'a CSV header naming the column and the value in that column of a row below (up to the sixth column, three rows down: each further column costs every named rule)',
    position: 'after',
    source: CSV_COLUMN,
  },
  {
    id: 'xml-element',
    covers: 'the value as element text, on the same line or its own line: <name>v</name>, <entry key="name">v</entry>, .NET <setting name="n"><value>v</value>',
    position: 'after',
    source: `[^<>\\n]{0,80}>\\s{0,40}(?:<(?:value|string)>\\s{0,40})?(?:<!\\[CDATA\\[)?`,
  },
  {
    id: 'markdown-table',
    covers: 'a Markdown table row: | NAME | value |, with up to two cells between (on a line that starts with a pipe, not a `|` in code)',
    position: 'after',
    source: `(?<=(?:^|\\n)[ \\t]{0,12}\\|[^\\n]{0,200})[^|\\n]{0,40}\\|(?:[^|\\n]{0,60}\\|){0,2}[ \\t]{0,3}(?:\\x60|\\*\\*)?`,
  },
  {
    id: 'prose',
    covers: 'prose and chat: set `NAME` to `value`, the name api key is value, NAME: **value**, my name key -> value',
    position: 'after',
    source:
      `(?:[ \\t]{1,3}[\\w.-]{1,20}){0,3}["'\\x60*]{0,2}(?:[ \\t]{1,3}(?:is|was|to|are|as|equals)|[ \\t]{0,3}(?::|=|->))` +
      `[ \\t]{0,3}:?[ \\t]{0,3}["'\\x60*]{0,2}`,
  },
  {
    id: 'whitespace',
    covers: 'name and value separated by blanks: --name value, Dockerfile ENV NAME value, .properties name value, setx NAME "value", chat "name key value"',
    position: 'after',
    source: `(?:[ \\t]{1,3}[\\w.-]{1,20}){0,3}[ \\t]{1,3}${OPEN}`,
  },
  {
    id: 'header-after-name',
    covers:
      'an HTTP header or curl user after the name on the same line or up to four lines below: curl https://api.name... -H "Authorization: Bearer v", ' +
      'curl -u user:v, a .http request file',
    position: 'after',
    source: `[^\\n]{0,300}?(?:\\n[^\\n]{0,300}?){0,4}?(?<![\\w-])(?:${HEADER})`,
  },
  {
    id: 'header-before-name',
    covers: 'an HTTP header or curl user with the name later on the line: curl -H "X-Api-Key: v" https://api.name...',
    position: 'before',
    source: `(?:${HEADER})`,
    valueAt: 'site-end',
    link: `["'\\x60]?:?[^\\n]{0,300}?`,
  },
  {
    id: 'prose-before-name',
    covers: 'prose with the value first: use `value` as the name api key, value is my name token',
    position: 'before',
    source: `[ \\t](?:as|is|for|in)[ \\t]`,
    valueAt: 'word-before-site',
    link: `["'\\x60*]{0,2}[ \\t]{0,2}[ \\t](?:as|is|for|in)[ \\t]{1,3}[^\\n]{0,40}?`,
  },
];

export const DEFAULT_VALUE_END = '(?![A-Za-z0-9_+/=-])';

/**
 * A name starts a word: no letter or digit before it, or a camelCase hump (`myOkta`). Checked
 * by a lookbehind placed after the name (which repeats it): in front of the name it would run
 * at every position of the text and cost several times the rest of the regex.
 */
const NAME_START = '(?:(?<![A-Za-z0-9])|(?<=[a-z0-9])(?=[A-Z]))';
const nameAt = (names: string) => `(?:${names})(?<=${NAME_START}(?:${names}))`;
/**
 * The rest of the identifier after the provider's name (`_API_KEY`, `.apiKey`, `->apiKey`,
 * `::ApiKey`, .NET `Section:Key`). It is taken whole (an atomic group: a lookahead captures it,
 * a backreference consumes it), so the forms after it are tried once per name, not once per
 * possible length: otherwise a line of `rzp_rzp_rzp_...` costs seconds.
 */
const IDENTIFIER_REST = '(?:->|[\\w.-]|::(?=\\w)|:(?=[A-Z][a-z]))';
function atomicRest(group: number): string {
  return `(?=(${IDENTIFIER_REST}{0,40}))\\${group}`;
}

const folded = new Map<string, string>();
function fold(source: string): string {
  let f = folded.get(source);
  if (f === undefined) folded.set(source, (f = foldCase(source)));
  return f;
}

/**
 * Forms after the name, folded once and joined: the part every rule shares (most of each
 * context rule's regex source; the embedded rule tables write it once).
 */
let afterForms: string | undefined;
export function sharedAfterForms(): string {
  if (afterForms === undefined) afterForms = ASSIGNMENT_FORMS.filter((f) => f.position === 'after').map((f) => fold(f.source)).join('|');
  return afterForms;
}

/** The block form with a required final key (the qualifier), for `pusher:\n  secret: v`. */
function qualifiedBlock(qualifier: string): string {
  return (
    `${CLOSE}[ \\t]{0,3}(?:${OPERATOR}|[({\\[])?[ \\t]{0,3}(?:\\r?\\n|[({])\\s{0,40}(?:\\{\\s{0,40})?(?:${SKIPPED_KEY}){0,4}` +
    `${Q}?[\\w.-]{0,20}?(?:${qualifier})[\\w.-]{0,20}${Q}?[ \\t]{0,12}(?:=|:=|:|=>)[ \\t]{0,3}${OPEN}`
  );
}

/** One compiled pattern of a rule: regex source and the group holding the secret. */
export interface BuiltPattern {
  source: string;
  secretGroup: number;
}

/** The value-first forms, in table order; `ValueFirstPattern.form` indexes this list. */
export const VALUE_FIRST_FORMS = ASSIGNMENT_FORMS.filter((f) => f.position === 'before');

/**
 * A value-first pattern of one rule: a sticky regex (value, link, name; group 1 the value)
 * that the engine runs only at the value positions of its form's sites.
 */
export interface ValueFirstPattern {
  form: number;
  source: string;
}

/**
 * Build a rule's patterns from its context: one regex for the name-first forms (and `also`),
 * and per value-first form a regex tried only where that form's sites put a value. The sources
 * need no flags: names and forms are folded, the value is exact.
 */
export function compileContext(ctx: ContextDefinition): { primary: BuiltPattern; valueFirst: ValueFirstPattern[]; names: string } {
  const after = sharedAfterForms();
  const names = ctx.names.map((n) => fold(n)).join('|');
  const value = ctx.value;
  const end = ctx.end ?? DEFAULT_VALUE_END;
  // Fragments and forms hold no capturing groups (contextProblems checks the rule's), so the
  // groups are the atomic identifier rests, counted here rather than by reading the source.
  let groups = 0;
  let src = `(?:${nameAt(names)}`;
  if (ctx.qualifier) {
    const qualifier = fold(ctx.qualifier);
    src += `(?:[\\w .-]{0,24}?(?:${qualifier})`;
    src += `${atomicRest(++groups)}(?:${after})|`;
    src += `${atomicRest(++groups)}(?:${fold(qualifiedBlock(ctx.qualifier))}))`;
  } else {
    src += `${atomicRest(++groups)}(?:${after})`;
  }
  if (ctx.also?.length) src += `|${ctx.also.map((a) => `(?:${fold(a)})`).join('|')}`;
  src += ')';
  const nameAfter = ctx.qualifier ? `${nameAt(names)}[\\w .-]{0,24}?(?:${fold(ctx.qualifier)})` : nameAt(names);
  return {
    primary: { source: `${src}(${value})${end}`, secretGroup: groups + 1 },
    valueFirst: VALUE_FIRST_FORMS.map((f, form) => ({ form, source: `(${value})${end}${fold(f.link ?? '')}${nameAfter}` })),
    // where the names occur: value-first forms are looked for only on those lines
    names: nameAt(names),
  };
}

let siteRegexes: RegExp[] | undefined;
const WORD_STOP = /[\s"'\x60*(>[]/;
const QUOTE_OR_STAR = /["'\x60*]/;

/**
 * Where values may start for a value-first form in text[from, to): the value precedes the name,
 * on the name's line, so the engine asks only for the stretch of line before each name.
 */
export function valueFirstStarts(text: string, form: number, from: number, to: number): number[] {
  siteRegexes ??= VALUE_FIRST_FORMS.map((f) => new RegExp(fold(f.source), 'g'));
  const re = siteRegexes[form]!;
  const how = VALUE_FIRST_FORMS[form]!.valueAt;
  const starts: number[] = [];
  // Search the stretch only: exec on the whole text would run on past `to` to the next site.
  const stretch = text.slice(from, to);
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(stretch)) !== null) {
    if (how === 'site-end') {
      starts.push(from + re.lastIndex);
      continue;
    }
    // the word before the site: back over up to two blanks and two quotes, then the word
    let e = m.index;
    for (let k = 0; k < 2 && e > 0 && (stretch[e - 1] === ' ' || stretch[e - 1] === '\t'); k++) e--;
    for (let k = 0; k < 2 && e > 0 && QUOTE_OR_STAR.test(stretch[e - 1]!); k++) e--;
    let b = e;
    while (b > 0 && !WORD_STOP.test(stretch[b - 1]!)) b--;
    if (b < e) starts.push(from + b);
  }
  return starts;
}

/**
 * Template words that show a named value is made up (`COHERE_KEY=your-cohere-key-here...`).
 * Every context rule gets them as stopwords: a named value is matched by shape alone, so the
 * words matter more than for a prefixed token.
 */
export const CONTEXT_STOPWORDS: readonly string[] = ['dummy', 'sample', 'fake', 'your', 'replace', 'insert', 'redacted', 'secret', 'token', 'password', 'demo', 'xxxx'];

/** Problems in a `context` definition; empty when it is usable. */
export function contextProblems(raw: unknown): { where: string[]; message: string }[] {
  const out: { where: string[]; message: string }[] = [];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return [{ where: [], message: 'context must be a mapping with names and value' }];
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!['names', 'qualifier', 'value', 'end', 'also'].includes(k)) out.push({ where: [k], message: 'unknown context key (expected names, qualifier, value, end, also)' });
  }
  const list = (k: string, required: boolean) => {
    const v = c[k];
    if (v === undefined) {
      if (required) out.push({ where: [k], message: `${k} is required (a list of regex fragments)` });
      return;
    }
    if (!Array.isArray(v) || v.length === 0 || v.some((x) => typeof x !== 'string' || !x)) out.push({ where: [k], message: `${k} must be a non-empty list of strings` });
  };
  list('names', true);
  list('also', false);
  for (const k of ['qualifier', 'value', 'end']) {
    if (c[k] !== undefined && (typeof c[k] !== 'string' || !c[k])) out.push({ where: [k], message: `${k} must be a non-empty string` });
  }
  if (c.value === undefined) out.push({ where: ['value'], message: 'value is required (the regex of the secret)' });
  for (const k of ['names', 'qualifier', 'value', 'end', 'also']) {
    const v = c[k];
    const fragments = typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    if (fragments.some((f) => countCapturingGroups(f) > 0)) out.push({ where: [k], message: `${k} may not contain capturing groups; use (?:...)` });
  }
  return out;
}

