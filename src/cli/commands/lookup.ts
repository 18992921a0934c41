import type { Command } from '@commander-js/extra-typings';
import { DATA_OPTION, dataDirOf } from '../context.ts';
import { CommandFailure, frenchUsage, runCommand, withInitialisedStore } from '../run-command.ts';

function whole(value: string, option: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new CommandFailure('INVALID_INPUT', `${option} : entier de ${min} à ${max} attendu (${value})`);
  }
  return n;
}

/**
 * `comptoir lookup [--customer|--seller] TEXT`: the cashier's viseur from the shell, results as JSON.
 * Articles: EAN, reference, SUPPLIER-REF, reference prefix, `-TEXT`, `*FAM`, `+FAM`; customers: card,
 * code, `-NAME`; sellers: code. A text that starts with « - » goes after `--`.
 */
export function registerLookupCommand(program: Command): void {
  frenchUsage(
    program
      .command('lookup')
      .description(
        'cherche comme le viseur de caisse et affiche le résultat en JSON (articles, ou --customer, --seller)',
      )
      .argument('<text>', 'EAN, référence, FOURNISSEUR-REF, préfixe, -DÉSIGNATION, *FAMILLE1, +FAMILLE2')
      .option(...DATA_OPTION)
      .option('--customer', 'cherche un client : carte, code ou -NOM')
      .option('--seller', 'cherche un vendeur par son code')
      .option('--for <customer>', 'client dont le tarif s’applique aux prix (défaut : tarif de base)')
      .option('--depot <code>', 'dépôt pour le stock (défaut : celui de la caisse 1)')
      .option('--lot-serial', 'autorise les articles gérés par lot/série')
      .option('--limit <n>', 'résultats par page', '20')
      .option('--offset <n>', 'résultats à sauter (page suivante)', '0'),
  ).action((text, options) =>
    runCommand(async () => {
      if (options.customer === true && options.seller === true) {
        throw new CommandFailure('INVALID_INPUT', '--customer et --seller ne vont pas ensemble');
      }
      const page = {
        limit: whole(options.limit, '--limit', 1, 200),
        offset: whole(options.offset, '--offset', 0, 1_000_000_000),
      };
      const result = await withInitialisedStore(dataDirOf(options.data), async (db) => {
        const { lookupArticles, lookupCustomers, lookupSellers } = await import('../../store/lookup.ts');
        if (options.customer === true) return lookupCustomers(db, text, page);
        if (options.seller === true) return lookupSellers(db, text, page);
        const depot =
          options.depot ??
          (
            await db
              .selectFrom('registers')
              .select('depot_code')
              .orderBy('number')
              .limit(1)
              .executeTakeFirst()
          )?.depot_code;
        return lookupArticles(db, text, {
          now: new Date(),
          ...page,
          ...(options.for === undefined ? {} : { customerCode: options.for }),
          ...(depot === undefined ? {} : { depotCode: depot.toUpperCase() }),
          ...(options.lotSerial === true ? { allowLotSerial: true } : {}),
        });
      });
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      if ('error' in result && result.error !== null) {
        process.stderr.write(`Erreur (${result.error.code}) : ${result.error.message}\n`);
        process.exitCode = 2;
      }
    }),
  );
}
