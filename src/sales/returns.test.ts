import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { computeTicket } from './compute.ts';
import { currencyOf } from './money.ts';
import { computeReturn, type OriginalSale, type PastReturn, remainingOf } from './returns.ts';
import { DEFAULT_PAYMENT_MODES, NO_LIMITS, type TicketItem } from './ticket-input.ts';
import type { TicketResult } from './ticket-result.ts';

fc.configureGlobal({ numRuns: Number(process.env.FC_RUNS ?? 300) });
const EUR = currencyOf('EUR') as NonNullable<ReturnType<typeof currencyOf>>;

/** The original as the store reads it from a signed ticket: lines by position, totals per rate. */
function originalOf(r: TicketResult): OriginalSale {
  return {
    pricesIncludeTax: r.mode === 'TTC',
    lines: r.lines.map((l) =>
      l.kind === 'article'
        ? { qty: l.qty, parts: [{ vatRate: l.vatRate, net: l.net }] }
        : { qty: 1000, parts: l.components.map((c) => ({ vatRate: c.vatRate, net: c.net })) },
    ),
    perRate: r.vat.map((v) => ({ rate: v.rate, ht: v.base, vat: v.tax, ttc: v.total })),
  };
}

const sold = fc.record({
  qty: fc.integer({ min: 1, max: 9 }).map((q) => q * 1000),
  price: fc.integer({ min: 1, max: 90_000 }),
  vat: fc.constantFrom(0, 210, 550, 1000, 2000),
  off: fc.integer({ min: 0, max: 4000 }),
  box: fc.boolean(),
});

const sale = fc.record({
  lines: fc.array(sold, { minLength: 1, maxLength: 6 }),
  ht: fc.boolean(),
  footer: fc.integer({ min: 0, max: 2500 }),
});

type Sale = typeof sale extends fc.Arbitrary<infer T> ? T : never;

function saleResult(s: Sale): TicketResult {
  const items: TicketItem[] = s.lines.map((l) => {
    const article = {
      kind: 'article' as const,
      ref: 'A',
      qty: l.qty,
      price: { kind: 'unit' as const, unitPrice: l.price },
      vatRate: l.vat,
      discount: l.off === 0 ? null : { kind: 'percent' as const, rate: l.off },
    };
    return l.box
      ? { kind: 'composition', ref: 'BOX', price: null, components: [article, { ...article, vatRate: 550 }] }
      : article;
  });
  const result = computeTicket({
    currency: EUR,
    mode: s.ht ? 'HT' : 'TTC',
    taxExempt: false,
    standardVatRate: 2000,
    limits: NO_LIMITS,
    override: false,
    paymentModes: DEFAULT_PAYMENT_MODES,
    items,
    footerDiscount: s.footer === 0 ? null : { kind: 'percent', rate: s.footer },
    shipping: null,
    payments: [{ mode: 'CARD', amount: null }],
  });
  assert.ok(result.valid, JSON.stringify(result.errors));
  return result;
}

/** Sums what the past returns took, per line and per rate. */
function taken(past: readonly PastReturn[]) {
  const qty = new Map<number, number>();
  const rates = new Map<number, { ht: number; vat: number; ttc: number }>();
  for (const p of past) {
    for (const l of p.lines) qty.set(l.line, (qty.get(l.line) ?? 0) + l.qty);
    for (const r of p.perRate) {
      const t = rates.get(r.rate) ?? { ht: 0, vat: 0, ttc: 0 };
      rates.set(r.rate, { ht: t.ht + r.ht, vat: t.vat + r.vat, ttc: t.ttc + r.ttc });
    }
  }
  return { qty, rates };
}

describe('returns against a sale', () => {
  test('partial returns never go beyond a line, nor beyond what remains per VAT rate; the last takes the rest', () => {
    const request = fc.array(
      fc.record({ line: fc.nat({ max: 7 }), qty: fc.integer({ min: 1, max: 6 }).map((q) => q * 500) }),
      { minLength: 1, maxLength: 3 },
    );
    fc.assert(
      fc.property(sale, fc.array(request, { minLength: 1, maxLength: 8 }), (s, requests) => {
        const original = originalOf(saleResult(s));
        const past: PastReturn[] = [];
        for (const req of requests) {
          const before = remainingOf(original, past);
          const out = computeReturn(original, past, req);
          const asked = new Map<number, number>();
          for (const r of req) asked.set(r.line, (asked.get(r.line) ?? 0) + r.qty);
          const fits = [...asked].every(([line, q]) => q <= (before.lines[line]?.qty ?? -1));
          assert.equal(out.ok, fits, 'refused exactly when a line would go beyond what remains');
          if (!out.ok) continue;
          for (const r of out.perRate) {
            assert.ok(r.ht >= 0 && r.vat >= 0 && r.ttc >= 0);
            assert.equal(r.ht + r.vat, r.ttc);
          }
          past.push(out);
        }
        const { qty, rates } = taken(past);
        original.lines.forEach((l, i) => {
          assert.ok((qty.get(i) ?? 0) <= l.qty);
        });
        for (const r of original.perRate) {
          const t = rates.get(r.rate) ?? { ht: 0, vat: 0, ttc: 0 };
          assert.ok(t.ht <= r.ht && t.vat <= r.vat && t.ttc <= r.ttc, `taux ${r.rate}`);
        }
        // Returning all that remains gives back exactly what was sold.
        const rest = remainingOf(original, past)
          .lines.map((l, line) => ({ line, qty: l.qty }))
          .filter((l) => l.qty > 0);
        if (rest.length === 0) return;
        const last = computeReturn(original, past, rest);
        assert.ok(last.ok);
        past.push(last);
        const all = taken(past);
        for (const r of original.perRate)
          assert.deepEqual(all.rates.get(r.rate), { ht: r.ht, vat: r.vat, ttc: r.ttc });
        const nets = original.lines.flatMap((l) => l.parts.map((p) => p.net));
        const back = original.lines.flatMap((_, i) =>
          original.lines[i]?.parts.map((_p, j) =>
            past.reduce((sum, p) => sum + (p.lines.find((x) => x.line === i)?.parts[j] ?? 0), 0),
          ),
        );
        assert.deepEqual(back, nets);
      }),
    );
  });

  test('bad requests: French errors, nothing computed', () => {
    const original: OriginalSale = {
      pricesIncludeTax: true,
      lines: [{ qty: 3000, parts: [{ vatRate: 2000, net: 3000 }] }],
      perRate: [{ rate: 2000, ht: 2500, vat: 500, ttc: 3000 }],
    };
    assert.deepEqual(computeReturn(original, [], []), {
      ok: false,
      errors: [{ code: 'EMPTY_RETURN', message: 'Aucune ligne à retourner.' }],
    });
    const over = computeReturn(original, [], [{ line: 0, qty: 4000 }]);
    assert.equal(over.ok, false);
    assert.match(JSON.stringify(over), /Ligne 1 : 4 demandé\(s\), il n’en reste que 3 à retourner/);
    assert.match(JSON.stringify(computeReturn(original, [], [{ line: 5, qty: 1000 }])), /UNKNOWN_LINE/);
    assert.match(JSON.stringify(computeReturn(original, [], [{ line: 0, qty: -1000 }])), /INVALID_QUANTITY/);
    const two = computeReturn(original, [], [{ line: 0, qty: 2000 }]);
    assert.ok(two.ok);
    assert.deepEqual(two.perRate, [{ rate: 2000, ht: 1667, vat: 333, ttc: 2000 }]);
    const again = computeReturn(original, [two], [{ line: 0, qty: 2000 }]);
    assert.match(JSON.stringify(again), /il n’en reste que 1 à retourner/);
    const last = computeReturn(original, [two], [{ line: 0, qty: 1000 }]);
    assert.ok(last.ok);
    assert.deepEqual(last.perRate, [{ rate: 2000, ht: 833, vat: 167, ttc: 1000 }]);
    assert.match(JSON.stringify(computeReturn(original, [two, last], [{ line: 0, qty: 1 }])), /plus rien/);
  });
});
