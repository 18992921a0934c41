/**
 * `comptoir terminal-sim [--port P] [--mode M]` (issue 15): a Caisse-AP card terminal simulator on
 * 127.0.0.1:8888 by default, so that the register pays by card without a terminal. Each request and
 * answer is said on standard error.
 */
import { type Command, Option } from '@commander-js/extra-typings';
import { CommandFailure, runCommand } from '../run-command.ts';

export function registerTerminalSimCommand(program: Command): void {
  program
    .command('terminal-sim')
    .description('simulateur de terminal de paiement Caisse-AP (127.0.0.1:8888 par défaut)')
    .option('--port <p>', 'port TCP (défaut : 8888)')
    .option('--host <h>', 'adresse d’écoute (défaut : 127.0.0.1)')
    .addOption(
      new Option('--mode <m>', 'réponse du terminal').choices([
        'success',
        'refused',
        'cancelled',
        'input-timeout',
        'partial',
        'split',
        'slow',
        'drop',
        'busy',
        'bad-frame',
      ] as const),
    )
    .option('--delay <ms>', 'délai de chaque réponse (la saisie du code), en ms (défaut : 1500)')
    .action(async (options) => {
      await runCommand(async () => {
        const port = Number(options.port ?? 8888);
        if (!Number.isSafeInteger(port) || port < 0 || port > 65_535) {
          throw new CommandFailure('INVALID_INPUT', `Port invalide : ${String(options.port)}`);
        }
        const delayMs = Number(options.delay ?? 1500);
        if (!Number.isSafeInteger(delayMs) || delayMs < 0 || delayMs > 600_000) {
          throw new CommandFailure('INVALID_INPUT', `Délai invalide : ${String(options.delay)} (en ms)`);
        }
        const { TerminalSimulator, MODE_LABELS } = await import('../../terminal/simulator.ts');
        const sim = new TerminalSimulator({
          mode: options.mode ?? 'success',
          delayMs,
          ...(options.host === undefined ? {} : { host: options.host }),
        });
        try {
          await sim.start(port);
        } catch (error) {
          throw new CommandFailure(
            'PORT_UNAVAILABLE',
            `Port ${port} indisponible (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
            1,
          );
        }
        process.stderr.write(
          `Terminal simulé à l'écoute sur ${sim.address} : ${MODE_LABELS[sim.mode]} (Ctrl+C pour arrêter)\n`,
        );
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await sim.stop();
      });
    });
}
