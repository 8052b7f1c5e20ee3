import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expandTemplate, rng } from './helpers/fake-secrets.js';
import { run, sandbox, type Sandbox } from './helpers/vault-cli.js';

/**
 * Issue 10, item 5 (real CLI): an UNVAULTED marker moved into new surroundings must not turn
 * into readable text. `read` shows `token: <marker>`; writing the marker somewhere its bytes
 * no longer look like a secret (`path ab/<marker>`) and reading again showed the raw token.
 * After restoring, `write` reads the would-be file as the agent would and refuses, writing
 * nothing, if any restored byte would show.
 */
describe('markers moved into new surroundings', () => {
  const token = expandTemplate('{{alnum:24}}', rng(0x5ec5));
  const original = `service: api\ntoken: ${token}\nport: 8080\n`;
  let sb: Sandbox;
  let marker: string;

  const readFile = async (file: string) => {
    const r = await run(sb, ['read', file]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toContain(token);
    return r.stdout;
  };

  beforeAll(async () => {
    sb = sandbox();
    writeFileSync(join(sb.dir, 'app.yaml'), original);
    const shown = await readFile('app.yaml');
    marker = /token: (<agent-vault:UNVAULTED:sha256:[0-9a-f]{8}>)/.exec(shown)![1]!;
  });
  afterAll(() => rmSync(sb.dir, { recursive: true, force: true }));

  // New surroundings for the marker. In the first (the reported attack) the token's bytes are
  // no longer a keyword assignment nor a lone random token, so they would show: refused. In
  // the others they may stay hidden (then the write is fine) or not (then it is refused);
  // either way, no byte run of the token ever reaches read.
  const contexts: [string, (m: string) => string, boolean][] = [
    ['after a short path segment', (m) => `path ab/${m}\n`, true],
    ['as a path segment between words', (m) => `see docs/setup/${m}/index.html\n`, false],
    ['glued to a word', (m) => `service: api\nnotes: ab/${m}\nport: 8080\n`, false],
    ['in a URL path', (m) => `url: https://example.invalid/ab/${m}\n`, false],
  ];
  for (const [name, context, mustRefuse] of contexts) {
    it(`moving the marker ${name}: refused with nothing written, or hidden again`, async () => {
      writeFileSync(join(sb.dir, 'app.yaml'), original);
      const w = await run(sb, ['write', 'app.yaml', '--content', context(marker)], 'ignore');
      expect(w.stdout + w.stderr).not.toContain(token);
      if (mustRefuse) expect(w.code).toBe(1);
      if (w.code === 1) {
        expect(w.stderr).toContain('refusing to write app.yaml: a restored value would be readable at line');
        expect(readFileSync(join(sb.dir, 'app.yaml'), 'utf8')).toBe(original);
      } else expect(w.code, w.stderr).toBe(0);
      const shown = await readFile('app.yaml');
      for (let k = 0; k + 8 <= token.length; k++) expect(shown).not.toContain(token.slice(k, k + 8));
    });
  }

  it('still writes a marker back where read showed it, with other lines edited', async () => {
    writeFileSync(join(sb.dir, 'app.yaml'), original);
    const w = await run(sb, ['write', 'app.yaml', '--content', `service: web\ntoken: ${marker}\nport: 9090\n`], 'ignore');
    expect(w.code, w.stderr).toBe(0);
    expect(readFileSync(join(sb.dir, 'app.yaml'), 'utf8')).toBe(`service: web\ntoken: ${token}\nport: 9090\n`);
  });
});
