// Hands a file the core made (a trace export, a support bundle, a report) to the browser's download, so
// every download on every face works the same way: a blob, a link clicked, the URL released later.

export function saveBlob(filename: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file the api returned as base64 (a zip or a PDF: the api speaks JSON). */
export function saveBase64(filename: string, mime: string, base64: string): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  saveBlob(filename, new Blob([bytes], { type: mime }));
}
