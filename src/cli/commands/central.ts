/**
 * The head office's commands (issue 17, docs/multi-store.md), on the central's PostgreSQL database
 * (`DATABASE_URL`):
 * - `comptoir central serve [--port P] [--host H]`: the central's HTTP API (default port 3100);
 * - `comptoir central enrol STORE [--json]`: prints a one-time enrolment code (`{"code": …}`).
 */
import type { Command } from '@commander-js/extra-typings';

const centralModules = () =>
  Promise.all([
    import('../../central/database.ts'),
    import('../../central/enrol.ts'),
    import('../../central/app.ts'),
  ]);

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
      const url = databaseUrl();
      if (url === undefined) return;
      const [{ openCentralDatabase }, { issueEnrolmentCode }] = await centralModules();
      let db: Awaited<ReturnType<typeof openCentralDatabase>> | undefined;
      try {
        db = await openCentralDatabase(url);
        const code = await issueEnrolmentCode(db, store, new Date());
        process.stdout.write(
          options.json === true
            ? `${JSON.stringify({ code })}\n`
            : `Code d’inscription du magasin ${store} (à usage unique) : ${code}\n` +
                `Au magasin : comptoir sync --central URL --code ${code}\n`,
        );
      } catch (error) {
        process.stderr.write(`${(error as Error).message}\n`);
        process.exitCode = 1;
      } finally {
        await db?.destroy();
      }
    });
}
