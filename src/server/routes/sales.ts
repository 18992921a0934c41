/**
 * Validated sales from the fiscal journal: list and search (date, number, customer, amount), detail,
 * cancellation (right `cancel_ticket`), reprint with a reason (right `reprint`, a DUPLICATE record);
 * closures: run (right `closure`) and list (Z data).
 */
import { z } from 'zod';
import { instantOf, type JournalRecord } from '../../fiscal/record.ts';
import { shortCodeOf } from '../../fiscal/signing.ts';
import { checkReprintReason } from '../../mail/choice.ts';
import { mailSettingsOf } from '../../mail/store-settings.ts';
import {
  cancelTicket,
  closePeriod,
  getRecord,
  type JournalContext,
  journalNameOf,
  recordDuplicate,
  registerInfo,
  rowToRecord,
} from '../../store/journal/index.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { notFound } from '../errors.ts';
import { journalRecordView } from '../record-schema.ts';
import type { Authorization } from '../rights.ts';
import { authorizationSchema, noQuery } from '../schemas.ts';
import type { Session } from '../sessions.ts';
import { type Api, answers } from './kit.ts';

/** The record as the API shows it (src/server/record-schema.ts, which the front end reads too). */
const recordView = journalRecordView;
type RecordView = z.output<typeof recordView>;

export function view(record: JournalRecord, withPayload: boolean): RecordView {
  const payload = record.payload as unknown as Record<string, unknown>;
  const cancels = record.type === 'CANCELLATION' ? (record.payload.cancels?.sequence ?? null) : null;
  return {
    register: record.register,
    chain: record.chain,
    number: record.sequence,
    type: record.type,
    at: instantOf(record.timestamp).toISOString(),
    operator: typeof payload.operator === 'string' ? payload.operator : null,
    customer: typeof payload.customer === 'string' ? payload.customer : null,
    totalTTC: typeof payload.totalTtc === 'number' ? payload.totalTtc : null,
    signature: record.signature,
    shortSignature: shortCodeOf(record.signature),
    cancels,
    payload: withPayload ? record.payload : null,
  };
}

export const saleParams = z.strictObject({
  register: z.coerce.number().int().min(1).max(9999),
  number: z.coerce.number().int().min(1).max(1_000_000_000),
});

/** A validated sale of the journal, or 404 SALE_NOT_FOUND. */
export async function findSale(ctx: AppContext, register: number, number: number): Promise<JournalRecord> {
  const record = await getRecord(ctx.db, journalNameOf(register), 'TICKET', number);
  if (record === undefined)
    throw notFound('SALE_NOT_FOUND', `Vente introuvable : caisse ${register}, n° ${number}`);
  return record;
}

export interface ReprintInput {
  readonly register: number;
  readonly number: number;
  /** The reason typed; `fallback` when none. */
  readonly reason: string | undefined;
  readonly fallback: string;
  readonly authorization: Authorization | undefined;
  /** What is done, for the events (« réimpression », « téléchargement PDF »…). */
  readonly what: string;
  /** Refusals of the caller's own input, run before the right is asked and anything is written. */
  readonly check?: (sale: JournalRecord) => Promise<void>;
}

/**
 * A reprint of a sale (NF525 item E, every copy is a duplicate): the sale must exist, the reason is
 * checked against the store's settings (« Liste des motifs de réimpression »), the right `reprint` is
 * needed (or a manager's code on the spot), then the DUPLICATE record is appended with the reason.
 */
export async function reprintSale(
  ctx: AppContext,
  journal: JournalContext,
  who: { readonly session: Session; readonly ip: string },
  input: ReprintInput,
): Promise<{ readonly duplicate: JournalRecord; readonly sale: JournalRecord }> {
  const { register, number } = input;
  const sale = await findSale(ctx, register, number);
  const info = await registerInfo(ctx.db, register);
  const reason =
    checkReprintReason(input.reason, await mailSettingsOf(ctx.db, info.storeId)) ?? input.fallback;
  await input.check?.(sale);
  const granted = await ctx.rights.require(
    who.session,
    'reprint',
    input.authorization,
    who.ip,
    `${input.what} ${register}/${number}`,
  );
  const duplicate = await recordDuplicate(ctx.db, journal, {
    register,
    original: { sequence: number },
    reason,
    operator: granted.authorizer ?? granted.operator,
  });
  return { duplicate, sale };
}

/** Registers `/api/sales` and `/api/closures` when the journal is plugged in. */
export function salesRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  const tags = ['ventes'];

  api.get(
    '/api/sales',
    {
      schema: {
        tags,
        summary: 'Ventes validées : recherche par date, numéro, client, montant',
        querystring: z.strictObject({
          register: z.coerce.number().int().min(1).max(9999).optional(),
          from: z.iso.datetime().optional(),
          to: z.iso.datetime().optional(),
          number: z.coerce.number().int().min(1).max(1_000_000_000).optional(),
          customer: z.string().trim().min(1).max(40).optional(),
          minTotal: z.coerce.number().int().min(-1_000_000_000).max(1_000_000_000).optional(),
          maxTotal: z.coerce.number().int().min(-1_000_000_000).max(1_000_000_000).optional(),
          offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: answers(z.object({ items: z.array(recordView), hasMore: z.boolean() })),
      },
    },
    async (request) => {
      const q = request.query;
      let query = ctx.db.selectFrom('journal').selectAll().where('chain', '=', 'TICKET');
      if (q.register !== undefined) query = query.where('register', '=', journalNameOf(q.register));
      const stamp = (iso: string) => iso.replace(/[-:T]/g, '').slice(0, 14);
      if (q.from !== undefined) query = query.where('stamp_utc', '>=', stamp(q.from));
      if (q.to !== undefined) query = query.where('stamp_utc', '<=', stamp(q.to));
      if (q.number !== undefined) query = query.where('sequence', '=', q.number);
      if (q.customer !== undefined) {
        query = query.where('payload', 'like', `%"customer":${JSON.stringify(q.customer.toUpperCase())}%`);
      }
      if (q.minTotal !== undefined) query = query.where('total_ttc', '>=', q.minTotal);
      if (q.maxTotal !== undefined) query = query.where('total_ttc', '<=', q.maxTotal);
      const rows = await query
        .orderBy('stamp_utc', 'desc')
        .orderBy('register')
        .orderBy('sequence', 'desc')
        .offset(q.offset)
        .limit(q.limit + 1)
        .execute();
      return {
        items: rows.slice(0, q.limit).map((row) => view(rowToRecord(row), false)),
        hasMore: rows.length > q.limit,
      };
    },
  );

  const saleOf = (register: number, number: number) => findSale(ctx, register, number);

  api.get(
    '/api/sales/:register/:number',
    {
      schema: {
        tags,
        summary: 'Une vente (ou annulation) avec son détail signé',
        params: saleParams,
        querystring: noQuery,
        response: answers(recordView),
      },
    },
    async (request) => view(await saleOf(request.params.register, request.params.number), true),
  );

  api.post(
    '/api/sales/:register/:number/cancel',
    {
      schema: {
        tags,
        summary: 'Annuler une vente (droit requis) : un enregistrement opposé qui pointe vers elle',
        params: saleParams,
        body: z.strictObject({
          idempotencyKey: z
            .string()
            .min(8)
            .max(100)
            .regex(/^[A-Za-z0-9_.:-]+$/)
            .optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(recordView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { register, number } = request.params;
      await saleOf(register, number);
      const granted = await ctx.rights.require(
        session,
        'cancel_ticket',
        request.body.authorization,
        request.ip,
        `annulation ${register}/${number}`,
      );
      const { record } = await cancelTicket(ctx.db, journal, {
        register,
        sequence: number,
        operator: granted.authorizer ?? granted.operator,
        ...(request.body.idempotencyKey === undefined ? {} : { idempotencyKey: request.body.idempotencyKey }),
      });
      return view(record, true);
    },
  );

  api.post(
    '/api/sales/:register/:number/reprint',
    {
      schema: {
        tags,
        summary: 'Réimpression (duplicata) avec motif, gardé au journal (droit requis)',
        params: saleParams,
        body: z.strictObject({
          reason: z.string().trim().min(1).max(200),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(recordView),
      },
    },
    async (request) => {
      const { duplicate } = await reprintSale(
        ctx,
        journal,
        { session: sessionOf(request), ip: request.ip },
        {
          ...request.params,
          reason: request.body.reason,
          fallback: request.body.reason,
          authorization: request.body.authorization,
          what: 'réimpression',
        },
      );
      return view(duplicate, true);
    },
  );

  api.post(
    '/api/closures',
    {
      schema: {
        tags: ['clôtures'],
        summary: 'Clôture de la caisse de la session : jour (Z), mois ou exercice (droit requis)',
        body: z.strictObject({
          kind: z.enum(['DAY', 'MONTH', 'YEAR']),
          label: z.string().trim().min(1).max(40).optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(z.object({ closures: z.array(recordView) })),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const granted = await ctx.rights.require(
        session,
        'closure',
        request.body.authorization,
        request.ip,
        `clôture ${request.body.kind}`,
      );
      const outcome = await closePeriod(ctx.db, journal, request.body.kind, {
        register: session.register,
        operator: granted.authorizer ?? granted.operator,
        ...(request.body.label === undefined ? {} : { label: request.body.label }),
      });
      return { closures: outcome.closures.map((c) => view(c, true)) };
    },
  );

  api.get(
    '/api/closures',
    {
      schema: {
        tags: ['clôtures'],
        summary: 'Clôtures d’une caisse (données du Z)',
        querystring: z.strictObject({
          register: z.coerce.number().int().min(1).max(9999).optional(),
          limit: z.coerce.number().int().min(1).max(200).default(50),
        }),
        response: answers(z.object({ items: z.array(recordView) })),
      },
    },
    async (request) => {
      const register = request.query.register ?? sessionOf(request).register;
      const rows = await ctx.db
        .selectFrom('journal')
        .selectAll()
        .where('chain', '=', 'CLOSURE')
        .where('register', '=', journalNameOf(register))
        .orderBy('sequence', 'desc')
        .limit(request.query.limit)
        .execute();
      return { items: rows.map((row) => view(rowToRecord(row), true)) };
    },
  );
}
