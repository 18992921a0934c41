/**
 * `comptoir archive export --period 2026-11 --out FILE [--register N] [--operator CODE]` and
 * `comptoir archive verify FILE [--public-key FILE] [--fingerprint HEX] [--json]` (checklist section H). Exit 1 when the period is refused or
 * the archive is altered, 2 when the input cannot be read.
 */
import { readFileSync } from 'node:fs';
import type { Command } from '@commander-js/extra-typings';
import type { ArchiveReport, ArchiveTrust } from '../../fiscal/archive.ts';
import { commandJournalContext, DATA_OPTION, dataDirOf, withStore } from '../context.ts';
import { problemLines } from './verify.ts';

const archiveModule = () => import('../../fiscal/archive.ts');
const exportModule = () => import('../../store/archive-export.ts');
const journalModule = () => import('../../store/journal/index.ts');

const KIND_LABEL = {
  MONTH: 'mensuelle (archive intermédiaire)',
  YEAR: 'annuelle (archive de fin d’exercice)',
};

function fail(message: string, code: 1 | 2, json: boolean | undefined, machine = 'INVALID_INPUT'): void {
  if (json) process.stdout.write(`${JSON.stringify({ ok: false, code: machine, message })}\n`);
  process.stderr.write(`${message}\n`);
  process.exitCode = code;
}

const stampText = (s: { utc: string; offset: string }): string =>
  `${s.utc.slice(0, 4)}-${s.utc.slice(4, 6)}-${s.utc.slice(6, 8)} ${s.utc.slice(8, 10)}:${s.utc.slice(10, 12)}:${s.utc.slice(12, 14)} UTC`;

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** The public keys of `--public-key` files (PEM, or `comptoir keys export` JSON) and `--fingerprint`s. */
async function readTrust(files: readonly string[], fingerprints: readonly string[]): Promise<ArchiveTrust> {
  const { importPublicKeyPem } = await import('../../fiscal/signing.ts');
  const { parseFingerprints } = await archiveModule();
  const publicKeys = files.flatMap((file) => {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`Lecture impossible de ${file} (${(error as NodeJS.ErrnoException).code ?? 'erreur'})`);
    }
    try {
      if (text.trimStart().startsWith('{')) {
        const exported = JSON.parse(text) as { keys?: { pem?: unknown }[] };
        const pems = (exported.keys ?? [])
          .map((k) => k.pem)
          .filter((p): p is string => typeof p === 'string');
        if (pems.length === 0) throw new Error('aucune clé');
        return pems.map((pem) => importPublicKeyPem(pem));
      }
      return [importPublicKeyPem(text)];
    } catch {
      throw new Error(
        `Clé publique illisible dans ${file} : un PEM de clé publique ECDSA P-256 ou la sortie de « comptoir keys export » est attendu.`,
      );
    }
  });
  return { publicKeys, fingerprints: parseFingerprints(fingerprints) };
}

/** The French report of an archive verification. */
export function archiveReportLines(report: ArchiveReport): string[] {
  const m = report.manifest;
  const lines: string[] = [];
  if (m !== undefined) {
    lines.push(
      `Archive : caisse ${m.register}, période ${m.period.label}, clôture ${KIND_LABEL[m.period.kind] ?? m.period.kind}, créée le ${stampText(m.createdAt)}.`,
      `Contenu : ${m.counts.records} enregistrement(s) (+ ${m.counts.context} de contexte), ${m.parts.length} parties.`,
    );
  }
  const fileOk = report.fileProblems.length === 0;
  lines.push(
    fileOk
      ? 'Fichier : signature et empreintes SHA-256 conformes.'
      : `Fichier : ${report.fileProblems.length} anomalie(s) :`,
    ...report.fileProblems.map((p) => `  ${p.code} : ${p.message}`),
    `Enregistrements : ${report.journal.recordsChecked} contrôlé(s) (signatures, chaînage, séquences, clôtures recalculées).`,
  );
  if (!report.journal.ok)
    lines.push(`${report.journal.problems.length} anomalie(s) :`, ...problemLines(report.journal.problems));
  const { trust } = report;
  lines.push(
    trust.pinned
      ? `Confiance : clé(s) ${trust.trustedKeys.join(', ') || 'aucune'} reconnue(s) sur ${trust.signingKeys.join(', ')} (épinglée(s) par --public-key ou --fingerprint, ou annoncée(s) par une clé épinglée).`
      : `Confiance : vérifiée avec la seule clé que l’archive fournit (${trust.signingKeys.join(', ')}) ; une archive refaite de bout en bout avec une autre clé serait aussi déclarée intègre. Épinglez la clé de la caisse : --public-key FICHIER ou --fingerprint EMPREINTE (comptoir keys export).`,
  );
  lines.push(
    report.ok
      ? trust.pinned
        ? 'Résultat : archive intègre.'
        : 'Résultat : archive intègre par rapport à sa propre clé (non épinglée).'
      : 'Résultat : ARCHIVE ALTÉRÉE.',
  );
  return lines;
}

export function registerArchiveCommands(program: Command): void {
  const archive = program.command('archive').description('archives fiscales signées des périodes clôturées');

  archive
    .command('export')
    .description('écrit l’archive signée d’une période clôturée (AAAA-MM ou AAAA)')
    .requiredOption('--period <période>', 'la période : 2026-11 (un mois) ou 2026 (un exercice)')
    .requiredOption('--out <fichier>', 'le fichier à écrire (.zip)')
    .option('--register <n>', 'numéro de caisse', '1')
    .option('--operator <code>', 'utilisateur qui archive', 'ADMIN')
    .option('--json', 'résultat en JSON')
    .option(...DATA_OPTION)
    .action(async (options) => {
      const register = Number(options.register);
      if (!Number.isSafeInteger(register) || register < 1) {
        fail(`Numéro de caisse invalide : ${options.register}`, 2, options.json);
        return;
      }
      const dataDir = dataDirOf(options.data);
      const ctx = commandJournalContext(dataDir);
      const { ArchiveError } = await archiveModule();
      const { isJournalError } = await journalModule();
      const { exportArchive } = await exportModule();
      try {
        const result = await withStore(dataDir, (db) =>
          exportArchive(db, ctx, {
            register,
            period: options.period,
            out: options.out,
            operator: options.operator,
          }),
        );
        const m = result.manifest;
        if (options.json) {
          process.stdout.write(
            `${JSON.stringify({ ok: true, file: options.out, bytes: result.bytes, sha256: result.sha256, archiveSequence: result.archiveRecord.sequence, manifest: m })}\n`,
          );
        } else {
          process.stdout.write(
            `${[
              `Archive écrite : ${options.out} (${result.bytes} octets).`,
              `Caisse ${m.register}, période ${m.period.label}, ${m.counts.records} enregistrement(s), ${m.totals.ticketCount} ticket(s).`,
              `SHA-256 : ${result.sha256}`,
              `Journalisée : archive n° ${result.archiveRecord.sequence}.`,
            ].join('\n')}\n`,
          );
        }
      } catch (error) {
        if (error instanceof ArchiveError) {
          fail(error.message, error.code === 'BAD_PERIOD' ? 2 : 1, options.json, error.code);
        } else if (isJournalError(error)) {
          fail(
            error.message,
            error.code === 'UNKNOWN_REGISTER' || error.code === 'UNKNOWN_USER' ? 2 : 1,
            options.json,
            error.code,
          );
        } else {
          fail(`Archivage impossible : ${(error as Error).message}`, 1, options.json, 'FAILED');
        }
      }
    });

  archive
    .command('verify')
    .description('vérifie une archive hors ligne, à partir du seul fichier (code 1 si altérée)')
    .argument('<fichier>', 'l’archive à vérifier')
    .option(
      '--public-key <fichier>',
      'clé publique de confiance de la caisse (PEM, ou la sortie JSON de « comptoir keys export ») ; répétable',
      collect,
      [] as string[],
    )
    .option(
      '--fingerprint <hex>',
      'empreinte de confiance (SHA-256 de la clé publique, 16 à 64 chiffres hexadécimaux) ; répétable',
      collect,
      [] as string[],
    )
    .option('--json', 'rapport en JSON')
    .action(async (file, options) => {
      let trust: ArchiveTrust;
      try {
        trust = await readTrust(options.publicKey, options.fingerprint);
      } catch (error) {
        fail((error as Error).message, 2, options.json, 'BAD_TRUST');
        return;
      }
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(readFileSync(file));
      } catch (error) {
        fail(
          `Lecture impossible de ${file} (${(error as NodeJS.ErrnoException).code ?? 'erreur'})`,
          2,
          options.json,
          'UNREADABLE_FILE',
        );
        return;
      }
      const { verifyArchive, ArchiveError } = await archiveModule();
      let report: ArchiveReport;
      try {
        report = verifyArchive(bytes, trust);
      } catch (error) {
        if (error instanceof ArchiveError) {
          fail(`${error.message}\nRésultat : ARCHIVE ALTÉRÉE.`, 1, options.json, error.code);
          return;
        }
        throw error;
      }
      if (options.json) process.stdout.write(`${JSON.stringify(report)}\n`);
      else process.stdout.write(`${archiveReportLines(report).join('\n')}\n`);
      process.exitCode = report.ok ? 0 : 1;
    });
}
