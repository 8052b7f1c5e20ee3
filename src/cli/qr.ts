// Only the parts of qrcode that draw in a terminal: its main entry also pulls in the PNG
// encoder (and its dependencies) that agent-vault never uses, into a bundle every command loads.
import { create } from 'qrcode/lib/core/qrcode.js';
import { render } from 'qrcode/lib/renderer/terminal/terminal-small.js';

/** A QR code of `text` drawn with half-block characters, as qrcode's toString({type: 'terminal', small: true}). */
export function terminalQr(text: string): string {
  return render(create(text, { errorCorrectionLevel: 'M' }), { small: true });
}
