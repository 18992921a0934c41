import type { Centi, Currency, Milli, Minor } from './money.ts';

/**
 * What the sales engine computes from: a ticket as data, already read into exact integers. The
 * scenario reader (`quote.ts`) and the cashier's commands (`ticket.ts`) both produce it.
 */

/** Prices include VAT (TTC, the default) or exclude it (HT). */
export type PriceMode = 'TTC' | 'HT';

/** A discount: a percentage ("Rem%") or an amount ("Rem€"). */
export type Discount =
  | { readonly kind: 'percent'; readonly rate: Centi; readonly authorized?: boolean }
  | { readonly kind: 'amount'; readonly amount: Minor; readonly authorized?: boolean };
// `authorized`: a manager lifted the register's discount limits for this discount (seed 001).

/** How a line's price is given: a unit price, or the line amount typed directly. */
export type LinePrice =
  | { readonly kind: 'unit'; readonly unitPrice: Minor }
  | { readonly kind: 'amount'; readonly amount: Minor };

export interface ArticleLine {
  readonly kind: 'article';
  readonly ref: string;
  readonly designation?: string;
  readonly qty: Milli;
  readonly price: LinePrice;
  readonly vatRate: Centi;
  readonly discount: Discount | null;
}

/** A sub-total ("S/T"), optionally carrying a discount spread over every line before it. */
export interface SubtotalLine {
  readonly kind: 'subtotal';
  readonly discount: Discount | null;
}

/** A composed article ("coffret"): component lines and an optional fixed price. */
export interface CompositionLine {
  readonly kind: 'composition';
  readonly ref: string;
  readonly designation?: string;
  readonly price: Minor | null;
  readonly components: readonly ArticleLine[];
}

export type TicketItem = ArticleLine | SubtotalLine | CompositionLine;

/** What an overpayment with a mode becomes. */
export type ExcessRule = 'refuse' | 'change' | 'creditNote';

export interface PaymentModeRule {
  readonly excess: ExcessRule;
  /** Cash rounding step in minor units (5 for 0.05 €), or null. */
  readonly rounding: Minor | null;
}

/** A payment handed in another currency: `amount` in that currency's minor unit, times `rate`. */
export interface ForeignTender {
  readonly currency: Currency;
  readonly amount: Minor;
  /** System units per foreign unit, as an integer scaled by `10^rateScale`. */
  readonly rate: number;
  readonly rateScale: number;
}

export interface PaymentInput {
  readonly mode: string;
  /** What was handed over, in the system currency; null pays exactly what is asked. */
  readonly amount: Minor | null;
  readonly foreign?: ForeignTender;
  /** A manager allowed an excess that the mode refuses: it becomes change. */
  readonly authorized?: boolean;
}

export interface DiscountLimits {
  readonly maxDiscountPercent: Centi | null;
  readonly maxDiscountAmount: Minor | null;
}

export interface Shipping {
  readonly amount: Minor;
  readonly vatRate: Centi | null;
}

export interface TicketInput {
  readonly currency: Currency;
  readonly mode: PriceMode;
  readonly taxExempt: boolean;
  readonly standardVatRate: Centi;
  readonly limits: DiscountLimits;
  readonly override: boolean;
  readonly paymentModes: ReadonlyMap<string, PaymentModeRule>;
  readonly items: readonly TicketItem[];
  readonly footerDiscount: Discount | null;
  readonly shipping: Shipping | null;
  readonly payments: readonly PaymentInput[];
}

/** The payment modes a scenario gets when it names none (ticket-scenario.md). */
export const DEFAULT_PAYMENT_MODES: ReadonlyMap<string, PaymentModeRule> = new Map([
  ['CASH', { excess: 'change', rounding: null }],
  ['CARD', { excess: 'refuse', rounding: null }],
]);

export const NO_LIMITS: DiscountLimits = { maxDiscountPercent: null, maxDiscountAmount: null };
