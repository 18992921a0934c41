/**
 * E-mail from the back office: a sale's receipt e-mailed again (a duplicate, NF525 item E: journaled
 * with its reason, like a reprint, then queued in the durable outbox as the counter's receipts are),
 * and the outbox itself: list with counts, manual retry (right `manage_settings`).
 */
import { z } from 'zod';
import { checkAddress, requireAddress } from '../../mail/address.ts';
import {
  countByStatus,
  getJob,
  type JobSummary,
  listJobs,
  MAIL_STATUSES,
  type MailStatus,
  retryJob,
} from '../../mail/outbox.ts';
import { resendReceipt } from '../../mail/sale-mail.ts';
import { senderOf } from '../../mail/store-settings.ts';
import { COUNTER_CUSTOMER } from '../../store/customers.ts';
import type { JournalContext } from '../../store/journal/index.ts';
import { registerInfo } from '../../store/journal/index.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError } from '../errors.ts';
import { authorizationSchema, errorSchema } from '../schemas.ts';
import { duplicateSource } from './documents.ts';
import { type Api, answers } from './kit.ts';
import { reprintSale, saleParams } from './sales.ts';

/** `pending`: every status still on its way (queued, being sent, waiting for its next attempt). */
const PENDING: readonly MailStatus[] = ['queued', 'sending', 'retrying'];

export const outboxItemView = z
  .object({
    id: z.number(),
    to: z.string(),
    subject: z.string(),
    kind: z.string().describe('Type de document : ticket, invoice, demat-letter…'),
    reference: z.string().describe('N° du ticket ou code client'),
    status: z.enum(MAIL_STATUSES).describe('queued, sending, retrying (en attente), sent, failed'),
    attempts: z.number(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .meta({ id: 'OutboxItem' });

type ItemFields = Pick<
  JobSummary,
  | 'id'
  | 'recipient'
  | 'subject'
  | 'document_type'
  | 'reference'
  | 'status'
  | 'attempts'
  | 'next_attempt_at'
  | 'last_code'
  | 'last_response'
  | 'created_at'
  | 'sent_at'
>;

function itemOf(job: ItemFields) {
  const waiting = job.status !== 'sent' && job.status !== 'failed';
  const error =
    job.status === 'sent' || job.last_response === null
      ? null
      : `${job.last_code === null ? '' : `${job.last_code} `}${job.last_response}`;
  return {
    id: job.id,
    to: job.recipient,
    subject: job.subject,
    kind: job.document_type,
    reference: job.reference,
    status: job.status as MailStatus,
    attempts: job.attempts,
    nextAttemptAt: waiting ? job.next_attempt_at : null,
    lastError: error,
    createdAt: job.created_at,
    sentAt: job.sent_at,
  };
}

export function mailRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  /** The address of the sale's customer when they agreed to get their receipts by e-mail. */
  async function consentedAddress(customer: unknown): Promise<string> {
    const code = typeof customer === 'string' ? customer : undefined;
    const row =
      code === undefined || code === COUNTER_CUSTOMER
        ? undefined
        : await ctx.db
            .selectFrom('customers')
            .select(['email', 'consent_email_receipts'])
            .where('code', '=', code)
            .executeTakeFirst();
    if (row === undefined || row.consent_email_receipts !== 1 || !checkAddress(row.email).ok) {
      throw new ApiError(
        422,
        'EMAIL_REQUIRED',
        'Adresse e-mail manquante : le client n’a pas donné d’adresse avec son accord, saisissez-la',
        'to',
      );
    }
    return requireAddress(row.email);
  }

  api.post(
    '/api/sales/:register/:number/email',
    {
      schema: {
        tags: ['ventes'],
        summary:
          'Renvoyer le ticket par e-mail (duplicata journalisé avec son motif, droit réimpression) : à l’adresse donnée, ou à celle du client avec son accord',
        params: saleParams,
        body: z.strictObject({
          to: z.string().trim().min(1).max(254).optional(),
          reason: z.string().trim().max(200).optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: {
          202: z.object({ outboxId: z.number(), to: z.string() }),
          '4xx': errorSchema,
          '5xx': errorSchema,
        },
      },
    },
    async (request, reply) => {
      const { register, number } = request.params;
      let to = '';
      const { duplicate } = await reprintSale(
        ctx,
        journal,
        { session: sessionOf(request), ip: request.ip },
        {
          register,
          number,
          reason: request.body.reason,
          fallback: 'Envoi par e-mail',
          authorization: request.body.authorization,
          what: 'envoi par e-mail',
          // Every refusal of the input comes before anything is journaled or queued.
          check: async (sale) => {
            const given = request.body.to;
            to =
              given === undefined
                ? await consentedAddress((sale.payload as { customer?: unknown }).customer)
                : requireAddress(given);
            await senderOf(ctx.db, (await registerInfo(ctx.db, register)).storeId);
          },
        },
      );
      const source = duplicateSource(ctx, journal, duplicate);
      const job = await resendReceipt(ctx.db, source, {
        ticket: `${register}-${number}`,
        to,
        now: ctx.clock(),
      });
      return reply.code(202).send({ outboxId: job.id, to: job.recipient });
    },
  );

  api.get(
    '/api/outbox',
    {
      schema: {
        tags: ['e-mails'],
        summary: 'File des e-mails : derniers messages et nombre par état',
        querystring: z.strictObject({
          status: z
            .enum(['pending', ...MAIL_STATUSES])
            .optional()
            .describe('pending = queued, sending et retrying'),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: answers(
          z.object({
            items: z.array(outboxItemView),
            counts: z.object({
              pending: z.number(),
              sent: z.number(),
              failed: z.number(),
              byStatus: z.record(z.string(), z.number()),
            }),
          }),
        ),
      },
    },
    async (request) => {
      const { status, limit } = request.query;
      const jobs = await listJobs(ctx.db, {
        limit,
        ...(status === undefined ? {} : { status: status === 'pending' ? PENDING : status }),
      });
      const byStatus = await countByStatus(ctx.db);
      return {
        items: jobs.map(itemOf),
        counts: {
          pending: PENDING.reduce((sum, s) => sum + byStatus[s], 0),
          sent: byStatus.sent,
          failed: byStatus.failed,
          byStatus,
        },
      };
    },
  );

  api.post(
    '/api/outbox/:id/retry',
    {
      schema: {
        tags: ['e-mails'],
        summary: 'Réessayer maintenant un e-mail en échec ou en attente (droit paramètres)',
        params: z.strictObject({ id: z.coerce.number().int().min(1).max(2_000_000_000) }),
        body: z.strictObject({ authorization: authorizationSchema.optional() }).nullish(),
        response: answers(outboxItemView),
      },
    },
    async (request) => {
      const { id } = request.params;
      const job = await getJob(ctx.db, id);
      // A sent message is refused (409 NOT_RETRYABLE, nothing written) before any right is asked.
      if (job.status === 'sent') await retryJob(ctx.db, id, ctx.clock());
      await ctx.rights.require(
        sessionOf(request),
        'manage_settings',
        request.body?.authorization,
        request.ip,
        `nouvel essai de l’e-mail ${id}`,
      );
      return itemOf(await retryJob(ctx.db, id, ctx.clock()));
    },
  );
}
