/**
 * The signed text of a record (docs/fiscal-format.md): a versioned, fixed-order, unambiguous UTF-8
 * text of the record's fields. Fields are separated by `|`, list items by `;`, the parts of an item
 * by `,`; in text values those three characters, the backslash and the control characters are
 * escaped. Amounts are integers in minor units, timestamps `YYYYMMDDHHMMSS` in UTC followed by the
 * local offset. The text ends with the first-record flag and the previous record's signature.
 */

import { CanonicalJsonError, canonicalSha256 } from './canonical-json.ts';
import {
  type ArchivePayload,
  CHAIN_OF_TYPE,
  type ClosurePayload,
  DUPLICATE_DOCUMENTS,
  type DuplicatePayload,
  FORMAT_VERSION,
  INDEXED_DUPLICATE_DOCUMENTS,
  type JetPayload,
  type MovementPayload,
  type PaymentTotal,
  type RateTotals,
  type RecordFields,
  type RecordRef,
  type SalePayload,
  type SequenceRange,
  SIGNATURE_ALGORITHM,
  type Stamp,
} from './record.ts';

export const FIELD_SEPARATOR = '|';
export const ITEM_SEPARATOR = ';';
export const PART_SEPARATOR = ',';

/** Thrown when a record's fields cannot be written as a signed text. */
export class SignedTextError extends Error {
  override name = 'SignedTextError';
}

const loneSurrogate = /[\uD800-\uDFFF]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we escape.
const special = /[\\|;,\u0000-\u001f\u007f\uD800-\uDFFF]/u;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we escape.
const toEscape = /[\\|;,\u0000-\u001f\u007f]/g;

/** Escapes a text value: `\` `|` `;` `,` become `\\` `\|` `\;` `\,`; controls become `\xHH`. */
export function escapeText(value: string): string {
  if (!special.test(value)) return value;
  if (loneSurrogate.test(value)) throw new SignedTextError('Texte invalide : caractère Unicode isolé.');
  return value.replace(toEscape, (char) => {
    const code = char.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).toUpperCase().padStart(2, '0')}`;
    return `\\${char}`;
  });
}

function int(value: number, what: string): string {
  if (!Number.isSafeInteger(value)) throw new SignedTextError(`Entier invalide pour ${what} : ${value}.`);
  return String(value === 0 ? 0 : value);
}

function flag(value: boolean): string {
  return value ? 'Y' : 'N';
}

const stampUtc = /^\d{14}$/;
const stampOffset = /^[+-]\d{4}$/;

function stamp(value: Stamp): string {
  if (!stampUtc.test(value.utc) || !stampOffset.test(value.offset)) {
    throw new SignedTextError(`Horodatage invalide : ${value.utc}${value.offset}.`);
  }
  return value.utc + value.offset;
}

function ref(value: RecordRef | undefined): string {
  if (value === undefined) return '';
  return [
    escapeText(value.register),
    value.chain,
    int(value.sequence, 'la séquence référencée'),
    value.type,
    escapeText(value.signature),
  ].join(PART_SEPARATOR);
}

function range(value: SequenceRange): string {
  return `${int(value.from, 'le début de plage')}${PART_SEPARATOR}${int(value.to, 'la fin de plage')}`;
}

function list<T>(items: readonly T[], parts: (item: T) => readonly string[]): string {
  return items.map((item) => parts(item).join(PART_SEPARATOR)).join(ITEM_SEPARATOR);
}

function rates(items: readonly RateTotals[]): string {
  return list(items, (r) => [
    int(r.rate, 'le taux'),
    int(r.ht, 'le HT'),
    int(r.vat, 'la TVA'),
    int(r.ttc, 'le TTC'),
  ]);
}

function payments(items: readonly PaymentTotal[]): string {
  return list(items, (p) => [escapeText(p.mode), int(p.amount, 'le montant du paiement')]);
}

function saleFields(p: SalePayload): string[] {
  return [
    escapeText(p.currency),
    escapeText(p.operator),
    escapeText(p.customer),
    flag(p.pricesIncludeTax),
    ref(p.cancels),
    rates(p.perRate),
    int(p.totalHt, 'le total HT'),
    int(p.totalTtc, 'le total TTC'),
    list(p.lines, (l) => [
      escapeText(l.label),
      int(l.quantity, 'la quantité'),
      int(l.unitPrice, 'le prix unitaire'),
      int(l.totalHt, 'le total HT de ligne'),
      int(l.totalTtc, 'le total TTC de ligne'),
      int(l.vatRate, 'le taux de TVA de ligne'),
    ]),
    payments(p.payments),
    detailDigest(p),
  ];
}

/** SHA-256 (hex) of the canonical JSON of the sale's detail, or '' when it has none. */
function detailDigest(p: SalePayload): string {
  if (p.detail === undefined) return '';
  try {
    return canonicalSha256(p.detail);
  } catch (error) {
    if (error instanceof CanonicalJsonError) throw new SignedTextError(`Détail illisible : ${error.message}`);
    throw error;
  }
}

function movementFields(p: MovementPayload): string[] {
  const fields = [
    escapeText(p.currency),
    p.kind,
    escapeText(p.mode),
    int(p.amount, 'le montant'),
    escapeText(p.reason),
    escapeText(p.operator),
  ];
  // A count adds what was expected and the pieces counted; other movements keep their 6 fields.
  if (p.count === undefined) return fields;
  return [
    ...fields,
    int(p.count.expected, 'le montant attendu'),
    list(p.count.pieces, (c) => [int(c.value, 'la valeur comptée'), int(c.count, 'le nombre compté')]),
  ];
}

function duplicateFields(p: DuplicatePayload): string[] {
  const fields = [
    ref(p.original),
    int(p.copyNumber, 'le numéro de copie'),
    escapeText(p.reason),
    escapeText(p.operator),
  ];
  // The copied document is a 5th field, only when it is not the sales ticket: older records and ticket
  // copies keep their 4 fields and their signed texts.
  const document = duplicateDocumentField(p);
  return document === undefined ? fields : [...fields, document];
}

/** `invoice`, `deposit` or `deposit,2` (the sale's 2nd deposit voucher); `undefined` for the ticket. */
function duplicateDocumentField(p: DuplicatePayload): string | undefined {
  if (p.document === undefined) {
    if (p.index !== undefined) throw new SignedTextError('Rang de document sans document copié.');
    return undefined;
  }
  if (!(DUPLICATE_DOCUMENTS as readonly string[]).includes(p.document)) {
    throw new SignedTextError(
      `Document copié inconnu : ${String(p.document)} (${DUPLICATE_DOCUMENTS.join(', ')}).`,
    );
  }
  if (p.index === undefined) return p.document;
  if (!INDEXED_DUPLICATE_DOCUMENTS.includes(p.document)) {
    throw new SignedTextError(`Un seul document ${p.document} par vente : pas de rang.`);
  }
  if (!Number.isSafeInteger(p.index) || p.index < 2) {
    throw new SignedTextError(
      `Rang de document invalide : ${p.index} (2 ou plus ; le premier n'a pas de rang).`,
    );
  }
  return `${p.document}${PART_SEPARATOR}${int(p.index, 'le rang du document')}`;
}

function closureFields(p: ClosurePayload): string[] {
  return [
    p.kind,
    escapeText(p.currency),
    escapeText(p.periodLabel),
    stamp(p.periodStart),
    stamp(p.periodEnd),
    range(p.tickets),
    range(p.duplicates),
    range(p.closures),
    rates(p.perRate),
    payments(p.perPayment),
    int(p.ticketCount, 'le nombre de tickets'),
    int(p.cancellationCount, "le nombre d'annulations"),
    int(p.duplicateCount, 'le nombre de duplicatas'),
    int(p.salesTtc, 'les ventes'),
    int(p.returnsTtc, 'les retours'),
    int(p.periodTotal, 'le grand total de période'),
    int(p.periodTotalAbs, 'le grand total de période en valeur absolue'),
    int(p.perpetualTotal, 'le grand total perpétuel'),
    int(p.perpetualTotalAbs, 'le grand total perpétuel en valeur absolue'),
    escapeText(p.lastTicketSignature),
  ];
}

function archiveFields(p: ArchivePayload): string[] {
  return [
    escapeText(p.periodLabel),
    stamp(p.periodStart),
    stamp(p.periodEnd),
    int(p.recordCount, "le nombre d'enregistrements"),
    escapeText(p.contentSha256),
    escapeText(p.operator),
  ];
}

function jetFields(p: JetPayload): string[] {
  return [int(p.code, 'le code'), escapeText(p.description), escapeText(p.operator), escapeText(p.data)];
}

function payloadFields(fields: RecordFields): string[] {
  switch (fields.type) {
    case 'TICKET':
    case 'CANCELLATION':
    case 'BILL':
    case 'TRAINING':
      return saleFields(fields.payload);
    case 'MOVEMENT':
      return movementFields(fields.payload);
    case 'DUPLICATE':
      return duplicateFields(fields.payload);
    case 'CLOSURE':
      return closureFields(fields.payload);
    case 'ARCHIVE':
      return archiveFields(fields.payload);
    case 'JET':
      return jetFields(fields.payload);
  }
}

/**
 * Builds the exact text that is signed for these fields. Throws a `SignedTextError` (French message)
 * when a field cannot be written: a non-integer amount, a bad stamp, a record type in the wrong chain,
 * a first-record flag that contradicts the sequence.
 */
export function buildSignedText(fields: RecordFields): string {
  if (fields.format !== FORMAT_VERSION) {
    throw new SignedTextError(`Version de format inconnue : ${fields.format}.`);
  }
  if (CHAIN_OF_TYPE[fields.type] !== fields.chain) {
    throw new SignedTextError(`Le type ${fields.type} ne s'écrit pas dans la chaîne ${fields.chain}.`);
  }
  if (fields.sequence < 1) throw new SignedTextError(`Séquence invalide : ${fields.sequence}.`);
  const first = fields.sequence === 1;
  if (first !== (fields.previousSignature === '')) {
    throw new SignedTextError(
      first
        ? 'Le premier enregistrement d’une chaîne n’a pas de signature précédente.'
        : 'Signature précédente manquante.',
    );
  }
  return [
    fields.format,
    SIGNATURE_ALGORITHM,
    escapeText(fields.register),
    fields.chain,
    int(fields.sequence, 'la séquence'),
    fields.type,
    stamp(fields.timestamp),
    escapeText(fields.softwareVersion),
    escapeText(fields.keyId),
    ...payloadFields(fields),
    flag(first),
    escapeText(fields.previousSignature),
  ].join(FIELD_SEPARATOR);
}
