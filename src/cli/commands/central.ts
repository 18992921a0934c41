/**
 * The head office's commands (issue 17, docs/multi-store.md), on the central's PostgreSQL database
 * (`DATABASE_URL`):
 * - `comptoir central serve [--port P] [--host H]`: the central's HTTP API (default port 3100);
 * - `comptoir central enrol STORE [--json]`: prints a one-time enrolment code (`{"code": …}`);
 * - `comptoir central status [--json]`: per store and register, records held, last sequences, last
 *   upload, alerts;
 * - `comptoir central verify`: the stores' verifier over every uploaded journal (exit 1 when anything
 *   is wrong).
 */
import type { Command } from '@commander-js/extra-typings';

const centralModules = () =>
  Promise.all([
    import('../../central/database.ts'),
    import('../../central/enrol.ts'),
    import('../../central/app.ts'),
    import('../../central/report.ts'),
  ]);

/** Runs `fn` on the central's database (`DATABASE_URL`), closed after; errors printed, exit 1. */
async function withCentral(fn: (db: import('../../central/database.ts').CentralDb) => Promise<void>) {
  const url = databaseUrl();
  if (url === undefined) return;
  const { openCentralDatabase } = await import('../../central/database.ts');
  let db: Awaited<ReturnType<typeof openCentralDatabase>> | undefined;
  try {
    db = await openCentralDatabase(url);
    await fn(db);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = 1;
  } finally {
    await db?.destroy();
  }
}

function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL;
  if (url === undefined || url === '') {
    process.stderr.write(
      'La centrale a besoin de sa base PostgreSQL : indiquez DATABASE_URL=postgres://… (une base à elle).\n',
    );
    process.exitCode = 2;
    return undefined;
  }
  return url;
}

export function registerCentralCommands(program: Command): void {
  const central = program
    .command('central')
    .description('le siège : reçoit et vérifie les journaux signés des magasins (PostgreSQL, $DATABASE_URL)');

  central
    .command('serve')
    .description('démarre le service central (journaux des magasins, inscriptions)')
    .option('--port <port>', 'port d’écoute (défaut : 3100)')
    .option('--host <host>', 'adresse d’écoute (défaut : 127.0.0.1 ; TLS devant)')
    .action(async (options) => {
      const port = options.port === undefined ? 3100 : Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65_535) {
        process.stderr.write(`Port invalide : ${options.port} (--port attend un nombre de 0 à 65535)\n`);
        process.exitCode = 2;
        return;
      }
      const url = databaseUrl();
      if (url === undefined) return;
      const [{ openCentralDatabase }, , { buildCentralApp }] = await centralModules();
      let db: Awaited<ReturnType<typeof openCentralDatabase>>;
      try {
        db = await openCentralDatabase(url);
      } catch (error) {
        process.stderr.write(`Démarrage impossible : ${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const app = buildCentralApp(db);
      try {
        await app.listen({ port, host: options.host ?? '127.0.0.1' });
      } catch (error) {
        await db.destroy();
        process.stderr.write(`Démarrage impossible : ${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      const address = app.server.address();
      const actual = typeof address === 'object' && address !== null ? address.port : port;
      process.stdout.write(`Centrale à l’écoute sur http://${options.host ?? '127.0.0.1'}:${actual}\n`);
      const stop = (signal: string) => {
        process.stdout.write(`Arrêt demandé (${signal})…\n`);
        app
          .close()
          .then(() => db.destroy())
          .then(
            () => process.exit(0),
            (error: unknown) => {
              process.stderr.write(`Arrêt en erreur : ${String(error)}\n`);
              process.exit(1);
            },
          );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });

  central
    .command('enrol')
    .description('délivre un code d’inscription à usage unique pour un magasin')
    .argument('<store>', 'nom du magasin (lettres, chiffres, « . », « _ », « - »)')
    .option('--json', 'sortie JSON : {"code": …}')
    .action(async (store, options) => {
      const [, { issueEnrolmentCode }] = await centralModules();
      await withCentral(async (db) => {
        const code = await issueEnrolmentCode(db, store, new Date());
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify({ code })}\n`
            : `Code d’inscription du magasin ${store} (à usage unique) : ${code}\n` +
                `Au magasin : comptoir sync --central URL --code ${code}\n`,
        );
      });
    });

  central
    .command('status')
    .description('par magasin et caisse : enregistrements reçus, derniers numéros, dernier envoi, alertes')
    .option('--json', 'sortie JSON')
    .action(async (options) => {
      const [, , , { centralStatus }] = await centralModules();
      await withCentral(async (db) => {
        const stores = await centralStatus(db);
        if (options.json === true) {
          process.stdout.write(`${JSON.stringify({ stores }, null, 2)}\n`);
          return;
        }
        if (stores.length === 0) process.stdout.write('Aucun magasin inscrit.\n');
        for (const s of stores) {
          const state =
            s.enrolledAt === null ? 'code délivré, pas encore inscrit' : `inscrit le ${s.enrolledAt}`;
          process.stdout.write(`Magasin ${s.store} (${state}) : ${s.alerts} alerte(s)\n`);
          for (const r of s.registers) {
            const last = Object.entries(r.lastSequence)
              .map(([chain, n]) => `${chain} n° ${n}`)
              .join(', ');
            process.stdout.write(
              `  Caisse ${r.register} : ${r.records} enregistrement(s) (${last}), dernier envoi ${r.lastUpload}, ${r.alerts} alerte(s)\n`,
            );
          }
        }
      });
    });

  central
    .command('verify')
    .description('vérifie tous les journaux reçus avec le vérificateur des magasins (code 1 si anomalie)')
    .action(async () => {
      const [, , , { verifyCentral }] = await centralModules();
      const { PROBLEM_LABELS } = await import('../../fiscal/verify.ts');
      await withCentral(async (db) => {
        let bad = false;
        for (const s of await verifyCentral(db)) {
          bad ||= !s.ok;
          process.stdout.write(
            `Magasin ${s.store} : ${s.recordsChecked} enregistrement(s) vérifié(s), ${s.ok ? 'journal intègre' : `${s.problems.length} anomalie(s)`}\n`,
          );
          for (const p of s.problems.slice(0, 50)) {
            process.stdout.write(
              `  caisse ${p.register} ${p.chain} n° ${p.sequence} — ${PROBLEM_LABELS[p.code]} : ${p.message}\n`,
            );
          }
        }
        if (bad) process.exitCode = 1;
      });
    });
}
