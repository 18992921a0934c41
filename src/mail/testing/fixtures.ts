/** Shared test fixtures of the mail capability: a store that can send, and queued receipts. */
import type { ReceiptDocument } from '../../receipts/document.ts';
import { renderPdf } from '../../receipts/pdf.ts';
import { composeDocumentMail } from '../compose.ts';
import { type Db, documentMail, type OutboxRow, queueMail } from '../outbox.ts';
import { DEFAULT_MAIL_SETTINGS } from '../settings.ts';

export const STORE_EMAIL = 'mag1@chaussures.example';

/** Inserts the store of the examples (sign CHAUSSURES, a sender address); returns its id. */
export async function insertStore(db: Db, now: Date, code = 'M1'): Promise<number> {
  const stamp = now.toISOString();
  const row = await db
    .insertInto('stores')
    .values({
      code,
      name: 'Chaussures',
      sign: 'CHAUSSURES',
      address1: '12 rue Port Neuf',
      address2: '',
      postal_code: '33000',
      city: 'Bordeaux',
      country: 'FR',
      siret: '48854988500030',
      naf: '4772A',
      vat_number: 'FR53488549858',
      email: STORE_EMAIL,
      web: '',
      phone: '',
      fax: '',
      footer: '',
      currency: 'EUR',
      secondary_currency: null,
      secondary_rate_micro: null,
      created_at: stamp,
      updated_at: stamp,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const pdfCache = new Map<ReceiptDocument, Buffer>();

/** The document's PDF (standard font: fast), rendered once per document object. */
export async function pdfOf(doc: ReceiptDocument, now: Date): Promise<Buffer> {
  let pdf = pdfCache.get(doc);
  if (pdf === undefined) {
    pdf = await renderPdf(doc, { now, font: 'standard' });
    pdfCache.set(doc, pdf);
  }
  return pdf;
}

export async function queueReceipt(
  db: Db,
  storeId: number,
  doc: ReceiptDocument,
  to: string,
  now: Date,
  newId?: () => string,
): Promise<OutboxRow> {
  const composed = composeDocumentMail(doc, DEFAULT_MAIL_SETTINGS);
  const mail = documentMail(composed, await pdfOf(doc, now), {
    storeId,
    sender: { name: 'CHAUSSURES', address: STORE_EMAIL },
    to,
    reference: doc.number,
    retryDays: 3,
  });
  return queueMail(db, mail, now, newId === undefined ? {} : { newId });
}
