/**
 * The durable outbox: every e-mail is a row, written (if the caller wishes) in the same transaction as
 * what it is about, and sent by the worker (`worker.ts`). Each step is one conditional statement, so
 * that two workers, a restart or a crash never lose a message nor send two different ones:
 *
 * - `queueMail` fixes the Message-ID, the Date and the whole content: a resend is the same message;
 * - `claimDueJobs` moves due jobs to `sending` with a fresh claim token and a lease, in one UPDATE
 *   (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite serialises writers); a job whose lease ran out
 *   while `sending` (its worker died between the SMTP answer and the record) is due again;
 * - `recordResult` writes the outcome only while the claim is still the caller's.
 */
import { randomUUID } from 'node:crypto';
import type { Selectable } from 'kysely';
import { type Kysely, sql } from 'kysely';
import { sqlFamilyOf } from '../store/engine.ts';
import type { Database, MailOutboxTable } from '../store/schema.ts';
import { requireAddress } from './address.ts';
import type { ComposedMail } from './compose.ts';
import { MailError } from './errors.ts';
import type { MailDocumentType } from './settings.ts';

export type Db = Kysely<Database>;
export type OutboxRow = Selectable<MailOutboxTable>;

import { MAIL_STATUSES, type MailStatus, STATUS_LABELS } from './statuses.ts';

export { MAIL_STATUSES, type MailStatus, STATUS_LABELS };

export interface Sender {
  readonly name: string;
  readonly address: string;
}

export interface NewMail {
  readonly storeId: number | null;
  readonly sender: Sender;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly type: MailDocumentType;
  /** The sale or document number, or the customer code, for `mail status` and the sales list. */
  readonly reference: string;
  readonly attachment?: { readonly name: string; readonly content: Uint8Array };
  /** Days of retries before a definitive error. */
  readonly retryDays: number;
}

export interface QueueOptions {
  /** The Message-ID's unique part (tests pass a fixed one). */
  readonly newId?: () => string;
}

const DAY_MS = 86_400_000;

/** `<id@domain>` with the sender's domain, as RFC 5322 wants a globally unique id. */
export function messageIdFor(id: string, senderAddress: string): string {
  const domain = senderAddress.slice(senderAddress.lastIndexOf('@') + 1);
  return `<${id}@${domain}>`;
}

/** Turns a composed document mail plus its PDF into a new outbox job. */
export function documentMail(
  composed: ComposedMail,
  pdf: Uint8Array,
  base: Omit<NewMail, 'subject' | 'text' | 'html' | 'type' | 'attachment'>,
): NewMail {
  return {
    ...base,
    subject: composed.subject,
    text: composed.text,
    html: composed.html,
    type: composed.type,
    attachment: { name: composed.attachmentName, content: pdf },
  };
}

/**
 * Queues messages, all or none (inside the caller's transaction when `db` is one). Every address is
 * checked first: one bad address refuses the whole call and nothing is written.
 */
export async function queueMails(
  db: Db,
  mails: readonly NewMail[],
  now: Date,
  options: QueueOptions = {},
): Promise<OutboxRow[]> {
  const newId = options.newId ?? randomUUID;
  const rows = mails.map((mail) => {
    const to = requireAddress(mail.to);
    const from = requireAddress(mail.sender.address, 'sender');
    if (!(mail.retryDays > 0))
      throw new MailError('INVALID_SETTINGS', 'Durée de réessai invalide', 'retryDays');
    const stamp = now.toISOString();
    return {
      message_id: messageIdFor(newId(), from),
      store_id: mail.storeId,
      sender_name: mail.sender.name,
      sender_address: from,
      recipient: to,
      subject: mail.subject,
      text_body: mail.text,
      html_body: mail.html,
      attachment_name: mail.attachment?.name ?? null,
      attachment: mail.attachment === undefined ? null : Buffer.from(mail.attachment.content),
      document_type: mail.type,
      reference: mail.reference,
      status: 'queued',
      attempts: 0,
      next_attempt_at: stamp,
      give_up_at: new Date(now.getTime() + mail.retryDays * DAY_MS).toISOString(),
      created_at: stamp,
      updated_at: stamp,
    };
  });
  if (rows.length === 0) return [];
  const insert = async (trx: Db): Promise<OutboxRow[]> => {
    const out: OutboxRow[] = [];
    // Batches keep each statement under the engines' parameter limits.
    for (let i = 0; i < rows.length; i += 200) {
      out.push(
        ...(await trx
          .insertInto('mail_outbox')
          .values(rows.slice(i, i + 200))
          .returningAll()
          .execute()),
      );
    }
    return out;
  };
  return db.isTransaction ? insert(db) : db.transaction().execute(insert);
}

export async function queueMail(
  db: Db,
  mail: NewMail,
  now: Date,
  options: QueueOptions = {},
): Promise<OutboxRow> {
  const [row] = await queueMails(db, [mail], now, options);
  if (row === undefined) throw new Error('insertion sans résultat');
  return row;
}

export interface ClaimOptions {
  readonly limit: number;
  /** How long the claim holds before another worker may take the job again. */
  readonly leaseMs: number;
  readonly token: string;
}

/** Claims up to `limit` due jobs for this worker, oldest due first, counting the attempt. */
export async function claimDueJobs(db: Db, now: Date, options: ClaimOptions): Promise<OutboxRow[]> {
  const stamp = now.toISOString();
  const pg = sqlFamilyOf(db as unknown as Kysely<unknown>) === 'postgres';
  let due = db
    .selectFrom('mail_outbox')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('status', 'in', ['queued', 'retrying']), eb('next_attempt_at', '<=', stamp)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', stamp)]),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('id')
    .limit(options.limit);
  if (pg) due = due.forUpdate().skipLocked();
  const claimed = await db
    .updateTable('mail_outbox')
    .set((eb) => ({
      status: 'sending',
      claim_token: options.token,
      lease_until: new Date(now.getTime() + options.leaseMs).toISOString(),
      attempts: eb('attempts', '+', 1),
      updated_at: stamp,
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
  return claimed.sort((a, b) => a.id - b.id);
}

export type SendOutcome =
  | { readonly kind: 'sent'; readonly code: number | null; readonly response: string }
  | { readonly kind: 'temporary' | 'permanent'; readonly code: number | null; readonly response: string };

export interface Backoff {
  /** Delay after the first failed attempt; doubled at each further one. */
  readonly firstDelayMs: number;
  readonly maxDelayMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { firstDelayMs: 60_000, maxDelayMs: 6 * 3_600_000 };

/** Exponential: first, 2×first, 4×first… capped; `attempts` counts the failed one. */
export function backoffDelay(attempts: number, backoff: Backoff): number {
  const exponent = Math.max(0, attempts - 1);
  return Math.min(backoff.maxDelayMs, backoff.firstDelayMs * 2 ** Math.min(exponent, 40));
}

/**
 * What a job becomes after an attempt: sent; retrying at the next backoff step (never after its
 * give-up instant, which gets one last attempt); failed on a permanent answer or once past give-up.
 */
export function nextState(
  job: Pick<OutboxRow, 'attempts' | 'give_up_at'>,
  outcome: SendOutcome,
  now: Date,
  backoff: Backoff,
): { status: MailStatus; nextAttemptAt: string | undefined } {
  if (outcome.kind === 'sent') return { status: 'sent', nextAttemptAt: undefined };
  if (outcome.kind === 'permanent') return { status: 'failed', nextAttemptAt: undefined };
  const giveUp = Date.parse(job.give_up_at);
  if (now.getTime() >= giveUp) return { status: 'failed', nextAttemptAt: undefined };
  const next = Math.min(now.getTime() + backoffDelay(job.attempts, backoff), giveUp);
  return { status: 'retrying', nextAttemptAt: new Date(next).toISOString() };
}

/** Records an attempt's outcome if the claim is still ours; false when it was taken over. */
export async function recordResult(
  db: Db,
  job: Pick<OutboxRow, 'id' | 'attempts' | 'give_up_at'>,
  token: string,
  outcome: SendOutcome,
  now: Date,
  backoff: Backoff = DEFAULT_BACKOFF,
): Promise<{ recorded: boolean; status: MailStatus }> {
  const stamp = now.toISOString();
  const state = nextState(job, outcome, now, backoff);
  const result = await db
    .updateTable('mail_outbox')
    .set({
      status: state.status,
      claim_token: null,
      lease_until: null,
      last_code: outcome.code,
      last_response: outcome.response.slice(0, 1000),
      updated_at: stamp,
      ...(state.nextAttemptAt === undefined ? {} : { next_attempt_at: state.nextAttemptAt }),
      ...(state.status === 'sent' ? { sent_at: stamp } : {}),
    })
    .where('id', '=', job.id)
    .where('claim_token', '=', token)
    .where('status', '=', 'sending')
    .executeTakeFirst();
  return { recorded: Number(result.numUpdatedRows) === 1, status: state.status };
}

/**
 * The manual retry (`comptoir mail retry ID`): a failed or waiting job becomes due now, with a fresh
 * retry window as long as its first one. A sent job is refused (it would be a second message), and so
 * is one being sent.
 */
export async function retryJob(db: Db, id: number, now: Date): Promise<OutboxRow> {
  const job = await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (job === undefined) throw new MailError('UNKNOWN_JOB', `Aucun e-mail n° ${id} dans la file`, 'id');
  if (job.status === 'sent') {
    throw new MailError('NOT_RETRYABLE', `L’e-mail n° ${id} a déjà été envoyé (${job.sent_at ?? ''})`, 'id');
  }
  if (job.recipient === '') {
    throw new MailError(
      'NOT_RETRYABLE',
      `L’e-mail n° ${id} a été vidé à l’anonymisation de son destinataire (RGPD) : il ne peut plus partir`,
      'id',
    );
  }
  if (job.status === 'sending' && job.lease_until !== null && job.lease_until > now.toISOString()) {
    throw new MailError('NOT_RETRYABLE', `L’e-mail n° ${id} est en cours d’envoi`, 'id');
  }
  const window = Math.max(DAY_MS, Date.parse(job.give_up_at) - Date.parse(job.created_at));
  const stamp = now.toISOString();
  const updated = await db
    .updateTable('mail_outbox')
    .set({
      status: 'queued',
      next_attempt_at: stamp,
      give_up_at: new Date(now.getTime() + window).toISOString(),
      claim_token: null,
      lease_until: null,
      updated_at: stamp,
    })
    .where('id', '=', id)
    .where('status', '=', job.status)
    .where('updated_at', '=', job.updated_at)
    .returningAll()
    .executeTakeFirst();
  if (updated === undefined) {
    throw new MailError('NOT_RETRYABLE', `L’e-mail n° ${id} a changé pendant la demande ; réessayez`, 'id');
  }
  return updated;
}

export type JobSummary = Omit<OutboxRow, 'attachment' | 'text_body' | 'html_body' | 'claim_token'> & {
  readonly attachment_size: number | null;
};

function summary(row: OutboxRow): JobSummary {
  const { attachment, text_body: _t, html_body: _h, claim_token: _c, ...rest } = row;
  return { ...rest, attachment_size: attachment === null ? null : attachment.byteLength };
}

export async function getJob(db: Db, id: number): Promise<JobSummary> {
  const job = await db.selectFrom('mail_outbox').selectAll().where('id', '=', id).executeTakeFirst();
  if (job === undefined) throw new MailError('UNKNOWN_JOB', `Aucun e-mail n° ${id} dans la file`, 'id');
  return summary(job);
}

export async function listJobs(
  db: Db,
  filter: {
    readonly status?: MailStatus | readonly MailStatus[];
    readonly reference?: string;
    readonly limit?: number;
  } = {},
): Promise<JobSummary[]> {
  let query = db
    .selectFrom('mail_outbox')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(filter.limit ?? 50);
  const { status } = filter;
  if (typeof status === 'string') query = query.where('status', '=', status);
  else if (status !== undefined) query = query.where('status', 'in', status.length === 0 ? [''] : status);
  if (filter.reference !== undefined) query = query.where('reference', '=', filter.reference);
  return (await query.execute()).map(summary);
}

export async function countByStatus(db: Db): Promise<Record<MailStatus, number>> {
  const rows = await db
    .selectFrom('mail_outbox')
    .select(['status', sql<number>`count(*)`.as('n')])
    .groupBy('status')
    .execute();
  const counts: Record<MailStatus, number> = { queued: 0, sending: 0, sent: 0, retrying: 0, failed: 0 };
  for (const row of rows) {
    if ((MAIL_STATUSES as readonly string[]).includes(row.status))
      counts[row.status as MailStatus] = Number(row.n);
  }
  return counts;
}
