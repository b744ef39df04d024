// The raw serial terminal's lines as shown and recorded: text with control bytes escaped beside its hex,
// and credentials masked (key=value secrets, a console profile's secret settings, and whatever is typed
// right after a password prompt, the box's own or the profile's).
import { MASK, redact } from '../../log/redact.ts';
import type { ConsoleProfile } from '../console/console-profile.ts';

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

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A secret setting's write command as a pattern whose groups are the text around the value. */
function secretCommandPatterns(profile: ConsoleProfile | undefined): RegExp[] {
  return (profile?.settings ?? [])
    .filter((s) => s.secret && s.write)
    .map((s) => {
      const [before = '', after = ''] = (s.write?.command ?? '').split('{value}');
      return new RegExp(`(${escapeRegex(before)})(.+?)(${escapeRegex(after)}(?:\\\\[rn])*)$`, 'i');
    });
}

/** One line of the terminal as it is shown and kept: escaped text and hex, or the mask for both. */
export interface TerminalText {
  text: string;
  hex: string;
  masked: boolean;
}

/** Keeps what the box last asked, so the answer to a password prompt is masked in the trace. */
export class TerminalMask {
  #secretNext = false;
  readonly #prompt: RegExp[];
  readonly #commands: RegExp[];

  constructor(profile?: ConsoleProfile) {
    this.#prompt = [passwordPrompt];
    const own = profile?.login?.passwordPrompt.trim();
    if (own) this.#prompt.push(new RegExp(`${escapeRegex(own)}\\s*$`, 'i'));
    this.#commands = secretCommandPatterns(profile);
  }

  /** Lines sent as secret (escaped, without their line end): masked wherever they show again (an echo). */
  readonly #sent: string[] = [];

  #remember(secret: string): void {
    const bare = secret.replace(/(\\[rn])+$/, '');
    if (bare.length < 3 || this.#sent.includes(bare)) return;
    this.#sent.push(bare);
    if (this.#sent.length > 16) this.#sent.shift();
  }

  #mask(text: string): string {
    let out = text;
    for (const secret of this.#sent) out = out.split(secret).join(MASK);
    out = out.replace(consoleSecret, `$1${MASK}`);
    for (const pattern of this.#commands) out = out.replace(pattern, `$1${MASK}$3`);
    return redact(out);
  }

  /** What the box sent so far on the current line: a password prompt makes the next line sent secret. */
  heard(tail: Uint8Array): void {
    const text = Buffer.from(tail)
      .toString('latin1')
      .replace(/[\r\n]+$/, '');
    if (text.trim() === '') return;
    this.#secretNext = this.#prompt.some((p) => p.test(text));
  }

  /** One chunk received (`in`) or sent (`out`), masked; `secret` masks a sent line whatever it holds. */
  text(direction: 'in' | 'out', bytes: Uint8Array, secret = false): TerminalText {
    const text = printable(bytes);
    if (direction === 'in') this.heard(bytes);
    else if (secret || this.#secretNext) {
      this.#secretNext = false;
      this.#remember(text);
      return { text: MASK, hex: MASK, masked: true };
    }
    const shown = this.#mask(text);
    const masked = shown !== text;
    return { text: shown, hex: masked ? MASK : hexOf(bytes), masked };
  }
}

/** `<- text | hex` (received) or `-> text | hex` (sent): the CLI's line and its recording. */
export function terminalLine(direction: 'in' | 'out', shown: { text: string; hex: string }): string {
  return `${direction === 'in' ? '<-' : '->'} ${shown.text} | ${shown.hex}`;
}
