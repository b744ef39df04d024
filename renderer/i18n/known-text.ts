// The text of a code the catalog may not know yet (an audit action or a trace event from a newer
// core): its words where the catalog has them, else the code as it is, never the catalog key.
export function knownText(t: (key: string) => string, prefix: string, code: string): string {
  const key = `${prefix}.${code}`;
  const text = t(key);
  return text === key ? code : text;
}
