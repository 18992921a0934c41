/**
 * Queuing a sale's documents by e-mail. The documents come from a `SaleDocumentSource` — « the
 * documents of sale N, as data (for the simplified ticket) and as PDF » — which the receipts
 * integration implements from the fiscal journal; tests and `mail send --document` use a file.
 */
import type { ReceiptDocument } from '../receipts/document.ts';
import { COUNTER_CUSTOMER } from '../store/customers.ts';
import { invoicesByEmail } from './campaign.ts';
import type { ReceiptOutcome } from './choice.ts';
import { composeDocumentMail } from './compose.ts';
import {
  type IssuedDocuments,
  type PlannedItem,
  planDispatch,
  planPrintOnly,
  type TicketOption,
} from './dispatch.ts';
import { MailError } from './errors.ts';
import { type Db, documentMail, type OutboxRow, queueMails, type Sender } from './outbox.ts';
import type { MailSettings } from './settings.ts';
import { mailSettingsOf, senderOf } from './store-settings.ts';

export interface SaleDocuments {
  readonly storeId: number;
  /** The ticket number as printed. */
  readonly ticket: string;
  readonly customerCode?: string;
  readonly issued: IssuedDocuments;
}

export interface SaleDocumentSource {
  /**
   * The documents of a sale, or undefined when there is no such ticket. `option` says which of the
   * gift ticket and the invoice are wanted besides the ticket (none when absent).
   */
  documentsOfSale(ticket: string, option?: TicketOption): Promise<SaleDocuments | undefined>;
  /** The document's PDF as e-mailed (signed by the store certificate in the real source). */
  pdfOf(doc: ReceiptDocument): Promise<Uint8Array>;
}

export interface QueueDocumentsInput {
  readonly storeId: number;
  readonly documents: readonly ReceiptDocument[];
  readonly to: string;
  readonly reference: string;
  readonly pdfOf: (doc: ReceiptDocument) => Promise<Uint8Array>;
  readonly now: Date;
  readonly settings?: MailSettings;
  readonly sender?: Sender;
}

/** One e-mail per document, all queued or none. */
export async function queueDocuments(db: Db, input: QueueDocumentsInput): Promise<OutboxRow[]> {
  const settings = input.settings ?? (await mailSettingsOf(db, input.storeId));
  const sender = input.sender ?? (await senderOf(db, input.storeId));
  const mails = [];
  for (const doc of input.documents) {
    const composed = composeDocumentMail(doc, settings);
    mails.push(
      documentMail(composed, await input.pdfOf(doc), {
        storeId: input.storeId,
        sender,
        to: input.to,
        reference: input.reference,
        retryDays: settings.retry.days,
      }),
    );
  }
  return queueMails(db, mails, input.now);
}

/**
 * Saves the address typed at the till with the customer's consent (« … et sauvegarder l'adresse e-mail
 * avec l'accord du client »). The counter customer is never updated. The consent is the customer's
 * latest explicit choice: it lifts an earlier refusal of dematerialization.
 */
export async function saveReceiptAddress(
  db: Db,
  customerCode: string,
  address: string,
  now: Date,
): Promise<boolean> {
  if (customerCode === COUNTER_CUSTOMER) return false;
  const result = await db
    .updateTable('customers')
    .set({ email: address, consent_email_receipts: 1, demat_refused: 0, updated_at: now.toISOString() })
    .where('code', '=', customerCode)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    throw new MailError('UNKNOWN_CUSTOMER', `Client inconnu : ${customerCode}`, 'customer');
  }
  return true;
}

export interface ValidationDispatch {
  readonly queued: readonly OutboxRow[];
  /** What the register prints. */
  readonly print: readonly PlannedItem[];
  readonly addressSaved: boolean;
}

async function customerOf(db: Db, code: string | undefined) {
  if (code === undefined) return undefined;
  return db
    .selectFrom('customers')
    .select(['email', 'demat_refused'])
    .where('code', '=', code)
    .executeTakeFirst();
}

/**
 * After validation, applies the receipt outcome: queues the documents of seed 000's table (and saves
 * the address when asked), or says what to print. One transaction: all queued and saved, or nothing.
 */
export async function dispatchSale(
  db: Db,
  source: SaleDocumentSource,
  input: {
    readonly ticket: string;
    readonly outcome: ReceiptOutcome;
    readonly option: TicketOption;
    readonly now: Date;
  },
): Promise<ValidationDispatch> {
  const sale = await source.documentsOfSale(input.ticket, input.option);
  if (sale === undefined) throw new MailError('UNKNOWN_SALE', `Ticket inconnu : ${input.ticket}`, 'ticket');
  const { outcome } = input;
  if (outcome.action === 'print')
    return { queued: [], print: planPrintOnly(sale.issued, input.option).print, addressSaved: false };
  if (outcome.action === 'none') {
    // No receipt; value documents (vouchers, service tickets) are still handed over.
    const print = planPrintOnly(sale.issued, input.option).print.filter(
      (p) =>
        p.role !== 'ticket' && p.role !== 'gift' && p.role !== 'invoice' && p.role !== 'ticket-duplicate',
    );
    return { queued: [], print, addressSaved: false };
  }
  const customer = await customerOf(db, sale.customerCode);
  const invoiceOk =
    customer === undefined ||
    invoicesByEmail({
      email: outcome.to,
      dematRefused: customer.demat_refused === 1 && !outcome.saveToCustomer,
    });
  const plan = planDispatch(sale.issued, input.option, invoiceOk);
  // PDFs are rendered before the transaction, so that it holds no lock while drawing and signing.
  const pdfs = new Map<ReceiptDocument, Uint8Array>();
  for (const doc of plan.email) pdfs.set(doc, await source.pdfOf(doc));
  const settings = await mailSettingsOf(db, sale.storeId);
  const sender = await senderOf(db, sale.storeId);
  return db.transaction().execute(async (trx) => {
    const addressSaved =
      outcome.saveToCustomer && sale.customerCode !== undefined
        ? await saveReceiptAddress(trx, sale.customerCode, outcome.to, input.now)
        : false;
    const queued = await queueDocuments(trx, {
      storeId: sale.storeId,
      documents: plan.email,
      to: outcome.to,
      reference: sale.ticket,
      pdfOf: async (doc) => pdfs.get(doc) ?? source.pdfOf(doc),
      now: input.now,
      settings,
      sender,
    });
    return { queued, print: plan.print, addressSaved };
  });
}

/** A receipt sent again from the sales list: only the sales ticket may be re-sent (seed 000). */
export async function resendReceipt(
  db: Db,
  source: SaleDocumentSource,
  input: { readonly ticket: string; readonly to: string; readonly now: Date },
): Promise<OutboxRow> {
  const sale = await source.documentsOfSale(input.ticket);
  if (sale === undefined) throw new MailError('UNKNOWN_SALE', `Ticket inconnu : ${input.ticket}`, 'ticket');
  const [row] = await queueDocuments(db, {
    storeId: sale.storeId,
    documents: [sale.issued.ticket],
    to: input.to,
    reference: sale.ticket,
    pdfOf: (doc) => source.pdfOf(doc),
    now: input.now,
  });
  if (row === undefined) throw new Error('aucun e-mail mis en file');
  return row;
}
