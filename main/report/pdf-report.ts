// The report as a PDF made in Node with pdfkit, no browser: A4, black text on white with grey rules only
// (prints the same in black and white), each box on a page of its own, page numbers in the footer.
import PDFDocument from 'pdfkit';
import {
  type Block,
  type BoxSection,
  type Part,
  type ReportDocument,
  sideBySide,
} from './report-document.ts';
import { winAnsiText } from './win-ansi.ts';

const MARGIN = 50;
const FOOTER = 28;
const REGULAR = 'Helvetica';
const BOLD = 'Helvetica-Bold';

type Doc = InstanceType<typeof PDFDocument>;

/** Draws one document; `replaced` turns true once a character had to be escaped in the current box. */
class Layout {
  readonly doc: Doc;
  readonly left = MARGIN;
  readonly width: number;
  readonly bottom: number;
  replaced = false;
  /** Written at the top of a page a box's section runs onto, so every page (the signed one too) names its box. */
  continuation: string | null = null;

  constructor(doc: Doc) {
    this.doc = doc;
    this.width = doc.page.width - 2 * MARGIN;
    this.bottom = doc.page.height - MARGIN - FOOTER;
  }

  safe(text: string): string {
    const result = winAnsiText(text);
    if (result.replaced) this.replaced = true;
    return result.text;
  }

  /** Starts a new page unless `height` still fits on this one. */
  room(height: number): void {
    if (this.doc.y + height > this.bottom) this.newPage();
  }

  newPage(): void {
    this.doc.addPage();
    this.doc.y = MARGIN;
    if (this.continuation === null) return;
    const text = this.safe(this.continuation);
    const h = this.height(text, BOLD, 9.5, this.width);
    this.write(text, BOLD, 9.5, this.left, this.doc.y, this.width);
    this.doc.y += h + 6;
  }

  /** Most values fit on one line: those are measured by width alone and drawn without the line wrapper
   *  (pdfkit's wrapper is what makes a long report slow). */
  #oneLine(text: string, font: string, size: number, width: number): boolean {
    if (text.includes('\n')) return false;
    // Labels and most values repeat on every box: each width is measured once (kerning makes it costly).
    const key = `${font}\u0000${size}\u0000${text}`;
    let measured = this.#widths.get(key);
    if (measured === undefined) {
      measured = this.doc.widthOfString(text);
      this.#widths.set(key, measured);
    }
    return measured <= width;
  }

  readonly #widths = new Map<string, number>();

  height(text: string, font: string, size: number, width: number): number {
    this.doc.font(font).fontSize(size);
    if (this.#oneLine(text, font, size, width)) return this.doc.currentLineHeight(true);
    return this.doc.heightOfString(this.#breakable(text, width), { width });
  }

  write(text: string, font: string, size: number, x: number, y: number, width: number): void {
    this.doc.font(font).fontSize(size).fillColor('black');
    if (this.#oneLine(text, font, size, width)) this.doc.text(text, x, y, { lineBreak: false });
    else this.doc.text(this.#breakable(text, width), x, y, { width, lineBreak: true });
  }

  /** A word wider than its column (a setting name, a measurand list, a URL) is broken after its dots, commas
   *  or slashes, as a reader splits it, instead of in the middle of a name ("Regis-ter"); in the current font. */
  #breakable(text: string, width: number): string {
    return text
      .split('\n')
      .map((line) =>
        line
          .split(' ')
          .map((word, i) => {
            if (this.doc.widthOfString(word) <= width) return word;
            const lines: string[] = [];
            let current = '';
            for (const piece of word.split(/(?<=[./,:;_&=?-])/)) {
              if (current !== '' && this.doc.widthOfString(current + piece) > width) {
                lines.push(current);
                current = piece;
              } else current += piece;
            }
            lines.push(current);
            return (i > 0 ? '\n' : '') + lines.join('\n');
          })
          .join(' ')
          .replace(/ \n/g, '\n'),
      )
      .join('\n');
  }

  paragraph(text: string, font = REGULAR, size = 9.5, gap = 4): void {
    const safe = this.safe(text);
    const h = this.height(safe, font, size, this.width);
    this.room(h);
    const y = this.doc.y;
    this.write(safe, font, size, this.left, y, this.width);
    this.doc.y = y + h + gap;
  }

  heading(text: string): void {
    const safe = this.safe(text);
    // A heading never stays alone at the foot of a page.
    this.room(this.height(safe, BOLD, 10.5, this.width) + 40);
    const y = this.doc.y + 4;
    this.write(safe, BOLD, 10.5, this.left, y, this.width);
    const under = y + this.height(safe, BOLD, 10.5, this.width) + 1;
    this.doc
      .moveTo(this.left, under)
      .lineTo(this.left + this.width, under)
      .lineWidth(0.6)
      .strokeColor('black')
      .stroke();
    this.doc.y = under + 4;
  }

  fields(rows: Array<[string, string]>): void {
    const labelWidth = 150;
    const valueWidth = this.width - labelWidth - 8;
    for (const [label, value] of rows) {
      const l = this.safe(label);
      const v = this.safe(value);
      const h = Math.max(this.height(l, BOLD, 8.5, labelWidth), this.height(v, REGULAR, 8.5, valueWidth));
      this.room(h + 1.5);
      const y = this.doc.y;
      this.write(l, BOLD, 8.5, this.left, y, labelWidth);
      this.write(v, REGULAR, 8.5, this.left + labelWidth + 8, y, valueWidth);
      this.doc.y = y + h + 1.5;
    }
    this.doc.y += 2;
  }

  /** Two short label/value parts (the box and its target) side by side: a box's page keeps room for the rest. */
  fieldColumns(parts: Array<{ heading: string; rows: Array<[string, string]> }>): void {
    const gap = 18;
    const each = (this.width - gap * (parts.length - 1)) / parts.length;
    const labelWidth = Math.min(95, each * 0.42);
    const valueWidth = each - labelWidth - 6;
    const measured = parts.map((part) => {
      const heading = this.safe(part.heading);
      const rows = part.rows.map(([label, value]) => {
        const l = this.safe(label);
        const v = this.safe(value);
        const h = Math.max(this.height(l, BOLD, 8.5, labelWidth), this.height(v, REGULAR, 8.5, valueWidth));
        return { l, v, h };
      });
      const headingHeight = this.height(heading, BOLD, 10.5, each);
      const height = 4 + headingHeight + 5 + rows.reduce((sum, r) => sum + r.h + 1.5, 0) + 2;
      return { heading, headingHeight, rows, height };
    });
    this.room(Math.max(...measured.map((m) => m.height)));
    const top = this.doc.y;
    for (const [i, part] of measured.entries()) {
      const x = this.left + i * (each + gap);
      let y = top + 4;
      this.write(part.heading, BOLD, 10.5, x, y, each);
      const under = y + part.headingHeight + 1;
      this.doc
        .moveTo(x, under)
        .lineTo(x + each, under)
        .lineWidth(0.6)
        .strokeColor('black')
        .stroke();
      y = under + 4;
      for (const row of part.rows) {
        this.write(row.l, BOLD, 8.5, x, y, labelWidth);
        this.write(row.v, REGULAR, 8.5, x + labelWidth + 6, y, valueWidth);
        y += row.h + 1.5;
      }
    }
    this.doc.y = top + Math.max(...measured.map((m) => m.height));
  }

  table(columns: string[], widths: number[], rows: string[][]): void {
    const pad = 2.5;
    const xs: number[] = [];
    let x = this.left;
    const ws = widths.map((share) => share * this.width);
    for (const w of ws) {
      xs.push(x);
      x += w;
    }
    const rowHeight = (cells: string[], font: string) =>
      Math.max(...cells.map((c, i) => this.height(c, font, 8.5, (ws[i] ?? 0) - 2 * pad))) + 2 * pad;
    const drawCells = (cells: string[], font: string, y: number) => {
      for (const [i, c] of cells.entries())
        this.write(c, font, 8.5, (xs[i] ?? 0) + pad, y + pad, (ws[i] ?? 0) - 2 * pad);
    };
    const header = columns.map((c) => this.safe(c));
    const headerHeight = rowHeight(header, BOLD);
    const drawHeader = () => {
      const y = this.doc.y;
      this.doc.rect(this.left, y, this.width, headerHeight).fillColor('#e4e4e4').fill();
      drawCells(header, BOLD, y);
      this.doc.y = y + headerHeight;
    };
    this.room(headerHeight + 20);
    drawHeader();
    for (const row of rows) {
      const cells = row.map((c) => this.safe(c));
      const h = rowHeight(cells, REGULAR);
      if (this.doc.y + h > this.bottom) {
        this.newPage();
        drawHeader();
      }
      const y = this.doc.y;
      drawCells(cells, REGULAR, y);
      this.doc
        .moveTo(this.left, y + h)
        .lineTo(this.left + this.width, y + h)
        .lineWidth(0.3)
        .strokeColor('#808080')
        .stroke();
      this.doc.y = y + h;
    }
    this.doc.y += 6;
  }

  list(items: string[]): void {
    for (const item of items) {
      const text = this.safe(item);
      const h = this.height(text, REGULAR, 8.5, this.width - 12);
      this.room(h + 2);
      const y = this.doc.y;
      this.write('•', REGULAR, 8.5, this.left, y, 10);
      this.write(text, REGULAR, 8.5, this.left + 12, y, this.width - 12);
      this.doc.y = y + h + 2;
    }
    this.doc.y += 4;
  }

  /** Lines to sign on side by side, each with what it is for under it; kept on one page. */
  signature(heading: string, lines: string[]): void {
    this.room(66);
    this.heading(heading);
    const gap = 14;
    const each = (this.width - gap * (lines.length - 1)) / lines.length;
    const y = this.doc.y + 22;
    for (const [i, label] of lines.entries()) {
      const x = this.left + i * (each + gap);
      this.doc
        .moveTo(x, y)
        .lineTo(x + each, y)
        .lineWidth(0.8)
        .strokeColor('black')
        .stroke();
      this.write(this.safe(label), REGULAR, 7.5, x, y + 3, each);
    }
    this.doc.y = y + 22;
  }

  block(block: Block): void {
    switch (block.kind) {
      case 'fields':
        this.fields(block.rows);
        break;
      case 'table':
        this.table(block.columns, block.widths, block.rows);
        break;
      case 'text':
        this.paragraph(block.text, block.strong ? BOLD : REGULAR);
        break;
      case 'list':
        this.list(block.items);
        break;
      case 'signature':
        this.signature(block.heading, block.lines);
        break;
    }
  }

  part(part: Part): void {
    if (part.heading) this.heading(part.heading);
    for (const block of part.blocks) this.block(block);
  }

  /** The parts of a box, two short label/value parts in a row drawn side by side. */
  parts(parts: Part[], beforeSignature: () => void): void {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as Part;
      const next = parts[i + 1];
      if (next && sideBySide(part) && sideBySide(next)) {
        this.fieldColumns([fieldsOf(part), fieldsOf(next)]);
        i++;
        continue;
      }
      if (part.blocks.some((b) => b.kind === 'signature')) beforeSignature();
      this.part(part);
    }
  }

  /** The outcome in a framed box: a double frame for a failure, so it reads without colour. */
  outcome(section: BoxSection): void {
    const text = this.safe(section.outcome.text);
    const inner = this.width - 16;
    const h = this.height(text, BOLD, 10.5, inner) + 14;
    this.room(h + 8);
    const y = this.doc.y;
    this.doc
      .rect(this.left, y, this.width, h)
      .lineWidth(section.outcome.tone === 'bad' ? 2.2 : 0.9)
      .strokeColor('black')
      .stroke();
    if (section.outcome.tone === 'bad')
      this.doc
        .rect(this.left + 3, y + 3, this.width - 6, h - 6)
        .lineWidth(0.6)
        .stroke();
    this.write(text, BOLD, 10.5, this.left + 8, y + 7, inner);
    this.doc.y = y + h + 8;
  }
}

function fieldsOf(part: Part): { heading: string; rows: Array<[string, string]> } {
  const [block] = part.blocks;
  return { heading: part.heading ?? '', rows: block?.kind === 'fields' ? block.rows : [] };
}

function drawFooters(doc: Doc, document: ReportDocument): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would start a new page: the margin is lifted for the footer only.
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = doc.page.height - MARGIN - 10;
    const width = doc.page.width - 2 * MARGIN;
    doc
      .moveTo(MARGIN, y - 4)
      .lineTo(MARGIN + width, y - 4)
      .lineWidth(0.3)
      .strokeColor('#808080')
      .stroke();
    doc.font(REGULAR).fontSize(7.5).fillColor('black');
    doc.text(winAnsiText(document.title).text, MARGIN, y, {
      width: width * 0.7,
      lineBreak: false,
      ellipsis: true,
    });
    doc.text(document.pageLabel(i + 1, range.count), MARGIN + width * 0.7, y, {
      width: width * 0.3,
      align: 'right',
      lineBreak: false,
    });
    doc.page.margins.bottom = bottom;
  }
}

/** The document as PDF bytes (A4). */
export function renderPdf(
  document: ReportDocument,
  meta: { creator: string; createdAt: Date },
): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, bottom: MARGIN, left: MARGIN, right: MARGIN },
    bufferPages: true,
    info: {
      Title: winAnsiText(document.title).text,
      Creator: meta.creator,
      Producer: meta.creator,
      CreationDate: meta.createdAt,
    },
    lang: document.language,
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const layout = new Layout(doc);
  const title = () => {
    layout.paragraph(document.title, BOLD, 16, 2);
    layout.paragraph(document.subtitle, REGULAR, 8.5, 10);
  };
  title();
  if (document.overview) {
    layout.part(document.overview);
  }
  document.sections.forEach((section, index) => {
    layout.continuation = null;
    if (document.overview || index > 0) {
      doc.addPage();
      doc.y = MARGIN;
    }
    layout.continuation = document.continued(section.title);
    layout.replaced = false;
    if (document.overview) layout.paragraph(section.title, BOLD, 14, 6);
    layout.outcome(section);
    let noted = false;
    const note = () => {
      // Said once per box, before its signature block, when one of its characters had to be escaped.
      if (!layout.replaced || noted) return;
      layout.paragraph(document.replacedNote, REGULAR, 8, 6);
      noted = true;
    };
    layout.parts(section.parts, note);
    note();
  });
  drawFooters(doc, document);
  doc.end();
  return done;
}
