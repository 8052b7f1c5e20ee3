// Types for the narrow entry points of bundled dependencies (see src/cli/qr.ts and
// src/vault/passphrase.ts): each exposes a subset of the package's documented API.
declare module 'qrcode/lib/core/qrcode.js' {
  export function create(text: string, options?: { errorCorrectionLevel?: 'L' | 'M' | 'Q' | 'H' }): unknown;
}
declare module 'qrcode/lib/renderer/terminal/terminal-small.js' {
  export function render(qrData: unknown, options?: { small?: boolean }): string;
}
declare module 'hash-wasm/dist/argon2.umd.min.js' {
  export { argon2id } from 'hash-wasm';
}
