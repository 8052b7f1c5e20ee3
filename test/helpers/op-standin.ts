import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, scratchDir } from './sandbox.js';
import { randomFrom, rng } from './fake-secrets.js';

/**
 * A 1Password for the stand-in `op` (test/fixtures/op/op): a data file, the environment that
 * puts the stand-in first on PATH, and a log of every call's argument array.
 */
export const OP_DIR = join(REPO, 'test', 'fixtures', 'op');

export interface OpItemSeed {
  title: string;
  value: string;
  category?: 'LOGIN' | 'API_CREDENTIAL' | 'PASSWORD' | 'SECURE_NOTE';
  /** Further fields: label -> value (op read finds them by label). */
  extra?: Record<string, string>;
}

export interface OpWorld {
  /** Variables for a process that should find the stand-in: PATH, OP_STANDIN_DATA, OP_STANDIN_LOG, the token under `tokenEnv`. */
  env: NodeJS.ProcessEnv;
  token: string;
  tokenEnv: string;
  log: string;
  data: string;
  /** Replace the vault's items. */
  seed(items: OpItemSeed[]): void;
}

export function opWorld(vault = 'Engineering', seedNumber = 17): OpWorld {
  const dir = scratchDir('av-op-');
  const next = rng(seedNumber);
  const token = `fake-op-token-${randomFrom('abcdefghijklmnopqrstuvwxyz0123456789', 24, next)}`;
  const data = join(dir, 'op-data.json');
  const log = join(dir, 'op-calls.log');
  const tokenEnv = 'AV_TEST_OP_TOKEN';
  const seed = (items: OpItemSeed[]) => {
    const fields = (i: OpItemSeed, n: number) => {
      const main =
        i.category === 'API_CREDENTIAL'
          ? { id: 'credential', type: 'CONCEALED', label: 'credential', value: i.value }
          : i.category === 'SECURE_NOTE'
            ? { id: 'notesPlain', type: 'STRING', purpose: 'NOTES', label: 'notesPlain', value: i.value }
            : { id: 'password', type: 'CONCEALED', purpose: 'PASSWORD', label: 'password', value: i.value };
      const extra = Object.entries(i.extra ?? {}).map(([label, value], k) => ({ id: `field${n}x${k}`, type: 'STRING', label, value }));
      return [{ id: 'username', type: 'STRING', purpose: 'USERNAME', label: 'username', value: 'someone@example.invalid' }, main, ...extra];
    };
    const doc = {
      token,
      accounts: ['example.1password.invalid'],
      vaults: { [vault]: { id: 'vaultid0000000000000000001', items: items.map((i, n) => ({ id: `itemid${String(n).padStart(20, '0')}`, title: i.title, category: i.category ?? 'LOGIN', fields: fields(i, n) })) } },
    };
    writeFileSync(data, JSON.stringify(doc, null, 2));
  };
  seed([]);
  return { env: { PATH: `${OP_DIR}:${process.env.PATH ?? '/usr/bin:/bin'}`, OP_STANDIN_DATA: data, OP_STANDIN_LOG: log, [tokenEnv]: token }, token, tokenEnv, log, data, seed };
}
