/**
 * Documents built from fiscal journal records only (never from the screen's state), plus the store's
 * and register's settings (identity, print options, VAT codes, payment labels, names of people).
 *
 * Pure: records and settings in, a document out. The same records always give the same document, so a
 * reprint is the same sale plus its duplicate mention.
 */

import { reconcile } from '../fiscal/reconcile.ts';
import {
  type DetailLine,
  DUPLICATE_DOCUMENTS,
  instantOf,
  type JournalRecord,
  type RateTotals,
  type SaleDetail,
  type SalePayload,
  type Stamp,
} from '../fiscal/record.ts';
import { shortCodeOf } from '../fiscal/signing.ts';
import { countsOfRecords, tillEntries } from '../fiscal/till.ts';
import { formatInstrumentNumber } from '../sales/instruments.ts';
import { currencyOf, rescale } from '../sales/money.ts';
import type {
  ClosureReport,
  ComponentLine,
  Customer,
  DateTimeText,
  DocumentLine,
  DuplicateInfo,
  FiscalStamp,
  GiftTicket,
  Invoice,
  Payment,
  Person,
  PrintOptions,
  ReceiptDocument,
  SaleBody,
  SaleTicket,
  ServiceTicket,
  SoftwareIdentity,
  StoreIdentity,
  VatRow,
  Voucher,
  VoucherType,
} from './document.ts';

/** What a document needs besides the journal: who prints it and how. */
export interface DocumentSettings {
  readonly store: StoreIdentity;
  readonly software: SoftwareIdentity;
  /** The register's « Options sur le ticket » (seed 000); absent options print. */
  readonly options?: PrintOptions;
  /** The code printed for each VAT rate (`"2000": "N"`); by default `1`, `2`… by ascending rate. */
  readonly vatCodes?: Readonly<Record<string, string>>;
  /** The label printed for each payment mode (`CASH` → `Espèces`); by default the mode's code. */
  readonly paymentLabels?: Readonly<Record<string, string>>;
  /** Names of cashiers and sellers by their code; by default the code alone. */
  readonly people?: Readonly<Record<string, string>>;
  /** The counter customer's code (`DIVERS`): not printed as a customer. */
  readonly defaultCustomer?: string;
  /** What the shop knows of a customer beyond the journal's code and name (invoices, loyalty). */
  readonly customers?: Readonly<Record<string, Omit<Customer, 'code' | 'name'>>>;
  /** Articles whose sale issues a document: `{ "ACOMPTE": "deposit", "RETOUCHE": "service" }`. */
  readonly issuing?: Readonly<Record<string, IssuedKind>>;
  /** Payment modes that pay a refund with a credit note (default `CREDIT_NOTE`). */
  readonly creditNoteModes?: readonly string[];
  /** Months of validity of each voucher (defaults: 12, deposits and earnest money 2). */
  readonly validityMonths?: Partial<Readonly<Record<VoucherType, number>>>;
  /** Days until a service ticket's work is ready (default 7). */
  readonly serviceDelayDays?: number;
  /** Title of service tickets (default `TICKET DE RETOUCHE`). */
  readonly serviceTitle?: string;
  /** The exchange conditions printed on gift tickets. */
  readonly giftNote?: string;
}

/** What a sold article can issue besides the ticket. */
export type IssuedKind = Exclude<VoucherType, 'credit-note'> | 'service';

/**
 * Which document of a record to build: the ticket itself (a sale, a training ticket, a cancellation,
 * a duplicate, a Z report: the record says which), or a document issued with a sale.
 */
export const RECEIPT_KINDS = ['ticket', ...DUPLICATE_DOCUMENTS] as const;
export type ReceiptKind = (typeof RECEIPT_KINDS)[number];

/** Everything a document is built from: journal records, the settings, which document. */
export interface DocumentSource {
  /** The record; for a DUPLICATE, followed by the record it reprints. */
  readonly records: readonly JournalRecord[];
  readonly settings: DocumentSettings;
  readonly kind: ReceiptKind;
  /** Which of the sale's vouchers of that kind (1-based, default 1). */
  readonly index?: number;
  /** A daily closure's till day movements (its closing counts), for the Z report's count section. */
  readonly till?: readonly JournalRecord[];
  /** The signed tickets a daily closure covers, for the Z report's reconciliation (issue 12). */
  readonly covered?: readonly JournalRecord[];
}

export class DocumentSourceError extends Error {}

const offsetPattern = /^([+-])(\d{2})(\d{2})$/;

/** A journal stamp (UTC + offset) as the store's local date and time. */
export function localDateTime(stamp: Stamp): DateTimeText {
  const match = offsetPattern.exec(stamp.offset);
  if (match === null) throw new DocumentSourceError(`Décalage horaire invalide : ${stamp.offset}`);
  const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  const local = new Date(instantOf(stamp).getTime() + minutes * 60_000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const [y, mo, d, h, mi, s] = [
    p(local.getUTCFullYear(), 4),
    p(local.getUTCMonth() + 1),
    p(local.getUTCDate()),
    p(local.getUTCHours()),
    p(local.getUTCMinutes()),
    p(local.getUTCSeconds()),
  ];
  return { date: `${d}/${mo}/${y}`, time: `${h}:${mi}:${s}`, stamp: `${y}${mo}${d}${h}${mi}${s}` };
}

/** The printed number of a ticket: register and sequence of the TICKET chain (`C1-000825`). */
export function ticketNumberOf(register: string, sequence: number): string {
  return `${register}-${String(sequence).padStart(6, '0')}`;
}

/** The printed number of a closure: `C1-Z000311`. */
export function closureNumberOf(register: string, sequence: number): string {
  return `${register}-Z${String(sequence).padStart(6, '0')}`;
}

/** The fiscal stamp of a record: sequence, the real signature, its short code, key and signed text. */
export function fiscalStampOf(record: JournalRecord): FiscalStamp {
  return {
    sequence: record.sequence,
    signature: record.signature,
    shortCode: shortCodeOf(record.signature),
    keyId: record.keyId,
    signedText: record.signedText,
  };
}

export function vatRowsOf(perRate: readonly RateTotals[], settings: DocumentSettings): VatRow[] {
  const ascending = [...new Set(perRate.map((r) => r.rate))].sort((a, b) => a - b);
  return perRate.map((r) => ({
    code: vatCodeOf(r.rate, settings, ascending),
    rate: r.rate,
    base: r.ht,
    vat: r.vat,
    total: r.ttc,
  }));
}

export function vatCodeOf(rate: number, settings: DocumentSettings, ascending: readonly number[]): string {
  return settings.vatCodes?.[String(rate)] ?? String(ascending.indexOf(rate) + 1);
}

export function paymentLabelOf(mode: string, settings: DocumentSettings): string {
  return settings.paymentLabels?.[mode] ?? mode;
}

export function personOf(code: string, settings: DocumentSettings): Person {
  const name = settings.people?.[code];
  return name === undefined || name === code ? { name: code } : { code, name };
}

function header(record: JournalRecord, settings: DocumentSettings, currency: string) {
  if (currencyOf(currency) === undefined) throw new DocumentSourceError(`Devise inconnue : ${currency}`);
  return {
    currency,
    store: settings.store,
    ...(settings.options === undefined ? {} : { options: settings.options }),
    // The version that made the record: a reprint after an upgrade prints what the ticket printed.
    software: { ...settings.software, version: record.softwareVersion },
    register: record.register,
    issuedAt: localDateTime(record.timestamp),
    fiscal: fiscalStampOf(record),
  };
}

const PERIODS = { DAY: 'day', MONTH: 'month', YEAR: 'year' } as const;

/**
 * The Z report with its till count section (issue 13), from the day's signed `COUNT` records: per mode
 * expected, counted, difference; the `FLOAT_OUT` to the safe. Unchanged when the day had no count.
 */
export function withTillCount(
  report: ClosureReport,
  till: readonly JournalRecord[] | undefined,
  settings: DocumentSettings,
): ClosureReport {
  if (till === undefined) return report;
  const entries = tillEntries(till);
  const rows = countsOfRecords(entries).map((c) => ({
    label: paymentLabelOf(c.mode, settings),
    expected: c.expected,
    counted: c.counted,
    difference: c.difference,
  }));
  if (rows.length === 0) return report;
  const removed = entries.reduce(
    (sum, e) => (e.type === 'MOVEMENT' && e.payload.kind === 'FLOAT_OUT' ? sum - e.payload.amount : sum),
    0,
  );
  return { ...report, tillCount: { rows, removed } };
}

/**
 * The Z report with what the day reconciles (issue 12, item 4), from the signed tickets the closure
 * covers: per mode received, change given and settled; credit notes issued; returns and cancellations.
 * Unchanged when the covered tickets are not given (a monthly or yearly report).
 */
export function withReconciliation(
  report: ClosureReport,
  covered: readonly JournalRecord[] | undefined,
  settings: DocumentSettings,
): ClosureReport {
  if (covered === undefined) return report;
  const done = reconcile(covered);
  return {
    ...report,
    reconciliation: {
      tenders: done.tenders.map((t) => ({
        label: paymentLabelOf(t.mode, settings),
        received: t.received,
        change: t.change,
        settled: t.settled,
      })),
      creditNotes: done.creditNotesIssued,
      returns: { count: done.returnCount, amount: done.returnsAmount },
      cancellations: { count: done.cancellationCount, amount: done.cancellationsAmount },
    },
  };
}

/** A CLOSURE's report with the sections its day's records give (till count, reconciliation). */
function closureDocumentOf(
  record: JournalRecord,
  settings: DocumentSettings,
  till: readonly JournalRecord[] | undefined,
  covered: readonly JournalRecord[] | undefined,
): ClosureReport {
  return withReconciliation(
    withTillCount(closureReportOf(record, settings), till, settings),
    covered,
    settings,
  );
}

/** The Z report (or monthly, yearly report) of a CLOSURE record. */
export function closureReportOf(record: JournalRecord, settings: DocumentSettings): ClosureReport {
  if (record.type !== 'CLOSURE') {
    throw new DocumentSourceError(`Un rapport de clôture se fait d'une clôture, pas d'un ${record.type}`);
  }
  const p = record.payload;
  const payments: Payment[] = p.perPayment.map((x) => ({
    label: paymentLabelOf(x.mode, settings),
    amount: x.amount,
  }));
  const hasTickets = p.tickets.from <= p.tickets.to;
  return {
    ...header(record, settings, p.currency),
    kind: 'z-report',
    number: closureNumberOf(record.register, record.sequence),
    period: PERIODS[p.kind],
    periodLabel: p.periodLabel,
    from: localDateTime(p.periodStart),
    to: localDateTime(p.periodEnd),
    ticketCount: p.ticketCount,
    ...(hasTickets
      ? {
          firstTicket: ticketNumberOf(record.register, p.tickets.from),
          lastTicket: ticketNumberOf(record.register, p.tickets.to),
        }
      : {}),
    cancellations: p.cancellationCount,
    duplicates: p.duplicateCount,
    sales: p.salesTtc,
    returns: p.returnsTtc,
    net: p.periodTotal,
    vat: vatRowsOf(p.perRate, settings),
    payments,
    grandTotal: p.periodTotal,
    grandTotalAbsolute: p.periodTotalAbs,
    perpetualTotal: p.perpetualTotal,
    perpetualTotalAbsolute: p.perpetualTotalAbs,
  };
}

type SaleRecord = JournalRecord & { readonly type: 'TICKET' | 'TRAINING' | 'CANCELLATION' };

function isSaleRecord(record: JournalRecord): record is SaleRecord {
  return record.type === 'TICKET' || record.type === 'TRAINING' || record.type === 'CANCELLATION';
}

/** The printed number of a sale record: training tickets have their own chain and an `X` before. */
export function saleNumberOf(record: JournalRecord): string {
  const number = ticketNumberOf(record.register, record.sequence);
  return record.type === 'TRAINING' ? `X${number}` : number;
}

function componentOf(c: DetailLine): ComponentLine {
  return { quantity: c.quantity, ...(c.ref === '' ? {} : { reference: c.ref }), designation: c.designation };
}

function detailLine(l: DetailLine, exponent: number, code: (rate: number) => string): DocumentLine {
  const rates = new Set((l.components ?? []).map((c) => c.vatRate));
  const composed = l.components !== undefined && l.components.length > 0;
  return {
    quantity: l.quantity,
    ...(l.ref === '' ? {} : { reference: l.ref }),
    designation: l.designation,
    vatCode: composed && rates.size > 1 ? [...rates].map(code).join('+') : code(l.vatRate),
    unitPrice: rescale(l.unitPrice, l.unitPriceScale, exponent),
    amount: l.gross - l.lineDiscount,
    ...(l.lineDiscount === 0
      ? {}
      : {
          discount: {
            amount: l.lineDiscount,
            ...(l.discount?.percent === undefined ? {} : { percent: l.discount.percent }),
          },
        }),
    ...(l.ecoParticipation === 0 ? {} : { ecoParticipation: l.ecoParticipation }),
    ...(composed ? { components: (l.components ?? []).map(componentOf) } : {}),
  };
}

function customerOf(code: string, name: string, settings: DocumentSettings): Customer {
  return { code, name, ...(settings.customers?.[code] ?? {}) };
}

/** The lines, VAT table, totals, payments and counts of a sale, from its payload and detail. */
function saleBodyOf(p: SalePayload, settings: DocumentSettings): SaleBody {
  const currency = currencyOf(p.currency);
  if (currency === undefined) throw new DocumentSourceError(`Devise inconnue : ${p.currency}`);
  const ascending = [...new Set(p.perRate.map((r) => r.rate))].sort((a, b) => a - b);
  const code = (rate: number) => vatCodeOf(rate, settings, ascending);
  const vat = vatRowsOf(p.perRate, settings);
  const d = p.detail;
  if (d === undefined) {
    // A payload without its receipt detail (older records): what the signed summary holds.
    const lines = p.lines.map((l) => ({
      quantity: l.quantity,
      designation: l.label,
      vatCode: code(l.vatRate),
      unitPrice: l.unitPrice,
      amount: p.pricesIncludeTax ? l.totalTtc : l.totalHt,
    }));
    return {
      lines,
      vat,
      totals: { totalExclVat: p.totalHt, totalVat: p.totalTtc - p.totalHt, totalInclVat: p.totalTtc },
      payments: p.payments.map((x) => ({ label: paymentLabelOf(x.mode, settings), amount: x.amount })),
      articleCount: p.lines.reduce((s, l) => s + l.quantity, 0) / 1000,
      lineCount: p.lines.length,
    };
  }
  const lines = d.lines.map((l) => detailLine(l, currency.exponent, code));
  if (d.shipping !== undefined) {
    lines.push({
      quantity: 1000,
      designation: 'Frais de port',
      vatCode: code(d.shipping.vatRate),
      unitPrice: d.shipping.net,
      amount: d.shipping.net,
    });
  }
  const globalDiscount = d.lines.reduce((s, l) => s + l.globalDiscount, 0);
  // A cancellation gives back what each payment settled: no « Rendu » below zero, the sums paid back.
  const givesBack = d.change < 0;
  const payments: Payment[] = d.payments.map((x) => ({
    label:
      x.foreign !== undefined
        ? `${x.label} (${x.foreign.amount / 10 ** (currencyOf(x.foreign.currency)?.exponent ?? 2)} ${x.foreign.currency})`
        : x.instrument !== undefined
          ? `${x.label} n° ${formatInstrumentNumber(x.instrument)}`
          : x.label,
    amount: givesBack ? x.amount : x.given,
  }));
  if (d.creditNote !== 0) payments.push({ label: "Bon d'avoir émis", amount: -d.creditNote });
  return {
    lines,
    vat,
    totals: {
      totalExclVat: p.totalHt,
      totalVat: d.totalVat,
      totalInclVat: p.totalTtc,
      ...(globalDiscount === 0
        ? {}
        : {
            globalDiscount: {
              amount: globalDiscount,
              ...(d.footerDiscount?.percent === undefined ? {} : { percent: d.footerDiscount.percent }),
            },
          }),
      ...(d.roundingAdjustment === 0 ? {} : { rounding: -d.roundingAdjustment }),
    },
    payments,
    ...(d.change === 0 || givesBack ? {} : { change: d.change }),
    articleCount: d.articleCount / 1000,
    lineCount: d.lineCount,
  };
}

/** Cashier, seller and customer as printed, from the detail (or the summary's codes). */
function peopleOf(p: SalePayload, settings: DocumentSettings) {
  const d: SaleDetail | undefined = p.detail;
  const cashier: Person =
    d === undefined ? personOf(p.operator, settings) : { code: d.cashier.code, name: d.cashier.name };
  const seller: Person | undefined =
    d?.seller === undefined ? undefined : { code: d.seller.code, name: d.seller.name };
  const customerCode = d?.customer.code ?? p.customer;
  // Only what the journal holds: a reprint must not show today's address or loyalty points.
  const customer: Customer | undefined =
    customerCode === '' || customerCode === settings.defaultCustomer
      ? undefined
      : { code: customerCode, name: d?.customer.name ?? customerCode };
  return {
    cashier,
    ...(seller === undefined ? {} : { seller }),
    ...(customer === undefined ? {} : { customer }),
  };
}

/** The sales ticket of a TICKET, TRAINING or CANCELLATION record. */
export function saleTicketOf(record: JournalRecord, settings: DocumentSettings): SaleTicket {
  if (!isSaleRecord(record)) {
    throw new DocumentSourceError(
      `L'enregistrement ${record.type} n° ${record.sequence} n'est pas un ticket`,
    );
  }
  const p = record.payload;
  const training = record.type === 'TRAINING' || p.detail?.training === true;
  return {
    ...header(record, settings, p.currency),
    kind: 'sale',
    number: saleNumberOf(record),
    ...peopleOf(p, settings),
    ...(training ? { training: true } : {}),
    ...(p.cancels === undefined ? {} : { cancels: ticketNumberOf(p.cancels.register, p.cancels.sequence) }),
    ...(p.detail?.returnOf === undefined
      ? {}
      : {
          modifies: ticketNumberOf(p.detail.returnOf.ticket.register, p.detail.returnOf.ticket.sequence),
          returnCause: p.detail.returnOf.cause.label,
        }),
    ...saleBodyOf(p, settings),
  };
}

/** Checks that a DUPLICATE record copies `original`; its duplicate mention. */
function duplicateInfoOf(duplicate: JournalRecord, original: JournalRecord): DuplicateInfo {
  if (duplicate.type !== 'DUPLICATE') {
    throw new DocumentSourceError(`L'enregistrement ${duplicate.type} n'est pas un duplicata`);
  }
  const ref = duplicate.payload.original;
  if (
    ref.register !== original.register ||
    ref.chain !== original.chain ||
    ref.sequence !== original.sequence ||
    ref.signature !== original.signature
  ) {
    throw new DocumentSourceError(
      `Le duplicata n° ${duplicate.sequence} ne reproduit pas l'enregistrement ${original.chain} n° ${original.sequence}`,
    );
  }
  return {
    copyNumber: duplicate.payload.copyNumber,
    printedAt: localDateTime(duplicate.timestamp),
    fiscal: fiscalStampOf(duplicate),
    reason: duplicate.payload.reason,
  };
}

/** A reprint: the original ticket, byte for byte, plus « DUPLICATA », its copy number and signature. */
export function duplicateOf(
  duplicate: JournalRecord,
  original: JournalRecord,
  settings: DocumentSettings,
): SaleTicket {
  const info = duplicateInfoOf(duplicate, original);
  if (duplicate.type === 'DUPLICATE' && duplicate.payload.document !== undefined) {
    throw new DocumentSourceError(
      `Le duplicata n° ${duplicate.sequence} copie le document ${duplicate.payload.document}, pas le ticket`,
    );
  }
  return { ...saleTicketOf(original, settings), duplicate: info };
}

/** The document a DUPLICATE record copies: the sales ticket, or the one its payload names. */
export function duplicateKindOf(duplicate: JournalRecord): { kind: ReceiptKind; index: number } {
  if (duplicate.type !== 'DUPLICATE') {
    throw new DocumentSourceError(`L'enregistrement ${duplicate.type} n'est pas un duplicata`);
  }
  return { kind: duplicate.payload.document ?? 'ticket', index: duplicate.payload.index ?? 1 };
}

/**
 * A reprint of any document of a sale or of a closure's report (checklist item 24): the document its payload names (the sales
 * ticket when none), built from the original exactly as it was, plus « DUPLICATA », its copy number,
 * reason and its own sequence and signature extract.
 */
export function duplicateDocumentOf(
  duplicate: JournalRecord,
  original: JournalRecord,
  settings: DocumentSettings,
  till?: readonly JournalRecord[],
  covered?: readonly JournalRecord[],
): ReceiptDocument {
  const info = duplicateInfoOf(duplicate, original);
  const { kind, index } = duplicateKindOf(duplicate);
  // A closure's copy is its Z report (monthly, yearly report) with the duplicate mention.
  if (original.type === 'CLOSURE') {
    return { ...closureDocumentOf(original, settings, till, covered), duplicate: info };
  }
  return { ...issuedDocumentOf(original, settings, kind, index), duplicate: info };
}

function saleOnly(
  record: JournalRecord,
  what: string,
): SaleRecord & { readonly type: 'TICKET' | 'TRAINING' } {
  if (record.type !== 'TICKET' && record.type !== 'TRAINING') {
    throw new DocumentSourceError(
      `${what} se fait d'un ticket de vente, pas d'un enregistrement ${record.type}`,
    );
  }
  return record;
}

/** The gift ticket of a sale: its articles, no price. */
export function giftTicketOf(record: JournalRecord, settings: DocumentSettings): GiftTicket {
  const ticket = saleTicketOf(saleOnly(record, 'Un ticket cadeau'), settings);
  const { lines, vat: _v, totals: _t, payments: _p, change: _c, lineCount: _l, kind: _k, ...rest } = ticket;
  return {
    ...rest,
    kind: 'gift',
    lines: lines.map(({ quantity, reference, designation }) =>
      reference === undefined ? { quantity, designation } : { quantity, reference, designation },
    ),
    ...(settings.giftNote === undefined ? {} : { exchangeNote: settings.giftNote }),
  };
}

/** The invoice of a sale (seed 002): numbered after the ticket, whose number and register it cites. */
export function invoiceOf(record: JournalRecord, settings: DocumentSettings): Invoice {
  const sale = saleOnly(record, 'Une facture');
  const ticket = saleTicketOf(sale, settings);
  const d = sale.payload.detail;
  const customer = customerOf(
    d?.customer.code ?? sale.payload.customer,
    d?.customer.name ?? sale.payload.customer,
    settings,
  );
  const { kind: _k, cancels: _c, cancelledBy: _b, duplicate: _d, ...rest } = ticket;
  return {
    ...rest,
    kind: 'invoice',
    invoiceNumber: `F${ticketNumberOf(sale.register, sale.sequence)}`,
    origin: { ticketNumber: ticket.number, register: sale.register, date: ticket.issuedAt.date },
    customer,
    paymentTerms: `Facture acquittée : réglée le ${ticket.issuedAt.date}.`,
  };
}

/** A local date `JJ/MM/AAAA` moved by whole months or days (pure calendar arithmetic). */
export function shiftDate(date: string, months: number, days = 0): string {
  const [d, m, y] = date.split('/').map(Number) as [number, number, number];
  const at = new Date(Date.UTC(y, m - 1 + months, 1));
  const last = new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + 1, 0)).getUTCDate();
  at.setUTCDate(Math.min(d, last) + days);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(at.getUTCDate())}/${p(at.getUTCMonth() + 1)}/${at.getUTCFullYear()}`;
}

const VOUCHER_PREFIX: Readonly<Record<VoucherType, string>> = {
  'credit-note': 'AV',
  deposit: 'AC',
  earnest: 'AR',
  'gift-card': 'CC',
  'prepaid-card': 'CP',
};
const VOUCHER_DIGIT: Readonly<Record<VoucherType, string>> = {
  'credit-note': '1',
  deposit: '2',
  earnest: '3',
  'gift-card': '4',
  'prepaid-card': '5',
};
const DEFAULT_VALIDITY: Readonly<Record<VoucherType, number>> = {
  'credit-note': 12,
  deposit: 2,
  earnest: 2,
  'gift-card': 12,
  'prepaid-card': 12,
};

/** The n-th line (1-based) of a sale whose article issues `kind`. */
function issuingLines(record: SaleRecord, settings: DocumentSettings, kind: IssuedKind): DetailLine[] {
  return (record.payload.detail?.lines ?? []).filter((l) => settings.issuing?.[l.ref] === kind);
}

/** The credit note a sale issues: a refund paid by credit note, plus an overpayment kept as one. */
function creditNoteAmountOf(record: SaleRecord, settings: DocumentSettings): number {
  const modes = settings.creditNoteModes ?? ['CREDIT_NOTE'];
  const refunded = record.payload.payments
    .filter((x) => modes.includes(x.mode) && x.amount < 0)
    .reduce((s, x) => s - x.amount, 0);
  return refunded + (record.payload.detail?.creditNote ?? 0);
}

const SOLD_VOUCHERS = ['deposit', 'earnest', 'gift-card', 'prepaid-card'] as const;

/**
 * Every voucher and service ticket a validated sale hands over besides its ticket (seed 000's table):
 * its credit note, one voucher per line of an article that issues one, and its service ticket. A
 * cancellation issues nothing.
 */
export function issuedDocumentsOf(
  record: JournalRecord,
  settings: DocumentSettings,
): {
  /** Each voucher with its index among those of its type (the `index` of its `DocumentSource`). */
  readonly vouchers: readonly { readonly document: Voucher; readonly index: number }[];
  readonly services: readonly ServiceTicket[];
} {
  if (!isSaleRecord(record) || record.type === 'CANCELLATION') return { vouchers: [], services: [] };
  const vouchers: { document: Voucher; index: number }[] = [];
  if (creditNoteAmountOf(record, settings) > 0)
    vouchers.push({ document: voucherOf(record, settings, 'credit-note'), index: 1 });
  for (const type of SOLD_VOUCHERS) {
    const count = issuingLines(record, settings, type).length;
    for (let index = 1; index <= count; index++)
      vouchers.push({ document: voucherOf(record, settings, type, index), index });
  }
  const services =
    issuingLines(record, settings, 'service').length > 0 ? [serviceTicketOf(record, settings)] : [];
  return { vouchers, services };
}

/**
 * A voucher issued by a sale: a credit note (a refund paid by credit note, or an overpayment), or the
 * deposit, earnest money, gift card or prepaid card sold on one of its lines (`index`, 1-based).
 */
export function voucherOf(
  record: JournalRecord,
  settings: DocumentSettings,
  voucherType: VoucherType,
  index = 1,
): Voucher {
  if (!isSaleRecord(record)) {
    throw new DocumentSourceError(
      `Un bon se fait d'un ticket de vente, pas d'un enregistrement ${record.type}`,
    );
  }
  const ticket = saleTicketOf(record, settings);
  let amount: number;
  if (voucherType === 'credit-note') {
    amount = creditNoteAmountOf(record, settings);
    if (amount <= 0 || index !== 1) {
      throw new DocumentSourceError(`Le ticket ${ticket.number} n'émet pas de bon d'avoir`);
    }
  } else {
    const line = issuingLines(record, settings, voucherType)[index - 1];
    if (line === undefined) {
      throw new DocumentSourceError(
        `Le ticket ${ticket.number} n'émet pas de ${VOUCHER_LABELS[voucherType]}${index === 1 ? '' : ` n° ${index}`}`,
      );
    }
    amount = line.net;
  }
  const suffix = index === 1 ? '' : `/${index}`;
  const validUntil = shiftDate(
    ticket.issuedAt.date,
    settings.validityMonths?.[voucherType] ?? DEFAULT_VALIDITY[voucherType],
    -1,
  );
  return {
    ...header(record, settings, record.payload.currency),
    kind: 'voucher',
    voucherType,
    number: ticket.number,
    ...(ticket.cashier === undefined ? {} : { cashier: ticket.cashier }),
    ...(ticket.customer === undefined ? {} : { customer: ticket.customer }),
    ...(ticket.training === true ? { training: true } : {}),
    voucherNumber: `${VOUCHER_PREFIX[voucherType]}${ticket.number}${suffix}`,
    amount,
    validFrom: ticket.issuedAt.date,
    validUntil,
    returnCode: `${VOUCHER_DIGIT[voucherType]}${record.register.padStart(3, '0')}${String(record.sequence).padStart(7, '0')}${String(index).padStart(2, '0')}`,
    originTicket: ticket.number,
  };
}

const VOUCHER_LABELS: Readonly<Record<VoucherType, string>> = {
  'credit-note': "bon d'avoir",
  deposit: "bon d'acompte",
  earnest: "bon d'arrhes",
  'gift-card': 'carte cadeau',
  'prepaid-card': 'carte prépayée',
};

/** The service ticket (retouche) of a sale's service lines: what to do, and when it will be ready. */
export function serviceTicketOf(record: JournalRecord, settings: DocumentSettings): ServiceTicket {
  const sale = saleOnly(record, 'Un ticket de service');
  const ticket = saleTicketOf(sale, settings);
  const lines = issuingLines(sale, settings, 'service');
  if (lines.length === 0)
    throw new DocumentSourceError(`Le ticket ${ticket.number} n'a pas de prestation de service`);
  return {
    ...header(sale, settings, sale.payload.currency),
    kind: 'service',
    title: settings.serviceTitle ?? 'TICKET DE RETOUCHE',
    number: `S${ticket.number}`,
    ...(ticket.cashier === undefined ? {} : { cashier: ticket.cashier }),
    ...(ticket.seller === undefined ? {} : { seller: ticket.seller }),
    ...(ticket.customer === undefined ? {} : { customer: ticket.customer }),
    ...(ticket.training === true ? { training: true } : {}),
    expectedDelivery: shiftDate(ticket.issuedAt.date, 0, settings.serviceDelayDays ?? 7),
    items: lines.map((l) => ({
      quantity: l.quantity,
      ...(l.ref === '' ? {} : { reference: l.ref }),
      designation: l.designation,
    })),
    instructions: lines.map((l) => l.designation),
    originTicket: ticket.number,
  };
}

/**
 * Any document, from journal records only plus the settings. `records[0]` is the record; a DUPLICATE
 * is followed by the record it reprints. A CLOSURE gives its Z report whatever `kind` says.
 */
export function documentFromRecord(source: DocumentSource): ReceiptDocument {
  const [record, original] = source.records;
  const { settings, kind } = source;
  if (record === undefined) throw new DocumentSourceError('Aucun enregistrement du journal');
  if (record.type === 'CLOSURE') return closureDocumentOf(record, settings, source.till, source.covered);
  if (record.type === 'DUPLICATE') {
    if (original === undefined) throw new DocumentSourceError("Le ticket d'origine du duplicata manque");
    const copied = duplicateKindOf(record);
    if (kind !== copied.kind || (source.index ?? copied.index) !== copied.index) {
      const what = copied.index === 1 ? copied.kind : `${copied.kind} --index ${copied.index}`;
      throw new DocumentSourceError(
        `Le duplicata n° ${record.sequence} est celui du document --kind ${what}`,
      );
    }
    return duplicateDocumentOf(record, original, settings, source.till, source.covered);
  }
  return issuedDocumentOf(record, settings, kind, source.index ?? 1);
}

/** One document of a record: its ticket (or Z report), or a document its sale issued. */
function issuedDocumentOf(
  record: JournalRecord,
  settings: DocumentSettings,
  kind: ReceiptKind,
  index: number,
): ReceiptDocument {
  switch (kind) {
    case 'ticket':
      return saleTicketOf(record, settings);
    case 'gift':
      return giftTicketOf(record, settings);
    case 'invoice':
      return invoiceOf(record, settings);
    case 'service':
      return serviceTicketOf(record, settings);
    default:
      return voucherOf(record, settings, kind, index);
  }
}
