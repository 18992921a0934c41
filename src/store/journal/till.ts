/**
 * The till's day (issue 13) in the store: opening with a count of the float, cash in and out, the X
 * reading, the closing count and the day's Z. Each write is signed `MOVEMENT` records and a JET event
 * in one transaction holding the register's lock; a refusal writes nothing. `till_days` says which
 * records belong to which day (docs/till.md).
 */

import type { Selectable } from 'kysely';
import type { JournalRecord, MovementPayload } from '../../fiscal/record.ts';
import {
  closingCounts,
  expectedPerMode,
  type ModeCount,
  type ModeExpectation,
  type TillReading,
  tillEntries,
  tillReading,
} from '../../fiscal/till.ts';
import { countTotal, type DenominationCount } from '../../sales/cash-count.ts';
import { currencyOf, formatScaled, type Minor } from '../../sales/money.ts';
import type { TillDaysTable } from '../schema.ts';
import { type Db, type JournalContext, type RegisterBatch, readJournal, withRegister } from './core.ts';
import { JournalError } from './errors.ts';
import { flushHeads, readHeads } from './heads.ts';
import { appendClosure, checkNoHeldTickets, jetDraft, labelOf } from './operations.ts';
import { type RegisterInfo, registerInfo, registerPaymentModes } from './register-data.ts';

/** A count typed as one total, or coin by coin (then its total is the pieces'). */
export type CountInput = { readonly total: Minor } | { readonly pieces: readonly DenominationCount[] };

export interface TillDay {
  readonly id: number;
  readonly register: string;
  readonly openedAt: string;
  readonly openedBy: string;
  readonly float: Minor;
  readonly movementFrom: number;
  readonly ticketFrom: number;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  readonly kept: Minor | null;
  readonly closureSequence: number | null;
  readonly counts: readonly ModeCount[] | null;
}

function dayOf(row: Selectable<TillDaysTable>): TillDay {
  return {
    id: row.id,
    register: row.register,
    openedAt: row.opened_at,
    openedBy: row.opened_by,
    float: Number(row.float_amount),
    movementFrom: Number(row.movement_from),
    ticketFrom: Number(row.ticket_from),
    closedAt: row.closed_at,
    closedBy: row.closed_by,
    kept: row.kept === null ? null : Number(row.kept),
    closureSequence: row.closure_sequence === null ? null : Number(row.closure_sequence),
    counts: row.counts === null ? null : (JSON.parse(row.counts) as ModeCount[]),
  };
}

/** The register's last day (open or closed), or undefined when it never opened one. */
export async function lastTillDay(db: Db, register: string): Promise<TillDay | undefined> {
  const row = await db
    .selectFrom('till_days')
    .selectAll()
    .where('register', '=', register)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : dayOf(row);
}

/** The days of every register (or one), latest first, for the back office. */
export async function listTillDays(db: Db, options: { register?: string; limit?: number } = {}) {
  let query = db.selectFrom('till_days').selectAll();
  if (options.register !== undefined) query = query.where('register', '=', options.register);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(options.limit ?? 100)
    .execute();
  return rows.map(dayOf);
}

async function openDayOf(db: Db, info: RegisterInfo): Promise<TillDay> {
  const day = await lastTillDay(db, info.register);
  if (day === undefined || day.closedAt !== null) {
    throw new JournalError(
      'TILL_NOT_OPEN',
      `La journée de la caisse ${info.register} n'est pas ouverte : ouvrez-la d'abord avec le comptage du fonds de caisse (comptoir till open).`,
    );
  }
  return day;
}

/** The register's cash mode: its first mode that gives change back, else `CASH`. */
async function cashModeOf(db: Db, info: RegisterInfo): Promise<string> {
  const modes = await registerPaymentModes(db, info);
  for (const [code, mode] of modes) if (mode.excess === 'change') return code;
  return 'CASH';
}

interface UserFacts {
  readonly code: string;
  readonly role: string;
  readonly rights: readonly string[];
}

async function userFacts(db: Db, code: string): Promise<UserFacts> {
  const row = await db
    .selectFrom('users')
    .select(['code', 'role', 'rights'])
    .where('code', '=', code)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (row === undefined) throw new JournalError('UNKNOWN_USER', `Utilisateur inconnu ou inactif : ${code}.`);
  let rights: string[] = [];
  try {
    const parsed = JSON.parse(row.rights) as unknown;
    if (Array.isArray(parsed)) rights = parsed.filter((r): r is string => typeof r === 'string');
  } catch {
    rights = [];
  }
  return { code: row.code, role: row.role, rights };
}

function money(amount: Minor, currency: string): string {
  return formatScaled(amount, currencyOf(currency)?.exponent ?? 2);
}

function countOf(input: CountInput): { amount: Minor; pieces: readonly DenominationCount[] } {
  if ('total' in input) return { amount: input.total, pieces: [] };
  return { amount: countTotal(input.pieces), pieces: input.pieces };
}

function checkAmount(amount: Minor, what: string): void {
  if (!Number.isSafeInteger(amount) || amount < 0) {
    throw new JournalError('INVALID_INPUT', `${what} invalide : ${amount} (un montant positif ou nul).`);
  }
}

/** The records of the open day so far (its tickets and movements), from `till_days`' markers. */
async function dayEntries(batch: RegisterBatch, day: TillDay) {
  return entriesOf(batch.trx, batch.register, day);
}

async function entriesOf(db: Db, register: string, day: TillDay) {
  const records: JournalRecord[] = [];
  for await (const r of readJournal(db, {
    register,
    chain: 'MOVEMENT',
    fromSequence: day.movementFrom,
  })) {
    records.push(r);
  }
  for await (const r of readJournal(db, {
    register,
    chain: 'TICKET',
    fromSequence: day.ticketFrom,
  })) {
    records.push(r);
  }
  return tillEntries(records);
}

export interface OpenTillInput {
  readonly register: number;
  readonly operator: string;
  readonly count: CountInput;
  /** Why the counted float differs from what the last closing kept (required then). */
  readonly reason?: string;
}

export interface OpenedTill {
  readonly record: JournalRecord;
  readonly day: TillDay;
  readonly expected: Minor;
  readonly counted: Minor;
  readonly difference: Minor;
  readonly mode: string;
}

/**
 * Opens the register's day: the float counted (by coin or as a total) against what the last closing
 * left in the drawer; a difference needs a reason. A signed `FLOAT_IN` with its count, a JET 1150.
 */
export async function openTillDay(db: Db, ctx: JournalContext, input: OpenTillInput): Promise<OpenedTill> {
  const info = await registerInfo(db, input.register);
  const { amount, pieces } = countOf(input.count);
  checkAmount(amount, 'Fonds de caisse');
  const mode = await cashModeOf(db, info);
  const outcome = await withRegister(db, ctx, info.register, info.currency, async (batch) => {
    await userFacts(batch.trx, input.operator);
    const last = await lastTillDay(batch.trx, info.register);
    if (last !== undefined && last.closedAt === null) {
      throw new JournalError(
        'TILL_ALREADY_OPEN',
        `La journée de la caisse ${info.register} est déjà ouverte (depuis le ${last.openedAt.slice(0, 16).replace('T', ' à ')} UTC, par ${last.openedBy}).`,
      );
    }
    // The register's first day has no earlier closing to compare with: its float is taken as counted.
    const expected = last?.kept ?? amount;
    const difference = amount - expected;
    const reason = input.reason?.trim() ?? '';
    if (difference !== 0 && reason === '') {
      throw new JournalError(
        'REASON_REQUIRED',
        `Écart de ${money(difference, info.currency)} ${info.currency} entre le fonds compté (${money(amount, info.currency)}) et celui laissé à la dernière fermeture (${money(expected, info.currency)}) : indiquez un motif.`,
      );
    }
    const payload: MovementPayload = {
      currency: info.currency,
      kind: 'FLOAT_IN',
      mode,
      amount,
      reason: reason === '' ? 'Ouverture de caisse' : `Ouverture de caisse : ${reason}`,
      operator: input.operator,
      count: { expected, pieces: pieces.map(({ value, count }) => ({ value, count })) },
    };
    const record = await batch.append({
      register: info.register,
      type: 'MOVEMENT',
      softwareVersion: ctx.softwareVersion,
      payload,
    });
    const ticketHead = await batch.trx
      .selectFrom('journal')
      .select((eb) => eb.fn.max('sequence').as('n'))
      .where('register', '=', info.register)
      .where('chain', '=', 'TICKET')
      .executeTakeFirst();
    await jetDraft(
      batch,
      'TILL_OPENED',
      `mouvement ${record.sequence} ; fonds ${money(amount, info.currency)} ; attendu ${money(expected, info.currency)} ; écart ${money(difference, info.currency)}${reason === '' ? '' : ` ; motif ${reason}`}`,
      input.operator,
    );
    const row = await batch.trx
      .insertInto('till_days')
      .values({
        register: info.register,
        opened_at: batch.now.toISOString(),
        opened_by: input.operator,
        movement_from: record.sequence,
        ticket_from: Number(ticketHead?.n ?? 0) + 1,
        float_amount: amount,
        closed_at: null,
        closed_by: null,
        movement_to: null,
        ticket_to: null,
        closure_sequence: null,
        kept: null,
        counts: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { record, day: dayOf(row), expected, counted: amount, difference, mode };
  });
  return outcome;
}

export interface TillMovementInput {
  readonly register: number;
  readonly operator: string;
  readonly direction: 'in' | 'out';
  readonly amount: Minor;
  readonly reason: string;
  /** A user holding `cash_movement` who gave their code on the spot (checked by the caller). */
  readonly authorizer?: string;
  /** A manager confirms a cash-out larger than the expected cash. */
  readonly force?: boolean;
}

export interface TillMovement {
  readonly record: JournalRecord;
  readonly expectedCash: Minor;
  readonly mode: string;
}

/**
 * A cash in (« preuve de dépôt », DC) or out (« preuve de retrait », RC): right `cash_movement` (the
 * operator's, or a manager's given on the spot), an open day, a reason; never counted in sales. A
 * cash-out larger than the expected cash is refused unless a manager forces it.
 */
export async function recordTillMovement(
  db: Db,
  ctx: JournalContext,
  input: TillMovementInput,
): Promise<TillMovement> {
  const info = await registerInfo(db, input.register);
  if (!Number.isSafeInteger(input.amount) || input.amount <= 0) {
    throw new JournalError('INVALID_INPUT', `Montant invalide : ${input.amount} (plus que zéro).`);
  }
  const reason = input.reason.trim();
  if (reason === '') throw new JournalError('REASON_REQUIRED', 'Le motif du mouvement est obligatoire.');
  const mode = await cashModeOf(db, info);
  return withRegister(db, ctx, info.register, info.currency, async (batch) => {
    const operator = await userFacts(batch.trx, input.operator);
    const authorizer =
      input.authorizer === undefined ? undefined : await userFacts(batch.trx, input.authorizer);
    const allowed = [operator, authorizer].find((u) => u?.rights.includes('cash_movement'));
    if (allowed === undefined) {
      throw new JournalError(
        'RIGHT_REQUIRED',
        `${operator.code} n'a pas le droit « apport et retrait de caisse » (cash_movement) : le code d'un responsable est nécessaire.`,
      );
    }
    const day = await openDayOf(batch.trx, info);
    const expected = expectedPerMode(await dayEntries(batch, day), [mode]).find((m) => m.mode === mode);
    const expectedCash = expected?.expected ?? 0;
    if (input.direction === 'out' && input.amount > expectedCash) {
      const manager = [operator, authorizer].find(
        (u) => u !== undefined && (u.role === 'manager' || u.role === 'admin'),
      );
      if (input.force !== true || manager === undefined) {
        throw new JournalError(
          'CASH_OUT_OVER_EXPECTED',
          `Retrait de ${money(input.amount, info.currency)} supérieur aux espèces attendues dans le tiroir (${money(expectedCash, info.currency)}) : un responsable doit le confirmer.`,
        );
      }
    }
    const signed = input.direction === 'in' ? input.amount : -input.amount;
    const record = await batch.append({
      register: info.register,
      type: 'MOVEMENT',
      softwareVersion: ctx.softwareVersion,
      payload: {
        currency: info.currency,
        kind: input.direction === 'in' ? 'PAY_IN' : 'PAY_OUT',
        mode,
        amount: signed,
        reason,
        operator: input.operator,
      },
    });
    const by = allowed.code === operator.code ? '' : ` ; autorisé par ${allowed.code}`;
    await jetDraft(
      batch,
      input.direction === 'in' ? 'CASH_IN' : 'CASH_OUT',
      `mouvement ${record.sequence} ; ${money(signed, info.currency)} ; motif ${reason}${by}${input.force === true && input.direction === 'out' && input.amount > expectedCash ? ' ; au-delà des espèces attendues, confirmé' : ''}`,
      input.operator,
    );
    return { record, expectedCash: expectedCash + signed, mode };
  });
}

export interface XReading extends TillReading {
  readonly register: string;
  readonly currency: string;
  readonly day: TillDay;
  readonly cashMode: string;
  /** False when the register counts blind and the reader is not a manager: expected amounts hidden. */
  readonly showsExpected: boolean;
  readonly jetSequence: number;
}

/** The X reading (« lecture X »): the open day so far, nothing reset; journaled (JET 1153). */
export async function tillXReading(
  db: Db,
  ctx: JournalContext,
  input: { readonly register: number; readonly operator: string },
): Promise<XReading> {
  const info = await registerInfo(db, input.register);
  const mode = await cashModeOf(db, info);
  return withRegister(db, ctx, info.register, info.currency, async (batch) => {
    const user = await userFacts(batch.trx, input.operator);
    const day = await openDayOf(batch.trx, info);
    const reading = tillReading(await dayEntries(batch, day), [mode]);
    const showsExpected = !info.settings.blindCount || user.role === 'manager' || user.role === 'admin';
    const jet = await jetDraft(
      batch,
      'X_READING',
      `tickets ${reading.ticketCount} ; ${reading.perMode.map((m) => `${m.mode} attendu ${money(m.expected, info.currency)}`).join(' ; ')}`,
      input.operator,
    );
    return {
      ...reading,
      register: info.register,
      currency: info.currency,
      day,
      cashMode: mode,
      showsExpected,
      jetSequence: jet.sequence,
    };
  });
}

export interface TillStatus {
  readonly register: string;
  readonly currency: string;
  readonly cashMode: string;
  /** The register's payment modes, in their order (the closing counts them). */
  readonly modes: readonly { readonly code: string; readonly label: string }[];
  /** Setting `tillDayRequired`: no sale before the day is open. */
  readonly required: boolean;
  readonly blindCount: boolean;
  /** The open day, or undefined. */
  readonly day: TillDay | undefined;
  /** What the last closing left in the drawer (the next opening's expected float); null before the first day. */
  readonly expectedFloat: Minor | null;
  /** The open day so far (expected amounts included: hide them when `showsExpected` is false). */
  readonly reading: TillReading | undefined;
  readonly showsExpected: boolean;
}

/** Where the register's day stands, for the register screen: read only, nothing journaled. */
export async function tillStatus(
  db: Db,
  input: { readonly register: number; readonly operator: string },
): Promise<TillStatus> {
  const info = await registerInfo(db, input.register);
  const mode = await cashModeOf(db, info);
  const modes = await registerPaymentModes(db, info);
  const user = await userFacts(db, input.operator);
  const last = await lastTillDay(db, info.register);
  const open = last !== undefined && last.closedAt === null;
  return {
    register: info.register,
    currency: info.currency,
    cashMode: mode,
    modes: [...modes].map(([code, m]) => ({ code, label: m.label })),
    required: info.settings.tillDayRequired,
    blindCount: info.settings.blindCount,
    day: open ? last : undefined,
    expectedFloat: open ? last.float : (last?.kept ?? null),
    reading: open ? tillReading(await entriesOf(db, info.register, last), [mode]) : undefined,
    showsExpected: !info.settings.blindCount || user.role === 'manager' || user.role === 'admin',
  };
}

export interface CloseTillInput {
  readonly register: number;
  readonly operator: string;
  /** The cash counted (by coin or as a total). */
  readonly cash: CountInput;
  /** The other modes counted (cheques total, card batch, vouchers), by code. */
  readonly others?: ReadonlyMap<string, Minor>;
  /** What stays in the drawer as the next float; default: all the cash counted. */
  readonly keep?: Minor;
}

export interface ClosedTill {
  readonly day: TillDay;
  readonly expected: readonly ModeExpectation[];
  readonly counts: readonly ModeCount[];
  readonly kept: Minor;
  /** What went to the safe or the bank (the FLOAT_OUT), 0 when all stays. */
  readonly removed: Minor;
  readonly records: readonly JournalRecord[];
  readonly closure: JournalRecord & { readonly type: 'CLOSURE' };
  readonly heads: ReturnType<typeof readHeads>;
}

/**
 * Closes the register's day: one signed `COUNT` per mode counted (counted against expected), the cash
 * beyond what stays in the drawer out to the safe (`FLOAT_OUT`), a JET 1154, then the day's Z closure
 * as `comptoir close day` makes it — all in one transaction.
 */
export async function closeTillDay(db: Db, ctx: JournalContext, input: CloseTillInput): Promise<ClosedTill> {
  const info = await registerInfo(db, input.register);
  const { amount: cash, pieces } = countOf(input.cash);
  checkAmount(cash, 'Espèces comptées');
  for (const [mode, amount] of input.others ?? new Map()) checkAmount(amount, `Montant compté en ${mode}`);
  const mode = await cashModeOf(db, info);
  const modes = await registerPaymentModes(db, info);
  for (const other of (input.others ?? new Map()).keys()) {
    if (other === mode) throw new JournalError('INVALID_INPUT', `Les espèces (${mode}) se comptent à part.`);
    if (!modes.has(other)) throw new JournalError('INVALID_INPUT', `Mode de paiement inconnu : ${other}.`);
  }
  const keep = input.keep ?? cash;
  checkAmount(keep, 'Fonds conservé');
  if (keep > cash) {
    throw new JournalError(
      'INVALID_INPUT',
      `Le fonds conservé (${money(keep, info.currency)}) dépasse les espèces comptées (${money(cash, info.currency)}).`,
    );
  }
  const outcome = await withRegister(db, ctx, info.register, info.currency, async (batch) => {
    await userFacts(batch.trx, input.operator);
    const day = await openDayOf(batch.trx, info);
    await checkNoHeldTickets(batch);
    const expected = expectedPerMode(await dayEntries(batch, day), [mode]);
    const counted = new Map<string, Minor>([[mode, cash], ...(input.others ?? new Map())]);
    const counts = closingCounts(expected, counted);
    const records: JournalRecord[] = [];
    for (const c of counts) {
      records.push(
        await batch.append({
          register: info.register,
          type: 'MOVEMENT',
          softwareVersion: ctx.softwareVersion,
          payload: {
            currency: info.currency,
            kind: 'COUNT',
            mode: c.mode,
            amount: c.counted,
            reason: 'Comptage de fermeture',
            operator: input.operator,
            count: {
              expected: c.expected,
              pieces: c.mode === mode ? pieces.map(({ value, count }) => ({ value, count })) : [],
            },
          },
        }),
      );
    }
    const removed = cash - keep;
    if (removed > 0) {
      records.push(
        await batch.append({
          register: info.register,
          type: 'MOVEMENT',
          softwareVersion: ctx.softwareVersion,
          payload: {
            currency: info.currency,
            kind: 'FLOAT_OUT',
            mode,
            amount: -removed,
            reason: 'Fermeture : remise au coffre',
            operator: input.operator,
          },
        }),
      );
    }
    const last = records.at(-1);
    const ticketHead = await batch.trx
      .selectFrom('journal')
      .select((eb) => eb.fn.max('sequence').as('n'))
      .where('register', '=', info.register)
      .where('chain', '=', 'TICKET')
      .executeTakeFirst();
    await jetDraft(
      batch,
      'TILL_CLOSED',
      `${counts.map((c) => `${c.mode} compté ${money(c.counted, info.currency)} attendu ${money(c.expected, info.currency)} écart ${money(c.difference, info.currency)}`).join(' ; ')} ; fonds conservé ${money(keep, info.currency)}`,
      input.operator,
    );
    const closure = await appendClosure(batch, 'DAY', labelOf('DAY', batch), input.operator);
    const row = await batch.trx
      .updateTable('till_days')
      .set({
        closed_at: batch.now.toISOString(),
        closed_by: input.operator,
        movement_to: last?.sequence ?? day.movementFrom,
        ticket_to: Number(ticketHead?.n ?? 0),
        closure_sequence: closure.sequence,
        kept: keep,
        counts: JSON.stringify(counts),
      })
      .where('id', '=', day.id)
      .returningAll()
      .executeTakeFirstOrThrow();
    return { day: dayOf(row), expected, counts, kept: keep, removed, records, closure };
  });
  await flushHeads();
  return { ...outcome, heads: readHeads(ctx.dataDir, info.register) };
}

/** The day's movements (its `COUNT` records among them) of a daily closure, for its Z report (undefined: no till day). */
export async function tillCountsOfClosure(
  db: Db,
  register: string,
  closureSequence: number,
): Promise<{ day: TillDay; records: JournalRecord[] } | undefined> {
  const row = await db
    .selectFrom('till_days')
    .selectAll()
    .where('register', '=', register)
    .where('closure_sequence', '=', closureSequence)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const day = dayOf(row);
  const records: JournalRecord[] = [];
  for await (const r of readJournal(db, { register, chain: 'MOVEMENT', fromSequence: day.movementFrom })) {
    if (row.movement_to !== null && r.sequence > Number(row.movement_to)) break;
    records.push(r);
  }
  return { day, records };
}
