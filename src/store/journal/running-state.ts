/**
 * The register's running columns (`journal_registers`) are not signed: the 24-hour rule reads the
 * signed records instead (issue 11 item 4). The last daily closure is the stamp of the register's
 * last DAY closure record, the first sale the stamp of its TICKET record 1. When the unsigned
 * columns disagree (edited behind the application's back, or an old copy restored), they are
 * rebuilt from the signed records and the correction is journaled (JET 1122).
 */

import type { ClosurePayload } from '../../fiscal/record.ts';
import { instantOf, JET_CODES, JET_LABELS, type Stamp, stampOf } from '../../fiscal/record.ts';
import type { Db, JournalContext, RegisterBatch, Trx } from './core.ts';
import { journalRegisters, withRegister } from './core.ts';

export interface SignedTimes {
  /** UTC stamp (`YYYYMMDDHHMMSS`) of the last daily closure, from its signed record. */
  readonly lastDayClosure: string | undefined;
  /** UTC stamp of the register's first sale (TICKET chain record 1). */
  readonly firstSale: string | undefined;
}

/** When the register last closed its day and first sold, read from its records. */
export async function signedTimes(trx: Db | Trx, register: string): Promise<SignedTimes> {
  const lastOf = async (limit: number | undefined) => {
    let query = trx
      .selectFrom('journal')
      .select(['stamp_utc', 'payload'])
      .where('register', '=', register)
      .where('chain', '=', 'CLOSURE')
      .orderBy('sequence', 'desc');
    if (limit !== undefined) query = query.limit(limit);
    const rows = await query.execute();
    const day = rows.find((r) => (JSON.parse(r.payload) as ClosurePayload).kind === 'DAY');
    return { day: day?.stamp_utc, complete: limit === undefined || rows.length < limit };
  };
  // A month or year closure follows the day it closes: the last daily one is among the last three.
  let last = await lastOf(3);
  if (last.day === undefined && !last.complete) last = await lastOf(undefined);
  const first = await trx
    .selectFrom('journal')
    .select('stamp_utc')
    .where('register', '=', register)
    .where('chain', '=', 'TICKET')
    .where('sequence', '=', 1)
    .executeTakeFirst();
  return { lastDayClosure: last.day, firstSale: first?.stamp_utc };
}

const utcOf = (iso: string | null): string | undefined =>
  iso === null ? undefined : stampOf(new Date(iso), 0).utc;
const isoOf = (utc: string | undefined): string | null =>
  utc === undefined ? null : instantOf({ utc, offset: '+0000' } as Stamp).toISOString();

/**
 * Compares the register's running columns with its signed records inside `batch`; rebuilds them and
 * journals JET 1122 when they differ. Returns the signed times.
 */
export async function reconcileRunningState(batch: RegisterBatch): Promise<SignedTimes> {
  const signed = await signedTimes(batch.trx, batch.register);
  const s = batch.state;
  const wrong: string[] = [];
  if (utcOf(s.lastDayClosureAt) !== signed.lastDayClosure) {
    wrong.push(
      `dernière clôture journalière ${s.lastDayClosureAt ?? 'aucune'} → ${isoOf(signed.lastDayClosure) ?? 'aucune'}`,
    );
    s.lastDayClosureAt = isoOf(signed.lastDayClosure);
  }
  if (utcOf(s.firstSaleAt) !== signed.firstSale) {
    wrong.push(`première vente ${s.firstSaleAt ?? 'aucune'} → ${isoOf(signed.firstSale) ?? 'aucune'}`);
    s.firstSaleAt = isoOf(signed.firstSale);
  }
  if (wrong.length > 0) {
    batch.markStateChanged();
    await batch.append({
      register: batch.register,
      type: 'JET',
      softwareVersion: batch.ctx.softwareVersion,
      payload: {
        code: JET_CODES.RUNNING_STATE_REBUILT,
        description: JET_LABELS.RUNNING_STATE_REBUILT,
        operator: 'SYSTEME',
        data: wrong.join(' ; '),
      },
    });
  }
  return signed;
}

/**
 * At start: every register's running columns checked against its signed records (rebuilt and
 * journaled when they differ). Returns the registers corrected.
 */
export async function checkRunningStates(db: Db, ctx: JournalContext): Promise<string[]> {
  const corrected: string[] = [];
  for (const register of await journalRegisters(db)) {
    const row = await db
      .selectFrom('journal_registers')
      .select('currency')
      .where('register', '=', register)
      .executeTakeFirstOrThrow();
    const changed = await withRegister(db, ctx, register, row.currency, async (batch) => {
      const before = batch.appended.length;
      await reconcileRunningState(batch);
      return batch.appended.length > before;
    });
    if (changed) corrected.push(register);
  }
  return corrected;
}
