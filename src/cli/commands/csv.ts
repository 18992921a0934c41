import { createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { Argument, type Command } from '@commander-js/extra-typings';
import type { CsvKind, ImportReport } from '../../store/csv.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf } from '../context.ts';
import { CommandFailure, frenchUsage, runCommand, withInitialisedStore } from '../run-command.ts';

// csv-parse, zod and the database drivers are loaded by the command that runs, not at CLI start.
const csvModule = () => import('../../store/csv.ts');

const KINDS = ['articles', 'customers'] as const;

const KIND_LABELS: Readonly<Record<CsvKind, string>> = { articles: 'articles', customers: 'clients' };

/** `[#########           ]  45 % (4 500 / 10 000)`: one line, redrawn in place on a terminal. */
export function progressBar(done: number, total: number, width = 30): string {
  const ratio = total === 0 ? 1 : Math.min(done / total, 1);
  const filled = Math.round(ratio * width);
  const count = (n: number) => n.toLocaleString('fr-FR');
  return `[${'#'.repeat(filled)}${' '.repeat(width - filled)}] ${String(Math.floor(ratio * 100)).padStart(3)} % (${count(done)} / ${count(total)})`;
}

/** The import report, for people. */
export function formatImportReport(report: ImportReport, file: string): string {
  const refused = report.records - report.imported;
  const lines = [
    `Import des ${KIND_LABELS[report.kind]} depuis ${file} : ${report.records} lignes lues, ${report.imported} importées, ${refused} refusées.`,
  ];
  if (report.rejected.length > 0) {
    lines.push('Lignes refusées (numéro de ligne du fichier) :');
    for (const r of report.rejected) {
      lines.push(r.line === 0 ? `  … ${r.reason}` : `  ligne ${r.line} (${r.code}) : ${r.reason}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

function checkReadable(file: string): void {
  if (!existsSync(file)) throw new CommandFailure('FILE_NOT_FOUND', `Fichier introuvable : ${file}`);
  if (!statSync(file).isFile()) throw new CommandFailure('NOT_A_FILE', `${file} n'est pas un fichier`);
}

/**
 * `comptoir import articles|customers FILE.csv` and `comptoir export articles|customers [--out FILE]`.
 * An import streams the file in batches (one transaction each); a broken file (quoting, encoding,
 * header) is refused before anything is written; refused rows are listed with their line number.
 */
export function registerCsvCommands(program: Command): void {
  frenchUsage(
    program
      .command('import')
      .description(
        'importe un fichier CSV (UTF-8, « ; » ou « , ») d’articles ou de clients ; les codes existants sont mis à jour',
      )
      .addArgument(new Argument('<kind>', 'articles ou customers (clients)').choices(KINDS))
      .argument('<file>', 'fichier CSV')
      .option(...DATA_OPTION)
      .option('--batch-size <rows>', 'lignes par transaction', '1000')
      .option('--json', 'affiche le rapport en JSON'),
  ).action((kind, file, options) =>
    runCommand(async () => {
      const batchSize = Number(options.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 100_000) {
        throw new CommandFailure(
          'INVALID_INPUT',
          `--batch-size : entier de 1 à 100 000 attendu (${options.batchSize})`,
        );
      }
      checkReadable(file);
      const tty = process.stderr.isTTY === true;
      const { importAndJournal } = await import('../../store/import-journal.ts');
      const dataDir = dataDirOf(options.data);
      const report = await withInitialisedStore(dataDir, async (db) => {
        // The import is a technical event (JET 1050) on every register, with what it changed in the
        // values that make fiscal amounts (checklist item 46; the detail is in price_history).
        const { report: result, failures } = await importAndJournal(db, commandJournalContext(dataDir), {
          kind,
          file,
          name: file,
          operator: 'SYSTEME',
          options: {
            now: new Date(),
            batchSize,
            ...(tty
              ? { onProgress: (done, total) => process.stderr.write(`\r${progressBar(done, total)}`) }
              : {}),
          },
        });
        if (tty) process.stderr.write('\n');
        for (const { register, error } of failures) {
          process.stderr.write(
            `Attention : import non journalisé pour la caisse ${register} (${error.message}).\n`,
          );
        }
        return result;
      });
      process.stdout.write(
        options.json === true ? `${JSON.stringify(report, null, 2)}\n` : formatImportReport(report, file),
      );
      // Some rows refused: the others are imported, and the exit code says that not all were.
      if (report.imported < report.records) process.exitCode = 1;
    }),
  );

  frenchUsage(
    program
      .command('export')
      .description('exporte les articles ou les clients en CSV (UTF-8, « ; »), relisible par import')
      .addArgument(new Argument('<kind>', 'articles ou customers (clients)').choices(KINDS))
      .option(...DATA_OPTION)
      .option('--out <file>', 'fichier de sortie (sinon la sortie standard)'),
  ).action((kind, options) =>
    runCommand(async () => {
      const out = options.out;
      const { exportCsv } = await csvModule();
      await withInitialisedStore(dataDirOf(options.data), async (db) => {
        if (out === undefined) {
          // A reader that stops early (`| head`) closes the pipe: that is not an error.
          await exportCsv(db, kind, process.stdout).catch((error: NodeJS.ErrnoException) => {
            if (error.code !== 'EPIPE') throw error;
          });
          return;
        }
        // Written whole or not at all: a temporary file renamed into place.
        const temporary = `${out}.${process.pid}.tmp`;
        try {
          const stream = createWriteStream(temporary, { flags: 'wx' });
          const count = await exportCsv(db, kind, stream);
          await finished(stream);
          renameSync(temporary, out);
          process.stderr.write(`${count} ${KIND_LABELS[kind]} exportés dans ${out}\n`);
        } catch (error) {
          rmSync(temporary, { force: true });
          const code = (error as NodeJS.ErrnoException).code;
          if (typeof code === 'string' && code.startsWith('E')) {
            throw new CommandFailure('WRITE_FAILED', `Écriture impossible de ${out} (${code})`, 1);
          }
          throw error;
        }
      });
    }),
  );
}
