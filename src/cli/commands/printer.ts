/**
 * The register's printer from the shell (issue 15): `comptoir printer set --register N TARGET`
 * (`tcp://HOST:PORT`, `file:PATH` or `browser`), `comptoir printer test --register N` (a test page
 * through the print queue) and `comptoir printer fake [--port P]` (a fake network printer that prints
 * what it receives, decoded, on standard output: for trying the till without paper).
 */
import type { Command } from '@commander-js/extra-typings';
import { DATA_OPTION, dataDirOf } from '../context.ts';
import { CommandFailure, runCommand, withInitialisedStore } from '../run-command.ts';

const queueModule = () => import('../../receipts/print-queue.ts');
const targetModule = () => import('../../receipts/printer-target.ts');

function registerOption(value: string | undefined): number {
  const n = Number(value ?? '1');
  if (!Number.isSafeInteger(n) || n < 1 || n > 9999) {
    throw new CommandFailure('INVALID_INPUT', `Numéro de caisse invalide : ${String(value)}`);
  }
  return n;
}

function portOption(value: string | undefined, fallback: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isSafeInteger(n) || n < 0 || n > 65_535) {
    throw new CommandFailure('INVALID_INPUT', `Port invalide : ${String(value)}`);
  }
  return n;
}

export function registerPrinterCommands(program: Command): void {
  const printer = program.command('printer').description('imprimante de ticket de chaque caisse');
  printer
    .command('set')
    .description("règle l'imprimante d'une caisse : tcp://HÔTE:PORT (réseau, 9100), file:CHEMIN ou browser")
    .argument('<target>', 'tcp://HÔTE:PORT, file:CHEMIN ou browser')
    .option('--register <n>', 'numéro de caisse (défaut : 1)')
    .option('--columns <n>', 'largeur du papier en caractères : 48 (80 mm) ou 32 (58 mm)')
    .option(...DATA_OPTION)
    .action(async (target, options) => {
      await runCommand(async () => {
        const register = registerOption(options.register);
        const columns = options.columns === undefined ? undefined : Number(options.columns);
        if (columns !== undefined && columns !== 48 && columns !== 32) {
          throw new CommandFailure('INVALID_INPUT', `Largeur invalide : ${options.columns} (48 ou 32)`);
        }
        const { parsePrinterTarget, printerTargetText, PrinterTargetError } = await targetModule();
        let text: string;
        try {
          text = printerTargetText(parsePrinterTarget(target));
        } catch (error) {
          if (error instanceof PrinterTargetError) throw new CommandFailure('INVALID_INPUT', error.message);
          throw error;
        }
        if (text === '')
          throw new CommandFailure(
            'INVALID_INPUT',
            'Imprimante vide : tcp://HÔTE:PORT, file:CHEMIN ou browser',
          );
        await withInitialisedStore(dataDirOf(options.data), async (db) => {
          const { readRegisterSettings } = await import('../../store/setup.ts');
          const row = await db
            .selectFrom('registers')
            .select('settings')
            .where('number', '=', register)
            .executeTakeFirst();
          if (row === undefined)
            throw new CommandFailure('UNKNOWN_REGISTER', `Caisse inconnue : ${register}`, 1);
          const settings = readRegisterSettings(row.settings);
          const next = {
            ...settings,
            printer: { target: text, columns: (columns ?? settings.printer.columns) as 48 | 32 },
          };
          await db
            .updateTable('registers')
            .set({ settings: JSON.stringify(next), updated_at: new Date().toISOString() })
            .where('number', '=', register)
            .execute();
          process.stdout.write(
            `Caisse ${register} : imprimante ${text} (${next.printer.columns} colonnes)\n`,
          );
        });
      });
    });

  printer
    .command('test')
    .description("imprime une page de test sur l'imprimante de la caisse")
    .option('--register <n>', 'numéro de caisse (défaut : 1)')
    .option(...DATA_OPTION)
    .action(async (options) => {
      await runCommand(async () => {
        const register = registerOption(options.register);
        const { registerPrinterOf } = await import('../../receipts/print-sale.ts');
        const { testPageEscPos } = await import('../../receipts/escpos.ts');
        const { enqueuePrintJobs, drainPrintQueue, cancelPrintJob } = await queueModule();
        const { printerTargetText } = await targetModule();
        await withInitialisedStore(dataDirOf(options.data), async (db) => {
          const { target, columns } = await registerPrinterOf(db, register);
          if (target.kind === 'none') {
            throw new CommandFailure(
              'NO_PRINTER',
              `Aucune imprimante sur la caisse ${register} : comptoir printer set --register ${register} tcp://HÔTE:9100`,
              1,
            );
          }
          if (target.kind === 'browser') {
            process.stdout.write(
              `Caisse ${register} : impression par le navigateur — la page de test s’imprime depuis l’écran de la caisse\n`,
            );
            return;
          }
          const now = () => new Date();
          const bytes = testPageEscPos(
            [`Caisse ${register}`, printerTargetText(target), `${columns} colonnes`, now().toISOString()],
            columns,
          );
          const [id] = await enqueuePrintJobs(
            db,
            register,
            target,
            [{ label: 'Page de test', bytes }],
            now(),
          );
          const drained = await drainPrintQueue(db, register, { now });
          if (id !== undefined && !drained.printed.includes(id)) {
            // A test page that did not print is not left waiting for the next sale.
            await cancelPrintJob(db, register, id);
            throw new CommandFailure(
              'PRINTER_UNAVAILABLE',
              drained.error ?? `La page de test attend derrière d'autres travaux sur la caisse ${register}`,
              1,
            );
          }
          process.stdout.write(`Page de test imprimée sur ${printerTargetText(target)}\n`);
        });
      });
    });

  printer
    .command('fake')
    .description("une fausse imprimante réseau : reçoit l'ESC/POS en TCP et affiche le texte et les tiroirs")
    .option('--port <p>', 'port TCP (défaut : 9100)')
    .option('--host <h>', 'adresse d’écoute (défaut : 127.0.0.1)')
    .action(async (options) => {
      await runCommand(async () => {
        const port = portOption(options.port, 9100);
        const { FakePrinter } = await import('../../receipts/testing/fake-printer.ts');
        const fake = new FakePrinter(options.host ?? '127.0.0.1');
        fake.onJob = (job) => {
          process.stdout.write(`${job.text}\n`);
          if (job.pulses > 0) process.stdout.write('[tiroir ouvert]\n');
          process.stdout.write(`${'─'.repeat(48)}\n`);
        };
        try {
          await fake.start(port);
        } catch (error) {
          throw new CommandFailure(
            'PORT_UNAVAILABLE',
            `Port ${port} indisponible (${(error as NodeJS.ErrnoException).code ?? String(error)})`,
            1,
          );
        }
        process.stderr.write(`Fausse imprimante à l'écoute sur ${fake.target} (Ctrl+C pour arrêter)\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await fake.stop();
      });
    });
}
