import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { JournalRecord } from '../../fiscal/record.ts';
import type { ReceiptDocument } from '../../receipts/document.ts';
import { type DocumentSource, RECEIPT_KINDS, type ReceiptKind } from '../../receipts/from-journal.ts';
import type { PdfFormat } from '../../receipts/pdf.ts';
import type { StoreCertificate } from '../../receipts/pdf-signature.ts';
import { commandClock, commandJournalContext, DATA_OPTION, dataDirOf, withStore } from '../context.ts';
import { SOFTWARE_NAME, VERSION } from '../version.ts';

// pdfkit, pkijs, bwip-js and the ESC/POS encoder take over a second to load: they are imported by the
// sub-command that needs them, so that `comptoir` itself starts fast.
const pdfModule = () => import('../../receipts/pdf.ts');
const signatureModule = () => import('../../receipts/pdf-signature.ts');
const verifyModule = () => import('../../receipts/verify-pdf.ts');
const escposModule = () => import('../../receipts/escpos.ts');
const transportModule = () => import('../../receipts/printer-transport.ts');
const certificateModule = () => import('../../receipts/store-certificate.ts');
const fromJournalModule = () => import('../../receipts/from-journal.ts');
const journalSourceModule = () => import('../../receipts/journal-source.ts');
const journalModule = () => import('../../store/journal/index.ts');

const SOURCE_ARGUMENT = [
  '<ticket>',
  'n° de ticket validé (42, 1-000042, X1-000003 école, 1-Z000002 clôture) ou document JSON (- : entrée standard)',
] as const;
const REGISTER_OPTION = [
  '--register <n>',
  'numéro de caisse (défaut : 1, ou celui du n° de ticket)',
] as const;
const KIND_OPTION = [
  '--kind <kind>',
  `document : ${RECEIPT_KINDS.join(', ')} (défaut : ticket)`,
  'ticket',
] as const;
const INDEX_OPTION = ['--index <n>', 'n-ième bon de ce genre émis par le ticket (défaut : 1)'] as const;
const DUPLICATE_OPTION = [
  '--duplicate',
  'copie (du document de --kind) après son original : enregistre un DUPLICATA dans le journal',
] as const;
const REASON_OPTION = ['--reason <text>', 'motif de la copie (obligatoire avec --duplicate)'] as const;
const OPERATOR_OPTION = [
  '--operator <code>',
  'utilisateur du magasin qui remet le document (obligatoire avec --duplicate ; défaut : $COMPTOIR_USER)',
] as const;

interface SourceOptions {
  readonly register?: string;
  readonly kind?: string;
  readonly index?: string;
  readonly duplicate?: boolean;
  readonly reason?: string;
  readonly operator?: string;
  readonly data?: string;
}

interface Resolved {
  readonly doc: ReceiptDocument;
  readonly source?: DocumentSource;
}

/** A document JSON file when the argument names one (or is `-`), else a ticket number. */
function isDocumentFile(arg: string): boolean {
  return arg === '-' || arg.endsWith('.json') || existsSync(arg);
}

function positiveInt(value: string, what: string): number {
  if (!/^\d{1,9}$/.test(value) || Number(value) < 1) {
    throw new ReceiptCommandError(`${what} invalide : ${value} (entier positif attendu)`);
  }
  return Number(value);
}

/** How the document leaves: the sub-command that renders it. */
export type RenderChannel = 'text' | 'escpos' | 'pdf';

/** Renders the document (`render`), then hands the result over (`send`: the file, the printer). */
export interface Handover<T> {
  readonly channel: RenderChannel;
  readonly render: (resolved: Resolved) => Promise<T>;
  readonly send: (out: T) => Promise<void> | void;
  /**
   * A printer takes seconds to answer or fail: its original is issued (committed) before sending, so
   * that no lock is held meanwhile; a file or standard output is written inside the transaction.
   */
  readonly remote?: boolean;
}

/** The command line that asks for a copy of the same document (the ticket by its printed number). */
function duplicateCommand(
  channel: RenderChannel,
  ticket: { readonly register: number; readonly chain: string; readonly sequence: number },
  kind: string,
  index?: number,
): string {
  const number = `${ticket.chain === 'TRAINING' ? 'X' : ''}${ticket.register}-${String(ticket.sequence).padStart(6, '0')}`;
  const kindPart = kind === 'ticket' ? '' : ` --kind ${kind}`;
  const indexPart = index === undefined || index === 1 ? '' : ` --index ${index}`;
  return `comptoir receipt ${channel} ${number}${kindPart}${indexPart} --duplicate --reason "motif" --operator CODE`;
}

/**
 * Renders a document and hands it over: from a JSON file (the document model, not the journal), or
 * from the journal of `--data` (a validated ticket, training ticket or closure by its number).
 *
 * Every copy of a sale's document after its original is a duplicate (issue 11 item 6): without
 * `--duplicate`, the document's original is issued — refused, with how to ask for a copy, when it was
 * already handed over (at the register, by e-mail or by an earlier command) — in the transaction
 * during which `send` writes it, so that a failure issues nothing. With `--duplicate --reason
 * --operator`, its DUPLICATE record (naming the document) is appended first. A closure's report (Z,
 * monthly, yearly) likewise: its first rendering is the original, every later one a duplicate.
 */
export async function resolveDocument<T>(
  arg: string,
  options: SourceOptions,
  handover: Handover<T>,
): Promise<Resolved> {
  if (isDocumentFile(arg)) {
    const resolved = { doc: await readDocument(arg) };
    await handover.send(await handover.render(resolved));
    return resolved;
  }
  const kind = options.kind ?? 'ticket';
  if (!(RECEIPT_KINDS as readonly string[]).includes(kind)) {
    throw new ReceiptCommandError(`Document inconnu : --kind ${kind} (${RECEIPT_KINDS.join(', ')})`);
  }
  const { parseTicketRef, loadRecord, documentSourceOf, TicketLookupError } = await journalSourceModule();
  const { documentFromRecord, DocumentSourceError } = await fromJournalModule();
  const { recordDuplicate, isJournalError, activeUser, issuedOriginal, issueOriginals, OriginalIssuedError } =
    await journalModule();
  let ref: ReturnType<typeof parseTicketRef>;
  try {
    ref = parseTicketRef(arg);
  } catch (error) {
    throw new ReceiptCommandError((error as Error).message);
  }
  const given =
    options.register === undefined ? undefined : positiveInt(options.register, 'Numéro de caisse');
  if (given !== undefined && ref.register !== undefined && given !== ref.register) {
    throw new ReceiptCommandError(
      `Le ticket ${arg} est de la caisse ${ref.register}, pas de la caisse ${given}`,
    );
  }
  const register = given ?? ref.register ?? 1;
  const index = options.index === undefined ? undefined : positiveInt(options.index, 'Rang du bon');
  const operator = options.operator ?? process.env.COMPTOIR_USER;
  if (options.duplicate === true) {
    if (options.reason === undefined || options.reason.trim() === '') {
      throw new ReceiptCommandError('--duplicate demande le motif de la réimpression : --reason TEXTE');
    }
    if (operator === undefined || operator === '') {
      throw new ReceiptCommandError('--duplicate demande l’utilisateur qui réimprime : --operator CODE');
    }
    if (ref.chain === 'CLOSURE' && kind !== 'ticket') {
      throw new ReceiptCommandError('Une clôture n’a que son rapport : pas de --kind avec un n° de clôture');
    }
  } else if (options.reason !== undefined) {
    throw new ReceiptCommandError('--reason va avec --duplicate (le motif d’une copie)');
  }
  const dataDir = dataDirOf(options.data);
  const url = process.env.DATABASE_URL;
  if ((url === undefined || url === '') && !existsSync(join(dataDir, 'comptoir.db'))) {
    throw new ReceiptCommandError(`Aucune base de données dans ${dataDir} : lancez « comptoir init »`, 1);
  }
  const ctx = commandJournalContext(dataDir);
  try {
    return await withStore(dataDir, async (db) => {
      const original = await loadRecord(db, register, ref);
      const receiptKind = kind as ReceiptKind;
      const sourceOf = (records: readonly JournalRecord[]) =>
        documentSourceOf(
          db,
          register,
          records,
          receiptKind,
          { name: SOFTWARE_NAME, version: VERSION },
          index,
        );
      const build = async (records: readonly JournalRecord[]): Promise<Resolved> => {
        const source = await sourceOf(records);
        return { doc: documentFromRecord(source), source };
      };
      if (options.duplicate === true) {
        // The document must exist before its copy is journaled: a refusal writes nothing.
        await build([original]);
        const duplicate = await recordDuplicate(db, ctx, {
          register,
          original: { chain: ref.chain, sequence: ref.sequence },
          ...(receiptKind === 'ticket' ? {} : { document: receiptKind }),
          ...(index === undefined ? {} : { index }),
          reason: options.reason ?? '',
          operator: operator ?? '',
        });
        const resolved = await build([duplicate, original]);
        await handover.send(await handover.render(resolved));
        return resolved;
      }
      const resolved = await build([original]);
      const document = {
        register,
        chain: ref.chain === 'TICKET' || ref.chain === 'TRAINING' ? ref.chain : ('CLOSURE' as const),
        sequence: ref.sequence,
        document: receiptKind,
        ...(index === undefined ? {} : { index }),
      };
      const refuse = (error: InstanceType<typeof OriginalIssuedError>): never => {
        throw new ReceiptCommandError(
          `${error.message}\nPour une copie : ${duplicateCommand(handover.channel, document, kind, index)}`,
          1,
        );
      };
      const issued = await issuedOriginal(db, document);
      if (issued !== undefined) refuse(new OriginalIssuedError(document, issued));
      if (operator !== undefined && operator !== '') await activeUser(db, operator);
      const out = await handover.render(resolved);
      const issue = { at: ctx.now(), channel: handover.channel, operator: operator ?? '' };
      try {
        await db.transaction().execute(async (trx) => {
          await issueOriginals(trx, [document], issue);
          if (handover.remote !== true) await handover.send(out);
        });
      } catch (error) {
        if (error instanceof OriginalIssuedError) refuse(error);
        throw error;
      }
      if (handover.remote === true) {
        await Promise.resolve(handover.send(out)).catch((error: Error) => {
          throw new ReceiptCommandError(
            `${error.message}\nL’original est enregistré comme remis : s’il n’est pas sorti, demandez une copie : ${duplicateCommand(handover.channel, document, kind, index)}`,
            1,
          );
        });
      }
      return resolved;
    });
  } catch (error) {
    if (error instanceof TicketLookupError) {
      throw new ReceiptCommandError(error.message, error.code === 'BAD_NUMBER' ? 2 : 1);
    }
    if (error instanceof DocumentSourceError) throw new ReceiptCommandError(error.message, 1);
    if (isJournalError(error))
      throw new ReceiptCommandError(error.message, error.code === 'INVALID_INPUT' ? 2 : 1);
    throw error;
  }
}

/** A failure to report to the user in French, with the process exit code. */
export class ReceiptCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode = 2,
  ) {
    super(message);
  }
}

function readInput(path: string, what: string): Buffer {
  try {
    return readFileSync(path === '-' ? 0 : path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'erreur de lecture';
    throw new ReceiptCommandError(`Lecture impossible du ${what} ${path} (${code})`);
  }
}

/** Reads and validates a document-model JSON file (or `-` for standard input). */
export async function readDocument(path: string): Promise<ReceiptDocument> {
  let data: unknown;
  try {
    data = JSON.parse(readInput(path, 'document').toString('utf8'));
  } catch (error) {
    if (error instanceof ReceiptCommandError) throw error;
    throw new ReceiptCommandError(`JSON invalide dans ${path} : ${(error as Error).message}`);
  }
  // zod is loaded by the commands that read a document, not when `comptoir` starts.
  const { parseReceiptDocument } = await import('../../receipts/document-schema.ts');
  const parsed = parseReceiptDocument(data);
  if (!parsed.ok) {
    throw new ReceiptCommandError(
      `Document invalide (${path}) :\n${parsed.errors.map((e) => `  - ${e}`).join('\n')}`,
    );
  }
  return parsed.document;
}

/** Writes the whole output, or nothing: a temporary file renamed into place. */
export function writeOutput(path: string | undefined, bytes: Uint8Array | string): void {
  if (path === undefined) {
    process.stdout.write(bytes);
    return;
  }
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, bytes);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ReceiptCommandError(`Écriture impossible de ${path} (${code})`);
  }
}

export function width(value: string): 48 | 32 {
  if (value === '48' || value === '32') return Number(value) as 48 | 32;
  throw new ReceiptCommandError(`Largeur invalide : ${value} (48 pour 80 mm, 32 pour 58 mm)`);
}

function pdfFormat(value: string): PdfFormat {
  if (value === 'narrow' || value === 'a4' || value === 'a5') return value;
  throw new ReceiptCommandError(`Format invalide : ${value} (narrow, a4 ou a5)`);
}

function hostPort(value: string): { host: string; port: number } {
  const match = /^([^:]+)(?::(\d{1,5}))?$/.exec(value);
  if (match === null)
    throw new ReceiptCommandError(`Imprimante invalide : ${value} (hôte ou hôte:port attendu)`);
  return { host: match[1] ?? value, port: match[2] === undefined ? 9100 : Number(match[2]) };
}

async function run(action: () => Promise<void> | void): Promise<void> {
  try {
    await action();
  } catch (error) {
    const exitCode = error instanceof ReceiptCommandError ? error.exitCode : 2;
    process.stderr.write(`${(error as Error).message}\n`);
    process.exitCode = exitCode;
  }
}

/**
 * `comptoir receipt text|escpos|pdf TICKET` (a validated ticket of the journal, or a document-model
 * JSON file), `comptoir receipt verify FILE.pdf [--keys KEYS]` and `comptoir receipt certificate`.
 */
export function registerReceiptCommands(program: Command): void {
  const receipt = program
    .command('receipt')
    .description('tickets, bons, factures et clôtures : texte, ESC/POS, PDF');

  receipt
    .command('text')
    .description('rend un document en texte (48 colonnes pour 80 mm, 32 pour 58 mm)')
    .argument(...SOURCE_ARGUMENT)
    .option('--out <file>', 'fichier de sortie (sinon la sortie standard)')
    .option('--width <columns>', 'largeur : 48 ou 32 colonnes', '48')
    .option(...REGISTER_OPTION)
    .option(...KIND_OPTION)
    .option(...INDEX_OPTION)
    .option(...DUPLICATE_OPTION)
    .option(...REASON_OPTION)
    .option(...OPERATOR_OPTION)
    .option(...DATA_OPTION)
    .action((file, options) =>
      run(async () => {
        const columns = width(options.width);
        await resolveDocument(file, options, {
          channel: 'text',
          render: async ({ doc }) => (await import('../../receipts/text.ts')).renderText(doc, columns),
          send: (text) => writeOutput(options.out, text),
        });
      }),
    );

  receipt
    .command('escpos')
    .description('rend un document en commandes ESC/POS pour imprimante thermique')
    .argument(...SOURCE_ARGUMENT)
    .option('--out <file>', 'fichier de sortie (sinon la sortie standard)')
    .option('--width <columns>', 'largeur : 48 ou 32 colonnes', '48')
    .option('--drawer', 'ouvre le tiroir-caisse après la coupe')
    .option('--printer <host[:port]>', 'envoie à une imprimante réseau (port 9100 par défaut)')
    .option('--device <path>', 'écrit sur un périphérique (/dev/usb/lp0…)')
    .option(...REGISTER_OPTION)
    .option(...KIND_OPTION)
    .option(...INDEX_OPTION)
    .option(...DUPLICATE_OPTION)
    .option(...REASON_OPTION)
    .option(...OPERATOR_OPTION)
    .option(...DATA_OPTION)
    .action((file, options) =>
      run(async () => {
        const columns = width(options.width);
        const printer = options.printer === undefined ? undefined : hostPort(options.printer);
        const { renderEscPos } = await escposModule();
        const { sendToTcpPrinter, writeToDevice } = await transportModule();
        await resolveDocument(file, options, {
          channel: 'escpos',
          remote: printer !== undefined || options.device !== undefined,
          render: async ({ doc }) => renderEscPos(doc, { columns, openDrawer: options.drawer === true }),
          send: async (bytes) => {
            if (printer !== undefined) {
              await sendToTcpPrinter(printer, bytes).catch((error: Error) => {
                throw new ReceiptCommandError(error.message, 1);
              });
            } else if (options.device !== undefined) {
              await writeToDevice(options.device, bytes).catch((error: Error) => {
                throw new ReceiptCommandError(error.message, 1);
              });
            } else writeOutput(options.out, bytes);
          },
        });
      }),
    );

  receipt
    .command('pdf')
    .description('rend un document en PDF signé (certificat du magasin)')
    .argument(...SOURCE_ARGUMENT)
    .option('--out <file>', 'fichier de sortie (sinon la sortie standard)')
    .option('--format <format>', 'narrow (80 mm, page continue), a4 ou a5', 'narrow')
    .option('--cert <file>', 'certificat du magasin (PEM ; défaut : celui du dossier des données)')
    .option('--key <file>', 'clé privée du certificat (PEM)')
    .option('--unsigned', 'ne signe pas le PDF')
    .option(...REGISTER_OPTION)
    .option(...KIND_OPTION)
    .option(...INDEX_OPTION)
    .option(...DUPLICATE_OPTION)
    .option(...REASON_OPTION)
    .option(...OPERATOR_OPTION)
    .option(...DATA_OPTION)
    .action((file, options) =>
      run(async () => {
        const format = pdfFormat(options.format);
        const { renderPdf } = await pdfModule();
        const { renderSignedPdf } = await signatureModule();
        await resolveDocument(file, options, {
          channel: 'pdf',
          render: async ({ doc, source }) => {
            const now = commandClock()();
            const pdfOptions = { format, now, ...(source === undefined ? {} : { source }) };
            if (options.unsigned === true) return renderPdf(doc, pdfOptions);
            const store = await storeCertificate(options, {
              commonName: doc.store.sign,
              organization: `${doc.store.legalName ?? doc.store.sign} (SIRET ${doc.store.siret})`,
            });
            return renderSignedPdf(doc, store, pdfOptions);
          },
          send: (bytes) => writeOutput(options.out, bytes),
        });
      }),
    );

  receipt
    .command('verify')
    .description('vérifie un ticket PDF hors ligne avec les clés publiques du journal')
    .argument('<file>', 'ticket PDF')
    .option(
      '--keys <file-or-dir>',
      'clés publiques du journal : fichier PEM ou JSON, ou dossier (défaut : <données>/keys)',
    )
    .option(
      '--fingerprint <hex>',
      'empreinte SHA-256 du certificat du magasin de confiance (défaut : le certificat de <dossier de clés>/pdf) ; répétable',
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(...DATA_OPTION)
    .action((file, options) =>
      run(async () => {
        const pdf = readInput(file, 'PDF');
        const { certificateFingerprint, parseJournalKeys, readJournalKeysDir, verifyReceiptPdf } =
          await verifyModule();
        const { normaliseFingerprint } = await import('../../fiscal/signing.ts');
        const path = options.keys ?? join(dataDirOf(options.data), 'keys');
        const fingerprints = options.fingerprint.map((text) => {
          const hex = normaliseFingerprint(text);
          if (hex === undefined) {
            throw new ReceiptCommandError(
              `Empreinte invalide : « ${text} » (16 à 64 chiffres hexadécimaux, SHA-256 du certificat).`,
            );
          }
          return hex;
        });
        // The store certificate kept beside the journal's public keys is trusted too.
        const kept = join(path, 'pdf', 'store-certificate.pem');
        if (options.fingerprint.length === 0 && existsSync(kept)) {
          fingerprints.push(certificateFingerprint(readFileSync(kept)));
        }
        let keys: ReturnType<typeof parseJournalKeys>;
        try {
          keys =
            existsSync(path) && statSync(path).isDirectory()
              ? readJournalKeysDir(path)
              : parseJournalKeys(readInput(path, 'fichier de clés').toString('utf8'));
        } catch (error) {
          throw new ReceiptCommandError((error as Error).message);
        }
        const report = await verifyReceiptPdf(pdf, keys, { certificateFingerprints: fingerprints });
        if (report.summary !== undefined) process.stdout.write(`Ticket ${report.summary}\n`);
        for (const check of report.checks) {
          process.stdout.write(`${check.ok ? '✔' : '✘'} ${check.label} : ${check.detail}\n`);
        }
        process.stdout.write(report.ok ? 'PDF valide.\n' : 'PDF NON VALIDE.\n');
        if (!report.ok) process.exitCode = 1;
      }),
    );

  receipt
    .command('certificate')
    .description(
      'certificat du magasin pour signer les PDF : créé (auto-signé) dans <données>/keys, ou importé (--import)',
    )
    .option('--name <sign>', 'enseigne du magasin (nom du certificat créé)')
    .option('--organization <text>', 'raison sociale et SIRET')
    .option('--import <file>', 'installe le certificat du magasin (PEM) fourni par une autorité')
    .option('--key <file>', 'clé privée du certificat importé (PEM, ECDSA P-256)')
    .option('--out-cert <file>', 'écrit un nouveau certificat ici plutôt que dans le dossier des données')
    .option('--out-key <file>', 'fichier de la clé privée de --out-cert (PEM, à protéger)')
    .option(...DATA_OPTION)
    .action((options) =>
      run(async () => {
        const { makeSelfSignedStoreCertificate } = await signatureModule();
        if (options.outCert !== undefined || options.outKey !== undefined) {
          if (options.outCert === undefined || options.outKey === undefined || options.name === undefined) {
            throw new ReceiptCommandError('--out-cert, --out-key et --name vont ensemble');
          }
          const pem = await makeSelfSignedStoreCertificate({
            commonName: options.name,
            organization: options.organization ?? options.name,
            notBefore: commandClock()(),
          });
          writeOutput(options.outCert, pem.certificatePem);
          writeFileSync(`${options.outKey}.${process.pid}.tmp`, pem.privateKeyPem, { mode: 0o600 });
          renameSync(`${options.outKey}.${process.pid}.tmp`, options.outKey);
          const { certificateFingerprint } = await verifyModule();
          process.stdout.write(
            `Certificat écrit dans ${options.outCert}, clé dans ${options.outKey}\n` +
              `Empreinte SHA-256 (pour « comptoir receipt verify --fingerprint ») : ${certificateFingerprint(pem.certificatePem)}\n`,
          );
          return;
        }
        const { ensureStoreCertificate, importStoreCertificate } = await certificateModule();
        const dataDir = dataDirOf(options.data);
        const fail = (error: Error): never => {
          throw new ReceiptCommandError(error.message);
        };
        if (options.import !== undefined) {
          if (options.key === undefined)
            throw new ReceiptCommandError('--import demande aussi --key FICHIER');
          const done = await importStoreCertificate(dataDir, {
            certificatePem: readInput(options.import, 'certificat').toString('utf8'),
            privateKeyPem: readInput(options.key, 'fichier de clé').toString('utf8'),
          }).catch(fail);
          process.stdout.write(
            `Certificat importé : ${done.certificate.subject}\n(${done.paths.certificate})\n`,
          );
          return;
        }
        const done = await ensureStoreCertificate(dataDir, {
          ...(options.name === undefined ? {} : { commonName: options.name }),
          ...(options.organization === undefined ? {} : { organization: options.organization }),
        }).catch(fail);
        const { certificateFingerprint } = await verifyModule();
        process.stdout.write(
          `${done.created ? 'Certificat auto-signé créé' : 'Certificat existant'} : ${done.certificate.subject}\n(${done.paths.certificate})\n` +
            `Empreinte SHA-256 (pour « comptoir receipt verify --fingerprint ») : ${certificateFingerprint(readFileSync(done.paths.certificate))}\n`,
        );
      }),
    );
}

/**
 * The certificate that signs a PDF: `--cert` and `--key` when given, else the one of the data
 * directory (made, self-signed, on first use).
 */
async function storeCertificate(
  options: { cert?: string; key?: string; data?: string },
  identity: { commonName: string; organization: string },
): Promise<StoreCertificate> {
  const fail = (error: Error): never => {
    throw new ReceiptCommandError(error.message);
  };
  if (options.cert !== undefined || options.key !== undefined) {
    if (options.cert === undefined || options.key === undefined) {
      throw new ReceiptCommandError('--cert et --key vont ensemble (certificat et clé privée PEM)');
    }
    const { loadStoreCertificate } = await signatureModule();
    return loadStoreCertificate({
      certificatePem: readInput(options.cert, 'certificat').toString('utf8'),
      privateKeyPem: readInput(options.key, 'fichier de clé').toString('utf8'),
    }).catch(fail);
  }
  const { ensureStoreCertificate } = await certificateModule();
  const ensured = await ensureStoreCertificate(dataDirOf(options.data), identity).catch(fail);
  if (ensured.created)
    process.stderr.write(`Certificat auto-signé du magasin créé : ${ensured.paths.certificate}\n`);
  return ensured.certificate;
}
