/**
 * The customer's rights from the shell (GDPR): `comptoir customer export CODE [--out FILE]` writes
 * everything the store keeps about one customer as JSON (art. 15 and 20); `comptoir customer anonymise
 * CODE` erases their personal fields (art. 17) and prints what was erased and what was kept, and why.
 * Both act as `--operator CODE` (else `COMPTOIR_USER`), an active user holding the right
 * `customer_data`, and are journaled on `--register N` (default 1).
 */
import { writeFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import type { Kysely } from 'kysely';
import type { Database } from '../../store/schema.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf } from '../context.ts';
import { CommandFailure, frenchUsage, runCommand, withInitialisedStore } from '../run-command.ts';

interface RightsOptions {
  readonly data?: string | undefined;
  readonly register: string;
  readonly operator?: string | undefined;
}

function registerOf(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new CommandFailure('INVALID_INPUT', `--register : numéro de caisse invalide (${value})`);
  }
  return n;
}

/** The operator, active and holding `customer_data` (refused with exit 1 otherwise). */
async function operatorWithRight(db: Kysely<Database>, option: string | undefined): Promise<string> {
  const code = (option ?? process.env.COMPTOIR_USER ?? '').trim().toUpperCase();
  if (code === '') {
    throw new CommandFailure('INVALID_INPUT', 'Indiquez qui agit : --operator CODE (ou COMPTOIR_USER)');
  }
  const user = await db
    .selectFrom('users')
    .select(['code', 'rights'])
    .where('code', '=', code)
    .where('active', '=', 1)
    .executeTakeFirst();
  if (user === undefined)
    throw new CommandFailure('UNKNOWN_USER', `Utilisateur inconnu ou inactif : ${code}`, 1);
  const rights: unknown = JSON.parse(user.rights);
  if (!Array.isArray(rights) || !rights.includes('customer_data')) {
    throw new CommandFailure(
      'RIGHT_REQUIRED',
      `${code} n’a pas le droit nécessaire (données personnelles des clients)`,
      1,
    );
  }
  return code;
}

function withRights<T>(
  options: RightsOptions,
  fn: (db: Kysely<Database>, request: { register: number; operator: string }, dataDir: string) => Promise<T>,
): Promise<T> {
  const register = registerOf(options.register);
  const dataDir = dataDirOf(options.data);
  return withInitialisedStore(dataDir, async (db) =>
    fn(db, { register, operator: await operatorWithRight(db, options.operator) }, dataDir),
  );
}

export function registerCustomerCommands(program: Command): void {
  const customer = program
    .command('customer')
    .description('droits du client (RGPD) : export de ses données, anonymisation');

  frenchUsage(
    customer
      .command('export')
      .description(
        'exporte en JSON tout ce que le magasin garde d’un client (RGPD art. 15 et 20), journalisé',
      )
      .argument('<code>', 'code du client')
      .option(...DATA_OPTION)
      .option('--out <file>', 'fichier JSON à écrire (défaut : la sortie standard)')
      .option('--register <n>', 'caisse dont le journal enregistre l’export', '1')
      .option(
        '--operator <code>',
        'utilisateur qui exporte, avec le droit données clients (défaut : $COMPTOIR_USER)',
      ),
  ).action((code, options) =>
    runCommand(async () => {
      const exported = await withRights(options, async (db, request, dataDir) => {
        const { exportCustomerData } = await import('../../store/customer-rights.ts');
        return exportCustomerData(db, commandJournalContext(dataDir), { code, ...request });
      });
      const text = `${JSON.stringify(exported, null, 2)}\n`;
      if (options.out === undefined) process.stdout.write(text);
      else {
        writeFileSync(options.out, text, { mode: 0o600 });
        process.stdout.write(
          `Données du client ${exported.customer.code} écrites dans ${options.out} (${exported.sales.length} vente(s), ${exported.mails.length} e-mail(s))\n`,
        );
      }
    }),
  );

  frenchUsage(
    customer
      .command('anonymise')
      .description(
        'efface les données personnelles d’un client (RGPD art. 17) ; les enregistrements signés restent',
      )
      .argument('<code>', 'code du client')
      .option(...DATA_OPTION)
      .option('--register <n>', 'caisse dont le journal enregistre l’anonymisation', '1')
      .option(
        '--operator <code>',
        'utilisateur qui anonymise, avec le droit données clients (défaut : $COMPTOIR_USER)',
      )
      .option('--json', 'affiche le résultat en JSON'),
  ).action((code, options) =>
    runCommand(async () => {
      const result = await withRights(options, async (db, request, dataDir) => {
        const { anonymiseCustomer } = await import('../../store/customer-rights.ts');
        return anonymiseCustomer(db, commandJournalContext(dataDir), { code, ...request });
      });
      if (options.json === true) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      const lines = [
        `Client ${result.code} anonymisé le ${result.anonymisedAt}.`,
        `Effacé : ${result.erased.join(', ')}.`,
        ...result.kept.map((k) => `Gardé : ${k.field} (${k.reason}).`),
        `E-mails vidés : ${result.mailsErased}. Ventes signées gardées (obligation légale de conservation) : ${result.salesKept}.`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    }),
  );
}
