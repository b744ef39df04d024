// Text a box sent (identity, vendor, firmware, configuration values) made safe for a terminal:
// control characters become visible escapes, so a box cannot move the cursor or rewrite the screen.

/** C0/C1 controls, DEL, Unicode format characters and line/paragraph separators, shown as \xHH or \u{H}. */
const unsafe = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

export function terminalSafe(text: string): string {
  return text.replace(unsafe, (c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
