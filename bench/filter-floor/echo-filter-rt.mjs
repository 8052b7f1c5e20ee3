// Minimal long-running git filter that asks an "agent" over a unix socket once per file
// (JSON line with base64 content, as agent-vault's wire does) before answering git.
import { createConnection } from 'node:net';
const sock = createConnection(process.env.ECHO_AGENT);
let pendingReply; let srest = '';
sock.setEncoding('utf8');
sock.on('data', (d) => { srest += d; let nl; while ((nl = srest.indexOf('\n')) >= 0) { const line = srest.slice(0, nl); srest = srest.slice(nl + 1); const r = pendingReply; pendingReply = undefined; r(Buffer.from(JSON.parse(line).b, 'base64')); } });
const ask = (buf) => new Promise((res) => { pendingReply = res; sock.write(JSON.stringify({ b: buf.toString('base64') }) + '\n'); });
let buf = Buffer.alloc(0); let state = 'hello'; let content = [];
const pkt = (s) => { const b = Buffer.from(s); return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0')), b]); };
const FLUSH = Buffer.from('0000');
let busy = Promise.resolve();
process.stdin.on('data', (chunk) => { busy = busy.then(() => handle(chunk)); });
async function handle(chunk) {
  buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
  let off = 0; const out = [];
  while (buf.length - off >= 4) {
    const len = parseInt(buf.toString('latin1', off, off + 4), 16);
    if (len > 4 && buf.length - off < len) break;
    const data = len > 4 ? buf.subarray(off + 4, off + len) : null;
    off += len === 0 ? 4 : len;
    if (state === 'hello') { if (!data) { out.push(pkt('git-filter-server\n'), pkt('version=2\n'), FLUSH); state = 'caps'; } }
    else if (state === 'caps') { if (!data) { out.push(pkt('capability=clean\n'), pkt('capability=smudge\n'), FLUSH); state = 'header'; } }
    else if (state === 'header') { if (!data) state = 'content'; }
    else if (data) content.push(data);
    else { const answer = await ask(Buffer.concat(content)); out.push(pkt('status=success\n'), FLUSH, Buffer.from((answer.length + 4).toString(16).padStart(4, '0')), answer, FLUSH, FLUSH); content = []; state = 'header'; }
  }
  buf = buf.subarray(off);
  if (out.length) process.stdout.write(Buffer.concat(out));
}
process.stdin.on('end', () => sock.end());
