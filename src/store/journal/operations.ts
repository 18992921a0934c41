/**
 * The journal's other writes: cancellations, duplicates, JET events, closures, key rotation, held
 * tickets. Each runs in one transaction holding the register's lock; a refusal writes nothing.
 */
import { keyRotationDraft } from '../../fiscal/chain.ts';
import { ClosureError, closurePayload } from '../../fiscal/closure.ts';
import {
  type Chain,
  type ClosureKind,
  type ClosurePayload,
  type DetailLine,
  DUPLICATE_DOCUMENTS,
  type DuplicateDocument,
  INDEXED_DUPLICATE_DOCUMENTS,
  JET_CODES,
  JET_LABELS,
  type JetCodeName,
  type JournalRecord,
  refOf,
  type SaleDetail,
  type SalePayload,
} from '../../fiscal/record.ts';
import { anchorHeads } from './anchors.ts';
import { type Db, getRecord, headOf, type JournalContext, type RegisterBatch, withRegister } from './core.ts';
import { JournalError } from './errors.ts';
import { flushHeads, readHeads } from './heads.ts';
import { abortNextKey, commitNextKey, prepareNextKey, rotationsUnderWay } from './keys.ts';
import { activeUser, articlesByRef, registerInfo } from './register-data.ts';
import { requireOpenDay } from './till-guard.ts';
import { localDateOf } from './time.ts';
import {
  checkClosureDue,
  checkIdempotencyKey,
  countSale,
  countVisit,
  moveSaleStock,
  rememberKey,
  replayOf,
} from './validate.ts';

/** Appends one JET event inside a batch. */
export function jetDraft(batch: RegisterBatch, name: JetCodeName, data: string, operator: string) {
  return batch.append({
    register: batch.register,
    type: 'JET',
    softwareVersion: batch.ctx.softwareVersion,
    payload: { code: JET_CODES[name], description: JET_LABELS[name], operator, data },
  });
}

/**
 * Appends a technical event (JET) to register `register` (its number): start and stop, login and
 * logout, rights override, verification run and its result, settings change, training on/off,
 * import/export, version change… `data` is free text (what changed, the result).
 */
export async function appendJet(
  db: Db,
  ctx: JournalContext,
  register: number,
  code: JetCodeName,
  data: string,
  operator: string,
): Promise<JournalRecord> {
  if (!(code in JET_CODES)) throw new JournalError('INVALID_INPUT', `Code d’événement inconnu : ${code}.`);
  const info = await registerInfo(db, register);
  return withRegister(db, ctx, info.register, info.currency, (batch) =>
    jetDraft(batch, code, data, operator),
  );
}

export interface DuplicateInput {
  readonly register: number;
  /** The reprinted record: a ticket by default. */
  readonly original: { readonly chain?: Chain; readonly sequence: number };
  /** The document of that sale that is copied when it is not its sales ticket (checklist item 24). */
  readonly document?: DuplicateDocument;
  /** Which of the sale's vouchers of that kind (1-based, default 1). */
  readonly index?: number;
  /** Why it is reprinted (kept in the fiscal archives, seed 000). */
  readonly reason: string;
  readonly operator: string;
}

/** The copied document as the payload writes it: no `index` for the first (or only) one. */
function copiedDocument(input: DuplicateInput): { document?: DuplicateDocument; index?: number } {
  const { document, index } = input;
  if (document === undefined) {
    if (index !== undefined && index !== 1) {
      throw new JournalError('INVALID_INPUT', 'Le rang du document demande le document copié.');
    }
    return {};
  }
  if (!(DUPLICATE_DOCUMENTS as readonly string[]).includes(document)) {
    throw new JournalError(
      'INVALID_INPUT',
      `Document copié inconnu : ${String(document)} (${DUPLICATE_DOCUMENTS.join(', ')}).`,
    );
  }
  if (index === undefined || index === 1) return { document };
  if (!Number.isSafeInteger(index) || index < 1) {
    throw new JournalError('INVALID_INPUT', `Rang du document invalide : ${index} (entier positif).`);
  }
  if (!INDEXED_DUPLICATE_DOCUMENTS.includes(document)) {
    throw new JournalError(
      'INVALID_INPUT',
      `Une vente n'émet qu'un document ${document} : pas de rang ${index}.`,
    );
  }
  return { document, index };
}

/**
 * Records a reprint (duplicate) of a justificatif: its own chain, copy number 1, 2, … per original and
 * per copied document (a ticket copy and an invoice copy of the same sale each start at 1).
 */
export async function recordDuplicate(
  db: Db,
  ctx: JournalContext,
  input: DuplicateInput,
): Promise<JournalRecord & { readonly type: 'DUPLICATE' }> {
  const reason = input.reason.trim();
  if (reason === '') throw new JournalError('INVALID_INPUT', 'Le motif de la réimpression est obligatoire.');
  const copied = copiedDocument(input);
  const info = await registerInfo(db, input.register);
  const chain = input.original.chain ?? 'TICKET';
  return withRegister(db, ctx, info.register, info.currency, async (batch) => {
    await activeUser(batch.trx, input.operator);
    const original = await getRecord(batch.trx, info.register, chain, input.original.sequence);
    if (original === undefined) {
      throw new JournalError(
        'UNKNOWN_RECORD',
        `Aucun enregistrement n° ${input.original.sequence} dans la chaîne ${chain} de la caisse ${info.register}.`,
      );
    }
    if (copied.document !== undefined && original.type !== 'TICKET' && original.type !== 'TRAINING') {
      throw new JournalError(
        'INVALID_INPUT',
        `Un document ${copied.document} se fait d'un ticket de vente, pas d'un enregistrement ${original.type}.`,
      );
    }
    const rows = await batch.trx
      .selectFrom('journal')
      .select('payload')
      .where('register', '=', info.register)
      .where('chain', '=', 'DUPLICATE')
      .where('ref_chain', '=', chain)
      .where('ref_sequence', '=', original.sequence)
      .execute();
    const earlier = rows.filter((row) => {
      const p = JSON.parse(row.payload) as { document?: string; index?: number };
      return p.document === copied.document && p.index === copied.index;
    }).length;
    const record = await batch.append({
      register: info.register,
      type: 'DUPLICATE',
      softwareVersion: ctx.softwareVersion,
      payload: {
        original: refOf(original),
        copyNumber: earlier + 1,
        reason,
        operator: input.operator,
        ...copied,
      },
    });
    return record as JournalRecord & { readonly type: 'DUPLICATE' };
  });
}

function negateLine(l: DetailLine): DetailLine {
  return {
    ...l,
    quantity: -l.quantity,
    gross: -l.gross,
    lineDiscount: -l.lineDiscount,
    globalDiscount: -l.globalDiscount,
    net: -l.net,
    ecoParticipation: -l.ecoParticipation,
    ...(l.components === undefined ? {} : { components: l.components.map(negateLine) }),
  };
}

/** The opposite of a sale payload, pointing to the ticket it cancels. */
export function oppositeOf(
  original: JournalRecord & { type: 'TICKET' },
  cashier: { code: string; name: string },
) {
  const p = original.payload;
  const detail: SaleDetail | undefined =
    p.detail === undefined
      ? undefined
      : {
          ...p.detail,
          cashier,
          lines: p.detail.lines.map(negateLine),
          ...(p.detail.shipping === undefined
            ? {}
            : { shipping: { ...p.detail.shipping, net: -p.detail.shipping.net } }),
          totalVat: -p.detail.totalVat,
          payments: p.detail.payments.map((x) => ({
            ...x,
            given: -x.given,
            amount: -x.amount,
            ...(x.foreign === undefined ? {} : { foreign: { ...x.foreign, amount: -x.foreign.amount } }),
          })),
          roundingAdjustment: -p.detail.roundingAdjustment,
          change: -p.detail.change,
          creditNote: -p.detail.creditNote,
          articleCount: -p.detail.articleCount,
        };
  const payload: SalePayload = {
    currency: p.currency,
    operator: cashier.code,
    customer: p.customer,
    pricesIncludeTax: p.pricesIncludeTax,
    cancels: refOf(original),
    lines: p.lines.map((l) => ({ ...l, quantity: -l.quantity, totalHt: -l.totalHt, totalTtc: -l.totalTtc })),
    perRate: p.perRate.map((r) => ({ rate: r.rate, ht: -r.ht, vat: -r.vat, ttc: -r.ttc })),
    totalHt: -p.totalHt,
    totalTtc: -p.totalTtc,
    payments: p.payments.map((x) => ({ mode: x.mode, amount: -x.amount })),
    ...(detail === undefined ? {} : { detail }),
  };
  return payload;
}

export interface CancelInput {
  readonly register: number;
  /** The ticket number (sequence in the TICKET chain). */
  readonly sequence: number;
  /** The user cancelling; the caller has checked the `cancel_ticket` right. */
  readonly operator: string;
  readonly idempotencyKey?: string;
}

/**
 * Cancels a validated ticket: a ticket is never changed; a CANCELLATION record with the opposite
 * amounts, pointing to it, is appended to the TICKET chain (it takes the next ticket number).
 */
export async function cancelTicket(
  db: Db,
  ctx: JournalContext,
  input: CancelInput,
): Promise<{ record: JournalRecord & { type: 'CANCELLATION' }; replayed: boolean }> {
  const key = input.idempotencyKey === undefined ? undefined : checkIdempotencyKey(input.idempotencyKey);
  const digest = `cancel:${input.register}:${input.sequence}:${input.operator}`;
  const info = await registerInfo(db, input.register);
  return withRegister(db, ctx, info.register, info.currency, async (batch) => {
    if (key !== undefined) {
      const previous = await replayOf(batch, key, digest);
      if (previous !== undefined) {
        return { record: previous as JournalRecord & { type: 'CANCELLATION' }, replayed: true };
      }
    }
    const cashier = await activeUser(batch.trx, input.operator);
    const original = await getRecord(batch.trx, info.register, 'TICKET', input.sequence);
    if (original === undefined) {
      throw new JournalError(
        'UNKNOWN_RECORD',
        `Ticket n° ${input.sequence} introuvable sur la caisse ${info.register}.`,
      );
    }
    if (original.type !== 'TICKET') {
      throw new JournalError(
        'NOT_CANCELLABLE',
        `L’enregistrement n° ${input.sequence} est une annulation : il ne s’annule pas.`,
      );
    }
    const already = await cancellationOf(batch, input.sequence);
    if (already !== undefined) {
      throw new JournalError(
        'ALREADY_CANCELLED',
        `Le ticket n° ${input.sequence} est déjà annulé par le ticket n° ${already}.`,
      );
    }
    await checkClosureDue(batch);
    await requireOpenDay(batch.trx, info);
    const payload = oppositeOf(original, cashier);
    const record = await batch.append({
      register: info.register,
      type: 'CANCELLATION',
      softwareVersion: ctx.softwareVersion,
      payload,
    });
    countSale(batch, payload.totalTtc);
    if (key !== undefined) await rememberKey(batch, key, digest, record);
    const lines = original.payload.detail?.lines ?? [];
    const refs = lines.flatMap((l) => [l.ref, ...(l.components ?? []).map((c) => c.ref)]);
    await moveSaleStock(batch.trx, lines, await articlesByRef(batch.trx, refs), {
      depot: info.depot,
      document: `ANNULATION ${info.register}/${record.sequence}`,
      operator: cashier.code,
      at: batch.now.toISOString(),
      sign: -1,
      blocking: false,
    });
    if (original.payload.customer !== info.defaultCustomer) {
      await countVisit(batch.trx, original.payload.customer, -1);
    }
    return { record: record as JournalRecord & { type: 'CANCELLATION' }, replayed: false };
  });
}

/**
 * The sequence of the cancellation of ticket `sequence`, read from the signed payloads of the
 * register's cancellations (not from the unsigned `ref_sequence` lookup column, issue 11 item 4).
 */
async function cancellationOf(batch: RegisterBatch, sequence: number): Promise<number | undefined> {
  const rows = await batch.trx
    .selectFrom('journal')
    .select(['sequence', 'payload'])
    .where('register', '=', batch.register)
    .where('chain', '=', 'TICKET')
    .where('type', '=', 'CANCELLATION')
    .execute();
  const found = rows.find((row) => (JSON.parse(row.payload) as SalePayload).cancels?.sequence === sequence);
  return found === undefined ? undefined : Number(found.sequence);
}

export interface ClosureInput {
  readonly register: number;
  readonly operator: string;
  /** The period's label; default: the local date (`2026-11-23`), month (`2026-11`) or year (`2026`). */
  readonly label?: string;
}

export interface ClosureOutcome {
  /** The closures appended, smallest period first (a month closes the open day first, item 28). */
  readonly closures: readonly (JournalRecord & { readonly type: 'CLOSURE' })[];
  /** The register's chain heads after the closure, as kept outside the database (Z report). */
  readonly heads: ReturnType<typeof readHeads>;
}

export function labelOf(kind: ClosureKind, batch: RegisterBatch): string {
  const day = localDateOf(batch.stamp);
  return kind === 'DAY' ? day : kind === 'MONTH' ? day.slice(0, 7) : day.slice(0, 4);
}

/**
 * The month (year) a monthly (yearly) closure covers: the one in which its open period began, that is
 * the day after the previous closure of that kind (issue 12: « une clôture mensuelle le 3 décembre »
 * closes November, never a December that has not ended).
 */
function coveredPeriodOf(kind: 'MONTH' | 'YEAR', batch: RegisterBatch): string {
  const acc = kind === 'MONTH' ? batch.state.closure.month : batch.state.closure.year;
  const day = localDateOf(acc.periodStart);
  return kind === 'MONTH' ? day.slice(0, 7) : day.slice(0, 4);
}

const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

/** Refuses a monthly or yearly closure while the period it covers is not over (PERIOD_NOT_ENDED). */
function checkPeriodEnded(kind: 'MONTH' | 'YEAR', batch: RegisterBatch): string {
  const covered = coveredPeriodOf(kind, batch);
  const current = labelOf(kind, batch);
  if (covered < current) return covered;
  const [year = 0, month = 1] = covered.split('-').map(Number);
  const next =
    kind === 'MONTH'
      ? month === 12
        ? `janvier ${year + 1}`
        : `${MONTH_NAMES[month] ?? ''} ${year}`
      : `janvier ${year + 1}`;
  const what =
    kind === 'MONTH'
      ? `le mois de ${MONTH_NAMES[month - 1] ?? ''} ${year} n’est pas terminé`
      : `l’exercice ${year} n’est pas terminé`;
  throw new JournalError(
    'PERIOD_NOT_ENDED',
    `Clôture ${kind === 'MONTH' ? 'mensuelle' : 'annuelle'} refusée : ${what}. Elle se fait à partir du 1er ${next}.`,
  );
}

/**
 * One daily closure per register and day (the register's `shifts` setting allows one per shift):
 * DAY_ALREADY_CLOSED when the last one was made on the same local date.
 */
function checkDayNotClosed(batch: RegisterBatch, shifts: boolean): void {
  if (shifts || batch.state.lastDayClosureAt === null) return;
  // The open day begins where the last daily closure ended.
  const closedOn = localDateOf(batch.state.closure.day.periodStart);
  const today = localDateOf(batch.stamp);
  if (closedOn !== today) return;
  const [y, m, d] = today.split('-');
  throw new JournalError(
    'DAY_ALREADY_CLOSED',
    `La journée du ${d}/${m}/${y} est déjà clôturée sur la caisse ${batch.register} : une seule clôture journalière (Z) par jour, sauf si la caisse travaille par services (paramètre « shifts »).`,
  );
}

export async function appendClosure(
  batch: RegisterBatch,
  kind: ClosureKind,
  label: string,
  operator: string,
) {
  let payload: ClosurePayload;
  try {
    payload = closurePayload(batch.state.closure, kind, label, batch.stamp);
  } catch (error) {
    if (error instanceof ClosureError) throw new JournalError('INVALID_INPUT', error.message);
    throw error;
  }
  const record = (await batch.append({
    register: batch.register,
    type: 'CLOSURE',
    softwareVersion: batch.ctx.softwareVersion,
    payload,
  })) as JournalRecord & { readonly type: 'CLOSURE' };
  if (kind === 'DAY') {
    batch.state.lastDayClosureAt = batch.now.toISOString();
    batch.markStateChanged();
  }
  await jetDraft(batch, 'PERIOD_CLOSURE', `${kind} ${label} : clôture n° ${record.sequence}`, operator);
  return record;
}

/** A closure is refused while the register has held tickets (seed 001). */
export async function checkNoHeldTickets(batch: RegisterBatch): Promise<void> {
  const held = await batch.trx
    .selectFrom('held_tickets')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('register', '=', batch.register)
    .executeTakeFirstOrThrow();
  if (Number(held.n) > 0) {
    throw new JournalError(
      'HELD_TICKETS',
      `Clôture refusée : ${held.n} ticket(s) en attente sur la caisse ${batch.register}. Reprenez-les ou abandonnez-les d’abord.`,
    );
  }
}

/**
 * Closes the day, month or year of a register: a signed CLOSURE record computed incrementally (a
 * month sums its days, a year its months, nothing is rescanned), plus a JET event. A month first
 * closes the open day, a year the open day and month. Refused while held tickets exist (seed 001).
 */
export async function closePeriod(
  db: Db,
  ctx: JournalContext,
  kind: ClosureKind,
  input: ClosureInput,
): Promise<ClosureOutcome> {
  const info = await registerInfo(db, input.register);
  const closures = await withRegister(db, ctx, info.register, info.currency, async (batch) => {
    await activeUser(batch.trx, input.operator);
    await checkNoHeldTickets(batch);
    const done: (JournalRecord & { readonly type: 'CLOSURE' })[] = [];
    // A month or a year is closed once it has ended, under its own label (not today's).
    const covered = kind === 'DAY' ? labelOf('DAY', batch) : checkPeriodEnded(kind, batch);
    const own = (k: ClosureKind) =>
      k === kind
        ? (input.label ?? covered)
        : k === 'MONTH'
          ? coveredPeriodOf('MONTH', batch)
          : labelOf(k, batch);
    const dayDue = kind === 'DAY' || batch.state.closure.day.itemCount > 0;
    if (dayDue) checkDayNotClosed(batch, info.settings.shifts);
    if (kind !== 'DAY' && batch.state.closure.day.itemCount > 0) {
      done.push(await appendClosure(batch, 'DAY', labelOf('DAY', batch), input.operator));
    }
    if (kind === 'YEAR' && batch.state.closure.month.itemCount > 0) {
      done.push(await appendClosure(batch, 'MONTH', own('MONTH'), input.operator));
    }
    done.push(await appendClosure(batch, kind, own(kind), input.operator));
    return done;
  });
  await flushHeads();
  await anchorAfterClosure(db, ctx, info.register, info.currency);
  return { closures, heads: readHeads(ctx.dataDir, info.register) };
}

/** The heads sent to the witnesses after a closure; a witness that fails is journaled (JET 1123). */
async function anchorAfterClosure(db: Db, ctx: JournalContext, register: string, currency: string) {
  const failures = await anchorHeads(ctx.dataDir, ctx.witnesses ?? [], [register]);
  if (failures.length === 0) return;
  await withRegister(db, ctx, register, currency, async (batch) => {
    for (const { failure } of failures) await jetDraft(batch, 'ANCHOR_FAILED', failure, 'SYSTEME');
  });
}

export const closeDay = (db: Db, ctx: JournalContext, input: ClosureInput) =>
  closePeriod(db, ctx, 'DAY', input);
export const closeMonth = (db: Db, ctx: JournalContext, input: ClosureInput) =>
  closePeriod(db, ctx, 'MONTH', input);
export const closeYear = (db: Db, ctx: JournalContext, input: ClosureInput) =>
  closePeriod(db, ctx, 'YEAR', input);

/**
 * Rotates the register's signing key: the rotation is a JET record (code 1080) signed by the old key
 * and naming the new one; the new key signs from then on. The old private key is removed; every
 * public key stays in `<data>/keys/<register>/` for the verifier.
 */
export async function rotateRegisterKey(
  db: Db,
  ctx: JournalContext,
  register: number,
  operator: string,
): Promise<{ record: JournalRecord; keyId: string }> {
  const info = await registerInfo(db, register);
  const underWay = `${ctx.dataDir}\u0000${info.register}`;
  rotationsUnderWay.add(underWay);
  const next = prepareNextKey(ctx.dataDir, info.register);
  try {
    const record = await withRegister(db, ctx, info.register, info.currency, async (batch) => {
      await activeUser(batch.trx, operator);
      return batch.append(keyRotationDraft(info.register, next.keyId, operator, ctx.softwareVersion));
    });
    commitNextKey(ctx.dataDir, info.register, next);
    return { record, keyId: next.keyId };
  } catch (error) {
    abortNextKey(ctx.dataDir, info.register);
    throw error;
  } finally {
    rotationsUnderWay.delete(underWay);
  }
}

/** The number the register's next ticket will get (nothing is reserved: an abandoned ticket gives it back). */
export async function peekNextTicketNumber(db: Db, register: number, training = false): Promise<number> {
  const info = await registerInfo(db, register);
  const head = await headOf(db, info.register, training ? 'TRAINING' : 'TICKET');
  return (head?.sequence ?? 0) + 1;
}

/** Puts a ticket on hold (seed 001); a closure is refused while the register has held tickets. */
export async function holdTicket(
  db: Db,
  register: number,
  operator: string,
  state: unknown,
  now: Date,
  label = '',
): Promise<number> {
  const info = await registerInfo(db, register);
  const row = await db
    .insertInto('held_tickets')
    .values({
      register: info.register,
      held_at: now.toISOString(),
      operator,
      label,
      state: JSON.stringify(state),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Takes a held ticket back (resumed or abandoned): its state, or undefined when it is gone. */
export async function releaseHeldTicket(db: Db, id: number): Promise<unknown> {
  const row = await db.selectFrom('held_tickets').select('state').where('id', '=', id).executeTakeFirst();
  if (row === undefined) return undefined;
  await db.deleteFrom('held_tickets').where('id', '=', id).execute();
  return JSON.parse(row.state) as unknown;
}
