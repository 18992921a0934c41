/**
 * Reads what a document is built from: the journal records of a ticket (or closure), and the store's
 * and register's settings (identity, « Options sur le ticket », VAT codes, names, customers). The
 * records are the only source of what was sold; the settings only say how to print it.
 */
import type { Chain, JournalRecord } from '../fiscal/record.ts';
import type { Db } from '../store/journal/core.ts';
import { getRecord, journalNameOf, readJournal, tillCountsOfClosure } from '../store/journal/index.ts';
import { readRegisterSettings } from '../store/setup.ts';
import type { DocumentSettings, DocumentSource, IssuedKind, ReceiptKind } from './from-journal.ts';

export class TicketLookupError extends Error {
  constructor(
    message: string,
    /** `UNKNOWN_REGISTER`, `UNKNOWN_TICKET`, `BAD_NUMBER`. */
    readonly code: string,
  ) {
    super(message);
  }
}

/** A ticket as typed at the shell: `42`, `1-000042`, training `X1-000003`, closure `1-Z000002`. */
export interface TicketRef {
  readonly register?: number;
  readonly chain: Chain;
  readonly sequence: number;
}

export function parseTicketRef(text: string): TicketRef {
  const plain = /^\d{1,12}$/.exec(text);
  if (plain !== null) return { chain: 'TICKET', sequence: Number(text) };
  const printed = /^(X)?(\d{1,4})-(Z)?(\d{1,12})$/.exec(text);
  if (printed === null || (printed[1] !== undefined && printed[3] !== undefined)) {
    throw new TicketLookupError(
      `Numéro de ticket invalide : « ${text} » (42, 1-000042, X1-000003 ou 1-Z000002 attendu)`,
      'BAD_NUMBER',
    );
  }
  return {
    register: Number(printed[2]),
    chain: printed[1] !== undefined ? 'TRAINING' : printed[3] !== undefined ? 'CLOSURE' : 'TICKET',
    sequence: Number(printed[4]),
  };
}

const lines = (...parts: readonly string[]): string[] => parts.filter((p) => p.trim() !== '');

/** The country written out in French (checklist D.19): `FR` → `France`. */
export function countryName(code: string): string {
  if (code === '') return 'France';
  if (!/^[A-Z]{2}$/i.test(code)) return code;
  try {
    return new Intl.DisplayNames(['fr'], { type: 'region' }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** The settings of register `number`: the store it belongs to, its print options, names and codes. */
/**
 * The labels of a register's payment modes by code (its own mode before the store's): what the
 * documents print instead of the codes (the Z report's payments: « Espèces », not CASH).
 */
export async function paymentLabelsOf(db: Db, number: number): Promise<Record<string, string>> {
  const modes = await db
    .selectFrom('payment_modes')
    .innerJoin('registers', 'registers.store_id', 'payment_modes.store_id')
    .select([
      'payment_modes.code as code',
      'payment_modes.label as label',
      'payment_modes.register_id as own',
    ])
    .where('registers.number', '=', number)
    .where((eb) =>
      eb.or([
        eb('payment_modes.register_id', 'is', null),
        eb('payment_modes.register_id', '=', eb.ref('registers.id')),
      ]),
    )
    .execute();
  const labels: Record<string, string> = {};
  for (const m of modes) if (m.own !== null || labels[m.code] === undefined) labels[m.code] = m.label;
  return labels;
}

export async function documentSettingsOf(
  db: Db,
  number: number,
  /** The customer whose address an invoice prints (only that one is read: the PDF embeds the settings). */
  customerCode?: string,
): Promise<DocumentSettings & { register: string }> {
  const row = await db
    .selectFrom('registers')
    .innerJoin('stores', 'stores.id', 'registers.store_id')
    .selectAll('stores')
    .select(['registers.settings as registerSettings', 'registers.default_customer_code as defaultCustomer'])
    .where('registers.number', '=', number)
    .orderBy('registers.id')
    .executeTakeFirst();
  if (row === undefined) throw new TicketLookupError(`Caisse inconnue : ${number}`, 'UNKNOWN_REGISTER');
  const settings = readRegisterSettings(row.registerSettings);
  const vatRates = await db.selectFrom('vat_rates').select(['code', 'rate']).orderBy('id').execute();
  const customers =
    customerCode === undefined || customerCode === row.defaultCustomer
      ? []
      : await db
          .selectFrom('customers')
          .select(['code', 'address1', 'address2', 'postal_code', 'city', 'country'])
          .where('code', '=', customerCode)
          .execute();
  const vatCodes: Record<string, string> = {};
  for (const v of vatRates) vatCodes[String(v.rate)] ??= v.code;
  const paymentLabels = await paymentLabelsOf(db, number);
  const o = settings.receiptOptions;
  return {
    register: journalNameOf(number),
    store: {
      sign: row.sign === '' ? row.name : row.sign,
      ...(row.name !== '' && row.name !== row.sign ? { legalName: row.name } : {}),
      addressLines: lines(row.address1, row.address2),
      postalCode: row.postal_code === '' ? '-' : row.postal_code,
      city: row.city === '' ? '-' : row.city,
      country: countryName(row.country),
      siret: row.siret === '' ? '-' : row.siret,
      naf: row.naf === '' ? '-' : row.naf,
      vatNumber: row.vat_number === '' ? '-' : row.vat_number,
      ...(row.phone === '' ? {} : { phone: row.phone }),
      ...(row.fax === '' ? {} : { fax: row.fax }),
      ...(row.email === '' ? {} : { email: row.email }),
      ...(row.web === '' ? {} : { web: row.web }),
      ...(row.footer === '' ? {} : { footer: row.footer.split(/\r?\n/) }),
    },
    software: { name: 'Comptoir', version: '' },
    options: {
      showEmail: o.showEmail,
      showWeb: o.showWeb,
      showPhoneFax: o.showPhoneFax,
      showLegalIds: o.showLegalIds,
      showGlobalDiscountPercent: o.showGlobalDiscountPercent,
      showComponents: settings.printComponents,
      showBarcode: o.showBarcode,
      showQrCode: o.showQrCode,
    },
    vatCodes,
    paymentLabels,
    defaultCustomer: row.defaultCustomer,
    customers: Object.fromEntries(
      customers.map((c) => [
        c.code,
        {
          addressLines: lines(
            c.address1,
            c.address2,
            `${c.postal_code} ${c.city}`.trim(),
            c.country === '' ? '' : countryName(c.country),
          ),
        },
      ]),
    ),
  };
}

/**
 * The records of a document: the ticket (or closure); for a reprint, the DUPLICATE record first, then
 * the ticket it reprints.
 */
export async function loadRecord(db: Db, register: number, ref: TicketRef): Promise<JournalRecord> {
  const name = journalNameOf(register);
  const record = await getRecord(db, name, ref.chain, ref.sequence);
  if (record === undefined) {
    const what = ref.chain === 'CLOSURE' ? 'Clôture' : ref.chain === 'TRAINING' ? 'Ticket école' : 'Ticket';
    throw new TicketLookupError(
      `${what} n° ${ref.sequence} introuvable sur la caisse ${name}`,
      'UNKNOWN_TICKET',
    );
  }
  return record;
}

/** The document source of a ticket, with the software version that prints it. */
/**
 * Which articles of the sale issue a voucher or a service ticket, from the catalogue: the journal
 * holds each line's reference, the catalogue what selling it hands over.
 */
async function issuingOf(db: Db, sale: JournalRecord): Promise<Record<string, IssuedKind>> {
  const detail = (sale.payload as { detail?: { lines?: readonly { ref: string }[] } }).detail;
  const refs = [...new Set((detail?.lines ?? []).map((l) => l.ref).filter((ref) => ref !== ''))];
  if (refs.length === 0) return {};
  const rows = await db
    .selectFrom('articles')
    .select(['ref', 'issues'])
    .where('ref', 'in', refs)
    .where('issues', 'is not', null)
    .execute();
  return Object.fromEntries(rows.map((r) => [r.ref, r.issues as IssuedKind]));
}

/** A daily closure's till day movements (its closing counts), for the Z report's count section. */
async function tillRecordsOf(
  db: Db,
  records: readonly JournalRecord[],
): Promise<JournalRecord[] | undefined> {
  const closure = records.find((r) => r.type === 'CLOSURE');
  if (closure?.type !== 'CLOSURE' || closure.payload.kind !== 'DAY') return undefined;
  const day = await tillCountsOfClosure(db, closure.register, closure.sequence);
  return day?.records;
}

/** The signed tickets a daily closure covers (its `tickets` range), for the Z's reconciliation. */
async function coveredOf(db: Db, records: readonly JournalRecord[]): Promise<JournalRecord[] | undefined> {
  // The closure itself, or the closure a DUPLICATE reprints.
  const closure = records.find((r) => r.type === 'CLOSURE');
  if (closure?.type !== 'CLOSURE' || closure.payload.kind !== 'DAY') return undefined;
  const { from, to } = closure.payload.tickets;
  const covered: JournalRecord[] = [];
  if (from > to) return covered;
  for await (const r of readJournal(db, {
    register: closure.register,
    chain: 'TICKET',
    fromSequence: from,
  })) {
    if (r.sequence > to) break;
    covered.push(r);
  }
  return covered;
}

export async function documentSourceOf(
  db: Db,
  register: number,
  records: readonly JournalRecord[],
  kind: ReceiptKind,
  software: { name: string; version: string },
  index?: number,
): Promise<DocumentSource> {
  const sale = records.find((r) => r.type === 'TICKET' || r.type === 'TRAINING' || r.type === 'CANCELLATION');
  const customer =
    kind === 'invoice' && sale !== undefined && 'customer' in sale.payload
      ? sale.payload.customer
      : undefined;
  const { register: _r, ...settings } = await documentSettingsOf(db, register, customer);
  const issuing = sale === undefined ? {} : await issuingOf(db, sale);
  const till = await tillRecordsOf(db, records);
  const covered = await coveredOf(db, records);
  return {
    records,
    settings: { ...settings, software, ...(Object.keys(issuing).length === 0 ? {} : { issuing }) },
    kind,
    ...(index === undefined ? {} : { index }),
    ...(till === undefined ? {} : { till }),
    ...(covered === undefined ? {} : { covered }),
  };
}
