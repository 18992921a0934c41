import { computeTicket } from './compute.ts';
import { type Currency, currencyOf, formatScaled, formatTrimmed } from './money.ts';
import { type InputIssue, readScenario } from './scenario.ts';
import type { ArticleLineResult, LineResult, TicketResult } from './ticket-result.ts';

/**
 * `comptoir quote`: a scenario in, the computed ticket out (spec/ticket-scenario.md).
 * Exit status 0 for a valid ticket, 1 for a ticket that computes but cannot be validated, 2 for input
 * that cannot be read.
 */
export interface QuoteOutcome {
  readonly exitCode: 0 | 1 | 2;
  readonly output: QuoteJson | InvalidInputJson;
}

export interface InvalidInputJson {
  readonly valid: false;
  readonly errors: readonly { code: 'INVALID_INPUT'; message: string; field: string }[];
}

export type QuoteJson = ReturnType<typeof resultToJson>;

export function quote(data: unknown): QuoteOutcome {
  const reading = readScenario(data);
  if (!reading.ok) return { exitCode: 2, output: invalidInput(reading.issues) };
  const result = computeTicket(reading.input);
  return { exitCode: result.valid ? 0 : 1, output: resultToJson(result) };
}

export function invalidInput(issues: readonly InputIssue[]): InvalidInputJson {
  return {
    valid: false,
    errors: issues.map((issue) => ({
      code: 'INVALID_INPUT',
      message: `${issue.field} : ${issue.message}`,
      field: issue.field,
    })),
  };
}

/** The result as the JSON of the spec: money as decimal strings, rates with 2 decimals. */
export function resultToJson(result: TicketResult) {
  const money = (amount: number) => formatScaled(amount, result.currency.exponent);
  return {
    valid: result.valid,
    errors: result.errors.map(({ code, message }) => ({ code, message })),
    currency: result.currency.code,
    mode: result.mode,
    lines: result.lines.map((line) => lineToJson(line, result.currency)),
    shipping:
      result.shipping === null
        ? null
        : { net: money(result.shipping.net), vatRate: formatScaled(result.shipping.vatRate, 2) },
    vat: result.vat.map((row) => ({
      rate: formatScaled(row.rate, 2),
      base: money(row.base),
      tax: money(row.tax),
      total: money(row.total),
    })),
    totalHT: money(result.totalHT),
    totalVAT: money(result.totalVAT),
    totalTTC: money(result.totalTTC),
    payments: result.payments.map((p) => ({
      mode: p.mode,
      given: money(p.given),
      amount: money(p.amount),
      ...(p.foreign === undefined
        ? {}
        : {
            currency: p.foreign.currency,
            foreignAmount: formatScaled(p.foreign.amount, currencyOf(p.foreign.currency)?.exponent ?? 2),
            rate: p.foreign.rate,
          }),
    })),
    roundingAdjustment: money(result.roundingAdjustment),
    change: money(result.change),
    creditNote: money(result.creditNote),
    remaining: money(result.remaining),
  };
}

function lineToJson(line: LineResult, currency: Currency) {
  if (line.kind === 'composition') {
    return {
      ref: line.ref,
      net: formatScaled(line.net, currency.exponent),
      components: line.components.map((c) => articleToJson(c, currency)),
    };
  }
  return articleToJson(line, currency);
}

function articleToJson(line: ArticleLineResult, currency: Currency) {
  const money = (amount: number) => formatScaled(amount, currency.exponent);
  return {
    ref: line.ref,
    qty: formatTrimmed(line.qty, 3),
    unitPrice: formatTrimmed(line.unitPrice, line.unitPriceScale, currency.exponent),
    vatRate: formatScaled(line.vatRate, 2),
    gross: money(line.gross),
    lineDiscount: money(line.lineDiscount),
    globalDiscount: money(line.globalDiscount),
    net: money(line.net),
  };
}
