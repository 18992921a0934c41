import type { Centi, Milli, Minor } from './money.ts';
import { mulDivRound } from './money.ts';

/**
 * Returns against a sale (issue 14 item 1), pure: what remains returnable of an original ticket after
 * the returns already made, and the amounts of a new partial return. Every amount here is a positive
 * magnitude; the store writes the return ticket with the opposite signs.
 *
 * The rules, which the property test (`returns.test.ts`) holds over random sales and returns:
 * - a line's quantity returned over all its returns never exceeds its quantity sold;
 * - a part of a line returns its remaining net × returned quantity ÷ remaining quantity (rounded), and
 *   the return that takes the last units takes exactly what remains: nothing is lost or created;
 * - per VAT rate, a return's HT, VAT and TTC never exceed what remains of the original at that rate:
 *   with prices TTC the TTC is the lines' nets and the HT is rounded UP from the remaining ratio (so the
 *   VAT, TTC − HT, stays under what remains); with prices HT, the TTC is rounded DOWN likewise.
 */

/** One part of an original line: the line itself, or one component of a composition. */
export interface ReturnablePart {
  readonly vatRate: Centi;
  /** The part's net (TTC with prices TTC, HT otherwise), after every discount. */
  readonly net: Minor;
}

/** One line of the original ticket, by its position (0-based) in the ticket's lines. */
export interface ReturnableLine {
  /** Quantity sold, thousandths. A line sold at zero or less is not returnable. */
  readonly qty: Milli;
  readonly parts: readonly ReturnablePart[];
}

export interface RateAmounts {
  readonly rate: Centi;
  readonly ht: Minor;
  readonly vat: Minor;
  readonly ttc: Minor;
}

export interface OriginalSale {
  readonly pricesIncludeTax: boolean;
  readonly lines: readonly ReturnableLine[];
  readonly perRate: readonly RateAmounts[];
}

/** One returned line: its original position, the quantity and each part's net, all positive. */
export interface ReturnedLine {
  readonly line: number;
  readonly qty: Milli;
  readonly parts: readonly Minor[];
}

export interface PastReturn {
  readonly lines: readonly ReturnedLine[];
  readonly perRate: readonly RateAmounts[];
}

export interface ReturnRequest {
  /** 0-based position of the original line. */
  readonly line: number;
  readonly qty: Milli;
}

export interface ReturnComputed {
  readonly ok: true;
  readonly lines: readonly ReturnedLine[];
  /** Per VAT rate, ascending, only the rates returned. */
  readonly perRate: readonly RateAmounts[];
  readonly totalHt: Minor;
  readonly totalTtc: Minor;
}

export type ReturnErrorCode = 'EMPTY_RETURN' | 'UNKNOWN_LINE' | 'INVALID_QUANTITY' | 'BEYOND_RETURNABLE';

export interface ReturnError {
  readonly code: ReturnErrorCode;
  readonly message: string;
}

export type ReturnOutcome = ReturnComputed | { readonly ok: false; readonly errors: readonly ReturnError[] };

/** What remains of one line: quantity and each part's net. */
export interface RemainingLine {
  readonly qty: Milli;
  readonly parts: readonly Minor[];
}

export interface Remaining {
  readonly lines: readonly RemainingLine[];
  readonly perRate: ReadonlyMap<Centi, { ht: Minor; ttc: Minor }>;
}

/** What remains returnable of `original` after `past` returns. */
export function remainingOf(original: OriginalSale, past: readonly PastReturn[]): Remaining {
  const lines = original.lines.map((l) => ({
    qty: l.qty > 0 ? l.qty : 0,
    parts: l.parts.map((p) => (l.qty > 0 ? p.net : 0)),
  }));
  const perRate = new Map<Centi, { ht: Minor; ttc: Minor }>();
  for (const r of original.perRate) perRate.set(r.rate, { ht: r.ht, ttc: r.ttc });
  for (const p of past) {
    for (const r of p.lines) {
      const line = lines[r.line];
      if (line === undefined) continue;
      line.qty -= r.qty;
      r.parts.forEach((net, i) => {
        line.parts[i] = (line.parts[i] ?? 0) - net;
      });
    }
    for (const r of p.perRate) {
      const rem = perRate.get(r.rate);
      if (rem !== undefined) perRate.set(r.rate, { ht: rem.ht - r.ht, ttc: rem.ttc - r.ttc });
    }
  }
  return { lines, perRate };
}

function formatQty(qty: Milli): string {
  return (qty / 1000).toLocaleString('fr-FR', { maximumFractionDigits: 3 });
}

/** Ceil or floor of `a × b / c` for non-negative integers, exactly. */
function mulDiv(a: number, b: number, c: number, up: boolean): number {
  if (c === 0) return 0;
  const n = BigInt(a) * BigInt(b);
  const d = BigInt(c);
  const q = n / d;
  return Number(up && q * d !== n ? q + 1n : q);
}

/** The amounts of a new return of `request` against `original`, given the returns already made. */
export function computeReturn(
  original: OriginalSale,
  past: readonly PastReturn[],
  request: readonly ReturnRequest[],
): ReturnOutcome {
  const errors: ReturnError[] = [];
  if (request.length === 0) {
    return { ok: false, errors: [{ code: 'EMPTY_RETURN', message: 'Aucune ligne à retourner.' }] };
  }
  const remaining = remainingOf(original, past);
  const asked = new Map<number, Milli>();
  for (const r of request) {
    const n = r.line + 1;
    if (!Number.isSafeInteger(r.line) || remaining.lines[r.line] === undefined) {
      errors.push({ code: 'UNKNOWN_LINE', message: `Ligne ${n} : le ticket d’origine n’a pas cette ligne.` });
      continue;
    }
    if (!Number.isSafeInteger(r.qty) || r.qty <= 0) {
      errors.push({
        code: 'INVALID_QUANTITY',
        message: `Ligne ${n} : la quantité retournée doit être positive.`,
      });
      continue;
    }
    asked.set(r.line, (asked.get(r.line) ?? 0) + r.qty);
  }
  for (const [line, qty] of asked) {
    const left = remaining.lines[line]?.qty ?? 0;
    if (qty > left) {
      errors.push({
        code: 'BEYOND_RETURNABLE',
        message:
          left === 0
            ? `Ligne ${line + 1} : plus rien à retourner (déjà retournée).`
            : `Ligne ${line + 1} : ${formatQty(qty)} demandé(s), il n’en reste que ${formatQty(left)} à retourner.`,
      });
    }
  }
  if (errors.length > 0) return { ok: false, errors };

  const lines: ReturnedLine[] = [];
  const netPerRate = new Map<Centi, Minor>();
  for (const [line, qty] of [...asked].sort(([a], [b]) => a - b)) {
    const rem = remaining.lines[line] as RemainingLine;
    const source = original.lines[line] as ReturnableLine;
    const parts = rem.parts.map((net) => (qty === rem.qty ? net : mulDivRound(net, qty, rem.qty)));
    parts.forEach((net, i) => {
      const rate = source.parts[i]?.vatRate ?? 0;
      netPerRate.set(rate, (netPerRate.get(rate) ?? 0) + net);
    });
    lines.push({ line, qty, parts });
  }
  const perRate: RateAmounts[] = [...netPerRate]
    .sort(([a], [b]) => a - b)
    .map(([rate, net]) => {
      const rem = remaining.perRate.get(rate) ?? { ht: 0, ttc: 0 };
      if (original.pricesIncludeTax) {
        const ht = net === rem.ttc ? rem.ht : mulDiv(rem.ht, net, rem.ttc, true);
        return { rate, ht, vat: net - ht, ttc: net };
      }
      const ttc = net === rem.ht ? rem.ttc : mulDiv(rem.ttc, net, rem.ht, false);
      return { rate, ht: net, vat: ttc - net, ttc };
    });
  return {
    ok: true,
    lines,
    perRate,
    totalHt: perRate.reduce((s, r) => s + r.ht, 0),
    totalTtc: perRate.reduce((s, r) => s + r.ttc, 0),
  };
}
