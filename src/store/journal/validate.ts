/**
 * `validateTicket`: the only door into the books (issue 4, seed 002). In one transaction holding the
 * register's lock: recompute the ticket with the sales engine and the register's own payment modes,
 * check seed 002's rules and the 24-hour closure rule, give the next ticket number, stamp, sign,
 * append, update the grand totals, remember the idempotency key. A refusal writes nothing.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { saleAllowedAt } from '../../fiscal/closure.ts';
import {
  instantOf,
  type JournalRecord,
  type RateTotals,
  type SaleDetail,
  type SaleLine,
  type SalePayload,
} from '../../fiscal/record.ts';
import { computeTicket } from '../../sales/compute.ts';
import { type Currency, mulDivRound, rescale } from '../../sales/money.ts';
import type { Discount, TicketInput } from '../../sales/ticket-input.ts';
import type { ArticleLineResult, LineResult, TicketResult } from '../../sales/ticket-result.ts';
import type { JournalIdempotencyTable } from '../schema.ts';
import { applyMoves, firstShortage, quantityText, type StockArticle, saleMoves } from '../stock.ts';
import { cachedRows } from './cached-query.ts';
import {
  type Db,
  getRecord,
  type JournalContext,
  type RegisterBatch,
  type Trx,
  withRegister,
} from './core.ts';
import { JournalError } from './errors.ts';
import { checkRedemptions, type InstrumentPayment, recordRedemptions } from './instruments.ts';
import {
  activeUser,
  articlesByRef,
  customerByCode,
  type Person,
  registerInfo,
  registerPaymentModes,
  sellerByCode,
} from './register-data.ts';
import { reconcileRunningState } from './running-state.ts';
import { requireOpenDay } from './till-guard.ts';

export interface ValidateTicketInput {
  /** The register's number. */
  readonly register: number;
  /** Chosen by the caller; a retry with the same key returns the same ticket and writes nothing. */
  readonly idempotencyKey: string;
  /** The user who validates (cashier). */
  readonly cashier: string;
  /** The seller's code; default: the register's default seller. */
  readonly seller?: string;
  /** The customer's code; default: the register's default customer (`DIVERS`). */
  readonly customer?: string;
  /** Training mode (« mode école »): journaled as TRAINING, counted in no total. */
  readonly training?: boolean;
  /**
   * The ticket as the engine computes it (`toInput(state)`, or a scenario). Its payment modes, tax
   * regime and discount limits are replaced by the register's and the customer's.
   */
  readonly ticket: TicketInput;
  /** Payments that redeem a numbered instrument (issue 14): their position and the number. */
  readonly instruments?: readonly InstrumentPayment[];
}

export interface ValidatedTicket {
  readonly record: JournalRecord & { readonly type: 'TICKET' | 'TRAINING' };
  /** The ticket number: the record's sequence in its chain (TICKET, or TRAINING in training mode). */
  readonly number: number;
  /** True when the idempotency key had already validated this ticket: nothing was written. */
  readonly replayed: boolean;
}

export interface ValidateHooks {
  /** Runs inside the validation's transaction after the append (an outbox row, a stock move…). */
  readonly afterAppend?: (trx: Trx, record: JournalRecord) => Promise<void>;
}

/**
 * Moves the stock of a sale or of its cancellation in the validation's transaction. With the
 * register's `blockOutOfStock` setting, a sale that would take an article below zero is refused
 * (the whole validation rolls back); otherwise the register only warned.
 */
export async function moveSaleStock(
  trx: Trx,
  lines: Parameters<typeof saleMoves>[0],
  articles: ReadonlyMap<string, StockArticle>,
  base: Parameters<typeof saleMoves>[2] & { blocking: boolean },
): Promise<void> {
  const moves = saleMoves(lines, articles, base);
  if (moves.length === 0) return;
  const moved = await applyMoves(trx, moves);
  const short = base.blocking ? firstShortage(moved) : undefined;
  if (short !== undefined) {
    throw new JournalError(
      'OUT_OF_STOCK',
      `Article ${short.ref} en rupture de stock au dépôt ${short.depot} (il en reste ${quantityText(short.quantity - short.delta)}) : vente refusée, la caisse bloque les ruptures.`,
    );
  }
}

/**
 * Loyalty (issue 16 item 3): a validated ticket of a known customer (not the register's counter
 * customer) counts one visit; its cancellation takes it back (never below zero).
 */
export async function countVisit(trx: Trx, code: string, step: 1 | -1): Promise<void> {
  const change = step === 1 ? sql<number>`visits + 1` : sql<number>`visits - 1`;
  await cachedRows(trx, `customers.visit.${step}`, [code], () =>
    trx
      .updateTable('customers')
      .set({ visits: change })
      .where('code', '=', code)
      .where(sql<boolean>`visits + ${sql.lit(step)} >= 0`),
  );
}

/** A stable JSON of the request (sorted keys, maps as sorted entries), for the idempotency check. */
function requestDigest(value: unknown): string {
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Map) return [...v.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return v;
  });
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function discountOf(d: Discount | null | undefined) {
  if (d === null || d === undefined) return undefined;
  return d.kind === 'percent' ? { percent: d.rate } : { amount: d.amount };
}

/** Seed 002's checks that the engine does not make itself: money received, coherent totals. */
function checkTotals(result: TicketResult): void {
  const given = result.payments.reduce((s, p) => s + p.given, 0);
  if (result.totalTTC !== 0 && given === 0) {
    throw new JournalError(
      'RECEIVED_ZERO',
      'Le montant reçu doit être différent de zéro quand le total du ticket ne l’est pas.',
    );
  }
  const settled = result.payments.reduce((s, p) => s + p.amount, 0);
  const vatTotal = result.vat.reduce((s, r) => s + r.total, 0);
  const vatBase = result.vat.reduce((s, r) => s + r.base, 0);
  const vatTax = result.vat.reduce((s, r) => s + r.tax, 0);
  const nets =
    result.lines.reduce((s, l) => s + l.net, 0) + (result.shipping === null ? 0 : result.shipping.net);
  const incoherent =
    vatTotal !== result.totalTTC ||
    vatBase !== result.totalHT ||
    vatTax !== result.totalVAT ||
    result.totalHT + result.totalVAT !== result.totalTTC ||
    nets !== (result.mode === 'TTC' ? result.totalTTC : result.totalHT) ||
    settled + result.roundingAdjustment !== result.totalTTC ||
    result.remaining !== 0;
  if (incoherent) {
    throw new JournalError(
      'TOTALS_INCOHERENT',
      'Le total des lignes n’est pas cohérent avec les cumuls du pied de ticket (saisie refusée).',
    );
  }
}

interface SaleParts {
  readonly result: TicketResult;
  readonly input: TicketInput;
  readonly currency: Currency;
  readonly cashier: Person;
  readonly seller: Person | undefined;
  readonly customer: Person;
  readonly training: boolean;
  readonly labels: ReadonlyMap<string, { label: string }>;
  readonly articles: ReadonlyMap<string, { designation: string; eco: number }>;
}

/** The signed sale payload, with its receipt detail, from the engine's result. */
export function salePayloadOf(parts: SaleParts): SalePayload {
  const { result, input, currency, articles } = parts;
  const ttc = result.mode === 'TTC';
  const exponent = currency.exponent;
  const htTtc = (net: number, rate: number): { ht: number; ttc: number } =>
    ttc
      ? { ht: net - mulDivRound(net, rate, 10_000 + rate), ttc: net }
      : { ht: net, ttc: net + mulDivRound(net, rate, 10_000) };

  const summary: SaleLine[] = [];
  const articleDetail = (line: ArticleLineResult, source: TicketInput['items'][number] | undefined) => {
    const known = articles.get(line.ref);
    const designation = line.designation ?? known?.designation ?? line.ref;
    const { ht, ttc: lineTtc } = htTtc(line.net, line.vatRate);
    summary.push({
      label: designation,
      quantity: line.qty,
      unitPrice: rescale(line.unitPrice, line.unitPriceScale, exponent),
      totalHt: ht,
      totalTtc: lineTtc,
      vatRate: line.vatRate,
    });
    const discount =
      source !== undefined && source.kind === 'article' ? discountOf(source.discount) : undefined;
    return {
      ref: line.ref,
      designation,
      quantity: line.qty,
      unitPrice: line.unitPrice,
      unitPriceScale: line.unitPriceScale,
      vatRate: line.vatRate,
      gross: line.gross,
      lineDiscount: line.lineDiscount,
      globalDiscount: line.globalDiscount,
      net: line.net,
      ...(discount === undefined ? {} : { discount }),
      ecoParticipation: known === undefined ? 0 : mulDivRound(known.eco, line.qty, 1000),
    };
  };
  const lineDetail = (line: LineResult) => {
    const source = input.items[line.index];
    if (line.kind === 'article') return articleDetail(line, source);
    const componentSources = source?.kind === 'composition' ? source.components : [];
    const components = line.components.map((c, i) => articleDetail(c, componentSources[i]));
    const sum = (f: (c: (typeof components)[number]) => number) => components.reduce((s, c) => s + f(c), 0);
    return {
      ref: line.ref,
      designation: line.designation ?? articles.get(line.ref)?.designation ?? line.ref,
      quantity: 1000,
      unitPrice: line.net,
      unitPriceScale: exponent,
      vatRate:
        components.length > 0 && components.every((c) => c.vatRate === components[0]?.vatRate)
          ? (components[0]?.vatRate ?? 0)
          : 0,
      gross: sum((c) => c.gross),
      lineDiscount: sum((c) => c.lineDiscount),
      globalDiscount: sum((c) => c.globalDiscount),
      net: line.net,
      ecoParticipation: sum((c) => c.ecoParticipation),
      components,
    };
  };
  const lines = result.lines.map(lineDetail);
  if (result.shipping !== null) {
    const { ht, ttc: shipTtc } = htTtc(result.shipping.net, result.shipping.vatRate);
    summary.push({
      label: 'Frais de port',
      quantity: 1000,
      unitPrice: result.shipping.net,
      totalHt: ht,
      totalTtc: shipTtc,
      vatRate: result.shipping.vatRate,
    });
  }
  const perRate: RateTotals[] = result.vat.map((r) => ({
    rate: r.rate,
    ht: r.base,
    vat: r.tax,
    ttc: r.total,
  }));
  const footerDiscount = discountOf(input.footerDiscount);
  const detail: SaleDetail = {
    version: 1,
    training: parts.training,
    priceMode: result.mode,
    taxExempt: input.taxExempt,
    cashier: parts.cashier,
    ...(parts.seller === undefined ? {} : { seller: parts.seller }),
    customer: parts.customer,
    lines,
    ...(footerDiscount === undefined ? {} : { footerDiscount }),
    ...(result.shipping === null
      ? {}
      : { shipping: { net: result.shipping.net, vatRate: result.shipping.vatRate } }),
    totalVat: result.totalVAT,
    payments: result.payments.map((p) => ({
      mode: p.mode,
      label: parts.labels.get(p.mode)?.label ?? p.mode,
      given: p.given,
      amount: p.amount,
      ...(p.foreign === undefined
        ? {}
        : { foreign: { currency: p.foreign.currency, amount: p.foreign.amount, rate: p.foreign.rate } }),
    })),
    roundingAdjustment: result.roundingAdjustment,
    change: result.change,
    creditNote: result.creditNote,
    articleCount: result.articleCount,
    lineCount: result.lineCount,
  };
  return {
    currency: currency.code,
    operator: parts.cashier.code,
    customer: parts.customer.code,
    pricesIncludeTax: ttc,
    lines: summary,
    perRate,
    totalHt: result.totalHT,
    totalTtc: result.totalTTC,
    payments: result.payments.map((p) => ({ mode: p.mode, amount: p.amount })),
    detail,
  };
}

/** Names on each payment's detail the instrument it redeems (the number is signed with the sale). */
function withInstruments(payload: SalePayload, wanted: readonly InstrumentPayment[]): SalePayload {
  if (wanted.length === 0 || payload.detail === undefined) return payload;
  const numbers = new Map(wanted.map((w) => [w.payment, w.number.replace(/[\s-]/g, '')]));
  return {
    ...payload,
    detail: {
      ...payload.detail,
      payments: payload.detail.payments.map((p, i) => {
        const number = numbers.get(i);
        return number === undefined ? p : { ...p, instrument: number };
      }),
    },
  };
}

/**
 * Refuses a sale when the register's last daily closure (or its first sale) is over 24 hours old, as
 * its signed records tell (the unsigned running columns are rebuilt from them when they disagree).
 */
export async function checkClosureDue(batch: RegisterBatch): Promise<void> {
  const { lastDayClosure, firstSale } = await reconcileRunningState(batch);
  const instant = (utc: string | undefined) =>
    utc === undefined ? undefined : instantOf({ utc, offset: '+0000' });
  const allowance = saleAllowedAt(batch.now, instant(lastDayClosure), instant(firstSale));
  if (!allowance.allowed) throw new JournalError('CLOSURE_OVERDUE', allowance.message);
}

/** A ticket or cancellation counts in the perpetual grand totals, and starts the 24-hour count. */
export function countSale(batch: RegisterBatch, totalTtc: number): void {
  const s = batch.state;
  if (s.firstSaleAt === null) s.firstSaleAt = batch.now.toISOString();
  s.perpetualTotal += totalTtc;
  s.perpetualTotalAbs += Math.abs(totalTtc);
  batch.markStateChanged();
}

/** Looks an idempotency key up: the record it validated, or undefined; a different request is refused. */
export async function replayOf(
  batch: RegisterBatch,
  key: string,
  digest: string,
): Promise<JournalRecord | undefined> {
  const [row] = await cachedRows<JournalIdempotencyTable>(
    batch.trx,
    'journal_idempotency.by_key',
    [batch.register, key],
    () =>
      batch.trx
        .selectFrom('journal_idempotency')
        .selectAll()
        .where('register', '=', batch.register)
        .where('key', '=', key),
  );
  if (row === undefined) return undefined;
  if (row.request_sha256 !== digest) {
    throw new JournalError(
      'IDEMPOTENCY_CONFLICT',
      `La clé d’idempotence « ${key} » a déjà servi pour une autre opération (refusé).`,
    );
  }
  const record = await getRecord(
    batch.trx,
    batch.register,
    row.chain as JournalRecord['chain'],
    Number(row.sequence),
  );
  if (record === undefined) throw new Error(`Enregistrement de la clé ${key} introuvable.`);
  return record;
}

export async function rememberKey(batch: RegisterBatch, key: string, digest: string, record: JournalRecord) {
  const values = {
    register: batch.register,
    key,
    chain: record.chain,
    sequence: record.sequence,
    request_sha256: digest,
    created_at: batch.now.toISOString(),
  };
  await cachedRows(batch.trx, 'journal_idempotency.insert', Object.values(values), () =>
    batch.trx.insertInto('journal_idempotency').values(values),
  );
}

export function checkIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string' || key.length < 1 || key.length > 128) {
    throw new JournalError(
      'INVALID_INPUT',
      'Clé d’idempotence manquante ou trop longue (1 à 128 caractères).',
    );
  }
  return key;
}

export async function validateTicket(
  db: Db,
  ctx: JournalContext,
  input: ValidateTicketInput,
  hooks: ValidateHooks = {},
): Promise<ValidatedTicket> {
  const key = checkIdempotencyKey(input.idempotencyKey);
  const info = await registerInfo(db, input.register);
  const training = input.training === true;
  const digest = requestDigest({
    kind: 'ticket',
    cashier: input.cashier,
    seller: input.seller ?? null,
    customer: input.customer ?? null,
    training,
    ticket: input.ticket,
    ...(input.instruments === undefined || input.instruments.length === 0
      ? {}
      : { instruments: input.instruments }),
  });
  return withRegister(db, ctx, info.register, info.currency, async (batch) => {
    const trx = batch.trx;
    const previous = await replayOf(batch, key, digest);
    if (previous !== undefined) {
      return {
        record: previous as ValidatedTicket['record'],
        number: previous.sequence,
        replayed: true,
      };
    }
    if (input.ticket.currency.code !== info.currency) {
      throw new JournalError(
        'CURRENCY_MISMATCH',
        `Ticket en ${input.ticket.currency.code}, la caisse ${info.register} vend en ${info.currency}.`,
      );
    }
    const cashier = await activeUser(trx, input.cashier);
    const customer = await customerByCode(trx, input.customer ?? info.defaultCustomer);
    const sellerCode = input.seller ?? info.defaultSeller ?? undefined;
    const seller = sellerCode === undefined ? undefined : await sellerByCode(trx, sellerCode);
    if (seller === undefined && info.settings.sellerMandatory) {
      throw new JournalError('SELLER_REQUIRED', 'Le vendeur est obligatoire sur cette caisse.');
    }
    const modes = await registerPaymentModes(trx, info);
    const engineInput: TicketInput = {
      ...input.ticket,
      taxExempt: customer.taxExempt,
      paymentModes: modes,
      limits: {
        maxDiscountPercent: info.settings.discountLimitPercent,
        maxDiscountAmount: info.settings.discountLimitAmount,
      },
    };
    const result = computeTicket(engineInput);
    if (!result.valid) {
      throw new JournalError(
        'TICKET_REFUSED',
        `Ticket refusé : ${result.errors.map((e) => e.message).join(' ; ')}.`,
        result.errors.map(({ code, message }) => ({ code, message })),
      );
    }
    checkTotals(result);
    if (!training) {
      await checkClosureDue(batch);
      await requireOpenDay(trx, info);
    }
    const wanted = input.instruments ?? [];
    if (training && wanted.length > 0) {
      throw new JournalError('INSTRUMENT_REFUSED', 'Un bon ne s’utilise pas en mode école.');
    }
    const redemptions = await checkRedemptions(trx, wanted, result.payments, info.currency, batch.now);
    const refs = result.lines.flatMap((l) =>
      l.kind === 'article' ? [l.ref] : [l.ref, ...l.components.map((c) => c.ref)],
    );
    const articles = await articlesByRef(trx, refs);
    const computed = salePayloadOf({
      result,
      input: engineInput,
      currency: input.ticket.currency,
      cashier,
      seller,
      customer: { code: customer.code, name: customer.name },
      training,
      labels: modes,
      articles,
    });
    const payload = withInstruments(computed, wanted);
    const record = await batch.append({
      register: info.register,
      type: training ? 'TRAINING' : 'TICKET',
      softwareVersion: ctx.softwareVersion,
      payload,
    });
    if (!training) countSale(batch, payload.totalTtc);
    await recordRedemptions(trx, redemptions, record, cashier.code, batch.now);
    await rememberKey(batch, key, digest, record);
    if (!training) {
      await moveSaleStock(trx, payload.detail?.lines ?? [], articles, {
        depot: info.depot,
        document: `TICKET ${info.register}/${record.sequence}`,
        operator: cashier.code,
        at: batch.now.toISOString(),
        sign: 1,
        blocking: info.settings.blockOutOfStock,
      });
      if (customer.code !== info.defaultCustomer) await countVisit(trx, customer.code, 1);
    }
    await hooks.afterAppend?.(trx, record);
    return { record: record as ValidatedTicket['record'], number: record.sequence, replayed: false };
  });
}
