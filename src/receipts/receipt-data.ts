/**
 * The machine-readable data a ticket PDF carries for offline verification (`comptoir receipt verify`):
 * the QR payload and the whole document, including the text the fiscal core signed.
 *
 * It is stored twice in the PDF, both covered by the PDF's own CMS signature:
 * - in the document information dictionary under `/ComptoirReceipt`, as base64url JSON (ASCII only, so
 *   that it is written as a plain PDF string and read back without a PDF parser);
 * - as the attached file `comptoir-receipt.json` (AFRelationship /Data), for people and tools
 *   (`pdfdetach -saveall`).
 */
import type { ReceiptDocument } from './document.ts';
import type { DocumentSource } from './from-journal.ts';
import { encodeQrPayload, qrPayloadOf } from './qr-payload.ts';

export const RECEIPT_DATA_KEY = 'ComptoirReceipt';
export const RECEIPT_DATA_FILE = 'comptoir-receipt.json';
export const RECEIPT_DATA_FORMAT = 'comptoir-receipt/1';

/** How the PDF was drawn, so that a verifier can draw it again and compare (`verify-pdf.ts`). */
export interface RenderParams {
  readonly format: 'narrow' | 'a4' | 'a5';
  /** The font actually used: DejaVu Sans Mono embedded, or the standard Courier. */
  readonly font: 'dejavu' | 'courier';
  /** The PDF's creation date, ISO 8601. */
  readonly at: string;
}

export interface ReceiptData {
  readonly format: typeof RECEIPT_DATA_FORMAT;
  /** The QR code's text (`CPT1;…`), when the document has a fiscal stamp. */
  readonly qr?: string;
  readonly render?: RenderParams;
  readonly document: ReceiptDocument;
  /**
   * What the document was built from, when it comes from the journal: the signed records (fields,
   * signed text, signature) and the settings, so that a verifier rebuilds the document from them.
   */
  readonly source?: DocumentSource;
}

export function receiptDataOf(
  doc: ReceiptDocument,
  render?: RenderParams,
  source?: DocumentSource,
): ReceiptData {
  const payload = qrPayloadOf(doc);
  return {
    format: RECEIPT_DATA_FORMAT,
    ...(payload === undefined ? {} : { qr: encodeQrPayload(payload) }),
    ...(render === undefined ? {} : { render }),
    document: doc,
    ...(source === undefined ? {} : { source }),
  };
}

export function encodeReceiptData(data: ReceiptData): string {
  return Buffer.from(JSON.stringify(data), 'utf8').toString('base64url');
}

/** The raw JSON value of an encoded receipt data string (validated by the caller). */
export function decodeReceiptDataJson(text: string): unknown {
  return JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
}
