// The report as one self-contained HTML page (no script, no outside file): the same document as the PDF,
// every value escaped (a box's vendor string is text, never markup), A4 print styles, black on white.
import {
  type Block,
  type BoxSection,
  type Part,
  type ReportDocument,
  sideBySide,
} from './report-document.ts';

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escaped for HTML text and attributes; control characters a box may send are shown as [U+XXXX]. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => entities[c] as string)
    .replace(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is being escaped
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g,
      (c) => `[U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}]`,
    );
}

const style = `
@page { size: A4; margin: 16mm 15mm; }
body { font-family: "Helvetica Neue", Helvetica, Arial, sans-serif; color: #000; background: #fff; font-size: 10pt; line-height: 1.35; max-width: 180mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 16pt; margin: 0 0 2pt; } h2 { font-size: 14pt; margin: 0 0 6pt; }
h3 { font-size: 11pt; border-bottom: 0.6pt solid #000; margin: 10pt 0 4pt; padding-bottom: 1pt; }
.subtitle { font-size: 8.5pt; margin: 0 0 10pt; }
.outcome { border: 0.9pt solid #000; padding: 5pt 8pt; font-weight: bold; margin: 6pt 0; }
.outcome.bad { border: 3pt double #000; }
dl { display: grid; grid-template-columns: 150pt 1fr; gap: 2pt 8pt; margin: 0 0 4pt; }
dt { font-weight: bold; } dd { margin: 0; overflow-wrap: anywhere; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 0 0 6pt; }
th { background: #e4e4e4; text-align: left; } th, td { padding: 3pt; vertical-align: top; overflow-wrap: anywhere; }
td { border-bottom: 0.3pt solid #808080; }
.signature { display: grid; grid-template-columns: 1fr 1fr; gap: 24pt 20pt; margin-top: 8pt; break-inside: avoid; }
.signature div { border-top: 0.8pt solid #000; padding-top: 2pt; font-size: 8pt; margin-top: 26pt; }
section.box { break-before: page; } section.box:first-of-type.single { break-before: auto; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 0 18pt; }
.pair dl { grid-template-columns: 85pt 1fr; }
.signing { break-inside: avoid; }
@media print {
  body { font-size: 9pt; line-height: 1.25; max-width: none; padding: 0; }
  h3 { margin: 7pt 0 3pt; } .outcome { margin: 4pt 0; } table { font-size: 8pt; } th, td { padding: 2pt 3pt; }
  .signature { grid-template-columns: 1fr 1fr 1fr; gap: 0 14pt; } .signature div { margin-top: 22pt; }
}
`;

/** A value as HTML that may break after a dot or comma inside a word (a setting name, a measurand list)
 *  before the browser breaks in the middle of a name. */
function breakable(text: string): string {
  return escapeHtml(text).replace(/([.,])(?=[A-Za-z])/g, '$1<wbr>');
}

function blockHtml(block: Block): string {
  switch (block.kind) {
    case 'fields':
      return `<dl>${block.rows.map(([l, v]) => `<dt>${escapeHtml(l)}</dt><dd>${breakable(v)}</dd>`).join('')}</dl>`;
    case 'table':
      return `<table><thead><tr>${block.columns
        .map((c, i) => `<th style="width:${Math.round((block.widths[i] ?? 0) * 100)}%">${escapeHtml(c)}</th>`)
        .join('')}</tr></thead><tbody>${block.rows
        .map((row) => `<tr>${row.map((c) => `<td>${breakable(c)}</td>`).join('')}</tr>`)
        .join('')}</tbody></table>`;
    case 'text':
      return block.strong
        ? `<p><strong>${escapeHtml(block.text)}</strong></p>`
        : `<p>${escapeHtml(block.text)}</p>`;
    case 'list':
      return `<ul>${block.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
    case 'signature':
      return `<div class="signing"><h3>${escapeHtml(block.heading)}</h3><div class="signature">${block.lines
        .map((l) => `<div>${escapeHtml(l)}</div>`)
        .join('')}</div></div>`;
  }
}

function partHtml(part: Part): string {
  return `${part.heading ? `<h3>${escapeHtml(part.heading)}</h3>` : ''}${part.blocks.map(blockHtml).join('')}`;
}

/** The parts of a box; two short label/value parts in a row side by side, as in the PDF. */
function partsHtml(parts: Part[]): string {
  let html = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i] as Part;
    const next = parts[i + 1];
    if (next && sideBySide(part) && sideBySide(next)) {
      html += `<div class="pair"><div>${partHtml(part)}</div><div>${partHtml(next)}</div></div>`;
      i++;
    } else html += partHtml(part);
  }
  return html;
}

function sectionHtml(section: BoxSection, withTitle: boolean, single: boolean): string {
  return `<section class="box${single ? ' single' : ''}" data-identity="${escapeHtml(section.identity)}">${
    withTitle ? `<h2>${escapeHtml(section.title)}</h2>` : ''
  }<p class="outcome ${section.outcome.tone}" data-tone="${section.outcome.tone}">${escapeHtml(
    section.outcome.text,
  )}</p>${partsHtml(section.parts)}</section>`;
}

export function renderHtml(document: ReportDocument): string {
  const site = document.overview !== null;
  return `<!doctype html>
<html lang="${document.language}"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(document.title)}</title><style>${style}</style></head>
<body><h1>${escapeHtml(document.title)}</h1><p class="subtitle">${escapeHtml(document.subtitle)}</p>
${document.overview ? partHtml(document.overview) : ''}
${document.sections.map((s) => sectionHtml(s, site, !site)).join('\n')}
</body></html>
`;
}
