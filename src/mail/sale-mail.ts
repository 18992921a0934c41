/**
 * Queuing a sale's documents by e-mail. The documents come from a `SaleDocumentSource` — « the
 * documents of sale N, as data (for the simplified ticket) and as PDF » — which the receipts
 * integration implements from the fiscal journal; tests and `mail send --document` use a file.
 */
import type { ReceiptDocument } from '../receipts/document.ts';
import { COUNTER_CUSTOMER } from '../store/customers.ts';
import {
  type DocumentRef,
  issuedOriginal,
  issueOriginals,
  OriginalIssuedError,
} from '../store/journal/index.ts';
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
  /**
   * The journal document a rendered original is (its sale and which document), so that handing it
   * over issues that original once (`issueOriginals`); undefined for a copy (« DUPLICATA ») or a
   * document that does not come from the journal.
   */
  originalOf?(doc: ReceiptDocument): DocumentRef | undefined;
}

/** The journal documents among `docs` (the originals that handing them over issues). */
function originalsOf(source: SaleDocumentSource, docs: readonly ReceiptDocument[]): DocumentRef[] {
  return docs.flatMap((doc) => {
    const ref = source.originalOf?.(doc);
    return ref === undefined ? [] : [ref];
  });
}

/** The documents of printed items (a `ticket-duplicate` is a copy, not an original). */
function printedDocuments(items: readonly PlannedItem[]): ReceiptDocument[] {
  return items.flatMap((item) =>
    'document' in item && item.role !== 'ticket-duplicate' ? [item.document] : [],
  );
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
 * the address when asked), or says what to print. Each document handed over, e-mailed or printed,
 * issues its original (`issueOriginals`): a document whose original was already issued refuses the
 * whole outcome (ALREADY_ISSUED). One transaction: all queued, issued and saved, or nothing.
 */
export async function dispatchSale(
  db: Db,
  source: SaleDocumentSource,
  input: {
    readonly ticket: string;
    readonly outcome: ReceiptOutcome;
    readonly option: TicketOption;
    readonly now: Date;
    /** The user who hands the documents over (kept with the originals). */
    readonly operator?: string;
  },
): Promise<ValidationDispatch> {
  const sale = await source.documentsOfSale(input.ticket, input.option);
  if (sale === undefined) throw new MailError('UNKNOWN_SALE', `Ticket inconnu : ${input.ticket}`, 'ticket');
  const { outcome } = input;
  const issue = (trx: Db, docs: readonly ReceiptDocument[], channel: 'print' | 'email') =>
    issueOriginals(trx, originalsOf(source, docs), {
      at: input.now,
      channel,
      operator: input.operator ?? '',
    });
  if (outcome.action === 'print' || outcome.action === 'none') {
    let print = planPrintOnly(sale.issued, input.option).print;
    // No receipt; value documents (vouchers, service tickets) are still handed over.
    if (outcome.action === 'none') {
      print = print.filter(
        (p) =>
          p.role !== 'ticket' && p.role !== 'gift' && p.role !== 'invoice' && p.role !== 'ticket-duplicate',
      );
    }
    await issue(db, printedDocuments(print), 'print');
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
    await issue(trx, plan.email, 'email');
    await issue(trx, printedDocuments(plan.print), 'print');
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

/**
 * A sale's receipt e-mailed from the sales list or `comptoir mail send`: only the sales ticket may be
 * re-sent (seed 000). From a duplicate's source it is that copy (« DUPLICATA »); otherwise, with
 * `issue`, it is the ticket's original, issued in the same transaction as the e-mail is queued, and
 * refused (ALREADY_ISSUED, nothing queued) when the original was already handed over.
 */
export async function resendReceipt(
  db: Db,
  source: SaleDocumentSource,
  input: {
    readonly ticket: string;
    readonly to: string;
    readonly now: Date;
    /** Issue the original (the user who sends it); without it the source must give a copy. */
    readonly issue?: { readonly operator: string };
  },
): Promise<OutboxRow> {
  const sale = await source.documentsOfSale(input.ticket);
  if (sale === undefined) throw new MailError('UNKNOWN_SALE', `Ticket inconnu : ${input.ticket}`, 'ticket');
  const ticket = sale.issued.ticket;
  const original = input.issue === undefined ? undefined : source.originalOf?.(ticket);
  if (original !== undefined) {
    // Refused before the PDF is drawn; the claim in the transaction below settles a race.
    const issued = await issuedOriginal(db, original);
    if (issued !== undefined) throw new OriginalIssuedError(original, issued);
  }
  const pdf = await source.pdfOf(ticket);
  const settings = await mailSettingsOf(db, sale.storeId);
  const sender = await senderOf(db, sale.storeId);
  const [row] = await db.transaction().execute(async (trx) => {
    if (original !== undefined) {
      await issueOriginals(trx, [original], {
        at: input.now,
        channel: 'email',
        operator: input.issue?.operator ?? '',
      });
    }
    return queueDocuments(trx, {
      storeId: sale.storeId,
      documents: [ticket],
      to: input.to,
      reference: sale.ticket,
      pdfOf: async () => pdf,
      now: input.now,
      settings,
      sender,
    });
  });
  if (row === undefined) throw new Error('aucun e-mail mis en file');
  return row;
}
