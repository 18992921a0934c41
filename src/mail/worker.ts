/**
 * The outbox worker: claims due jobs, sends each through its store's SMTP server (or `SMTP_URL`),
 * and records the answer. Safe to run twice at once and to kill at any point (see `outbox.ts`): a job
 * whose worker died is claimed again once its lease runs out and sent with the same Message-ID, Date
 * and content. The clock and the claim tokens are injected, so tests drive the backoff.
 */
import { randomUUID } from 'node:crypto';
import {
  type Backoff,
  claimDueJobs,
  type Db,
  DEFAULT_BACKOFF,
  type MailStatus,
  type OutboxRow,
  recordResult,
  type SendOutcome,
} from './outbox.ts';
import { smtpOf } from './store-settings.ts';
import { type MailTransport, smtpTransport, type TransportTuning } from './transport.ts';

/** Gives the transport of a store's messages, or why there is none (recorded as a temporary failure). */
export interface TransportProvider {
  transportFor(storeId: number | null): Promise<MailTransport | { readonly missing: string }>;
  close(): void;
}

/** `SMTP_URL` when set (scripts, tests); else each store's own server, one transport per store. */
export function storeTransports(
  db: Db,
  env: Readonly<Record<string, string | undefined>>,
  tuning: TransportTuning = {},
) {
  const url = env.SMTP_URL;
  const cache = new Map<number | null, MailTransport>();
  const provider: TransportProvider = {
    async transportFor(storeId) {
      const cached = cache.get(url !== undefined && url !== '' ? null : storeId);
      if (cached !== undefined) return cached;
      if (url !== undefined && url !== '') {
        const transport = smtpTransport(url, tuning);
        cache.set(null, transport);
        return transport;
      }
      if (storeId === null)
        return { missing: 'Aucun serveur SMTP : message sans magasin et SMTP_URL absent' };
      const smtp = await smtpOf(db, storeId);
      if (smtp === undefined) return { missing: `Aucun serveur SMTP paramétré pour le magasin ${storeId}` };
      const transport = smtpTransport(smtp, tuning);
      cache.set(storeId, transport);
      return transport;
    },
    close() {
      for (const transport of cache.values()) transport.close();
      cache.clear();
    },
  };
  return provider;
}

export interface WorkerOptions {
  readonly db: Db;
  readonly transports: TransportProvider;
  readonly clock?: () => Date;
  /** Jobs claimed at once. */
  readonly batchSize?: number;
  /** Messages in flight at once. */
  readonly concurrency?: number;
  /** How long a claim holds; longer than the SMTP timeouts (2 min). */
  readonly leaseMs?: number;
  readonly backoff?: Backoff;
  readonly newToken?: () => string;
  /** One line per attempt (French); never the message body nor a password. */
  readonly log?: (line: string) => void;
  /** Called once per job before the transport is asked (tests use it to stop at a precise point). */
  readonly beforeSend?: (job: OutboxRow) => void | Promise<void>;
}

export interface WorkReport {
  sent: number;
  retrying: number;
  failed: number;
  /** Results that could not be recorded because another worker took the job over. */
  lost: number;
}

const DEFAULT_LEASE_MS = 5 * 60_000;

function outgoing(job: OutboxRow) {
  return {
    messageId: job.message_id,
    date: new Date(job.created_at),
    from: { name: job.sender_name, address: job.sender_address },
    to: job.recipient,
    subject: job.subject,
    text: job.text_body,
    html: job.html_body,
    ...(job.attachment === null || job.attachment_name === null
      ? {}
      : { attachment: { name: job.attachment_name, content: job.attachment } }),
  };
}

interface Attempt {
  readonly job: OutboxRow;
  readonly outcome: SendOutcome;
  readonly at: Date;
}

async function sendOne(options: WorkerOptions, job: OutboxRow): Promise<Attempt> {
  const clock = options.clock ?? (() => new Date());
  await options.beforeSend?.(job);
  const transport = await options.transports.transportFor(job.store_id);
  const outcome: SendOutcome =
    'missing' in transport
      ? { kind: 'temporary', code: null, response: transport.missing }
      : await transport.send(outgoing(job));
  return { job, outcome, at: clock() };
}

/**
 * Records the answers gathered so far in one transaction (group commit: one disk sync for many
 * messages). A crash before it only means those messages are sent again, with the same Message-ID.
 */
async function recordAttempts(
  options: WorkerOptions,
  attempts: readonly Attempt[],
  token: string,
  report: WorkReport,
): Promise<void> {
  if (attempts.length === 0) return;
  const results = await options.db.transaction().execute(async (trx) => {
    const out = [];
    for (const attempt of attempts) {
      out.push(
        await recordResult(
          trx,
          attempt.job,
          token,
          attempt.outcome,
          attempt.at,
          options.backoff ?? DEFAULT_BACKOFF,
        ),
      );
    }
    return out;
  });
  results.forEach(({ recorded, status }, i) => {
    const attempt = attempts[i];
    if (attempt === undefined) return;
    const { job, outcome } = attempt;
    if (!recorded) {
      report.lost += 1;
      options.log?.(`e-mail ${job.id} : résultat non enregistré (repris par un autre processus)`);
      return;
    }
    const counted: Exclude<MailStatus, 'queued' | 'sending'> =
      status === 'sent' || status === 'failed' ? status : 'retrying';
    report[counted] += 1;
    options.log?.(
      `e-mail ${job.id} → ${job.recipient} : ${status} (essai ${job.attempts}${outcome.code === null ? '' : `, code ${outcome.code}`})`,
    );
  });
}

/** Sends every job due now, batch after batch, until none is due; returns what happened. */
export async function workOnce(options: WorkerOptions): Promise<WorkReport> {
  const clock = options.clock ?? (() => new Date());
  const batchSize = options.batchSize ?? 50;
  const concurrency = Math.max(1, options.concurrency ?? 5);
  const report: WorkReport = { sent: 0, retrying: 0, failed: 0, lost: 0 };
  for (;;) {
    const token = (options.newToken ?? randomUUID)();
    const jobs = await claimDueJobs(options.db, clock(), {
      limit: batchSize,
      leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS,
      token,
    });
    if (jobs.length === 0) return report;
    const pending: Attempt[] = [];
    let recording: Promise<void> = Promise.resolve();
    const flush = (): Promise<void> => {
      recording = recording.then(() => recordAttempts(options, pending.splice(0), token, report));
      return recording;
    };
    let next = 0;
    const lanes = Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
      for (;;) {
        const job = jobs[next];
        next += 1;
        if (job === undefined) return;
        pending.push(await sendOne(options, job));
        // Starts a write when none is waiting; answers arriving meanwhile join the next one.
        if (pending.length === 1) flush().catch(() => undefined);
      }
    });
    try {
      await Promise.all(lanes);
    } finally {
      await flush();
    }
  }
}

/** Runs until `signal` aborts: works, then waits `pollMs` (or until aborted) and works again. */
export async function runWorker(
  options: WorkerOptions & { readonly signal: AbortSignal; readonly pollMs?: number },
): Promise<WorkReport> {
  const total: WorkReport = { sent: 0, retrying: 0, failed: 0, lost: 0 };
  while (!options.signal.aborted) {
    const report = await workOnce(options);
    total.sent += report.sent;
    total.retrying += report.retrying;
    total.failed += report.failed;
    total.lost += report.lost;
    await new Promise<void>((resolve) => {
      // The listener is removed when the timer fires: one per wait would pile up on the signal.
      const stop = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        options.signal.removeEventListener('abort', stop);
        resolve();
      }, options.pollMs ?? 1000);
      options.signal.addEventListener('abort', stop, { once: true });
    });
  }
  return total;
}
