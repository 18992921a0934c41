/**
 * Plain text rendering: 48 columns for 80 mm paper, 32 columns for 58 mm. Used for the golden-file
 * tests, the e-mail body and printers driven as plain text.
 */
import type { ReceiptDocument } from './document.ts';
import { type Line, layoutDocument } from './layout.ts';

export function renderLine(line: Line, width: number): string {
  switch (line.kind) {
    case 'text': {
      if (line.align === 'left') return line.text;
      const pad = width - line.text.length;
      if (line.align === 'right') return ' '.repeat(Math.max(0, pad)) + line.text;
      return ' '.repeat(Math.max(0, Math.floor(pad / 2))) + line.text;
    }
    case 'pair':
      return line.left + ' '.repeat(Math.max(1, width - line.left.length - line.right.length)) + line.right;
    case 'rule':
      return line.char.repeat(width);
    case 'blank':
      return '';
    case 'barcode':
      return renderLine({ kind: 'text', text: `|| ${line.value} ||`, align: 'center' }, width);
    case 'qr':
      // A text printer cannot draw the QR code: the signature extract follows anyway.
      return renderLine({ kind: 'text', text: '[QR code]', align: 'center' }, width);
  }
}

/** The document as plain text, one line per printed line, ending with a newline. */
export function renderText(doc: ReceiptDocument, width = 48): string {
  return `${layoutDocument(doc, width)
    .map((line) => renderLine(line, width))
    .join('\n')}\n`;
}
