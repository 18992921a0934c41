/**
 * `verify` over the records of issue 14 that live beside the journal: every ledger movement of an
 * instrument and every return's link must be backed by a signed record saying the same thing.
 * - a ledger row (issue or redemption) names a TICKET whose signed detail has a payment with that
 *   instrument's number and the opposite amount;
 * - an instrument's first row is its issue, by the record the instrument names;
 * - a `ticket_returns` row names a signed return whose `returnOf` is that original.
 */
import type { Problem } from '../../fiscal/verify.ts';
import { formatInstrumentNumber } from '../../sales/instruments.ts';
import { type Db, getRecord } from './core.ts';

export async function checkInstrumentRecords(db: Db, register?: string): Promise<Problem[]> {
  const problems: Problem[] = [];
  const problem = (reg: string, sequence: number, message: string) =>
    problems.push({ register: reg, chain: 'TICKET', sequence, code: 'LEDGER_MISMATCH', message });
  let ledger = db.selectFrom('instrument_ledger').selectAll().orderBy('number').orderBy('entry');
  if (register !== undefined) ledger = ledger.where('register', '=', register);
  for (const row of await ledger.execute()) {
    const sequence = Number(row.sequence);
    const amount = Number(row.amount);
    const shown = formatInstrumentNumber(row.number);
    const record = row.chain === 'TICKET' ? await getRecord(db, row.register, 'TICKET', sequence) : undefined;
    const payments = record?.type === 'TICKET' ? (record.payload.detail?.payments ?? []) : [];
    if (!payments.some((p) => p.instrument === row.number && p.amount === -amount)) {
      problem(
        row.register,
        sequence,
        `le mouvement ${row.entry} du bon ${shown} (${amount}) n’est pas dans le ticket signé n° ${sequence}`,
      );
    }
  }
  let issued = db.selectFrom('instruments').selectAll();
  if (register !== undefined) issued = issued.where('register', '=', register);
  for (const row of await issued.execute()) {
    const first = await db
      .selectFrom('instrument_ledger')
      .selectAll()
      .where('number', '=', row.number)
      .where('entry', '=', 1)
      .executeTakeFirst();
    if (
      first === undefined ||
      Number(first.amount) <= 0 ||
      first.register !== row.register ||
      Number(first.sequence) !== Number(row.sequence)
    ) {
      problem(
        row.register,
        Number(row.sequence),
        `le bon ${formatInstrumentNumber(row.number)} n’a pas son émission`,
      );
    }
  }
  let returns = db.selectFrom('ticket_returns').selectAll();
  if (register !== undefined) returns = returns.where('register', '=', register);
  for (const row of await returns.execute()) {
    const record = await getRecord(db, row.register, 'TICKET', Number(row.sequence));
    const of = record?.type === 'TICKET' ? record.payload.detail?.returnOf : undefined;
    if (of?.ticket.sequence !== Number(row.original_sequence) || of.cause.code !== row.cause) {
      problem(
        row.register,
        Number(row.sequence),
        `le retour n° ${row.sequence} ne modifie pas le ticket n° ${row.original_sequence} selon son enregistrement signé`,
      );
    }
  }
  return problems;
}
