import { createHash } from 'node:crypto';
import { PAGE_MSG } from '../messages.js';
import type { ApprovalRequest } from './requests.js';

/**
 * The approval page's HTML: plain, server-rendered, no script, no third-party asset, one
 * inline style whose hash the Content-Security-Policy names (so no other style runs either).
 * Everything shown comes from the request file (names, a destination, a reason): escaped,
 * never a value.
 */

const STYLE =
  'body{font:16px/1.45 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem;color:#111;background:#fff}' +
  'h1{font-size:1.3rem;margin:.2rem 0 1rem}dl{display:grid;grid-template-columns:minmax(6rem,auto) 1fr;gap:.35rem .8rem;margin:0 0 1rem}' +
  'dt{font-weight:600;color:#444}dd{margin:0;overflow-wrap:anywhere;font-family:ui-monospace,monospace;font-size:.95rem}' +
  'label{display:block;font-weight:600;margin:.5rem 0 .3rem}input{font:inherit;font-size:1.4rem;letter-spacing:.2em;width:100%;max-width:12rem;padding:.5rem;box-sizing:border-box}' +
  '.row{display:flex;gap:.8rem;flex-wrap:wrap;margin-top:1rem}button{font:inherit;font-size:1.1rem;padding:.7rem 1.4rem;border-radius:.4rem;border:1px solid #333;min-width:8rem}' +
  '.approve{background:#0a6b2f;color:#fff;border-color:#0a6b2f}.deny{background:#fff;color:#9b1c1c;border-color:#9b1c1c}' +
  '.note{background:#f3f4f6;border-left:4px solid #6b7280;padding:.6rem .8rem;margin:1rem 0}.bad{border-left-color:#9b1c1c}.good{border-left-color:#0a6b2f}' +
  'small{color:#555}';

export const STYLE_HASH = `'sha256-${createHash('sha256').update(STYLE).digest('base64')}'`;

/** The headers every response carries. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Content-Security-Policy': `default-src 'none'; style-src ${STYLE_HASH}; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  'Cache-Control': 'no-store',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${esc(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}

/** The request as a person reads it: names, destination, repository, reason; never a value. */
function details(r: ApprovalRequest): string {
  const row = (k: string, v: string) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`;
  return `<dl>${row(PAGE_MSG.fieldRequest, r.id)}${row(PAGE_MSG.fieldKeys, r.keys.join(', '))}${row(PAGE_MSG.fieldOperation, r.op)}${row(PAGE_MSG.fieldDestination, r.destination)}${row(PAGE_MSG.fieldRepository, r.repo ?? PAGE_MSG.none)}${row(PAGE_MSG.fieldReason, r.reason ? JSON.stringify(r.reason) : PAGE_MSG.noReason)}${row(PAGE_MSG.fieldExpires, r.expires)}</dl>`;
}

export interface FormPage {
  request: ApprovalRequest;
  token: string;
  csrf: string;
  /** What approving allows (this use once, or a window). */
  allows: string;
  /** A refusal to show above the form (wrong code …). */
  notice?: string;
}

export function formPage(p: FormPage): string {
  const notice = p.notice ? `<p class="note bad" role="alert">${esc(p.notice)}</p>` : '';
  return page(
    PAGE_MSG.title,
    `<h1>${esc(PAGE_MSG.heading)}</h1>${notice}${details(p.request)}<p class="note">${esc(p.allows)}</p>` +
      `<form method="post" action="/r/${esc(p.request.id)}" autocomplete="off"><input type="hidden" name="t" value="${esc(p.token)}"><input type="hidden" name="csrf" value="${esc(p.csrf)}">` +
      `<label for="code">${esc(PAGE_MSG.codeLabel)}</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required>` +
      `<div class="row"><button class="approve" type="submit" name="decision" value="approve">${esc(PAGE_MSG.approve)}</button><button class="deny" type="submit" name="decision" value="deny">${esc(PAGE_MSG.deny)}</button></div></form>` +
      `<p><small>${esc(PAGE_MSG.footer)}</small></p>`,
  );
}

/** Without TOTP: the request, and where to decide it (a terminal). */
export function viewPage(r: ApprovalRequest): string {
  return page(PAGE_MSG.title, `<h1>${esc(PAGE_MSG.heading)}</h1>${details(r)}<p class="note">${esc(PAGE_MSG.viewOnly(r.id))}</p>`);
}

/** The outcome of a decision, or a refusal. */
export function messagePage(heading: string, text: string, good: boolean, r?: ApprovalRequest): string {
  return page(PAGE_MSG.title, `<h1>${esc(heading)}</h1><p class="note ${good ? 'good' : 'bad'}" role="status">${esc(text)}</p>${r ? details(r) : ''}`);
}

export function indexPage(pending: ApprovalRequest[]): string {
  const items = pending.map((r) => `<li><a href="/r/${esc(r.id)}">${esc(r.id)}</a> <small>${esc(r.op)} ${esc(r.keys.join(', '))} → ${esc(r.destination)}</small></li>`).join('');
  return page(PAGE_MSG.title, `<h1>${esc(PAGE_MSG.indexHeading)}</h1>${items ? `<ul>${items}</ul>` : `<p>${esc(PAGE_MSG.nothingPending)}</p>`}`);
}
