import type { Command } from '@commander-js/extra-typings';
import { randomPin } from '../../store/pin.ts';
import { ROLE_LABELS } from '../../store/validation.ts';
import { DATA_OPTION, dataDirOf, withStore } from '../context.ts';
import { describeDatabase, frenchUsage, runCommand } from '../run-command.ts';

/** The demonstration shop is always the same one (seed 1), so that the docs can name its articles. */
export const DEMO_SEED = 1;

/**
 * `comptoir init [--demo]`: creates the database and everything a register needs before its first
 * sale; prints the users' PINs once. Refused (exit 1) when the database is already initialised.
 */
export function registerInitCommand(program: Command): void {
  frenchUsage(
    program
      .command('init')
      .description(
        'crée la base : magasin, caisse, utilisateurs (codes PIN affichés une fois), client DIVERS, modes de règlement, TVA',
      )
      .option(...DATA_OPTION)
      .option('--demo', 'ajoute un catalogue et des clients de démonstration')
      .option('--name <name>', 'nom du magasin', 'Mon magasin')
      .option('--siret <siret>', 'SIRET du magasin (14 chiffres)')
      .option('--email <email>', 'adresse e-mail du magasin'),
  ).action((options) =>
    runCommand(async () => {
      const dataDir = dataDirOf(options.data);
      const pins = { admin: randomPin(), cashier: randomPin(), seller: randomPin() };
      await withStore(dataDir, async (db, config) => {
        const { FRENCH_VAT_RATES, initStore } = await import('../../store/init.ts');
        const { DEMO_SIRET } = await import('../../store/demo.ts');
        // A demonstration store without --siret gets the demo SIRET, so that its receipts verify.
        const siret = options.siret ?? (options.demo === true ? DEMO_SIRET : undefined);
        const summary = await initStore(db, {
          now: new Date(),
          pins,
          store: {
            name: options.name,
            ...(siret === undefined ? {} : { siret }),
            ...(options.email === undefined ? {} : { email: options.email }),
          },
          ...(options.demo === true ? { demoSeed: DEMO_SEED } : {}),
        });
        // The register's private signing key lives in the encrypted key store outside the data folder
        // (issue 11), its public key and the store's PDF certificate in <data>/keys/.
        const { ensureRegisterKeys } = await import('../../store/journal/keys.ts');
        const { keyStoreDir, passphraseSource } = await import('../../store/journal/key-store.ts');
        const { ensureStoreCertificate } = await import('../../receipts/store-certificate.ts');
        const key = ensureRegisterKeys(dataDir, summary.registerNumber);
        const certificate = await ensureStoreCertificate(dataDir, { commonName: options.name });
        const rates = FRENCH_VAT_RATES.map((r) => `${(r.rate / 100).toLocaleString('fr-FR')} %`);
        const lines = [
          `Base créée : ${describeDatabase(config)}`,
          `Magasin ${summary.storeCode} « ${options.name} », caisse ${summary.registerNumber}, client comptoir DIVERS.`,
          'Modes de règlement : CASH, CARD, CHEQUE, CREDIT_NOTE, GIFT_CARD.',
          `Taux de TVA : ${rates.join(', ')}.`,
          `Clé de signature de la caisse ${summary.registerNumber} : ${key.keyId} ; certificat du magasin : ${certificate.paths.certificate}`,
          `Coffre de clés : ${keyStoreDir(dataDir)} ; phrase secrète : ${passphraseSource(dataDir)}.`,
          '',
          'Codes PIN (affichés cette seule fois : notez-les, la base ne garde que leur empreinte) :',
          ...summary.users.map((u) => `  ${u.code.padEnd(8)} ${ROLE_LABELS[u.role].padEnd(15)} ${u.pin}`),
        ];
        if (options.demo === true) {
          lines.push(
            '',
            `Démonstration : ${summary.articles} articles, ${summary.customers} clients (dont DIVERS).`,
          );
        }
        process.stdout.write(`${lines.join('\n')}\n`);
      });
    }),
  );
}
