// A minimal long-running git filter (protocol v2, clean + smudge) that echoes the content: the floor for any Node filter. See floor.mjs.
let buf = Buffer.alloc(0);
let state = 'hello'; // hello -> caps -> header -> content
let content = [];
const out = [];
const pkt = (s) => { const b = Buffer.from(s); return Buffer.concat([Buffer.from((b.length + 4).toString(16).padStart(4, '0')), b]); };
const FLUSH = Buffer.from('0000');
function flushOut() { if (out.length) { process.stdout.write(Buffer.concat(out.splice(0))); } }
process.stdin.on('data', (chunk) => {
  buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
  let off = 0;
  while (buf.length - off >= 4) {
    const len = parseInt(buf.toString('latin1', off, off + 4), 16);
    if (len > 4 && buf.length - off < len) break;
    const data = len > 4 ? buf.subarray(off + 4, off + len) : null;
    off += len === 0 ? 4 : len;
    if (state === 'hello') { if (!data) { out.push(pkt('git-filter-server\n'), pkt('version=2\n'), FLUSH); state = 'caps'; } }
    else if (state === 'caps') { if (!data) { out.push(pkt('capability=clean\n'), pkt('capability=smudge\n'), FLUSH); state = 'header'; } }
    else if (state === 'header') { if (!data) state = 'content'; }
    else { if (data) content.push(data); else { out.push(pkt('status=success\n'), FLUSH); for (const c of content) out.push(Buffer.from((c.length + 4).toString(16).padStart(4, '0')), c); out.push(FLUSH, FLUSH); content = []; state = 'header'; } }
  }
  buf = buf.subarray(off);
  flushOut();
});
