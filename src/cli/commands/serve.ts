import type { Command } from '@commander-js/extra-typings';
import { ConfigError } from '../../server/config.ts';
import { serve } from '../../server/server.ts';
import { DATA_OPTION, dataDirOf } from '../context.ts';

/** `comptoir serve`: the store server (API), created with the demo shop on first run. */
export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('démarre le serveur du magasin (crée le magasin de démonstration au premier démarrage)')
    .option(...DATA_OPTION)
    .option('--port <port>', 'port d’écoute (défaut : $COMPTOIR_PORT, sinon 3000)')
    .option('--host <host>', 'adresse d’écoute (défaut : 127.0.0.1)')
    .option(
      '--demo-hardware',
      'démonstration : terminal de paiement simulé (8888) et imprimante factice (9100) pour la caisse 1',
    )
    .action(async (options) => {
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
        process.stderr.write(`Port invalide : ${options.port}\n`);
        process.exitCode = 2;
        return;
      }
      const print = (line: string) => process.stdout.write(`${line}\n`);
      let running: Awaited<ReturnType<typeof serve>>;
      try {
        running = await serve({
          dataDir: dataDirOf(options.data),
          env: process.env,
          overrides: {
            ...(port === undefined ? {} : { port }),
            ...(options.host === undefined ? {} : { host: options.host }),
          },
          print,
          demoHardware: options.demoHardware === true,
        });
      } catch (error) {
        process.stderr.write(
          `${error instanceof ConfigError ? error.message : `Démarrage impossible : ${String(error)}`}\n`,
        );
        process.exitCode = error instanceof ConfigError ? 2 : 1;
        return;
      }
      const stop = (signal: string) => {
        print(`Arrêt demandé (${signal}) : fin des opérations en cours…`);
        running.close().then(
          () => {
            print('Serveur arrêté.');
            process.exit(0);
          },
          (error: unknown) => {
            process.stderr.write(`Arrêt en erreur : ${String(error)}\n`);
            process.exit(1);
          },
        );
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
}
