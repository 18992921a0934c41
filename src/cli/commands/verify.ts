/**
 * `comptoir verify [--register N] [--json]`: the control of the signed data (checklist items 16, 18):
 * every signature (on every core), signed text, chain link and sequence of the live journal, each
 * closure recomputed, the chain heads compared with the heads file. A progress bar on a terminal,
 * then a French report; exit 1 when something is wrong. The run and its result are JET events
 * (1070), an alteration found is one too (90).
 */
import { existsSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import { PROBLEM_LABELS, type Problem, type VerificationReport } from '../../fiscal/verify.ts';
import { directoryWitness } from '../../store/journal/anchors.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf, withStore } from '../context.ts';

const runModule = () => import('../../store/journal-verify-run.ts');

export { PROBLEM_LABELS };

const group = (n: number): string => n.toLocaleString('fr-FR').replace(/\u202f|\u00a0/g, ' ');

/** The French lines of a report's problems. */
export function problemLines(problems: readonly Problem[], limit = 1000): string[] {
  const lines = problems
    .slice(0, limit)
    .map(
      (p) =>
        `  caisse ${p.register}, chaîne ${p.chain}, n° ${p.sequence} — ${PROBLEM_LABELS[p.code]} (${p.code}) : ${p.message}`,
    );
  if (problems.length > limit) lines.push(`  … et ${group(problems.length - limit)} autre(s).`);
  return lines;
}

/** A progress bar on stderr, redrawn at most every 1 % (only on a terminal, for large journals). */
function progressBar(): ((done: number, total: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let shown = -1;
  return (done, total) => {
    if (total < 5000) return;
    const percent = Math.floor((done * 100) / total);
    if (percent === shown) return;
    shown = percent;
    const filled = Math.round(percent / 2.5);
    process.stderr.write(
      `\r[${'#'.repeat(filled)}${'.'.repeat(40 - filled)}] ${String(percent).padStart(3)} % ${group(done)} / ${group(total)}`,
    );
    if (done >= total) process.stderr.write('\n');
  };
}

export function registerVerifyCommands(program: Command): void {
  program
    .command('verify')
    .description(
      'contrôle le journal fiscal : signatures, chaînage, séquences, clôtures, têtes de chaîne (code 1 si anomalie)',
    )
    .option(...DATA_OPTION)
    .option('--register <n>', 'une seule caisse (par défaut : toutes)')
    .option('--json', 'rapport en JSON')
    .option(
      '--anchors <dossier>',
      'compare aussi le journal aux têtes ancrées dans ce dossier témoin (retour en arrière, journal re-signé, divergence, fin supprimée)',
    )
    .action(async (options) => {
      const dataDir = dataDirOf(options.data);
      if (options.anchors !== undefined && !existsSync(options.anchors)) {
        process.stderr.write(`Dossier témoin introuvable : ${options.anchors}\n`);
        process.exitCode = 2;
        return;
      }
      let register: string | undefined;
      if (options.register !== undefined) {
        const n = Number(options.register);
        if (!Number.isSafeInteger(n) || n < 1) {
          process.stderr.write(`Numéro de caisse invalide : ${options.register}\n`);
          process.exitCode = 2;
          return;
        }
        register = String(n);
      }
      const { runLiveVerification } = await runModule();
      let report: VerificationReport;
      try {
        const run = await withStore(dataDir, (db) =>
          runLiveVerification(db, commandJournalContext(dataDir), {
            ...(register === undefined ? {} : { register }),
            ...(options.json ? {} : { onProgress: progressBar() }),
            ...(options.anchors === undefined ? {} : { anchors: [directoryWitness(options.anchors)] }),
          }),
        );
        for (const missed of run.unjournaled) {
          process.stderr.write(
            `Attention : événement de contrôle non journalisé pour la caisse ${missed.register} (${missed.message}).\n`,
          );
        }
        report = run.report;
      } catch (error) {
        process.stderr.write(`Contrôle impossible : ${(error as Error).message}\n`);
        process.exitCode = 1;
        return;
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(report)}\n`);
      } else {
        const lines = [
          `Contrôle du journal fiscal : ${group(report.recordsChecked)} enregistrement(s) contrôlé(s).`,
        ];
        if (report.ok) lines.push('Résultat : aucune anomalie. Journal intègre.');
        else
          lines.push(
            `Résultat : ${group(report.problems.length)} anomalie(s) :`,
            ...problemLines(report.problems),
          );
        process.stdout.write(`${lines.join('\n')}\n`);
      }
      process.exitCode = report.ok ? 0 : 1;
    });
}
