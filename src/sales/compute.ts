import { allocate } from './allocate.ts';
import { normaliseErrors, type SalesError, salesError } from './errors.ts';
import { type Centi, formatTrimmed, type Minor, mulDivRound, roundToStep } from './money.ts';
import type { ArticleLine, Discount, PaymentInput, PriceMode, TicketInput } from './ticket-input.ts';
import type { ArticleLineResult, LineResult, PaymentResult, TicketResult, VatRow } from './ticket-result.ts';

/**
 * The sales engine: computes a ticket's amounts by the rules of `spec/sales-arithmetic.md`.
 * Pure and deterministic: the same input always gives the same result.
 */
export function computeTicket(input: TicketInput): TicketResult {
  return new TicketComputation(input).run();
}

/** An article line (or component) while the ticket is computed: its discounts change as sub-totals apply. */
interface WorkLine {
  index: number;
  ref: string;
  designation: string | undefined;
  qty: number;
  unitPrice: number;
  unitPriceScale: number;
  vatRate: Centi;
  gross: Minor;
  lineDiscount: Minor;
  globalDiscount: Minor;
  net: Minor;
}

type WorkSlot =
  | { kind: 'article'; line: WorkLine }
  | {
      kind: 'composition';
      index: number;
      ref: string;
      designation: string | undefined;
      components: WorkLine[];
    };

const PERCENT = 10_000; // 100 % in hundredths of a percent, times 100 for the ratio

class TicketComputation {
  private readonly errors: SalesError[] = [];
  private readonly exempt: boolean;
  private readonly convertPrices: boolean;
  private readonly mode: PriceMode;
  private readonly exponent: number;

  constructor(private readonly input: TicketInput) {
    this.exempt = input.taxExempt;
    // A tax-exempt customer switches a TTC ticket to HT: TTC prices are brought back to HT (§4).
    this.convertPrices = input.taxExempt && input.mode === 'TTC';
    this.mode = input.taxExempt ? 'HT' : input.mode;
    this.exponent = input.currency.exponent;
  }

  run(): TicketResult {
    const input = this.input;
    const slots: WorkSlot[] = [];
    const sharing: WorkLine[] = [];

    input.items.forEach((item, index) => {
      switch (item.kind) {
        case 'article': {
          const line = this.articleLine(item, index, this.convertPrices);
          slots.push({ kind: 'article', line });
          sharing.push(line);
          break;
        }
        case 'composition': {
          const components = item.components.map((c) => this.articleLine(c, index, this.convertPrices));
          if (item.price !== null) this.rescaleComposition(item.components, components, item.price, index);
          slots.push({
            kind: 'composition',
            index,
            ref: item.ref,
            designation: item.designation,
            components,
          });
          sharing.push(...components);
          break;
        }
        case 'subtotal':
          if (item.discount !== null) this.spreadDiscount(item.discount, sharing);
          break;
      }
    });
    if (input.footerDiscount !== null) this.spreadDiscount(input.footerDiscount, sharing);
    if (slots.length === 0) this.errors.push(salesError('EMPTY_TICKET'));

    const shipping = this.shipping();
    const vat = this.vatRows(sharing, shipping);
    let totalHT = 0;
    let totalVAT = 0;
    let totalTTC = 0;
    for (const row of vat) {
      totalHT += row.base;
      totalVAT += row.tax;
      totalTTC += row.total;
    }
    if (totalTTC < 0) this.errors.push(salesError('NEGATIVE_TOTAL'));

    const settlement = this.settle(totalTTC);
    const errors = normaliseErrors(this.errors);
    let articleCount = 0;
    for (const line of sharing) articleCount += line.qty;

    return {
      valid: errors.length === 0,
      errors,
      currency: input.currency,
      mode: this.mode,
      lines: slots.map(toLineResult),
      shipping,
      vat,
      totalHT,
      totalVAT,
      totalTTC,
      ...settlement,
      articleCount,
      lineCount: slots.length,
    };
  }

  /** §1: gross, line discount, net of one article line. */
  private articleLine(line: ArticleLine, index: number, convert: boolean): WorkLine {
    const rate = line.vatRate;
    let gross: Minor;
    let unitPrice: number;
    let unitPriceScale = this.exponent;
    if (line.price.kind === 'unit') {
      unitPrice = convert ? toHT(line.price.unitPrice, rate) : line.price.unitPrice;
      gross = mulDivRound(line.qty, unitPrice, 1000);
    } else {
      gross = convert ? toHT(line.price.amount, rate) : line.price.amount;
      // The unit price is recomputed from the amount, kept at 4 decimals (§1.4).
      unitPriceScale = 4;
      unitPrice = mulDivRound(gross, 10 ** (4 - this.exponent) * 1000, line.qty);
    }
    let lineDiscount = 0;
    if (line.discount !== null) {
      lineDiscount =
        line.discount.kind === 'percent'
          ? mulDivRound(gross, line.discount.rate, PERCENT)
          : line.discount.amount;
      if (lineDiscount !== 0) {
        if (!fitsWithin(lineDiscount, gross)) this.errors.push(salesError('DISCOUNT_TOO_LARGE'));
        this.checkLimit(line.discount, Math.abs(lineDiscount), Math.abs(gross));
      }
    }
    return {
      index,
      ref: line.ref,
      designation: line.designation,
      qty: line.qty,
      unitPrice,
      unitPriceScale,
      vatRate: this.exempt ? 0 : rate,
      gross,
      lineDiscount,
      globalDiscount: 0,
      net: gross - lineDiscount,
    };
  }

  /** §3: a fixed composition price rescales the components' nets by largest remainder. */
  private rescaleComposition(
    source: readonly ArticleLine[],
    components: WorkLine[],
    price: Minor,
    index: number,
  ): void {
    let target = price;
    if (this.convertPrices) {
      // The fixed price is TTC: bring it to HT in the proportion of the components' own conversion.
      const ttc = source.map((c) => this.articleLine(c, index, false).net).reduce((a, b) => a + b, 0);
      const ht = components.reduce((sum, c) => sum + c.net, 0);
      target = ttc === 0 ? price : mulDivRound(price, ht, ttc);
    }
    const shares = allocate(
      target,
      components.map((c) => c.net),
    );
    components.forEach((c, i) => {
      c.net = shares[i] ?? 0;
    });
  }

  /** §2: a sub-total or footer discount spread over the lines before it, by largest remainder. */
  private spreadDiscount(discount: Discount, lines: readonly WorkLine[]): void {
    const takers = lines.filter((line) => line.net > 0);
    const base = takers.reduce((sum, line) => sum + line.net, 0);
    const total = discount.kind === 'percent' ? mulDivRound(base, discount.rate, PERCENT) : discount.amount;
    if (total === 0) return;
    if (total < 0 || total > base) this.errors.push(salesError('DISCOUNT_TOO_LARGE'));
    this.checkLimit(discount, Math.abs(total), base);
    const shares = allocate(
      total,
      takers.map((line) => line.net),
    );
    takers.forEach((line, i) => {
      const share = shares[i] ?? 0;
      line.globalDiscount += share;
      line.net -= share;
    });
  }

  /** The register's discount limits, in percent and in amount, unless a manager overrode them. */
  private checkLimit(discount: Discount, amount: Minor, base: Minor): void {
    if (this.input.override || discount.authorized === true) return;
    const { maxDiscountPercent, maxDiscountAmount } = this.input.limits;
    let exceeded = maxDiscountAmount !== null && amount > maxDiscountAmount;
    if (maxDiscountPercent !== null) {
      exceeded ||=
        discount.kind === 'percent'
          ? Math.abs(discount.rate) > maxDiscountPercent
          : BigInt(amount) * BigInt(PERCENT) > BigInt(maxDiscountPercent) * BigInt(base);
    }
    if (exceeded) this.errors.push(salesError('DISCOUNT_LIMIT_EXCEEDED'));
  }

  private shipping(): TicketResult['shipping'] {
    const shipping = this.input.shipping;
    if (shipping === null) return null;
    const rate = shipping.vatRate ?? this.input.standardVatRate;
    return {
      net: this.convertPrices ? toHT(shipping.amount, rate) : shipping.amount,
      vatRate: this.exempt ? 0 : rate,
    };
  }

  /** §4: one row per rate present, sorted by rate, VAT rounded once per rate. */
  private vatRows(lines: readonly WorkLine[], shipping: TicketResult['shipping']): VatRow[] {
    const sums = new Map<Centi, Minor>();
    for (const line of lines) sums.set(line.vatRate, (sums.get(line.vatRate) ?? 0) + line.net);
    if (shipping !== null) sums.set(shipping.vatRate, (sums.get(shipping.vatRate) ?? 0) + shipping.net);
    const rates = [...sums.keys()].sort((a, b) => a - b);
    return rates.map((rate) => {
      const sum = sums.get(rate) ?? 0;
      if (this.mode === 'TTC') {
        const tax = mulDivRound(sum, rate, PERCENT + rate);
        return { rate, base: sum - tax, tax, total: sum };
      }
      const tax = mulDivRound(sum, rate, PERCENT);
      return { rate, base: sum, tax, total: sum + tax };
    });
  }

  /**
   * What a payment hands over in the system currency, or null when it pays what is asked. A foreign
   * tender is converted with its rate and rounded once (§5).
   */
  private tenderOf(payment: PaymentInput): Minor | null {
    const foreign = payment.foreign;
    if (foreign === undefined) return payment.amount;
    return mulDivRound(
      foreign.amount,
      foreign.rate * 10 ** this.exponent,
      10 ** (foreign.currency.exponent + foreign.rateScale),
    );
  }

  /** §5: payments in order against what remains due, with cash rounding, change and credit notes. */
  private settle(
    totalTTC: Minor,
  ): Pick<TicketResult, 'payments' | 'roundingAdjustment' | 'change' | 'creditNote' | 'remaining'> {
    let remaining = Math.max(totalTTC, 0);
    let roundingAdjustment = 0;
    let change = 0;
    let creditNote = 0;
    let refused = false;
    const payments: PaymentResult[] = [];
    for (const payment of this.input.payments) {
      const rule = this.input.paymentModes.get(payment.mode);
      if (rule === undefined) {
        this.errors.push(salesError('UNKNOWN_PAYMENT_MODE', payment.mode));
        payments.push(paymentResult(payment, this.tenderOf(payment) ?? 0, 0));
        continue;
      }
      const asked = rule.rounding === null ? remaining : roundToStep(remaining, rule.rounding);
      const given = this.tenderOf(payment) ?? asked;
      let settled: Minor;
      if (rule.rounding !== null && given >= asked) {
        settled = asked;
        roundingAdjustment += remaining - asked;
        remaining = 0;
      } else {
        settled = Math.min(given, remaining);
        remaining -= settled;
      }
      const excess = given - settled;
      if (excess > 0) {
        if (rule.excess === 'creditNote') creditNote += excess;
        else if (rule.excess === 'change' || this.input.override || payment.authorized === true)
          change += excess;
        else {
          refused = true;
          this.errors.push(salesError('OVERPAYMENT_NOT_ALLOWED', payment.mode));
        }
      }
      payments.push(paymentResult(payment, given, settled));
    }
    if (totalTTC >= 0 && !refused) {
      const given = payments.reduce((sum, p) => sum + p.given, 0);
      if (remaining > 0 || given - change - creditNote + roundingAdjustment !== totalTTC) {
        this.errors.push(salesError('PAYMENT_MISMATCH'));
      }
    }
    return { payments, roundingAdjustment, change, creditNote, remaining };
  }
}

/** A TTC amount brought back to HT at `rate`, rounded (§4, tax-exempt customers). */
function toHT(amount: Minor, rate: Centi): Minor {
  return mulDivRound(amount, PERCENT, PERCENT + rate);
}

/** A discount must have the sign of what it discounts and not exceed it (§1.3). */
function fitsWithin(discount: Minor, gross: Minor): boolean {
  if (gross === 0) return false;
  if (gross > 0) return discount > 0 && discount <= gross;
  return discount < 0 && discount >= gross;
}

function paymentResult(payment: PaymentInput, given: Minor, amount: Minor): PaymentResult {
  if (payment.foreign === undefined) return { mode: payment.mode, given, amount };
  const { currency, amount: foreignAmount, rate, rateScale } = payment.foreign;
  return {
    mode: payment.mode,
    given,
    amount,
    foreign: { currency: currency.code, amount: foreignAmount, rate: formatTrimmed(rate, rateScale) },
  };
}

function toLineResult(slot: WorkSlot): LineResult {
  if (slot.kind === 'article') return articleResult(slot.line);
  const components = slot.components.map(articleResult);
  return {
    kind: 'composition',
    index: slot.index,
    ref: slot.ref,
    ...(slot.designation === undefined ? {} : { designation: slot.designation }),
    net: components.reduce((sum, c) => sum + c.net, 0),
    components,
  };
}

function articleResult(line: WorkLine): ArticleLineResult {
  const result: ArticleLineResult = {
    kind: 'article',
    index: line.index,
    ref: line.ref,
    qty: line.qty,
    unitPrice: line.unitPrice,
    unitPriceScale: line.unitPriceScale,
    vatRate: line.vatRate,
    gross: line.gross,
    lineDiscount: line.lineDiscount,
    globalDiscount: line.globalDiscount,
    net: line.net,
  };
  return line.designation === undefined ? result : { ...result, designation: line.designation };
}
