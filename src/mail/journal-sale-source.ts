/**
 * The real `SaleDocumentSource`: a sale's ticket built from its fiscal journal record (never from the
 * screen), as a signed PDF with the store certificate of the data directory, the journal records
 * embedded for `comptoir receipt verify`. At validation the sale's vouchers and service ticket are
 * built from the same record (the catalogue says which articles issue one); a receipt sent again from
 * the sales list is the sales ticket only (seed 000, `sendAgain`).
 */
import type { JournalRecord } from '../fiscal/record.ts';
import type { ReceiptDocument } from '../receipts/document.ts';
import { type DocumentSource, documentFromRecord, issuedDocumentsOf } from '../receipts/from-journal.ts';
import {
  documentSourceOf,
  loadRecord,
  parseTicketRef,
  TicketLookupError,
} from '../receipts/journal-source.ts';
import { renderSignedPdf } from '../receipts/pdf-signature.ts';
import { ensureStoreCertificate } from '../receipts/store-certificate.ts';
import type { DocumentRef, SaleDocumentName } from '../store/journal/index.ts';
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
  // Weak: a document that is printed rather than e-mailed never reaches pdfOf, and must not stay.
  const sources = new WeakMap<ReceiptDocument, DocumentSource>();
  /** The originals among the documents built: a duplicate's source builds none. */
  const originals = new WeakMap<ReceiptDocument, DocumentRef>();
  const remember = (
    doc: ReceiptDocument,
    source: DocumentSource,
    ref: Omit<DocumentRef, 'document' | 'index'>,
  ) => {
    sources.set(doc, source);
    if (options.duplicate !== undefined) return;
    const document = source.kind as SaleDocumentName;
    originals.set(doc, { ...ref, document, ...(source.index === undefined ? {} : { index: source.index }) });
  };
  return {
    async documentsOfSale(text, option) {
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
        const sale = {
          register,
          chain: record.chain === 'TRAINING' ? ('TRAINING' as const) : ('TICKET' as const),
          sequence: record.sequence,
        };
        remember(ticket, source, sale);
        // A duplicate is the sales ticket only: what the sale handed over was handed over then.
        const { vouchers, services } =
          options.duplicate === undefined
            ? issuedDocumentsOf(record, source.settings)
            : { vouchers: [], services: [] };
        for (const { document, index } of vouchers) {
          remember(document, { ...source, kind: document.voucherType, index }, sale);
        }
        for (const service of services) remember(service, { ...source, kind: 'service' }, sale);
        const customer = (record.payload as { customer?: unknown }).customer;
        // What the register's « option en caisse » adds, built only when asked: the gift ticket, and
        // the invoice for an identified customer (built with their address).
        const gift =
          options.duplicate === undefined && option === 'ticket+gift'
            ? documentFromRecord({ ...source, kind: 'gift' })
            : undefined;
        if (gift !== undefined) remember(gift, { ...source, kind: 'gift' }, sale);
        let invoice: ReceiptDocument | undefined;
        if (
          options.duplicate === undefined &&
          option === 'invoice' &&
          typeof customer === 'string' &&
          customer !== '' &&
          customer !== source.settings.defaultCustomer
        ) {
          const invoiceSource = await documentSourceOf(db, register, [record], 'invoice', options.software);
          invoice = documentFromRecord(invoiceSource);
          remember(invoice, invoiceSource, sale);
        }
        const store = await db
          .selectFrom('registers')
          .select('store_id')
          .where('number', '=', register)
          .orderBy('id')
          .executeTakeFirstOrThrow();
        return {
          storeId: store.store_id,
          ticket: ticket.number,
          ...(typeof customer === 'string' ? { customerCode: customer } : {}),
          issued: {
            ticket,
            ...(vouchers.length === 0 ? {} : { vouchers: vouchers.map(({ document }) => ({ document })) }),
            ...(services.length === 0 ? {} : { services }),
            ...(gift?.kind === 'gift' ? { gift } : {}),
            ...(invoice?.kind === 'invoice' ? { invoice } : {}),
          },
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
    originalOf: (doc) => originals.get(doc),
  };
}
