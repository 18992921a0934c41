/**
 * The customer's rights under the GDPR (issue 16 item 4): the export of everything the store keeps
 * about one customer (art. 15 and 20), and the erasure of the personal fields (art. 17).
 *
 * What erasure cannot touch, and why (docs/nf525.md, « The customer's rights »): the signed journal is
 * append-only (NF525) and names a sale's customer by its code and, in the signed detail, its name as
 * printed on the receipt. Those records are kept under a legal obligation (CGI art. 286-I-3° bis, LPF
 * art. L102 B: six years; invoices, Code de commerce art. L123-22: ten), which GDPR art. 17(3)(b)
 * exempts from erasure. The customer file is erased instead: name, address, e-mail, phone, card,
 * consents, loyalty, and the e-mails the outbox kept for them. A customer whose invoices were issued
 * keeps the name and address the invoices print (their copies must stay identical to the original):
 * the rest is erased, and the answer says which fields were kept and why.
 */
import { sql } from 'kysely';
import type { Db } from './catalogue.ts';
import { COUNTER_CUSTOMER } from './customers.ts';
import { StoreError } from './errors.ts';
import { type JournalContext, withRegister } from './journal/core.ts';
import { appendJet, jetDraft } from './journal/operations.ts';
import { registerInfo } from './journal/register-data.ts';

/** Who asks, on which register's journal the request is recorded (a JET event naming only the code). */
export interface RightsRequest {
  readonly code: string;
  readonly register: number;
  readonly operator: string;
}

/** The name an anonymised customer keeps. */
export const ANONYMISED_NAME = 'Client anonymisé';

export interface CustomerSaleEntry {
  readonly register: string;
  readonly chain: string;
  readonly sequence: number;
  readonly type: string;
  /** `YYYYMMDDhhmmss`, UTC. */
  readonly stampUtc: string;
  /** Minor units, signed. */
  readonly totalInclVat: number | null;
}

export interface CustomerMailEntry {
  readonly messageId: string;
  readonly subject: string;
  readonly documentType: string;
  readonly status: string;
  readonly createdAt: string;
  readonly sentAt: string | null;
}

/** Everything the store keeps about one customer, as a machine-readable document (art. 20). */
export interface CustomerDataExport {
  readonly format: 'comptoir-customer-export/1';
  readonly exportedAt: string;
  readonly customer: {
    readonly code: string;
    readonly name: string;
    readonly cardNumber: string | null;
    readonly address1: string;
    readonly address2: string;
    readonly postalCode: string;
    readonly city: string;
    readonly country: string;
    readonly email: string;
    readonly phone: string;
    readonly taxExempt: boolean;
    readonly tariff: string | null;
    readonly sellerCode: string | null;
    readonly loyaltyPoints: number;
    readonly visits: number;
    readonly consents: {
      readonly emailReceipts: boolean;
      readonly mailings: boolean;
      readonly dematLetterSent: boolean;
      readonly dematRefused: boolean;
    };
    readonly createdAt: string;
    readonly updatedAt: string;
    readonly anonymisedAt: string | null;
  };
  /** The signed sales that name the customer (kept: legal obligation). */
  readonly sales: readonly CustomerSaleEntry[];
  /** The e-mails sent or queued to the customer's address. */
  readonly mails: readonly CustomerMailEntry[];
}

export interface AnonymisationResult {
  readonly code: string;
  readonly anonymisedAt: string;
  /** The fields erased. */
  readonly erased: readonly string[];
  /** The fields kept, with the reason (empty when everything personal was erased). */
  readonly kept: readonly { readonly field: string; readonly reason: string }[];
  /** E-mails of the outbox emptied of their address, bodies and attachments. */
  readonly mailsErased: number;
  /** Signed sales naming the customer, kept as they are (legal obligation). */
  readonly salesKept: number;
}

async function customerRow(db: Db, code: string) {
  const normalised = code.trim().toUpperCase();
  if (normalised === '') throw new StoreError('INVALID_INPUT', 'Code client manquant', 'code');
  const row = await db.selectFrom('customers').selectAll().where('code', '=', normalised).executeTakeFirst();
  if (row === undefined)
    throw new StoreError('UNKNOWN_CUSTOMER', `Client introuvable : ${normalised}`, 'code');
  return row;
}

/** The signed sales naming `code` as their customer (TICKET, CANCELLATION, TRAINING chains). */
async function salesOf(db: Db, code: string): Promise<CustomerSaleEntry[]> {
  const rows = await db
    .selectFrom('journal')
    .select(['register', 'chain', 'sequence', 'type', 'stamp_utc', 'total_ttc', 'payload'])
    .where('chain', 'in', ['TICKET', 'TRAINING'])
    .where('payload', 'like', `%"customer":${JSON.stringify(code)}%`)
    .orderBy('stamp_utc')
    .orderBy('register')
    .orderBy('sequence')
    .execute();
  return rows
    .filter((r) => (JSON.parse(r.payload) as { customer?: unknown }).customer === code)
    .map((r) => ({
      register: r.register,
      chain: r.chain,
      sequence: r.sequence,
      type: r.type,
      stampUtc: r.stamp_utc,
      totalInclVat: r.total_ttc === null ? null : Number(r.total_ttc),
    }));
}

async function mailsTo(db: Db, email: string) {
  if (email === '') return [];
  return db
    .selectFrom('mail_outbox')
    .select(['id', 'message_id', 'subject', 'document_type', 'status', 'created_at', 'sent_at'])
    .where(sql<string>`lower(recipient)`, '=', email.toLowerCase())
    .orderBy('id')
    .execute();
}

/**
 * Everything kept about one customer; `UNKNOWN_CUSTOMER` when there is none. The export is journaled
 * (JET 1051 « Export de données », naming the customer's code only).
 */
export async function exportCustomerData(
  db: Db,
  ctx: JournalContext,
  request: RightsRequest,
): Promise<CustomerDataExport> {
  const c = await customerRow(db, request.code);
  const now = ctx.now();
  const mails = await mailsTo(db, c.email);
  const sales = await salesOf(db, c.code);
  await appendJet(
    db,
    ctx,
    request.register,
    'EXPORT',
    `données personnelles du client ${c.code} (RGPD art. 15 et 20) : ${sales.length} vente(s), ${mails.length} e-mail(s)`,
    request.operator,
  );
  return {
    format: 'comptoir-customer-export/1',
    exportedAt: now.toISOString(),
    customer: {
      code: c.code,
      name: c.name,
      cardNumber: c.card_number,
      address1: c.address1,
      address2: c.address2,
      postalCode: c.postal_code,
      city: c.city,
      country: c.country,
      email: c.email,
      phone: c.phone,
      taxExempt: c.tax_exempt === 1,
      tariff: c.tariff_code,
      sellerCode: c.seller_code,
      loyaltyPoints: c.loyalty_points,
      visits: c.visits,
      consents: {
        emailReceipts: c.consent_email_receipts === 1,
        mailings: c.consent_mailings === 1,
        dematLetterSent: c.demat_letter_sent === 1,
        dematRefused: c.demat_refused === 1,
      },
      createdAt: c.created_at,
      updatedAt: c.updated_at,
      anonymisedAt: c.anonymised_at ?? null,
    },
    sales,
    mails: mails.map((m) => ({
      messageId: m.message_id,
      subject: m.subject,
      documentType: m.document_type,
      status: m.status,
      createdAt: m.created_at,
      sentAt: m.sent_at,
    })),
  };
}

/** Whether an invoice of one of these sales was handed over (its original, or a copy of it). */
async function hasInvoices(db: Db, sales: readonly CustomerSaleEntry[]): Promise<boolean> {
  for (const sale of sales) {
    if (sale.chain !== 'TICKET') continue;
    const issued = await db
      .selectFrom('issued_originals')
      .select('sequence')
      .where('register', '=', sale.register)
      .where('chain', '=', 'TICKET')
      .where('sequence', '=', sale.sequence)
      .where('document', '=', 'invoice')
      .executeTakeFirst();
    if (issued !== undefined) return true;
    const copied = await db
      .selectFrom('journal')
      .select('sequence')
      .where('register', '=', sale.register)
      .where('chain', '=', 'DUPLICATE')
      .where('ref_chain', '=', 'TICKET')
      .where('ref_sequence', '=', sale.sequence)
      .where('payload', 'like', '%"document":"invoice"%')
      .executeTakeFirst();
    if (copied !== undefined) return true;
  }
  return false;
}

/**
 * Erases the personal fields of one customer, in one transaction with its JET event (all or nothing).
 * Refuses the counter customer, an unknown code, a customer already anonymised, and an e-mail still
 * waiting in the outbox (`MAIL_PENDING`: send or let it fail first, so that no message leaves after
 * the erasure).
 */
export async function anonymiseCustomer(
  db: Db,
  ctx: JournalContext,
  request: RightsRequest,
): Promise<AnonymisationResult> {
  await customerRow(db, request.code); // UNKNOWN_CUSTOMER before the register's lock is taken
  const info = await registerInfo(db, request.register);
  return withRegister(db, ctx, info.register, info.currency, async (batch) => {
    const trx = batch.trx;
    const now = batch.now;
    const c = await customerRow(trx, request.code);
    if (c.code === COUNTER_CUSTOMER) {
      throw new StoreError(
        'INVALID_INPUT',
        'Le client comptoir (DIVERS) ne désigne personne : rien à anonymiser',
        'code',
      );
    }
    if (c.anonymised_at !== null && c.anonymised_at !== undefined) {
      throw new StoreError(
        'ALREADY_ANONYMISED',
        `Le client ${c.code} a déjà été anonymisé le ${c.anonymised_at}`,
        'code',
      );
    }
    const mails = await mailsTo(trx, c.email);
    const pending = mails.filter((m) => m.status !== 'sent' && m.status !== 'failed');
    if (pending.length > 0) {
      throw new StoreError(
        'MAIL_PENDING',
        `${pending.length} e-mail(s) au client ${c.code} attendent encore leur envoi : attendez qu’ils partent (comptoir mail status) avant de l’anonymiser`,
        'code',
      );
    }
    const sales = await salesOf(trx, c.code);
    const keepIdentity = await hasInvoices(trx, sales);
    const stamp = now.toISOString();
    const identity = keepIdentity
      ? {}
      : {
          name: ANONYMISED_NAME,
          name_search: ANONYMISED_NAME.toUpperCase(),
          address1: '',
          address2: '',
          postal_code: '',
          city: '',
        };
    await trx
      .updateTable('customers')
      .set({
        ...identity,
        card_number: null,
        email: '',
        phone: '',
        seller_code: null,
        loyalty_points: 0,
        visits: 0,
        consent_email_receipts: 0,
        consent_mailings: 0,
        demat_letter_sent: 0,
        demat_refused: 0,
        updated_at: stamp,
        anonymised_at: stamp,
      })
      .where('code', '=', c.code)
      .execute();
    const ids = mails.map((m) => m.id);
    if (ids.length > 0) {
      await trx
        .updateTable('mail_outbox')
        .set({
          recipient: '',
          text_body: '',
          html_body: '',
          attachment: null,
          attachment_name: null,
          updated_at: stamp,
        })
        .where('id', 'in', ids)
        .execute();
    }
    const erased = ['cardNumber', 'email', 'phone', 'sellerCode', 'loyaltyPoints', 'visits', 'consents'];
    const identityFields = ['name', 'address1', 'address2', 'postalCode', 'city'];
    await jetDraft(
      batch,
      'PERSONAL_DATA_ERASED',
      `client ${c.code} (RGPD art. 17) : ${keepIdentity ? 'nom et adresse gardés (factures émises)' : 'identité effacée'}; ${ids.length} e-mail(s) vidé(s); ${sales.length} vente(s) signée(s) gardée(s)`,
      request.operator,
    );
    return {
      code: c.code,
      anonymisedAt: stamp,
      erased: keepIdentity ? erased : [...identityFields, ...erased],
      kept: keepIdentity
        ? identityFields.map((field) => ({
            field,
            reason:
              'imprimé sur une facture émise : gardé tant que la facture doit être conservée (Code de commerce art. L123-22, dix ans)',
          }))
        : [],
      mailsErased: ids.length,
      salesKept: sales.length,
    };
  });
}
