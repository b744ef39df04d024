// OpenEVSE RAPI frames as text: `$CC args :SS^XK\r` out, `$OK|$NK args :SS^XK` and unsolicited `$AT`/`$AB`
// in. XK is the XOR of every byte before '^'; SS is an optional sequence id (hex, never 00) the box echoes.

/** XOR of the bytes of `text` as two upper-case hex digits. */
export function rapiChecksum(text: string): string {
  let x = 0;
  for (let i = 0; i < text.length; i++) x ^= text.charCodeAt(i) & 0xff;
  return x.toString(16).toUpperCase().padStart(2, '0');
}

/** `$SC 16 V :2A^4F\r` for ('SC', ['16','V'], 0x2a). */
export function encodeRapi(command: string, args: readonly string[], sequence?: number): string {
  let body = `$${command}${args.length > 0 ? ` ${args.join(' ')}` : ''}`;
  if (sequence !== undefined) body += ` :${sequence.toString(16).toUpperCase().padStart(2, '0')}`;
  return `${body}^${rapiChecksum(body)}\r`;
}

/** Adds `^XK` to a line typed by hand (the terminal's checksum helper); a line that has one keeps it. */
export function withChecksum(line: string): string {
  const body = line.replace(/\r?\n?$/, '');
  if (/\^[0-9A-Fa-f]{2}$/.test(body)) return body;
  return `${body}^${rapiChecksum(body)}`;
}

export interface RapiFrame {
  /** Two letters after '$': OK, NK, AT, AB, AN, WF, ST, or a command when the other side talks. */
  kind: string;
  args: string[];
  sequence: number | null;
  /** false: a checksum was present and wrong; null: the frame had none (firmware before 2.0). */
  checksumOk: boolean | null;
  raw: string;
}

/**
 * One line (without its CR) as a frame; text before the last '$' is line noise and dropped.
 * null when there is no '$' frame in it at all.
 */
export function parseRapiLine(line: string): RapiFrame | null {
  const start = line.lastIndexOf('$');
  if (start < 0) return null;
  const raw = line.slice(start).trimEnd();
  let body = raw;
  let checksumOk: boolean | null = null;
  const caret = raw.lastIndexOf('^');
  if (caret >= 0) {
    body = raw.slice(0, caret);
    const given = raw.slice(caret + 1);
    checksumOk = /^[0-9A-Fa-f]{2}$/.test(given) && given.toUpperCase() === rapiChecksum(body);
  }
  const words = body
    .slice(1)
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const kind = (words.shift() ?? '').toUpperCase();
  if (!/^[A-Z0-9]{2}$/.test(kind)) return null;
  let sequence: number | null = null;
  const last = words.at(-1);
  if (last !== undefined && /^:[0-9A-Fa-f]{2}$/.test(last)) {
    sequence = Number.parseInt(last.slice(1), 16);
    words.pop();
  }
  return { kind, args: words, sequence, checksumOk, raw };
}
