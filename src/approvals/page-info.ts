import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Where a running approval page says it listens ($AGENT_VAULT_HOME/approvals/page.json, 0600:
 * port and pid, nothing else), so a pending message can name the page URL for its request.
 * The URL is not a secret: the page decides nothing without the person's TOTP code.
 */
export const pageInfoPath = (home: string) => join(home, 'approvals', 'page.json');

/** The page URL for a request, when a page server for this vault home is running. */
export function pageUrl(home: string, id: string): string | undefined {
  try {
    const info = JSON.parse(readFileSync(pageInfoPath(home), 'utf8')) as { port?: unknown; pid?: unknown };
    if (typeof info.port !== 'number' || !Number.isSafeInteger(info.port) || typeof info.pid !== 'number' || !Number.isSafeInteger(info.pid)) return undefined;
    process.kill(info.pid, 0);
    return `http://127.0.0.1:${info.port}/r/${id}`;
  } catch {
    return undefined;
  }
}
