/**
 * The real `SaleDocumentSource`: a sale's ticket built from its fiscal journal record (never from the
 * screen), as a signed PDF with the store certificate of the data directory, the journal records
 * embedded for `comptoir receipt verify`. Used by `comptoir mail send TICKET`: a receipt sent again
 * from the sales list is the sales ticket only (seed 000), so `issued` holds the ticket.
 */
import type { JournalRecord } from '../fiscal/record.ts';
import type { ReceiptDocument } from '../receipts/document.ts';
import { type DocumentSource, documentFromRecord } from '../receipts/from-journal.ts';
import {
  documentSourceOf,
  loadRecord,
  parseTicketRef,
  TicketLookupError,
} from '../receipts/journal-source.ts';
import { renderSignedPdf } from '../receipts/pdf-signature.ts';
import { ensureStoreCertificate } from '../receipts/store-certificate.ts';
import { MailError } from './errors.ts';
import type { Db } from './outbox.ts';
import type { SaleDocumentSource } from './sale-mail.ts';

export interface JournalSaleSourceOptions {
  readonly dataDir: string;
  readonly software: { readonly name: string; readonly version: string };
  readonly now: () => Date;
  /**
   * A reprint: the DUPLICATE record of the sale, appended by the caller (`recordDuplicate`). The ticket
   * is then built from it and its original, and carries « DUPLICATA », the copy number and the reason.
   */
  readonly duplicate?: JournalRecord;
}

/** The document's PDF signed with the store certificate of the data directory (made on first use). */
export async function signedJournalPdf(
  doc: ReceiptDocument,
  source: DocumentSource | undefined,
  options: Pick<JournalSaleSourceOptions, 'dataDir' | 'now'>,
): Promise<Uint8Array> {
  const { certificate } = await ensureStoreCertificate(options.dataDir, {
    commonName: doc.store.sign,
    organization: `${doc.store.legalName ?? doc.store.sign} (SIRET ${doc.store.siret})`,
  });
  return renderSignedPdf(doc, certificate, {
    now: options.now(),
    format: 'narrow',
    ...(source === undefined ? {} : { source }),
  });
}

export function journalSaleSource(db: Db, options: JournalSaleSourceOptions): SaleDocumentSource {
  const sources = new Map<ReceiptDocument, DocumentSource>();
  return {
    async documentsOfSale(text) {
      try {
        const ref = parseTicketRef(text);
        if (ref.chain !== 'TICKET') {
          throw new MailError(
            'UNKNOWN_SALE',
            `Seul un ticket de vente s’envoie par e-mail : ${text}`,
            'ticket',
          );
        }
        const register = ref.register ?? 1;
        const record = await loadRecord(db, register, ref);
        const records = options.duplicate === undefined ? [record] : [options.duplicate, record];
        const source = await documentSourceOf(db, register, records, 'ticket', options.software);
        const ticket = documentFromRecord(source);
        if (ticket.kind !== 'sale')
          throw new MailError('UNKNOWN_SALE', `Ticket de vente attendu : ${text}`, 'ticket');
        sources.set(ticket, source);
        const store = await db
          .selectFrom('registers')
          .select('store_id')
          .where('number', '=', register)
          .orderBy('id')
          .executeTakeFirstOrThrow();
        const customer = (record.payload as { customer?: unknown }).customer;
        return {
          storeId: store.store_id,
          ticket: ticket.number,
          ...(typeof customer === 'string' ? { customerCode: customer } : {}),
          issued: { ticket },
        };
      } catch (error) {
        if (error instanceof TicketLookupError) {
          if (error.code === 'UNKNOWN_TICKET') return undefined;
          throw new MailError(
            error.code === 'BAD_NUMBER' ? 'INVALID_TICKET' : 'UNKNOWN_SALE',
            error.message,
            'ticket',
          );
        }
        throw error;
      }
    },
    pdfOf: (doc) => signedJournalPdf(doc, sources.get(doc), options),
  };
}
