import { type Command, Option } from '@commander-js/extra-typings';
import { DATA_OPTION, dataDirOf } from '../context.ts';

/** `comptoir serve`: the store server (API), created with the demo shop on first run. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('démarre le serveur du magasin (crée le magasin de démonstration au premier démarrage)')
    .option(...DATA_OPTION)
    .option('--port <port>', 'port d’écoute (défaut : $COMPTOIR_PORT, sinon 3000)')
    .option('--host <host>', 'adresse d’écoute (défaut : 127.0.0.1)')
    .addOption(
      new Option(
        '--log <format>',
        'journal : une ligne lisible par événement (text, défaut sur un terminal) ou un objet JSON par ligne (json, défaut sinon)',
      ).choices(['text', 'json'] as const),
    )
    .option(
      '--demo-hardware',
      'démonstration : terminal de paiement simulé (8888) et imprimante factice (9100) pour la caisse 1',
    )
    .action(async (options) => {
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
        process.stderr.write(`Port invalide : ${options.port} (--port attend un nombre de 0 à 65535)\n`);
        process.exitCode = 2;
        return;
      }
      // The server (fastify, the drivers) is loaded by this command only, so that `comptoir` starts fast.
      const [{ ConfigError }, { serve }, { jsonLine, logFormatOf, PortUnavailableError }] = await Promise.all(
        [
          import('../../server/config.ts'),
          import('../../server/server.ts'),
          import('../../server/log-format.ts'),
        ],
      );
      const print = (line: string) => process.stdout.write(`${line}\n`);
      const logFormat = logFormatOf(options.log, process.stdout.isTTY === true);
      let running: Awaited<ReturnType<typeof serve>>;
      // A stop asked while the server starts waits for the start to finish (its journal and chain heads
      // written), then stops it cleanly: never the signal's default, which would kill it mid-write.
      let asked: string | undefined;
      let stop: ((signal: string) => void) | undefined;
      const onSignal = (signal: string) => {
        if (asked !== undefined) return; // already stopping: the stop in progress finishes
        asked = signal;
        stop?.(signal);
      };
      process.on('SIGTERM', () => onSignal('SIGTERM'));
      process.on('SIGINT', () => onSignal('SIGINT'));
      try {
        running = await serve({
          dataDir: dataDirOf(options.data),
          env: process.env,
          overrides: {
            ...(port === undefined ? {} : { port }),
            ...(options.host === undefined ? {} : { host: options.host }),
          },
          print,
          logFormat,
          demoHardware: options.demoHardware === true,
        });
      } catch (error) {
        const known = error instanceof ConfigError || error instanceof PortUnavailableError;
        process.stderr.write(`${known ? error.message : `Démarrage impossible : ${String(error)}`}\n`);
        process.exitCode = error instanceof ConfigError ? 2 : 1;
        return;
      }
      const say = logFormat === 'json' ? (line: string) => print(jsonLine(line)) : print;
      stop = (signal: string) => {
        say(`Arrêt demandé (${signal}) : fin des opérations en cours…`);
        running.close().then(
          () => {
            say('Serveur arrêté.');
            process.exit(0);
          },
          (error: unknown) => {
            process.stderr.write(`Arrêt en erreur : ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      if (asked !== undefined) stop(asked);
    });
}
