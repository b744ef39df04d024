// The raw serial terminal's lines as shown and recorded: text with control bytes escaped beside its hex,
// and credentials masked (key=value secrets, and whatever is typed right after a password prompt).
import { MASK, redact } from '../../log/redact.ts';

export function hexOf(bytes: Uint8Array): string {
  return [...bytes].map((b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

export function printable(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x0d) out += '\\r';
    else if (b === 0x0a) out += '\\n';
    else if (b < 0x20 || b >= 0x7f) out += `\\x${b.toString(16).padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

const passwordPrompt = /(pass(word)?|passwd|pin|key)\s*[:>]\s*$/i;

/** Service consoles name their secrets more ways than OCPP does (authkey=, psk:, pin=). */
const consoleSecret = /(\b(?:auth[_-]?key|psk|pin|pass(?:word)?|passwd|secret)\s*[=:]\s*)[^\s\\]+/gi;

function mask(text: string): string {
  return redact(text.replace(consoleSecret, `$1${MASK}`));
}

/** Keeps what the box last asked, so the answer to a password prompt is masked in the trace. */
export class TerminalTrace {
  #secretNext = false;

  /** One chunk as `<- text | hex` (received) or `-> text | hex` (sent), masked. */
  line(direction: 'in' | 'out', bytes: Uint8Array): string {
    const text = printable(bytes);
    if (direction === 'in') {
      this.#secretNext = passwordPrompt.test(
        Buffer.from(bytes)
          .toString('latin1')
          .replace(/[\r\n]+$/, ''),
      );
      const shown = mask(text);
      return `<- ${shown} | ${shown === text ? hexOf(bytes) : MASK}`;
    }
    if (this.#secretNext) {
      this.#secretNext = false;
      return `-> ${MASK} | ${MASK}`;
    }
    const shown = mask(text);
    return `-> ${shown} | ${shown === text ? hexOf(bytes) : MASK}`;
  }
}
