/**
 * The document model: plain typed data for every document Comptoir prints, e-mails or saves as PDF.
 *
 * A document is built by the caller from what the fiscal journal holds (never from the screen), then
 * handed to a renderer (text, ESC/POS, PDF). Renderers are pure functions of this data: the same
 * document always gives the same bytes, so a reprint is the same sale plus its duplicate mention.
 *
 * Amounts are integer minor units (`Minor`) of `currency` (an ISO 4217 code known to
 * `src/sales/money.ts`); quantities are thousandths (`Milli`); rates are hundredths of a percent
 * (`Centi`). Dates arrive already formatted (`DateTimeText`, see `dateTimeText`).
 */
import type { Centi, Milli, Minor } from '../sales/money.ts';

/** A date and time as printed, plus the compact `YYYYMMDDHHMMSS` form used in signed texts and QR codes. */
export interface DateTimeText {
  /** `23/11/2026` */
  readonly date: string;
  /** `14:40:58` */
  readonly time: string;
  /** `20261123144058` (local time of the store) */
  readonly stamp: string;
}

/** The store as printed at the top of every document. */
export interface StoreIdentity {
  /** Enseigne: the sign over the door. */
  readonly sign: string;
  /** Raison sociale when it differs from the sign (`Ste chaussures`). */
  readonly legalName?: string;
  /** Forme juridique and capital: mandatory on invoices (`SAS au capital de 10 000 €`). */
  readonly legalForm?: string;
  /** Street lines, then postal code, city and the country written out. */
  readonly addressLines: readonly string[];
  readonly postalCode: string;
  readonly city: string;
  readonly country: string;
  readonly siret: string;
  /** NAF / APE code (`4772A`). */
  readonly naf: string;
  /** Intra-community VAT number (`FR53488549858`). */
  readonly vatNumber: string;
  readonly phone?: string;
  readonly fax?: string;
  readonly email?: string;
  readonly web?: string;
  /** Configurable footer: return policy, opening hours… one entry a line. */
  readonly footer?: readonly string[];
}

/**
 * What this register prints (seed 000, « Options sur le ticket »). Every option is optional and
 * defaults to `true` (print it).
 */
export interface PrintOptions {
  readonly showEmail?: boolean;
  readonly showWeb?: boolean;
  readonly showPhoneFax?: boolean;
  readonly showLegalIds?: boolean;
  /** Print the percentage of a global discount next to its amount. */
  readonly showGlobalDiscountPercent?: boolean;
  /** Print the components of a composition under it (seed 001). */
  readonly showComponents?: boolean;
  readonly showBarcode?: boolean;
  readonly showQrCode?: boolean;
}

/** The software that produced the document: NF525 wants its name and (certified) version printed. */
export interface SoftwareIdentity {
  readonly name: string;
  readonly version: string;
  /** Certificate or attestation reference, when there is one. */
  readonly certificate?: string;
}

/**
 * The fiscal identity of the record behind a document, as the fiscal journal gives it. The signature
 * is ECDSA P-256 in base64url; `shortCode` is its characters 3, 7, 13 and 19 (see `shortCodeOf`).
 */
export interface FiscalStamp {
  /** Sequential number of the record in its chain (per register and record type). */
  readonly sequence: number;
  /** base64url signature of `signedText`. */
  readonly signature: string;
  readonly shortCode: string;
  /** Which journal key signed (matches an entry of the public keys file). */
  readonly keyId: string;
  /**
   * The exact text the fiscal core signed. Optional on paper; needed to verify a PDF offline, so the
   * PDF carries it in its embedded receipt data.
   */
  readonly signedText?: string;
}

export interface Person {
  readonly code?: string;
  readonly name: string;
}

export interface Customer {
  readonly code?: string;
  readonly name: string;
  /** Billing address lines (invoices). */
  readonly addressLines?: readonly string[];
  readonly vatNumber?: string;
  readonly loyalty?: {
    readonly cardNumber?: string;
    readonly points: number;
    readonly articles?: number;
    readonly visits?: number;
  };
}

/** A component of a composition (menu, kit, lot). */
export interface ComponentLine {
  readonly quantity: Milli;
  readonly reference?: string;
  readonly designation: string;
}

export interface DocumentLine {
  readonly quantity: Milli;
  readonly reference?: string;
  readonly designation: string;
  /** VAT code printed before the line and in the VAT table (`1`, `2`…). */
  readonly vatCode: string;
  /** Unit price TTC before the line's discount. */
  readonly unitPrice: Minor;
  /** Line amount TTC after its discount. */
  readonly amount: Minor;
  readonly discount?: { readonly amount: Minor; readonly percent?: Centi; readonly label?: string };
  /** Eco-participation included in the amount (« Dont une Eco-participation de … »). */
  readonly ecoParticipation?: Minor;
  readonly components?: readonly ComponentLine[];
}

export interface VatRow {
  readonly code: string;
  readonly rate: Centi;
  readonly base: Minor;
  readonly vat: Minor;
  readonly total: Minor;
}

export interface Totals {
  readonly totalExclVat: Minor;
  readonly totalVat: Minor;
  readonly totalInclVat: Minor;
  readonly globalDiscount?: { readonly amount: Minor; readonly percent?: Centi };
  /** Cash rounding (arrondi) applied to the amount due, signed. */
  readonly rounding?: Minor;
}

export interface Payment {
  readonly label: string;
  readonly amount: Minor;
}

/** The body of a sale: what a ticket, its duplicate, a training ticket and an invoice all print. */
export interface SaleBody {
  readonly lines: readonly DocumentLine[];
  readonly vat: readonly VatRow[];
  readonly totals: Totals;
  readonly payments: readonly Payment[];
  readonly change?: Minor;
  /** Number of articles (sum of quantities, in units) and of lines, as NF525 wants them printed. */
  readonly articleCount: number;
  readonly lineCount: number;
}

/** What every document carries. */
export interface DocumentHeader {
  readonly currency: string;
  readonly store: StoreIdentity;
  readonly options?: PrintOptions;
  readonly software: SoftwareIdentity;
  /** Register code (`C1`). */
  readonly register: string;
  /** Document number as printed (`1082000000825`). */
  readonly number: string;
  readonly issuedAt: DateTimeText;
  readonly cashier?: Person;
  readonly seller?: Person;
  readonly customer?: Customer;
  /** Training mode (« mode école »): every line is marked and nothing counts in the grand totals. */
  readonly training?: boolean;
  readonly fiscal?: FiscalStamp;
  /** A reprint (checklist items 24-25): any document of a sale can be one. */
  readonly duplicate?: DuplicateInfo;
}

/** NF525 mentions linking a ticket to the one it cancels or that cancels it. */
export interface CancellationLinks {
  /** « Ce ticket annule le ticket n° … » */
  readonly cancels?: string;
  /** « Ce ticket est annulé par le ticket n° … » */
  readonly cancelledBy?: string;
  /** A return (issue 14): « Ce ticket modifie le ticket n° … » */
  readonly modifies?: string;
  /** The return's cause, as printed. */
  readonly returnCause?: string;
}

/** A reprint: the original document plus « DUPLICATA », its copy number and its own signature. */
export interface DuplicateInfo {
  /** 1 for the first reprint, 2 for the second… */
  readonly copyNumber: number;
  readonly printedAt: DateTimeText;
  readonly fiscal?: FiscalStamp;
  readonly reason?: string;
}

export interface SaleTicket extends DocumentHeader, SaleBody, CancellationLinks {
  readonly kind: 'sale';
}

/** Gift ticket: the articles without any price. */
export interface GiftTicket extends DocumentHeader {
  readonly kind: 'gift';
  readonly lines: readonly Pick<DocumentLine, 'quantity' | 'reference' | 'designation'>[];
  readonly articleCount: number;
  /** Return / exchange conditions printed under the lines. */
  readonly exchangeNote?: string;
}

/** The vouchers a sale can issue: bon d'avoir, acompte, arrhes, carte cadeau, carte prépayée. */
export type VoucherType = 'credit-note' | 'deposit' | 'earnest' | 'gift-card' | 'prepaid-card';

export interface Voucher extends DocumentHeader {
  readonly kind: 'voucher';
  readonly voucherType: VoucherType;
  /** Voucher number (`V3M1C1D1082-000001`). */
  readonly voucherNumber: string;
  readonly amount: Minor;
  readonly validFrom?: string;
  readonly validUntil?: string;
  /** Code read back at the till (printed and as a barcode). */
  readonly returnCode?: string;
  readonly reservationCode?: string;
  /** The ticket that issued it. */
  readonly originTicket?: string;
}

/** Service ticket (retouche, repair): what to do and when it will be ready. */
export interface ServiceTicket extends DocumentHeader {
  readonly kind: 'service';
  readonly title: string;
  readonly expectedDelivery: string;
  readonly instructions: readonly string[];
  readonly items?: readonly Pick<DocumentLine, 'quantity' | 'reference' | 'designation'>[];
  readonly originTicket?: string;
}

/** Invoice built from a ticket (seed 002): origin = the ticket and its register. */
export interface Invoice extends DocumentHeader, SaleBody {
  readonly kind: 'invoice';
  readonly invoiceNumber: string;
  readonly origin: { readonly ticketNumber: string; readonly register: string; readonly date: string };
  readonly customer: Customer;
  readonly dueDate?: string;
  readonly paymentTerms?: string;
}

/** Z report of a closure (daily, monthly, yearly). */
export interface ClosureReport extends DocumentHeader {
  readonly kind: 'z-report';
  readonly period: 'day' | 'month' | 'year';
  /** The closed period as the journal names it: `2026-11-23`, `2026-11`, `2026`. */
  readonly periodLabel?: string;
  readonly from: DateTimeText;
  readonly to: DateTimeText;
  readonly ticketCount: number;
  readonly firstTicket?: string;
  readonly lastTicket?: string;
  readonly cancellations: number;
  /** Reprints (duplicates) made in the period. */
  readonly duplicates?: number;
  readonly sales: Minor;
  /** Returns, as a positive amount. */
  readonly returns: Minor;
  readonly net: Minor;
  readonly vat: readonly VatRow[];
  readonly payments: readonly Payment[];
  readonly grandTotal: Minor;
  /** Grand total of the period in absolute value (sales + returns). */
  readonly grandTotalAbsolute?: Minor;
  readonly perpetualTotal: Minor;
  readonly perpetualTotalAbsolute: Minor;
  /** The till's closing count of the day (issue 13), when the day was closed with a count. */
  readonly tillCount?: TillCountSection;
  /** What the day reconciles (issue 12): per mode received, change, settled; credit notes, returns. */
  readonly reconciliation?: ReconciliationSection;
}

/** A daily Z's reconciliation, derived from the signed tickets the closure covers (`reconcile`). */
export interface ReconciliationSection {
  readonly tenders: readonly {
    readonly label: string;
    readonly received: Minor;
    readonly change: Minor;
    readonly settled: Minor;
  }[];
  readonly creditNotes: { readonly count: number; readonly amount: Minor };
  readonly returns: { readonly count: number; readonly amount: Minor };
  readonly cancellations: { readonly count: number; readonly amount: Minor };
}

/** The Z report's count section: per mode expected, counted and difference; what went to the safe. */
export interface TillCountSection {
  readonly rows: readonly {
    readonly label: string;
    readonly expected: Minor;
    readonly counted: Minor;
    readonly difference: Minor;
  }[];
  /** The cash taken out to the safe or the bank at closing (positive), 0 when all stayed. */
  readonly removed: Minor;
}

export type ReceiptDocument = SaleTicket | GiftTicket | Voucher | ServiceTicket | Invoice | ClosureReport;

export type DocumentKind = ReceiptDocument['kind'];

/** The NF525 signature extract: characters 3, 7, 13 and 19 of the signature (1-based). */
export function shortCodeOf(signature: string): string {
  return [2, 6, 12, 18].map((i) => signature[i] ?? '').join('');
}

/** Titles printed at the top of each document, in French. */
export function documentTitle(doc: ReceiptDocument): string {
  switch (doc.kind) {
    case 'sale':
      return 'TICKET';
    case 'gift':
      return 'TICKET CADEAU';
    case 'voucher':
      return VOUCHER_TITLES[doc.voucherType];
    case 'service':
      return doc.title;
    case 'invoice':
      return 'FACTURE';
    case 'z-report':
      return CLOSURE_TITLES[doc.period];
  }
}

export const VOUCHER_TITLES: Readonly<Record<VoucherType, string>> = {
  'credit-note': "BON D'AVOIR",
  deposit: "BON D'ACOMPTE",
  earnest: 'BON D’ARRHES',
  'gift-card': 'CARTE CADEAU',
  'prepaid-card': 'CARTE PRÉPAYÉE',
};

const CLOSURE_TITLES = {
  day: 'CLÔTURE JOURNALIÈRE (Z)',
  month: 'CLÔTURE MENSUELLE',
  year: 'CLÔTURE ANNUELLE',
} as const;

/**
 * Formats an instant in the store's time zone. Pure: the clock and the zone are passed in.
 */
export function dateTimeText(at: Date, timeZone: string): DateTimeText {
  const parts = new Intl.DateTimeFormat('fr-FR', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  const [y, mo, d, h, mi, s] = [
    get('year'),
    get('month'),
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  ];
  return { date: `${d}/${mo}/${y}`, time: `${h}:${mi}:${s}`, stamp: `${y}${mo}${d}${h}${mi}${s}` };
}
