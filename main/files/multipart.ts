// Reads the file out of a multipart/form-data upload, as box firmware sends it (OpenEVSE posts field
// `file`; others name it differently): the part with a filename, else the part named file, else the first.

export interface MultipartFile {
  content: Buffer;
  /** The filename the box gave in Content-Disposition (shown only, never a path); null without one. */
  filename: string | null;
}

/** The boundary of a multipart/form-data Content-Type; null when it is not one. */
export function multipartBoundary(contentType: string | undefined): string | null {
  if (!contentType || !/^multipart\/form-data\s*;/i.test(contentType)) return null;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  return match?.[1] ?? match?.[2] ?? null;
}

function headerParam(headers: string, name: string): string | null {
  const disposition = /^content-disposition:(.*)$/im.exec(headers)?.[1] ?? '';
  const match = new RegExp(`;\\s*${name}="([^"]*)"|;\\s*${name}=([^;\\s]+)`, 'i').exec(disposition);
  return match?.[1] ?? match?.[2] ?? null;
}

/** The file of a multipart body; null when the body is not well-formed multipart for this boundary. */
export function multipartFile(body: Buffer, boundary: string): MultipartFile | null {
  const delimiter = Buffer.from(`--${boundary}`);
  const parts: Array<{ headers: string; content: Buffer }> = [];
  let at = body.indexOf(delimiter);
  if (at < 0) return null;
  while (at >= 0) {
    let start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break; // the closing delimiter
    if (body.subarray(start, start + 2).toString() === '\r\n') start += 2;
    else if (body[start] === 0x0a) start += 1;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    if (headerEnd < 0) return null;
    const next = body.indexOf(Buffer.from(`\r\n--${boundary}`), headerEnd + 4);
    if (next < 0) return null;
    parts.push({
      headers: body.subarray(start, headerEnd).toString('latin1'),
      content: body.subarray(headerEnd + 4, next),
    });
    at = next + 2;
  }
  const chosen =
    parts.find((p) => headerParam(p.headers, 'filename') !== null) ??
    parts.find((p) => headerParam(p.headers, 'name') === 'file') ??
    parts[0];
  if (!chosen) return null;
  return { content: chosen.content, filename: headerParam(chosen.headers, 'filename') };
}
