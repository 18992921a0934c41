/** The till's guard on sales (issue 13): no sale before the register's day is open (setting). */
import type { Trx } from './core.ts';
import { JournalError } from './errors.ts';
import type { RegisterInfo } from './register-data.ts';

/**
 * Refuses a sale on a register whose day is not open, when its settings ask for an open day (the
 * default). Called by the ticket's validation, inside its transaction.
 */
export async function requireOpenDay(trx: Trx, info: RegisterInfo): Promise<void> {
  if (!info.settings.tillDayRequired) return;
  const open = await trx
    .selectFrom('till_days')
    .select('id')
    .where('register', '=', info.register)
    .where('closed_at', 'is', null)
    .executeTakeFirst();
  if (open === undefined) {
    throw new JournalError(
      'TILL_NOT_OPEN',
      `Vente refusée : la journée de la caisse ${info.register} n'est pas ouverte (ouvrez-la avec le comptage du fonds de caisse).`,
    );
  }
}
