/**
 * Returns against a sale (issue 14 item 1). A return is an ordinary signed TICKET of the register's
 * TICKET chain whose lines are negative and whose detail names the original ticket and each returned
 * line (`detail.returnOf`): it prints « Ce ticket modifie le ticket n° X ». The amounts come from the
 * pure returns engine (`src/sales/returns.ts`) over the original and the returns already made, read
 * under the register's lock so that two returns of the same ticket never both take its last units.
 * The refund goes back by the original's modes, in cash, or as a new credit note (an instrument).
 */
import type {
  DetailLine,
  DetailPayment,
  JournalRecord,
  ReturnOf,
  SaleDetail,
  SaleLine,
  SalePayload,
} from '../../fiscal/record.ts';
import { refOf } from '../../fiscal/record.ts';
import { allocate } from '../../sales/allocate.ts';
import { INSTRUMENT_MODE, instrumentNumber, kindOfMode } from '../../sales/instruments.ts';
import { currencyOf, type Minor, mulDivRound, rescale } from '../../sales/money.ts';
import {
  computeReturn,
  type OriginalSale,
  type PastReturn,
  type ReturnRequest,
  remainingOf,
} from '../../sales/returns.ts';
import type { Db } from './core.ts';
import { getRecord, type JournalContext, withRegister } from './core.ts';
import { JournalError } from './errors.ts';
import { issueInstrument, secureRandomDigits } from './instruments.ts';
import { activeUser, registerInfo, registerPaymentModes } from './register-data.ts';
import { requireOpenDay } from './till-guard.ts';
import { checkClosureDue, checkIdempotencyKey, countSale, rememberKey, replayOf } from './validate.ts';

export const REFUND_MODES = ['cash', 'credit-note', 'original'] as const;
export type RefundMode = (typeof REFUND_MODES)[number];

export interface ReturnInput {
  readonly register: number;
  /** The original ticket's number (TICKET chain of the same register). */
  readonly original: number;
  /** Lines by their 1-based number on the original receipt, quantities in thousandths. */
  readonly lines: readonly { readonly line: number; readonly qty: number }[];
  /** A code of the store's return causes. */
  readonly cause: string;
  readonly refund: RefundMode;
  /** The user who makes the return: needs the `refund` right, or `authorizer` has it. */
  readonly operator: string;
  /** A manager who gave their code for this return (the caller has checked the PIN). */
  readonly authorizer?: string;
  readonly idempotencyKey?: string;
  /** Draws an instrument's random digits (tests); default: the secure generator. */
  readonly random?: () => string;
}

export interface ReturnDone {
  readonly record: JournalRecord & { readonly type: 'TICKET' };
  /** The credit note issued for the refund, if any. */
  readonly instrument?: { readonly number: string; readonly amount: Minor };
  readonly replayed: boolean;
}

/** A return as done: the record and the credit note it names (from its signed detail). */
function doneOf(record: ReturnDone['record'], replayed: boolean): ReturnDone {
  const issued = record.payload.detail?.payments.find((x) => x.instrument !== undefined && x.amount < 0);
  return {
    record,
    ...(issued?.instrument === undefined
      ? {}
      : { instrument: { number: issued.instrument, amount: -issued.amount } }),
    replayed,
  };
}

/** The store's active return causes. */
export async function returnCauses(db: Db): Promise<{ code: string; label: string }[]> {
  return db
    .selectFrom('return_causes')
    .select(['code', 'label'])
    .where('active', '=', 1)
    .orderBy('code')
    .execute();
}

async function holdsRefund(db: Db, code: string): Promise<boolean> {
  const row = await db
    .selectFrom('users')
    .select('rights')
    .where('code', '=', code)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (row === undefined) return false;
  try {
    const rights = JSON.parse(row.rights) as unknown;
    return Array.isArray(rights) && rights.includes('refund');
  } catch {
    return false;
  }
}

/** The original as the returns engine sees it, from its signed detail. */
export function originalSaleOf(record: JournalRecord & { type: 'TICKET' }): OriginalSale {
  const d = record.payload.detail;
  if (d === undefined) {
    throw new JournalError(
      'RETURN_REFUSED',
      `Le ticket n° ${record.sequence} n’a pas de détail : retour impossible.`,
    );
  }
  return {
    pricesIncludeTax: record.payload.pricesIncludeTax,
    lines: d.lines.map((l) =>
      l.components === undefined
        ? { qty: l.quantity, parts: [{ vatRate: l.vatRate, net: l.net }] }
        : { qty: l.quantity, parts: l.components.map((c) => ({ vatRate: c.vatRate, net: c.net })) },
    ),
    perRate: record.payload.perRate,
  };
}

/** The returns already made of a ticket, in the order they were made. */
async function pastReturnsOf(db: Db, register: string, original: number): Promise<PastReturn[]> {
  const rows = await db
    .selectFrom('ticket_returns')
    .select('sequence')
    .where('register', '=', register)
    .where('original_sequence', '=', original)
    .orderBy('sequence')
    .execute();
  const past: PastReturn[] = [];
  for (const row of rows) {
    const r = await getRecord(db, register, 'TICKET', Number(row.sequence));
    if (r?.type !== 'TICKET' || r.payload.detail?.returnOf === undefined) continue;
    past.push({
      lines: r.payload.detail.returnOf.lines,
      perRate: r.payload.perRate.map((x) => ({ rate: x.rate, ht: -x.ht, vat: -x.vat, ttc: -x.ttc })),
    });
  }
  return past;
}

/** What remains returnable of ticket `original` (1-based lines), for the dialog and the CLI. */
export async function returnableOf(db: Db, register: number, original: number) {
  const info = await registerInfo(db, register);
  const record = await getRecord(db, info.register, 'TICKET', original);
  if (record?.type !== 'TICKET') {
    throw new JournalError(
      'UNKNOWN_RECORD',
      `Ticket n° ${original} introuvable sur la caisse ${info.register}.`,
    );
  }
  const rem = remainingOf(originalSaleOf(record), await pastReturnsOf(db, info.register, original));
  return (record.payload.detail?.lines ?? []).map((l, i) => ({
    line: i + 1,
    ref: l.ref,
    designation: l.designation,
    sold: l.quantity,
    returnable: rem.lines[i]?.qty ?? 0,
  }));
}

function returnedDetailLine(source: DetailLine, qty: number, parts: readonly Minor[]): DetailLine {
  const scale = (v: number) => -(source.quantity === qty ? v : mulDivRound(v, qty, source.quantity));
  const net = -parts.reduce((s, p) => s + p, 0);
  const gross = scale(source.gross);
  const components = source.components?.map((c, i) => {
    const cNet = -(parts[i] ?? 0);
    const cGross = scale(c.gross);
    return {
      ...c,
      quantity: -(source.quantity === qty ? c.quantity : mulDivRound(c.quantity, qty, source.quantity)),
      gross: cGross,
      lineDiscount: cGross - cNet,
      globalDiscount: 0,
      net: cNet,
      ecoParticipation: scale(c.ecoParticipation),
    };
  });
  const { discount: _discount, ...rest } = source;
  return {
    ...rest,
    quantity: -qty,
    ...(components === undefined ? { gross } : { unitPrice: net, gross: net }),
    lineDiscount: components === undefined ? gross - net : 0,
    globalDiscount: 0,
    net,
    ecoParticipation: scale(source.ecoParticipation),
    ...(components === undefined ? {} : { components, quantity: -1000 }),
  };
}

/** The refund's payments (negative), and whether a credit note is issued for part of it. */
function refundPayments(
  original: SalePayload,
  refund: RefundMode,
  total: Minor,
): { mode: string; amount: Minor }[] {
  if (refund === 'cash') return [{ mode: 'CASH', amount: -total }];
  if (refund === 'credit-note') return [{ mode: INSTRUMENT_MODE['credit-note'], amount: -total }];
  // By the original's modes, in proportion; what an instrument paid comes back as a credit note.
  const paid = original.payments.filter((p) => p.amount > 0);
  if (paid.length === 0) return [{ mode: 'CASH', amount: -total }];
  const shares = allocate(
    total,
    paid.map((p) => p.amount),
  );
  const byMode = new Map<string, Minor>();
  paid.forEach((p, i) => {
    const mode = kindOfMode(p.mode) === undefined ? p.mode : INSTRUMENT_MODE['credit-note'];
    byMode.set(mode, (byMode.get(mode) ?? 0) + (shares[i] ?? 0));
  });
  return [...byMode].filter(([, a]) => a > 0).map(([mode, amount]) => ({ mode, amount: -amount }));
}

/**
 * Makes a return of `input.lines` of ticket `input.original`: one signed TICKET with negative lines
 * naming the original, its refund, and a credit note when the refund is one. Refused in French with
 * nothing written: unknown ticket or cause, a cancelled ticket, beyond what remains, no refund right.
 */
export async function returnTicket(db: Db, ctx: JournalContext, input: ReturnInput): Promise<ReturnDone> {
  const key = input.idempotencyKey === undefined ? undefined : checkIdempotencyKey(input.idempotencyKey);
  const digest = `return:${JSON.stringify([input.register, input.original, input.lines, input.cause, input.refund, input.operator])}`;
  if (!(REFUND_MODES as readonly string[]).includes(input.refund)) {
    throw new JournalError(
      'INVALID_INPUT',
      `Remboursement inconnu : ${input.refund} (cash, credit-note ou original).`,
    );
  }
  const info = await registerInfo(db, input.register);
  return withRegister(db, ctx, info.register, info.currency, async (batch) => {
    const trx = batch.trx;
    if (key !== undefined) {
      const previous = await replayOf(batch, key, digest);
      if (previous !== undefined) return doneOf(previous as ReturnDone['record'], true);
    }
    const cashier = await activeUser(batch.trx, input.operator);
    const authorizer =
      input.authorizer === undefined ? undefined : await activeUser(batch.trx, input.authorizer);
    if (
      !(await holdsRefund(trx, cashier.code)) &&
      !(authorizer !== undefined && (await holdsRefund(trx, authorizer.code)))
    ) {
      throw new JournalError(
        'RIGHT_REQUIRED',
        `Droit « retour / remboursement » requis : ${cashier.code} ne l’a pas (code d’un responsable).`,
      );
    }
    const causes = await returnCauses(trx);
    const cause = causes.find((c) => c.code === input.cause.trim().toUpperCase());
    if (cause === undefined) {
      throw new JournalError(
        'RETURN_REFUSED',
        `Il est requis de spécifier une cause du correctif parmi : ${causes.map((c) => `${c.code} (${c.label})`).join(', ')}.`,
      );
    }
    const original = await getRecord(batch.trx, info.register, 'TICKET', input.original);
    if (original === undefined) {
      throw new JournalError(
        'UNKNOWN_RECORD',
        `Ticket n° ${input.original} introuvable sur la caisse ${info.register}.`,
      );
    }
    if (
      original.type !== 'TICKET' ||
      original.payload.totalTtc <= 0 ||
      original.payload.detail?.returnOf !== undefined
    ) {
      throw new JournalError(
        'RETURN_REFUSED',
        `Le n° ${input.original} n’est pas une vente : rien à retourner.`,
      );
    }
    const cancelled = await batch.trx
      .selectFrom('journal')
      .select('sequence')
      .where('register', '=', info.register)
      .where('chain', '=', 'TICKET')
      .where('ref_chain', '=', 'TICKET')
      .where('ref_sequence', '=', input.original)
      .executeTakeFirst();
    if (cancelled !== undefined) {
      throw new JournalError(
        'RETURN_REFUSED',
        `Le ticket n° ${input.original} est annulé par le ticket n° ${cancelled.sequence} : rien à retourner.`,
      );
    }
    const sale = originalSaleOf(original);
    const request: ReturnRequest[] = input.lines.map((l) => ({ line: l.line - 1, qty: l.qty }));
    const computed = computeReturn(sale, await pastReturnsOf(trx, info.register, input.original), request);
    if (!computed.ok) {
      throw new JournalError(
        'RETURN_REFUSED',
        `Retour refusé : ${computed.errors.map((e) => e.message).join(' ')}`,
        computed.errors.map(({ code, message }) => ({ code, message })),
      );
    }
    await checkClosureDue(batch);
    await requireOpenDay(trx, info); // a cash refund comes out of an open drawer (issue 13)
    const p = original.payload;
    const d = p.detail as SaleDetail;
    const currency = currencyOf(p.currency) ?? { exponent: 2 };
    const detailLines = computed.lines.map((r) =>
      returnedDetailLine(d.lines[r.line] as DetailLine, r.qty, r.parts),
    );
    const perRate = computed.perRate.map((r) => ({ rate: r.rate, ht: -r.ht, vat: -r.vat, ttc: -r.ttc }));
    const htOf = (net: Minor, rate: number) =>
      p.pricesIncludeTax ? net - mulDivRound(net, rate, 10_000 + rate) : net;
    const ttcOf = (net: Minor, rate: number) =>
      p.pricesIncludeTax ? net : net + mulDivRound(net, rate, 10_000);
    const summary: SaleLine[] = detailLines.flatMap((l) =>
      (l.components ?? [l]).map((c) => ({
        label: c.designation,
        quantity: c.quantity,
        unitPrice: rescale(c.unitPrice, c.unitPriceScale, currency.exponent),
        totalHt: htOf(c.net, c.vatRate),
        totalTtc: ttcOf(c.net, c.vatRate),
        vatRate: c.vatRate,
      })),
    );
    const payments = refundPayments(p, input.refund, computed.totalTtc);
    const modes = await registerPaymentModes(batch.trx, info);
    for (const x of payments) {
      if (!modes.has(x.mode)) {
        throw new JournalError(
          'RETURN_REFUSED',
          `Mode de remboursement ${x.mode} inconnu de la caisse ${info.register}.`,
        );
      }
    }
    const creditNote = payments.find((x) => x.mode === INSTRUMENT_MODE['credit-note']);
    const returnOf: ReturnOf = { ticket: refOf(original), cause, lines: computed.lines };
    const detailPayments: DetailPayment[] = payments.map((x) => ({
      mode: x.mode,
      label: modes.get(x.mode)?.label ?? x.mode,
      given: x.amount,
      amount: x.amount,
    }));
    const detail: SaleDetail = {
      version: 1,
      training: false,
      priceMode: d.priceMode,
      taxExempt: d.taxExempt,
      cashier,
      customer: d.customer,
      lines: detailLines,
      totalVat: perRate.reduce((s, r) => s + r.vat, 0),
      payments: detailPayments,
      roundingAdjustment: 0,
      change: 0,
      creditNote: 0,
      articleCount: detailLines.reduce(
        (s, l) => s + (l.components ?? [l]).reduce((t, c) => t + c.quantity, 0),
        0,
      ),
      lineCount: detailLines.length,
      returnOf,
    };
    // The credit note's number is drawn before the ticket is signed, so that the ticket names it.
    const digits = creditNote === undefined ? undefined : (input.random ?? secureRandomDigits)();
    const instrumentNo = digits === undefined ? undefined : instrumentNumber('credit-note', digits);
    const payload: SalePayload = {
      currency: p.currency,
      operator: cashier.code,
      customer: p.customer,
      pricesIncludeTax: p.pricesIncludeTax,
      lines: summary,
      perRate,
      totalHt: -computed.totalHt,
      totalTtc: -computed.totalTtc,
      payments,
      detail: {
        ...detail,
        payments: detailPayments.map((x) =>
          instrumentNo !== undefined && x.mode === INSTRUMENT_MODE['credit-note']
            ? { ...x, instrument: instrumentNo }
            : x,
        ),
      },
    };
    const record = (await batch.append({
      register: info.register,
      type: 'TICKET',
      softwareVersion: ctx.softwareVersion,
      payload,
    })) as ReturnDone['record'];
    countSale(batch, payload.totalTtc);
    await batch.trx
      .insertInto('ticket_returns')
      .values({
        register: info.register,
        sequence: record.sequence,
        original_sequence: input.original,
        cause: cause.code,
      })
      .execute();
    if (creditNote !== undefined && digits !== undefined) {
      await issueInstrument(batch.trx, {
        kind: 'credit-note',
        amount: -creditNote.amount,
        currency: p.currency,
        customer: p.customer,
        operator: cashier.code,
        now: batch.now,
        record,
        random: () => digits,
      });
    }
    if (key !== undefined) await rememberKey(batch, key, digest, record);
    return doneOf(record, false);
  });
}
