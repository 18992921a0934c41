/**
 * The compact, versioned payload of a document's QR code (and of the PDF's embedded receipt data).
 *
 * `CPT1;<type>;<register>;<sequence>;<number>;<stamp>;<total>;<currency>;<shortCode>;<keyId>;<signature>`
 *
 * - `CPT1`: format name and version; a later format gets `CPT2` and this parser refuses it.
 * - `type`: `T` ticket, `D` duplicate (of any document: its sequence and signature are the DUPLICATE
 *   record's), `G` gift ticket, `V` voucher, `S` service ticket, `F` invoice, `Z` closure.
 * - `stamp`: `YYYYMMDDHHMMSS` local time; `total`: integer minor units (TTC).
 * - fields are percent-encoded for `%` and `;` only, so a payload stays short and readable.
 */
import type { ReceiptDocument } from './document.ts';

export const QR_FORMAT = 'CPT1';

export type QrDocumentType = 'T' | 'D' | 'G' | 'V' | 'S' | 'F' | 'Z';

export interface QrPayload {
  readonly type: QrDocumentType;
  readonly register: string;
  readonly sequence: number;
  readonly number: string;
  readonly stamp: string;
  readonly total: number;
  readonly currency: string;
  readonly shortCode: string;
  readonly keyId: string;
  readonly signature: string;
}

const TYPES: readonly QrDocumentType[] = ['T', 'D', 'G', 'V', 'S', 'F', 'Z'];

export function qrTypeOf(doc: ReceiptDocument): QrDocumentType {
  // A duplicate's QR code carries its DUPLICATE record, whatever document it copies.
  if (doc.duplicate !== undefined) return 'D';
  switch (doc.kind) {
    case 'sale':
      return 'T';
    case 'gift':
      return 'G';
    case 'voucher':
      return 'V';
    case 'service':
      return 'S';
    case 'invoice':
      return 'F';
    case 'z-report':
      return 'Z';
  }
}

/** The amount a document stands for: total TTC of a sale or invoice, a voucher's value, a closure's net. */
export function documentTotal(doc: ReceiptDocument): number {
  switch (doc.kind) {
    case 'sale':
    case 'invoice':
      return doc.totals.totalInclVat;
    case 'voucher':
      return doc.amount;
    case 'z-report':
      return doc.net;
    case 'gift':
    case 'service':
      return 0;
  }
}

/** The payload of a document, or `undefined` when the document carries no fiscal stamp. */
export function qrPayloadOf(doc: ReceiptDocument): QrPayload | undefined {
  const fiscal = doc.duplicate?.fiscal ?? doc.fiscal;
  if (fiscal === undefined) return undefined;
  return {
    type: qrTypeOf(doc),
    register: doc.register,
    sequence: fiscal.sequence,
    number: doc.number,
    stamp: doc.duplicate === undefined ? doc.issuedAt.stamp : doc.duplicate.printedAt.stamp,
    total: documentTotal(doc),
    currency: doc.currency,
    shortCode: fiscal.shortCode,
    keyId: fiscal.keyId,
    signature: fiscal.signature,
  };
}

const escapeField = (value: string): string => value.replaceAll('%', '%25').replaceAll(';', '%3B');
const unescapeField = (value: string): string => value.replaceAll('%3B', ';').replaceAll('%25', '%');

export function encodeQrPayload(p: QrPayload): string {
  return [
    QR_FORMAT,
    p.type,
    p.register,
    String(p.sequence),
    p.number,
    p.stamp,
    String(p.total),
    p.currency,
    p.shortCode,
    p.keyId,
    p.signature,
  ]
    .map(escapeField)
    .join(';');
}

/** Reads a payload back; a French message explains what is wrong. */
export function decodeQrPayload(text: string): QrPayload | { error: string } {
  const fields = text.split(';').map(unescapeField);
  if (fields[0] !== QR_FORMAT) return { error: `Format de QR code inconnu : « ${fields[0] ?? ''} »` };
  if (fields.length !== 11) return { error: `QR code incomplet : ${fields.length} champs au lieu de 11` };
  const [, type, register, sequence, number, stamp, total, currency, shortCode, keyId, signature] =
    fields as [string, string, string, string, string, string, string, string, string, string, string];
  if (!TYPES.includes(type as QrDocumentType)) return { error: `Type de document inconnu : « ${type} »` };
  if (!/^\d+$/.test(sequence)) return { error: 'Numéro de séquence invalide dans le QR code' };
  if (!/^-?\d+$/.test(total)) return { error: 'Montant invalide dans le QR code' };
  if (!/^\d{14}$/.test(stamp)) return { error: 'Date invalide dans le QR code' };
  return {
    type: type as QrDocumentType,
    register,
    sequence: Number(sequence),
    number,
    stamp,
    total: Number(total),
    currency,
    shortCode,
    keyId,
    signature,
  };
}
