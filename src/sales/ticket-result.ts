import type { SalesError } from './errors.ts';
import type { Centi, Currency, Milli, Minor } from './money.ts';
import type { PriceMode } from './ticket-input.ts';

/** One computed article line (or component of a composition). */
export interface ArticleLineResult {
  readonly kind: 'article';
  /** Position of the line in the ticket's items (for a component: of its composition). */
  readonly index: number;
  readonly ref: string;
  readonly designation?: string;
  readonly qty: Milli;
  /** Unit price as an integer scaled by `10^unitPriceScale` (the currency's exponent, or 4 for an entered amount). */
  readonly unitPrice: number;
  readonly unitPriceScale: number;
  readonly vatRate: Centi;
  readonly gross: Minor;
  readonly lineDiscount: Minor;
  readonly globalDiscount: Minor;
  readonly net: Minor;
}

export interface CompositionLineResult {
  readonly kind: 'composition';
  readonly index: number;
  readonly ref: string;
  readonly designation?: string;
  readonly net: Minor;
  readonly components: readonly ArticleLineResult[];
}

export type LineResult = ArticleLineResult | CompositionLineResult;

export interface VatRow {
  readonly rate: Centi;
  /** HT */
  readonly base: Minor;
  readonly tax: Minor;
  /** TTC */
  readonly total: Minor;
}

export interface PaymentResult {
  readonly mode: string;
  /** What was handed over, in the system currency. */
  readonly given: Minor;
  /** What the payment settles, after cash rounding and without its excess. */
  readonly amount: Minor;
  readonly foreign?: { readonly currency: string; readonly amount: Minor; readonly rate: string };
}

export interface TicketResult {
  readonly valid: boolean;
  readonly errors: readonly SalesError[];
  readonly currency: Currency;
  readonly mode: PriceMode;
  readonly lines: readonly LineResult[];
  readonly shipping: { readonly net: Minor; readonly vatRate: Centi } | null;
  readonly vat: readonly VatRow[];
  readonly totalHT: Minor;
  readonly totalVAT: Minor;
  readonly totalTTC: Minor;
  readonly payments: readonly PaymentResult[];
  readonly roundingAdjustment: Minor;
  readonly change: Minor;
  readonly creditNote: Minor;
  readonly remaining: Minor;
  /** Sum of the quantities of the article lines and components, in thousandths. */
  readonly articleCount: Milli;
  /** Number of article and composition lines. */
  readonly lineCount: number;
}
