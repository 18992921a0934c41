/**
 * `comptoir mail …`: the e-mail outbox from the shell (issue 6).
 *
 * - `status [--id N] [--statut S] [--json]`: the queue, or one message;
 * - `retry ID`: a failed or waiting message is tried again now;
 * - `send TICKET --to ADRESSE` (or `--document FICHIER.json`): queues a sale's receipt — its original
 *   when none was handed over yet, else only a copy asked with `--duplicate --reason --operator`
 *   (a DUPLICATE record, issue 11 item 6);
 * - `work [--once]`: runs the worker (`SMTP_URL` overrides the stores' SMTP servers);
 * - `campaign …`: the dematerialization letters (seed 003);
 * - `smtp [--host …]`: shows or sets a store's SMTP server (the password is read from standard input
 *   and never shown).
 *
 * Exit codes: 0 done, 1 refused (nothing changed), 2 bad input (nothing changed).
 */
import { readFileSync } from 'node:fs';
import { type Command, Option } from '@commander-js/extra-typings';
import type { CampaignFilter } from '../../mail/campaign.ts';
import { isMailError, type MailErrorCode } from '../../mail/errors.ts';
import type { Db, JobSummary } from '../../mail/outbox.ts';
import { MAIL_STATUSES, type MailStatus, STATUS_LABELS } from '../../mail/statuses.ts';

// The outbox (and its database driver) is loaded by the sub-command that uses it.
const outboxModule = () => import('../../mail/outbox.ts');

import type { SaleDocumentSource } from '../../mail/sale-mail.ts';
import type { ReceiptDocument } from '../../receipts/document.ts';
import { isStoreError } from '../../store/errors.ts';
import { isJournalError } from '../../store/journal/errors.ts';
import { commandClock, commandJournalContext, DATA_OPTION, dataDirOf, withStore } from '../context.ts';
import { SOFTWARE_NAME, VERSION } from '../version.ts';

const REFUSALS: readonly MailErrorCode[] = [
  'NOT_RETRYABLE',
  'MISSING_SENDER',
  'SALES_UNAVAILABLE',
  'FILTER_UNAVAILABLE',
];

class MailCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2,
  ) {
    super(message);
  }
}

async function run(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (error) {
    if (isMailError(error)) {
      process.stderr.write(`Refusé : ${error.message} [${error.code}]\n`);
      process.exitCode = REFUSALS.includes(error.code) ? 1 : 2;
    } else if (isStoreError(error)) {
      process.stderr.write(`Refusé : ${error.message} [${error.code}]\n`);
      process.exitCode = 1;
    } else if (isJournalError(error)) {
      process.stderr.write(`Refusé : ${error.message} [${error.code}]\n`);
      process.exitCode = error.code === 'INVALID_INPUT' ? 2 : 1;
    } else if (error instanceof MailCommandError) {
      process.stderr.write(`${error.message}\n`);
      process.exitCode = error.exitCode;
    } else {
      throw error;
    }
  }
}

function positiveInt(value: string, what: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new MailCommandError(`${what} invalide : ${value}`, 2);
  return Number(value);
}

async function storeIdOf(db: Db, code: string | undefined): Promise<number> {
  const stores = await db.selectFrom('stores').select(['id', 'code']).orderBy('id').execute();
  if (code === undefined) {
    const [only] = stores;
    if (only === undefined)
      throw new MailCommandError('Aucun magasin : initialisez la base (comptoir init)', 1);
    if (stores.length > 1) throw new MailCommandError('Plusieurs magasins : précisez --store CODE', 2);
    return only.id;
  }
  const store = stores.find((s) => s.code === code);
  if (store === undefined) throw new MailCommandError(`Magasin inconnu : ${code}`, 2);
  return store.id;
}

function line(job: JobSummary): string {
  const status = STATUS_LABELS[job.status as MailStatus] ?? job.status;
  const code = job.last_code === null ? '' : ` — dernier code ${job.last_code}`;
  const next =
    job.status === 'retrying' || job.status === 'queued' ? ` — prochain essai ${job.next_attempt_at}` : '';
  return `n° ${job.id}  ${status}  ${job.recipient}  « ${job.subject} »  (${job.attempts} essai(s)${code}${next})`;
}

function details(job: JobSummary): string {
  return [
    `E-mail n° ${job.id}`,
    `  Message-ID : ${job.message_id}`,
    `  Statut : ${STATUS_LABELS[job.status as MailStatus] ?? job.status}`,
    `  De : ${job.sender_name} <${job.sender_address}>`,
    `  À : ${job.recipient}`,
    `  Objet : ${job.subject}`,
    `  Document : ${job.document_type} ${job.reference}`,
    `  Pièce jointe : ${job.attachment_name === null ? 'aucune' : `${job.attachment_name} (${job.attachment_size ?? 0} octets)`}`,
    `  Essais : ${job.attempts} — prochain essai : ${job.next_attempt_at} — abandon : ${job.give_up_at}`,
    `  Dernière réponse : ${job.last_code ?? '—'} ${job.last_response ?? ''}`.trimEnd(),
    `  Créé : ${job.created_at} — envoyé : ${job.sent_at ?? '—'}`,
  ].join('\n');
}

/** `mail send --document FILE.json`: one sale document read from a file, PDF drawn here. */
async function fileSource(
  path: string,
  storeId: number,
): Promise<{ source: SaleDocumentSource; ticket: string }> {
  const { parseReceiptDocument } = await import('../../receipts/document-schema.ts');
  let doc: ReceiptDocument;
  try {
    const parsed = parseReceiptDocument(JSON.parse(readFileSync(path === '-' ? 0 : path, 'utf8')));
    if (!parsed.ok)
      throw new MailCommandError(`Document invalide (${path}) :\n  - ${parsed.errors.join('\n  - ')}`, 2);
    doc = parsed.document;
  } catch (error) {
    if (error instanceof MailCommandError) throw error;
    throw new MailCommandError(`Lecture impossible du document ${path} : ${(error as Error).message}`, 2);
  }
  if (doc.kind !== 'sale')
    throw new MailCommandError(`Le document ${path} n’est pas un ticket de vente (${doc.kind})`, 2);
  const ticket = doc;
  const source: SaleDocumentSource = {
    async documentsOfSale(number) {
      return number === ticket.number ? { storeId, ticket: ticket.number, issued: { ticket } } : undefined;
    },
    async pdfOf(document) {
      const { renderPdf } = await import('../../receipts/pdf.ts');
      return renderPdf(document, { now: commandClock()() });
    },
  };
  return { source, ticket: ticket.number };
}

export interface JournalSendInput {
  readonly ticket: string;
  readonly to: string;
  readonly storeId: number;
  readonly duplicate?: boolean;
  readonly reason?: string;
  /** The store's user who sends it (`--operator`, else `$COMPTOIR_USER`). */
  readonly operator?: string;
}

/**
 * `mail send TICKET` from the journal: the ticket's original when none was handed over yet (issued
 * with the e-mail queued), else refused with how to ask for the copy; with `duplicate`, its DUPLICATE
 * record (reason and an active user required) then the copy « DUPLICATA ». Every refusal comes before
 * anything is journaled or queued.
 */
export async function sendFromJournal(db: Db, dataDir: string, input: JournalSendInput) {
  const { journalSaleSource } = await import('../../mail/journal-sale-source.ts');
  const { resendReceipt } = await import('../../mail/sale-mail.ts');
  const { senderOf } = await import('../../mail/store-settings.ts');
  const { parseTicketRef } = await import('../../receipts/journal-source.ts');
  const { activeUser, recordDuplicate } = await import('../../store/journal/index.ts');
  const ctx = commandJournalContext(dataDir);
  const software = { name: SOFTWARE_NAME, version: VERSION };
  const operator = input.operator ?? process.env.COMPTOIR_USER ?? '';
  const copyCommand = `comptoir mail send ${input.ticket} --to ${input.to} --duplicate --reason "motif" --operator CODE`;
  if (input.duplicate !== true) {
    if (input.reason !== undefined)
      throw new MailCommandError('--reason va avec --duplicate (le motif d’une copie)', 2);
    if (operator !== '') await activeUser(db, operator);
    const source = journalSaleSource(db, { dataDir, software, now: ctx.now });
    try {
      return await resendReceipt(db, source, {
        ticket: input.ticket,
        to: input.to,
        now: ctx.now(),
        issue: { operator },
      });
    } catch (error) {
      if (isJournalError(error) && error.code === 'ALREADY_ISSUED') {
        throw new MailCommandError(`Refusé : ${error.message}\nPour une copie : ${copyCommand}`, 1);
      }
      throw error;
    }
  }
  if (input.reason === undefined || input.reason.trim() === '')
    throw new MailCommandError('--duplicate demande le motif de la copie : --reason TEXTE', 2);
  if (operator === '')
    throw new MailCommandError('--duplicate demande l’utilisateur qui envoie la copie : --operator CODE', 2);
  let ref: ReturnType<typeof parseTicketRef>;
  try {
    ref = parseTicketRef(input.ticket);
  } catch (error) {
    throw new MailCommandError((error as Error).message, 2);
  }
  if (ref.chain !== 'TICKET')
    throw new MailCommandError(`Seul un ticket de vente s’envoie par e-mail : ${input.ticket}`, 2);
  await senderOf(db, input.storeId);
  const duplicate = await recordDuplicate(db, ctx, {
    register: ref.register ?? 1,
    original: { sequence: ref.sequence },
    reason: input.reason,
    operator,
  });
  const source = journalSaleSource(db, { dataDir, software, now: ctx.now, duplicate });
  return resendReceipt(db, source, { ticket: input.ticket, to: input.to, now: ctx.now() });
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8').replace(/\r?\n$/, '');
  } catch {
    throw new MailCommandError('Mot de passe attendu sur l’entrée standard', 2);
  }
}

export function registerMailCommands(program: Command): void {
  const mail = program
    .command('mail')
    .description('e-mails des tickets : file d’envoi, envoi, campagne de dématérialisation');

  mail
    .command('status')
    .description('état de la file d’envoi, ou d’un e-mail')
    .option('--id <n>', 'un e-mail')
    .addOption(new Option('--statut <s>', 'seulement ce statut').choices(MAIL_STATUSES))
    .option('--json', 'sortie JSON')
    .option(...DATA_OPTION)
    .action((options) =>
      run(() =>
        withStore(dataDirOf(options.data), async (db) => {
          const { countByStatus, getJob, listJobs } = await outboxModule();
          if (options.id !== undefined) {
            const job = await getJob(db, positiveInt(options.id, 'Numéro'));
            process.stdout.write(
              options.json === true ? `${JSON.stringify(job, null, 2)}\n` : `${details(job)}\n`,
            );
            return;
          }
          const counts = await countByStatus(db);
          const jobs = await listJobs(db, options.statut === undefined ? {} : { status: options.statut });
          if (options.json === true) {
            process.stdout.write(`${JSON.stringify({ counts, jobs }, null, 2)}\n`);
            return;
          }
          process.stdout.write(
            `${MAIL_STATUSES.map((s) => `${STATUS_LABELS[s]} : ${counts[s]}`).join(' · ')}\n${jobs.map(line).join('\n')}${jobs.length > 0 ? '\n' : ''}`,
          );
        }),
      ),
    );

  mail
    .command('retry')
    .description('réessaie maintenant un e-mail en échec ou en attente')
    .argument('<id>', 'numéro de l’e-mail')
    .option(...DATA_OPTION)
    .action((id, options) =>
      run(() =>
        withStore(dataDirOf(options.data), async (db) => {
          const { retryJob } = await outboxModule();
          const job = await retryJob(db, positiveInt(id, 'Numéro'), commandClock()());
          process.stdout.write(`E-mail n° ${job.id} remis en file pour ${job.recipient}.\n`);
        }),
      ),
    );

  mail
    .command('send')
    .description(
      'met en file le ticket d’une vente pour une adresse e-mail : son original, ou une copie (--duplicate)',
    )
    .argument('[ticket]', 'numéro du ticket (celui du document avec --document)')
    .requiredOption('--to <adresse>', 'adresse e-mail du client')
    .option('--document <file>', 'ticket au format document (JSON), au lieu du journal')
    .option('--duplicate', 'copie du ticket déjà remis : enregistre un DUPLICATA dans le journal')
    .option('--reason <text>', 'motif de la copie (obligatoire avec --duplicate)')
    .option(
      '--operator <code>',
      'utilisateur du magasin qui envoie (obligatoire avec --duplicate ; défaut : $COMPTOIR_USER)',
    )
    .option('--store <code>', 'magasin (défaut : le seul magasin)')
    .option('--json', 'sortie JSON')
    .option(...DATA_OPTION)
    .action((ticketArg, options) =>
      run(() =>
        withStore(dataDirOf(options.data), async (db) => {
          const { requireAddress } = await import('../../mail/address.ts');
          const to = requireAddress(options.to);
          const storeId = await storeIdOf(db, options.store);
          let job: Awaited<ReturnType<typeof sendFromJournal>>;
          if (options.document !== undefined) {
            if (options.duplicate === true || options.reason !== undefined)
              throw new MailCommandError('--duplicate et --reason vont avec un ticket du journal', 2);
            const fromFile = await fileSource(options.document, storeId);
            const { resendReceipt } = await import('../../mail/sale-mail.ts');
            job = await resendReceipt(db, fromFile.source, {
              ticket: ticketArg ?? fromFile.ticket,
              to,
              now: commandClock()(),
            });
          } else {
            if (ticketArg === undefined)
              throw new MailCommandError('Numéro de ticket requis (ou --document FICHIER.json)', 2);
            job = await sendFromJournal(db, dataDirOf(options.data), {
              ticket: ticketArg,
              to,
              storeId,
              ...(options.duplicate === true ? { duplicate: true } : {}),
              ...(options.reason === undefined ? {} : { reason: options.reason }),
              ...(options.operator === undefined ? {} : { operator: options.operator }),
            });
          }
          if (options.json === true) {
            process.stdout.write(
              `${JSON.stringify({ id: job.id, messageId: job.message_id, status: job.status }, null, 2)}\n`,
            );
          } else {
            process.stdout.write(
              `E-mail n° ${job.id} mis en file pour ${job.recipient} : « ${job.subject} ».\n`,
            );
          }
        }),
      ),
    );

  mail
    .command('work')
    .description('envoie les e-mails en file (SMTP_URL remplace les serveurs des magasins)')
    .option('--once', 'envoie ce qui est dû puis s’arrête')
    .option('--lease <secondes>', 'durée de réservation d’un e-mail par ce processus', '300')
    .option('--concurrency <n>', 'e-mails envoyés en parallèle', '5')
    .option('--poll <ms>', 'attente entre deux passes', '2000')
    .option(...DATA_OPTION)
    .action((options) =>
      run(() =>
        withStore(dataDirOf(options.data), async (db) => {
          const { storeTransports, workOnce, runWorker } = await import('../../mail/worker.ts');
          const transports = storeTransports(db, process.env, { pool: true });
          const base = {
            db,
            transports,
            leaseMs: positiveInt(options.lease, 'Durée') * 1000,
            concurrency: positiveInt(options.concurrency, 'Parallélisme'),
            log: (text: string) => process.stdout.write(`${text}\n`),
          };
          try {
            if (options.once === true) {
              const report = await workOnce(base);
              process.stdout.write(
                `Envoyés : ${report.sent} · nouvel essai prévu : ${report.retrying} · échecs définitifs : ${report.failed}\n`,
              );
              return;
            }
            const controller = new AbortController();
            const stop = () => controller.abort();
            process.once('SIGINT', stop);
            process.once('SIGTERM', stop);
            process.stdout.write('Envoi des e-mails en cours (Ctrl+C pour arrêter)…\n');
            await runWorker({
              ...base,
              signal: controller.signal,
              pollMs: positiveInt(options.poll, 'Attente'),
            });
          } finally {
            transports.close();
          }
        }),
      ),
    );

  mail
    .command('campaign')
    .description('lettres de dématérialisation des factures (met en file et marque les clients)')
    .option('--code-from <code>', 'premier code client')
    .option('--code-to <code>', 'dernier code client')
    .option('--sold-from <date>', 'clients ayant acheté depuis le (AAAA-MM-JJ)')
    .option('--sold-to <date>', 'clients ayant acheté jusqu’au (AAAA-MM-JJ)')
    .option('--include-sent', 'inclut les clients déjà destinataires de la lettre')
    .option('--include-no-email', 'liste à imprimer pour les clients sans adresse e-mail')
    .addOption(
      new Option('--sort <ordre>', 'tri').choices(['code', 'name'] as const).default('code' as const),
    )
    .option('--dry-run', 'affiche la sélection sans rien envoyer ni marquer')
    .option('--store <code>', 'magasin (défaut : le seul magasin)')
    .option('--json', 'sortie JSON')
    .option(...DATA_OPTION)
    .action((options) =>
      run(() =>
        withStore(dataDirOf(options.data), async (db) => {
          const { checkFilter, runCampaign } = await import('../../mail/campaign.ts');
          const { mailSettingsOf, senderOf } = await import('../../mail/store-settings.ts');
          const storeId = await storeIdOf(db, options.store);
          const filter: CampaignFilter = {
            ...(options.codeFrom === undefined ? {} : { codeFrom: options.codeFrom }),
            ...(options.codeTo === undefined ? {} : { codeTo: options.codeTo }),
            ...(options.soldFrom === undefined ? {} : { soldFrom: options.soldFrom }),
            ...(options.soldTo === undefined ? {} : { soldTo: options.soldTo }),
            includeAlreadySent: options.includeSent === true,
            includeWithoutEmail: options.includeNoEmail === true,
            sort: options.sort,
          };
          checkFilter(filter);
          const store = await db
            .selectFrom('stores')
            .select(['name', 'sign'])
            .where('id', '=', storeId)
            .executeTakeFirstOrThrow();
          const dryRun = options.dryRun === true;
          const result = await runCampaign(db, {
            storeId,
            sender: dryRun ? { name: store.sign, address: 'x@x.invalid' } : await senderOf(db, storeId),
            company: store.sign === '' ? store.name : store.sign,
            settings: await mailSettingsOf(db, storeId),
            filter,
            now: commandClock()(),
            dryRun,
          });
          const brief = (c: {
            code: string;
            name: string;
            email: string;
            addressLines: readonly string[];
          }) => ({
            code: c.code,
            name: c.name,
            email: c.email,
            address: c.addressLines,
          });
          if (options.json === true) {
            process.stdout.write(
              `${JSON.stringify(
                {
                  dryRun,
                  email: result.selection.email.map(brief),
                  print: result.selection.print.map(brief),
                  queued: result.queued.map((q) => q.id),
                },
                null,
                2,
              )}\n`,
            );
            return;
          }
          const verb = dryRun ? 'à envoyer' : 'mises en file';
          process.stdout.write(`Lettres par e-mail ${verb} : ${result.selection.email.length}\n`);
          for (const c of result.selection.email)
            process.stdout.write(`  ${c.code}  ${c.name}  <${c.email}>\n`);
          process.stdout.write(`Lettres à imprimer : ${result.selection.print.length}\n`);
          for (const c of result.selection.print)
            process.stdout.write(`  ${c.code}  ${c.name}  ${c.addressLines.join(', ')}\n`);
        }),
      ),
    );

  mail
    .command('smtp')
    .description('affiche ou règle le serveur SMTP d’un magasin (mot de passe lu sur l’entrée standard)')
    .option('--host <nom>', 'serveur SMTP')
    .option('--port <n>', 'port')
    .addOption(new Option('--security <mode>', 'chiffrement').choices(['tls', 'starttls', 'none'] as const))
    .option('--user <nom>', 'utilisateur')
    .option('--password-stdin', 'lit le mot de passe sur l’entrée standard')
    .option('--store <code>', 'magasin (défaut : le seul magasin)')
    .option('--json', 'sortie JSON')
    .option(...DATA_OPTION)
    .action((options) =>
      run(() =>
        withStore(dataDirOf(options.data), async (db) => {
          const { publicSmtpOf, saveSmtp } = await import('../../mail/store-settings.ts');
          const storeId = await storeIdOf(db, options.store);
          const shown =
            options.host === undefined
              ? await publicSmtpOf(db, storeId)
              : await saveSmtp(
                  db,
                  storeId,
                  {
                    host: options.host,
                    ...(options.port === undefined ? {} : { port: positiveInt(options.port, 'Port') }),
                    ...(options.security === undefined ? {} : { security: options.security }),
                    ...(options.user === undefined ? {} : { user: options.user }),
                    ...(options.passwordStdin === true ? { password: readStdin() } : {}),
                  },
                  commandClock()(),
                );
          if (options.json === true) {
            process.stdout.write(`${JSON.stringify(shown ?? null, null, 2)}\n`);
          } else if (shown === undefined) {
            process.stdout.write('Aucun serveur SMTP paramétré pour ce magasin.\n');
          } else {
            process.stdout.write(
              `Serveur SMTP : ${shown.host}:${shown.port} (${shown.security})${shown.user === '' ? '' : `, utilisateur ${shown.user}`}, mot de passe ${shown.passwordSet ? 'enregistré' : 'absent'}\n`,
            );
          }
        }),
      ),
    );
}
