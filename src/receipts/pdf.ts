/**
 * PDF rendering with pdfkit: `narrow` is 80 mm wide on one continuous page sized to the content (read
 * on a phone, like the e-mailed tickets of seed 000); `a4` and `a5` are sheets (the invoice, or a ticket
 * on an office printer).
 *
 * The PDF draws the same layout as the text and ESC/POS outputs in a monospace TTF (DejaVu Sans Mono,
 * which has "€"; Courier with WinAnsi, which also has it, when DejaVu is not installed), plus a CODE128
 * barcode (bwip-js) and a QR code (qrcode) drawn as vectors. It also carries the receipt data
 * (`receipt-data.ts`): the same QR payload, the signed text and the document, in the document
 * information dictionary (`/ComptoirReceipt`, base64url JSON) and as an attached file
 * `comptoir-receipt.json`, so that `verify-pdf.ts` never has to decode the QR image.
 *
 * Deterministic: the creation date is passed in, so the same document gives the same bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import bwipjs from 'bwip-js';
import * as fontkit from 'fontkit';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { documentTitle, type ReceiptDocument } from './document.ts';
import type { DocumentSource } from './from-journal.ts';
import { type Line, layoutDocument } from './layout.ts';
import { encodeReceiptData, RECEIPT_DATA_FILE, RECEIPT_DATA_KEY, receiptDataOf } from './receipt-data.ts';
import { renderLine } from './text.ts';

export type PdfFormat = 'narrow' | 'a4' | 'a5';

export interface PdfOptions {
  readonly format?: PdfFormat;
  /** The PDF's creation date (the clock is passed in). */
  readonly now: Date;
  /**
   * `embedded` (default): DejaVu Sans Mono, subset and embedded, when installed; `standard`: the PDF's
   * own Courier (WinAnsi, which has "€"), nothing embedded: about 5 times faster, less pretty.
   */
  readonly font?: 'embedded' | 'standard';
  /** The journal records and settings the document was built from, embedded for `receipt verify`. */
  readonly source?: DocumentSource;
}

const MM = 72 / 25.4;
/** Width of one monospace character, in em (DejaVu Sans Mono and Courier both use 0.6 em or near). */
const CHAR_EM = 0.6021;

interface Geometry {
  readonly pageWidth: number;
  /** A fixed page height, or `undefined` for one page as long as the content. */
  readonly pageHeight: number | undefined;
  readonly margin: number;
  readonly columns: number;
}

const GEOMETRY: Readonly<Record<PdfFormat, Geometry>> = {
  narrow: { pageWidth: 80 * MM, pageHeight: undefined, margin: 4 * MM, columns: 48 },
  a4: { pageWidth: 595.28, pageHeight: 841.89, margin: 15 * MM, columns: 80 },
  a5: { pageWidth: 419.53, pageHeight: 595.28, margin: 10 * MM, columns: 64 },
};

interface Fonts {
  readonly regular: fontkit.Font | 'Courier';
  readonly bold: fontkit.Font | 'Courier-Bold';
}

const STANDARD_FONTS: Fonts = { regular: 'Courier', bold: 'Courier-Bold' };
let cachedFonts: Fonts | undefined;

interface Position {
  xAdvance: number;
  yAdvance: number;
  xOffset: number;
  yOffset: number;
}

/**
 * The font with a plain layout: one glyph per character, each advancing by its width. Receipts are
 * monospace Latin text with nothing to shape (no ligature, no kerning), and fontkit's OpenType shaping
 * of every line was most of the embedded-font cost. Everything else (subsetting, metrics) is the real
 * fontkit font; pdfkit 0.20 accepts any object with a `layout` method.
 */
function unshaped(font: fontkit.Font): fontkit.Font {
  const glyphs = new Map<number, fontkit.Glyph>();
  const glyphOf = (codePoint: number): fontkit.Glyph => {
    let glyph = glyphs.get(codePoint);
    if (glyph === undefined) {
      glyph = decodedOnce(font.glyphForCodePoint(codePoint));
      glyphs.set(codePoint, glyph);
    }
    return glyph;
  };
  const layout = (text: string) => {
    const run = [...text].map((c) => glyphOf(c.codePointAt(0) ?? 0));
    const positions: Position[] = run.map((g) => ({
      xAdvance: g.advanceWidth,
      yAdvance: 0,
      xOffset: 0,
      yOffset: 0,
    }));
    return {
      glyphs: run,
      positions,
      // A getter, as in fontkit: pdfkit scales the positions after the call and reads the sum later.
      get advanceWidth() {
        return positions.reduce((sum, p) => sum + p.xAdvance, 0);
      },
    };
  };
  const proxy: fontkit.Font = new Proxy(font, {
    get(target, property) {
      if (property === 'layout') return layout;
      // The subset (made by pdfkit for every PDF) reads its glyphs through this proxy, so that they
      // come back with their outline decoded once for all documents (`decodedOnce`).
      if (property === 'createSubset') return () => Reflect.get(target, property, target).call(proxy);
      if (property === 'getGlyph') {
        const withGlyphs = target as unknown as { getGlyph(id: number): fontkit.Glyph };
        return (id: number) => decodedOnce(withGlyphs.getGlyph(id));
      }
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return proxy;
}

const decoded = new WeakSet<object>();

/**
 * fontkit keeps one glyph object per glyph id, but decodes its outline (`_decode`, a pure read of the
 * `glyf` table) again each time a PDF's subset includes it: a third of the font cost of a PDF. The
 * decoded outline is kept on the glyph object instead. `_decode` is fontkit's internal method
 * (fontkit 2.0.x, pinned); without it the subset works as before, only slower.
 */
function decodedOnce(glyph: fontkit.Glyph): fontkit.Glyph {
  if (decoded.has(glyph)) return glyph;
  decoded.add(glyph);
  const target = glyph as unknown as { _decode?: () => unknown };
  const original = target._decode;
  if (typeof original === 'function') {
    let done = false;
    let value: unknown;
    target._decode = () => {
      if (!done) {
        value = original.call(glyph);
        done = true;
      }
      return value;
    };
  }
  return glyph;
}

/** Directories searched for DejaVu Sans Mono (`COMPTOIR_FONT_DIR` first; Debian's fonts-dejavu-core). */
function fontDirectories(): string[] {
  const fromEnv = process.env.COMPTOIR_FONT_DIR;
  return [...(fromEnv === undefined ? [] : [fromEnv]), '/usr/share/fonts/truetype/dejavu'];
}

/**
 * The TTF files, read and parsed once: pdfkit accepts a parsed fontkit font, and sharing it between
 * documents saves the parse and fontkit's layout tables each time (measured: about 15 % per PDF).
 * pdfkit's Courier (WinAnsi, which has "€") when DejaVu is absent.
 */
export function pdfFonts(): Fonts {
  if (cachedFonts !== undefined) return cachedFonts;
  for (const dir of fontDirectories()) {
    try {
      cachedFonts = {
        regular: unshaped(fontkit.create(readFileSync(join(dir, 'DejaVuSansMono.ttf')))),
        bold: unshaped(fontkit.create(readFileSync(join(dir, 'DejaVuSansMono-Bold.ttf')))),
      };
      return cachedFonts;
    } catch {
      // try the next directory
    }
  }
  cachedFonts = STANDARD_FONTS;
  return cachedFonts;
}

function qrMatrix(value: string): { size: number; data: Uint8Array } {
  // One byte-mode segment: the payload is short ASCII, and qrcode's segment optimiser (a shortest-path
  // search) cost more than the rest of the QR code.
  const qr = QRCode.create([{ data: Buffer.from(value, 'utf8'), mode: 'byte' }], {
    errorCorrectionLevel: 'M',
  });
  return { size: qr.modules.size, data: qr.modules.data };
}

/** Bar and space widths in modules, starting with a bar. */
function code128Widths(value: string): number[] {
  const [symbol] = bwipjs.raw('code128', value);
  return symbol !== undefined && 'sbs' in symbol ? symbol.sbs : [];
}

/** A rectangle path operator, in pdfkit's top-left user space. */
function rectOp(x: number, y: number, w: number, h: number): string {
  return `${x.toFixed(2)} ${y.toFixed(2)} ${w.toFixed(2)} ${h.toFixed(2)} re`;
}

interface Metrics {
  readonly fontSize: number;
  readonly lineHeight: number;
  readonly qrSize: number;
  readonly barcodeHeight: number;
}

function heightOf(line: Line, m: Metrics): number {
  switch (line.kind) {
    case 'qr':
      // A quiet zone of about four modules above and below the code.
      return m.qrSize + 2 * m.lineHeight;
    case 'barcode':
      return m.barcodeHeight + m.lineHeight * 1.5;
    case 'pair':
      return line.large === true ? m.lineHeight * 2 : m.lineHeight;
    default:
      return m.lineHeight;
  }
}

/** Renders the document as an unsigned PDF. */
export function renderPdf(doc: ReceiptDocument, options: PdfOptions): Promise<Buffer> {
  const format = options.format ?? 'narrow';
  const g = GEOMETRY[format];
  const lines = layoutDocument(doc, g.columns);
  const usable = g.pageWidth - 2 * g.margin;
  const fontSize = usable / (g.columns * CHAR_EM);
  const m: Metrics = {
    fontSize,
    lineHeight: fontSize * 1.25,
    qrSize: Math.min(usable * 0.6, 48 * MM),
    barcodeHeight: 12 * MM,
  };
  const contentHeight = lines.reduce((sum, line) => sum + heightOf(line, m), 0);
  const pageHeight = g.pageHeight ?? Math.ceil(contentHeight + 2 * g.margin);
  const fonts = options.font === 'standard' ? STANDARD_FONTS : pdfFonts();
  const data = receiptDataOf(
    doc,
    { format, font: fonts === STANDARD_FONTS ? 'courier' : 'dejavu', at: options.now.toISOString() },
    options.source,
  );
  const pdf = new PDFDocument({
    size: [g.pageWidth, pageHeight],
    margin: g.margin,
    autoFirstPage: true,
    pdfVersion: '1.7',
    // No default Helvetica: every line sets its own font, and loading Helvetica's metrics cost 1 ms a PDF.
    font: null as unknown as string,
    lang: 'fr-FR',
    info: {
      Title: `${documentTitle(doc)} ${doc.number}`,
      Author: doc.store.sign,
      Subject: `${doc.store.sign} – ${documentTitle(doc)} n° ${doc.number} du ${doc.issuedAt.date}`,
      Creator: `${doc.software.name} ${doc.software.version}`,
      Producer: `${doc.software.name} ${doc.software.version} (pdfkit)`,
      CreationDate: options.now,
      ModDate: options.now,
      [RECEIPT_DATA_KEY]: encodeReceiptData(data),
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  pdf.file(Buffer.from(JSON.stringify(data, null, 2)), {
    name: RECEIPT_DATA_FILE,
    type: 'application/json',
    description: 'Données du ticket et sa signature (Comptoir)',
    relationship: 'Data',
    creationDate: options.now,
    modifiedDate: options.now,
  });
  // pdfkit 0.20 takes a fontkit font object (`src.layout` is a function); its types only list bytes.
  pdf.registerFont('mono', fonts.regular as unknown as Buffer);
  pdf.registerFont('mono-bold', fonts.bold as unknown as Buffer);
  let y = g.margin;
  const x = g.margin;
  for (const line of lines) {
    const h = heightOf(line, m);
    if (g.pageHeight !== undefined && y + h > g.pageHeight - g.margin) {
      pdf.addPage({ size: [g.pageWidth, g.pageHeight], margin: g.margin });
      y = g.margin;
    }
    switch (line.kind) {
      case 'qr': {
        const { size, data: cells } = qrMatrix(line.value);
        const cell = m.qrSize / size;
        const left = x + (usable - m.qrSize) / 2;
        // One rectangle per run of dark modules, written as raw path operators in one go: pdfkit's
        // rect() per run made the QR code half the rendering time.
        const ops: string[] = [];
        for (let row = 0; row < size; row += 1) {
          let col = 0;
          while (col < size) {
            if (cells[row * size + col] === 1) {
              const start = col;
              while (col < size && cells[row * size + col] === 1) col += 1;
              const top = y + m.lineHeight + row * cell;
              ops.push(rectOp(left + start * cell, top, (col - start) * cell + 0.01, cell + 0.01));
            } else col += 1;
          }
        }
        pdf.fillColor('black').addContent(`${ops.join('\n')}\nf`);
        break;
      }
      case 'barcode': {
        const widths = code128Widths(line.value);
        const modules = widths.reduce((s, w) => s + w, 0);
        const unit = Math.min(usable / modules, 1.2);
        let bx = x + (usable - modules * unit) / 2;
        const ops: string[] = [];
        widths.forEach((w, i) => {
          if (i % 2 === 0) ops.push(rectOp(bx, y + m.lineHeight * 0.25, w * unit, m.barcodeHeight));
          bx += w * unit;
        });
        pdf.fillColor('black').addContent(`${ops.join('\n')}\nf`);
        pdf
          .font('mono')
          .fontSize(m.fontSize)
          .text(
            renderLine({ kind: 'text', text: line.value, align: 'center' }, g.columns),
            x,
            y + m.barcodeHeight + m.lineHeight * 0.4,
            {
              lineBreak: false,
            },
          );
        break;
      }
      case 'pair':
        if (line.large === true && line.left.length + 1 + line.right.length <= g.columns / 2) {
          const half = Math.floor(g.columns / 2);
          pdf
            .font('mono-bold')
            .fontSize(m.fontSize * 2)
            .text(renderLine(line, half), x, y, { lineBreak: false });
          break;
        }
        pdf
          .font(line.bold === true ? 'mono-bold' : 'mono')
          .fontSize(m.fontSize)
          .text(renderLine(line, g.columns), x, y, { lineBreak: false });
        break;
      case 'blank':
        break;
      default:
        pdf
          .font(line.kind === 'text' && line.bold === true ? 'mono-bold' : 'mono')
          .fontSize(m.fontSize)
          .text(renderLine(line, g.columns), x, y, { lineBreak: false });
    }
    y += h;
  }
  pdf.end();
  return done;
}
