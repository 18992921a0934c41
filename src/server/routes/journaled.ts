/** A back-office write and its JET record, in one transaction of a register's journal. */
import type { JetCodeName } from '../../fiscal/record.ts';
import { withRegister } from '../../store/journal/core.ts';
import type { JournalContext } from '../../store/journal/index.ts';
import { jetDraft } from '../../store/journal/operations.ts';
import { registerInfo } from '../../store/journal/register-data.ts';
import type { Db } from '../ports.ts';

/**
 * Runs `write` then appends the JET `event` (`data`, `operator`) on register `register`'s journal, in
 * one transaction: a refused write leaves neither.
 */
export async function journaledWrite(
  db: Db,
  journal: JournalContext,
  register: number,
  write: (trx: Db) => Promise<unknown>,
  event: { readonly name: JetCodeName; readonly data: string; readonly operator: string },
): Promise<void> {
  const info = await registerInfo(db, register);
  await withRegister(db, journal, info.register, info.currency, async (batch) => {
    await write(batch.trx);
    await jetDraft(batch, event.name, event.data, event.operator);
  });
}
