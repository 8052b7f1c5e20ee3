// Deterministic generator of a large tree of mixed source and config files for the benchmark.
// The content imitates ordinary repositories: identifiers, comments, configuration keys, the
// words that scanners key on ("token", "password", "key") in the lines code really writes them
// (headers, hashing, secret references), hashes and UUIDs, and a handful of planted fake
// secrets, generated here at run time. The random word list holds no credential words, so the
// generator does not invent password assignments with literal values, which any scanner should report.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const WORDS = (
  'account order invoice payment user session cache queue worker client server request response handler ' +
  'config option value result error status event message record entry item list map index count total ' +
  'profile customer channel product address retry timeout limit offset page filter sort region bucket table ' +
  'schema migration build deploy release version report metric trace span log level format buffer stream'
).split(' ');

export function makeGen(seed) {
  const r = rng(seed);
  const pick = (xs) => xs[Math.floor(r() * xs.length)];
  const chars = (set, n) => {
    let s = '';
    for (let i = 0; i < n; i++) s += set[Math.floor(r() * set.length)];
    return s;
  };
  const word = () => pick(WORDS);
  const Cap = (w) => w[0].toUpperCase() + w.slice(1);
  const id = () => word() + Cap(word());
  const Type = () => Cap(word()) + Cap(word());
  const num = () => Math.floor(r() * 10000);
  const sentence = () => Array.from({ length: 4 + Math.floor(r() * 8) }, word).join(' ');
  const uuid = () => `${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-a${chars(HEX, 3)}-${chars(HEX, 12)}`;
  return { r, pick, chars, word, id, Type, num, sentence, uuid, Cap };
}

/** Line makers per file type; each returns one line of plausible content. */
const LINES = {
  ts: [
    (g) => `export async function ${g.id()}(${g.id()}: ${g.Type()}): Promise<${g.Type()}> {`,
    (g) => `  const ${g.id()} = await this.${g.id()}.${g.id()}(${g.num()});`,
    (g) => `  if (!${g.id()}) throw new Error('${g.sentence()}');`,
    (g) => `  return ${g.id()}.filter((x) => x.${g.id()} > ${g.num()}).map((x) => x.${g.id()});`,
    () => `}`,
    (g) => `// ${g.sentence()}`,
    (g) => `import { ${g.Type()}, ${g.Type()} } from './${g.word()}/${g.word()}';`,
    (g) => `  const ${g.word()}Token = request.headers['authorization'] ?? ${g.id()};`,
    (g) => `  private readonly ${g.id()} = new Map<string, ${g.Type()}>();`,
    (g) => `  logger.info({ ${g.word()}: ${g.id()}, requestId: '${g.uuid()}' }, '${g.sentence()}');`,
  ],
  py: [
    (g) => `def ${g.word()}_${g.word()}(${g.word()}, ${g.word()}=None):`,
    (g) => `    ${g.word()}_${g.word()} = self.${g.word()}.get("${g.word()}", ${g.num()})`,
    (g) => `    # ${g.sentence()}`,
    (g) => `    if not ${g.word()}:`,
    (g) => `        raise ValueError("${g.sentence()}")`,
    (g) => `    return [x.${g.word()} for x in ${g.word()}s if x.${g.word()} > ${g.num()}]`,
    (g) => `class ${g.Type()}(${g.Type()}):`,
    (g) => `    password_hash = hashlib.sha256(${g.word()}.encode()).hexdigest()`,
    (g) => `from ${g.word()}.${g.word()} import ${g.Type()}`,
  ],
  go: [
    (g) => `func (s *${g.Type()}) ${g.Type()}(ctx context.Context, ${g.word()} string) (*${g.Type()}, error) {`,
    (g) => `\t${g.word()}, err := s.${g.word()}.${g.Type()}(ctx, ${g.num()})`,
    () => `\tif err != nil {`,
    (g) => `\t\treturn nil, fmt.Errorf("${g.sentence()}: %w", err)`,
    () => `\t}`,
    (g) => `// ${g.Type()} ${g.sentence()}`,
    (g) => `\ttoken := r.Header.Get("X-${g.Cap(g.word())}-Token")`,
    () => `}`,
  ],
  yaml: [
    (g) => `${g.word()}:`,
    (g) => `  ${g.word()}_${g.word()}: ${g.num()}`,
    (g) => `  ${g.word()}: "${g.sentence()}"`,
    (g) => `  - name: ${g.word()}-${g.word()}`,
    (g) => `    image: ghcr.io/acme/${g.word()}:${g.num() % 20}.${g.num() % 10}.${g.num() % 10}`,
    (g) => `    secretKeyRef: { name: ${g.word()}-credentials, key: ${g.word()} }`,
    (g) => `  # ${g.sentence()}`,
  ],
  json: [
    (g) => `  "${g.id()}": ${g.num()},`,
    (g) => `  "${g.id()}": "${g.sentence()}",`,
    (g) => `  "${g.id()}": "${g.uuid()}",`,
    (g) => `  "resolved": "https://registry.npmjs.org/${g.word()}/-/${g.word()}-${g.num() % 9}.${g.num() % 9}.${g.num() % 9}.tgz",`,
    (g) => `  "integrity": "sha512-${g.chars(ALNUM, 86)}==",`,
    (g) => `  "commit": "${g.chars(HEX, 40)}",`,
  ],
  md: [
    (g) => `## ${g.Cap(g.sentence())}`,
    (g) => `${g.Cap(g.sentence())}. ${g.Cap(g.sentence())}.`,
    (g) => `- \`${g.id()}\`: ${g.sentence()}`,
    (g) => `Set \`${g.word().toUpperCase()}_TOKEN\` to your ${g.word()} key before running \`make ${g.word()}\`.`,
    () => ``,
  ],
  tf: [
    (g) => `resource "aws_${g.word()}" "${g.word()}" {`,
    (g) => `  ${g.word()}_${g.word()} = var.${g.word()}_${g.word()}`,
    (g) => `  ${g.word()} = "${g.word()}-${g.num()}"`,
    (g) => `  tags = { Name = "${g.word()}" }`,
    () => `}`,
  ],
  sh: [
    (g) => `${g.word()}_${g.word()}="\${${g.word().toUpperCase()}:-${g.num()}}"`,
    (g) => `echo "${g.sentence()}"`,
    (g) => `curl -fsSL -H "Authorization: Bearer $${g.word().toUpperCase()}_TOKEN" "https://api.acme.io/${g.word()}"`,
    (g) => `if [ -z "$${g.word().toUpperCase()}" ]; then exit ${g.num() % 3}; fi`,
  ],
  toml: [
    (g) => `[${g.word()}.${g.word()}]`,
    (g) => `${g.word()}_${g.word()} = ${g.num()}`,
    (g) => `${g.word()} = "${g.sentence()}"`,
  ],
};
export const EXTENSIONS = Object.keys(LINES);

/** A few fake secrets of well-known shapes, so the scan has something to report. */
function plantedSecret(g) {
  return g.pick([
    () => `GITHUB_TOKEN=ghp_${g.chars(ALNUM, 36)}`,
    () => `aws_access_key_id = "AKIA${g.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZ234567', 16)}"`,
    () => `const stripe = "sk_live_51${g.chars(ALNUM, 60)}";`,
    () => `SLACK_BOT_TOKEN=xoxb-${g.chars('0123456789', 12)}-${g.chars('0123456789', 13)}-${g.chars(ALNUM, 24)}`,
    () => `gitlab_token: glpat-${g.chars(ALNUM, 20)}`,
  ])();
}

/**
 * Write files under `dir` until `totalBytes` is reached. Returns file count, bytes and how
 * many secrets were planted. Files are 0.5-64 KB (log-uniform), spread over nested folders;
 * `small: true` makes them 0.25-7 KB (mean ~2 KB), a tree of many small files whose cost is
 * per file.
 */
export function writeCorpus(dir, totalBytes, { seed = 7, plants = 20, small = false } = {}) {
  const g = makeGen(seed);
  let bytes = 0;
  let files = 0;
  const meanSize = small ? 2_000 : 13_000;
  const plantEvery = Math.max(1, Math.floor(totalBytes / meanSize / plants));
  let planted = 0;
  while (bytes < totalBytes) {
    const ext = EXTENSIONS[files % EXTENSIONS.length];
    const makers = LINES[ext];
    // Log-uniform sizes from 512 B to 64 KB (mean ~13 KB): many small files and a few large
    // ones, as in real repositories; per-file costs count as they do in real scans.
    const size = small ? Math.floor(256 * 2 ** (g.r() * 4.8)) : Math.floor(512 * 2 ** (g.r() * 7));
    const lines = [];
    let n = 0;
    while (n < size) {
      const line = g.pick(makers)(g);
      lines.push(line);
      n += line.length + 1;
    }
    if (files % plantEvery === 0 && planted < plants) {
      lines.splice(Math.floor(g.r() * lines.length), 0, plantedSecret(g));
      planted++;
    }
    const text = lines.join('\n') + '\n';
    // The small tree keeps about 16 files per folder, as real repositories do; the original
    // layout (kept for the 100 MB tree, so figures stay comparable) has about one.
    const folder = small ? join(`pkg${(files >> 4) % 50}`, `m${Math.floor((files >> 4) / 50)}`) : join(`pkg${files % 37}`, `${g.word()}${files % 11}`);
    const path = join(dir, folder, `${g.word()}-${files}.${ext}`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
    bytes += Buffer.byteLength(text);
    files++;
  }
  return { files, bytes, planted };
}
