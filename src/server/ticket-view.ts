/** A ticket as the API shows it: the engine's lines with their computed amounts, totals and VAT. */
import type { z } from 'zod';
import type { ArticleLineResult, LineResult } from '../sales/ticket-result.ts';
import type { itemView, ticketView } from './schemas.ts';
import type { Notice, TicketEntry } from './ticket-service.ts';

export type TicketView = z.output<typeof ticketView>;
type ItemView = z.output<typeof itemView>;

function lineOf(line: ArticleLineResult) {
  return {
    ref: line.ref,
    ...(line.designation === undefined ? {} : { designation: line.designation }),
    qty: line.qty,
    unitPrice: line.unitPrice,
    unitPriceScale: line.unitPriceScale,
    vatRate: line.vatRate,
    gross: line.gross,
    lineDiscount: line.lineDiscount,
    globalDiscount: line.globalDiscount,
    net: line.net,
  };
}

export function toTicketView(entry: TicketEntry, notices: readonly Notice[] = []): TicketView {
  const { state, meta } = entry;
  const result = state.result;
  const byIndex = new Map<number, LineResult>();
  for (const line of result.lines) byIndex.set(line.index, line);
  let running = 0;
  const items: ItemView[] = state.items.map((item, index) => {
    const line = byIndex.get(index);
    if (item.kind === 'subtotal') {
      return { kind: 'subtotal', id: item.id, discount: item.discount, amount: running };
    }
    if (item.kind === 'article') {
      const computed = line?.kind === 'article' ? line : undefined;
      running += computed?.net ?? 0;
      return {
        kind: 'article',
        id: item.id,
        discount: item.line.discount,
        ...(computed === undefined
          ? {
              ref: item.line.ref,
              qty: item.line.qty,
              unitPrice: 0,
              unitPriceScale: 0,
              vatRate: item.line.vatRate,
              gross: 0,
              lineDiscount: 0,
              globalDiscount: 0,
              net: 0,
            }
          : lineOf(computed)),
        ...(item.line.designation === undefined ? {} : { designation: item.line.designation }),
      };
    }
    const computed = line?.kind === 'composition' ? line : undefined;
    running += computed?.net ?? 0;
    return {
      kind: 'composition',
      id: item.id,
      ref: item.ref,
      ...(item.designation === undefined ? {} : { designation: item.designation }),
      qty: item.qty,
      price: item.price,
      net: computed?.net ?? 0,
      components: computed?.components.map(lineOf) ?? [],
    };
  });
  return {
    id: entry.id,
    register: entry.register,
    status: entry.status,
    version: entry.version,
    openedBy: entry.openedBy,
    phase: state.phase,
    held: state.held,
    pointer: state.pointer,
    currency: state.settings.currency.code,
    customer:
      state.customer === null
        ? null
        : { code: state.customer.code, name: meta.customerName, taxExempt: state.customer.taxExempt },
    seller: state.seller === null ? null : { code: state.seller, name: meta.sellerName },
    items,
    footerDiscount: state.footerDiscount,
    shipping:
      state.shipping === null
        ? null
        : { amount: state.shipping.amount, vatRate: state.shipping.vatRate, net: result.shipping?.net ?? 0 },
    payments: state.payments.map((p, i) => ({
      id: p.id,
      mode: p.payment.mode,
      given: result.payments[i]?.given ?? 0,
      amount: result.payments[i]?.amount ?? 0,
    })),
    totals: {
      ht: result.totalHT,
      vat: result.totalVAT,
      ttc: result.totalTTC,
      remaining: result.remaining,
      change: result.change,
      creditNote: result.creditNote,
      roundingAdjustment: result.roundingAdjustment,
      articleCount: result.articleCount,
      lineCount: result.lineCount,
    },
    vat: result.vat.map((row) => ({ rate: row.rate, base: row.base, tax: row.tax, total: row.total })),
    errors: result.errors.map((e) => ({ code: e.code, message: e.message })),
    notices: [...notices],
    sale: entry.sale,
    receipt:
      entry.receipt === null
        ? null
        : {
            choice: entry.receipt.choice,
            email: entry.receipt.email,
            printed: entry.receipt.outcome.printed,
            queued: entry.receipt.outcome.queued,
            duplicates: [...(entry.receipt.outcome.duplicates ?? [])],
            print:
              entry.receipt.outcome.print === undefined
                ? null
                : { ...entry.receipt.outcome.print, jobs: [...entry.receipt.outcome.print.jobs] },
            at: entry.receipt.at,
          },
    createdAt: entry.createdAt,
    updatedAt: entry.updatedAt,
  };
}
