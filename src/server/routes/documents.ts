/**
 * Documents built from the fiscal journal, as the receipts layer renders them: a sale's ticket as a
 * signed PDF (a duplicate, NF525 item E: right `reprint`, journaled with its reason like a reprint),
 * and the Z report of a closure, as data and as a signed PDF (the first its original, every later one a
 * journaled duplicate).
 */
import { z } from 'zod';
import { instantOf, type JournalRecord } from '../../fiscal/record.ts';
import { shortCodeOf } from '../../fiscal/signing.ts';
import { journalSaleSource, signedJournalPdf } from '../../mail/journal-sale-source.ts';
import {
  closureNumberOf,
  closureReportOf,
  documentFromRecord,
  ticketNumberOf,
  withTillCount,
} from '../../receipts/from-journal.ts';
import { documentSourceOf } from '../../receipts/journal-source.ts';
import {
  getRecord,
  headOf,
  issuedOriginal,
  issueOriginals,
  type JournalContext,
  journalNameOf,
  OriginalIssuedError,
  recordDuplicate,
} from '../../store/journal/index.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { notFound } from '../errors.ts';
import { authorizationOfQuery, errorSchema, noQuery, queryAuthorization } from '../schemas.ts';
import { VERSION } from '../version.ts';
import type { Api } from './kit.ts';
import { answers } from './kit.ts';
import { reprintSale, saleParams } from './sales.ts';

const software = { name: 'Comptoir', version: VERSION };

/** A binary answer: the file on success, the error shape otherwise (for the OpenAPI document). */
const fileAnswers = (description: string) =>
  ({ 200: z.any().describe(description), '4xx': errorSchema, '5xx': errorSchema }) as const;

const closureParams = z.strictObject({
  register: z.coerce.number().int().min(1).max(9999),
  sequence: z.coerce.number().int().min(1).max(1_000_000_000),
});

const zReportView = z
  .object({
    register: z.number(),
    sequence: z.number(),
    number: z.string().describe('N° imprimé (1-Z000002)'),
    kind: z.enum(['DAY', 'MONTH', 'YEAR']),
    periodLabel: z.string(),
    from: z.string(),
    to: z.string(),
    closedAt: z.string(),
    operator: z.string().nullable(),
    currency: z.string(),
    ticketCount: z.number(),
    firstTicket: z.string().nullable(),
    lastTicket: z.string().nullable(),
    cancellationCount: z.number(),
    duplicateCount: z.number(),
    salesTtc: z.number(),
    returnsTtc: z.number(),
    periodTotal: z.number(),
    periodTotalAbs: z.number(),
    perpetualTotal: z.number(),
    perpetualTotalAbs: z.number(),
    perRate: z.array(z.object({ rate: z.number(), ht: z.number(), vat: z.number(), ttc: z.number() })),
    perPayment: z.array(z.object({ mode: z.string(), label: z.string(), amount: z.number() })),
    signature: z.string(),
    shortSignature: z.string(),
    previousSignature: z.string(),
    lastTicketSignature: z.string(),
    chainHead: z
      .object({ sequence: z.number(), signature: z.string() })
      .nullable()
      .describe('Dernière clôture de la caisse à ce jour'),
    tillCount: z
      .object({
        rows: z.array(
          z.object({ label: z.string(), expected: z.number(), counted: z.number(), difference: z.number() }),
        ),
        removed: z.number(),
      })
      .nullable()
      .describe('Comptage de caisse de la journée (attendu, compté, écart par mode), null sans comptage'),
  })
  .meta({ id: 'ZReport' });

/** The Z report's count section as the API answers it (mutable arrays), null without a count. */
function tillCountOf(report: ReturnType<typeof closureReportOf>) {
  const count = report.tillCount;
  return count === undefined ? null : { rows: count.rows.map((r) => ({ ...r })), removed: count.removed };
}

/** The documents of a sale reprinted by `duplicate`: built from the journal, PDF signed (« DUPLICATA »). */
export function duplicateSource(ctx: AppContext, journal: JournalContext, duplicate: JournalRecord) {
  return journalSaleSource(ctx.db, { dataDir: journal.dataDir, software, now: journal.now, duplicate });
}

export function documentRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  api.get(
    '/api/sales/:register/:number/receipt.pdf',
    {
      schema: {
        tags: ['ventes'],
        summary:
          'Ticket de la vente en PDF signé, construit depuis le journal : un duplicata journalisé avec son motif (droit réimpression)',
        params: saleParams,
        querystring: z.strictObject({
          reason: z.string().trim().max(200).optional().describe('Motif (défaut : « Téléchargement PDF »)'),
          ...queryAuthorization,
        }),
        response: fileAnswers('application/pdf : le duplicata signé'),
      },
    },
    async (request, reply) => {
      const { register, number } = request.params;
      const { reason } = request.query;
      const { duplicate } = await reprintSale(
        ctx,
        journal,
        { session: sessionOf(request), ip: request.ip },
        {
          register,
          number,
          reason,
          fallback: 'Téléchargement PDF',
          authorization: authorizationOfQuery(request.query),
          what: 'téléchargement PDF',
        },
      );
      const source = duplicateSource(ctx, journal, duplicate);
      const sale = await source.documentsOfSale(`${register}-${number}`);
      if (sale === undefined)
        throw notFound('SALE_NOT_FOUND', `Vente introuvable : caisse ${register}, n° ${number}`);
      const pdf = await source.pdfOf(sale.issued.ticket);
      const copy = (duplicate.payload as { copyNumber?: number }).copyNumber ?? duplicate.sequence;
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="ticket-${sale.ticket}-duplicata-${copy}.pdf"`)
        .send(Buffer.from(pdf));
    },
  );

  async function closureOf(register: number, sequence: number): Promise<JournalRecord> {
    const record = await getRecord(ctx.db, journalNameOf(register), 'CLOSURE', sequence);
    if (record === undefined)
      throw notFound('CLOSURE_NOT_FOUND', `Clôture introuvable : caisse ${register}, n° ${sequence}`);
    return record;
  }

  api.get(
    '/api/closures/:register/:sequence/report',
    {
      schema: {
        tags: ['clôtures'],
        summary: 'Données du Z : totaux par taux de TVA et mode de paiement, grands totaux, tête de chaîne',
        params: closureParams,
        querystring: noQuery,
        response: answers(zReportView),
      },
    },
    async (request) => {
      const { register, sequence } = request.params;
      const record = await closureOf(register, sequence);
      if (record.type !== 'CLOSURE') throw new Error('clôture attendue');
      const p = record.payload;
      const { settings, till } = await documentSourceOf(ctx.db, register, [record], 'ticket', software);
      // The labels of the store's payment modes, where the receipt settings name none.
      const modes = await ctx.db
        .selectFrom('payment_modes')
        .innerJoin('registers', 'registers.store_id', 'payment_modes.store_id')
        .select(['payment_modes.code as code', 'payment_modes.label as label'])
        .where('registers.number', '=', register)
        .execute();
      const label = (mode: string) =>
        settings.paymentLabels?.[mode] ?? modes.find((m) => m.code === mode)?.label ?? mode;
      const head = await headOf(ctx.db, record.register, 'CLOSURE');
      const hasTickets = p.tickets.from <= p.tickets.to;
      const operator = (p as unknown as { operator?: unknown }).operator;
      // The closure's own figures (counts, sales, returns, grand totals, last ticket's signature) as
      // signed; the answer's schema keeps only the fields it names.
      return {
        ...p,
        register,
        sequence,
        number: closureNumberOf(record.register, sequence),
        from: instantOf(p.periodStart).toISOString(),
        to: instantOf(p.periodEnd).toISOString(),
        closedAt: instantOf(record.timestamp).toISOString(),
        operator: typeof operator === 'string' ? operator : null,
        firstTicket: hasTickets ? ticketNumberOf(record.register, p.tickets.from) : null,
        lastTicket: hasTickets ? ticketNumberOf(record.register, p.tickets.to) : null,
        perRate: [...p.perRate],
        perPayment: p.perPayment.map((x) => ({ ...x, label: label(x.mode) })),
        signature: record.signature,
        shortSignature: shortCodeOf(record.signature),
        previousSignature: record.previousSignature,
        chainHead: head === undefined ? null : { sequence: head.sequence, signature: head.signature },
        tillCount: tillCountOf(withTillCount(closureReportOf(record, settings), till, settings)),
      };
    },
  );

  api.get(
    '/api/closures/:register/:sequence/report.pdf',
    {
      schema: {
        tags: ['clôtures'],
        summary:
          'Le Z en PDF signé, construit depuis le journal : le premier est l’original, chaque suivant un duplicata journalisé avec son motif (droit réimpression)',
        params: closureParams,
        querystring: z.strictObject({
          reason: z
            .string()
            .trim()
            .min(1)
            .max(200)
            .optional()
            .describe('Motif d’un duplicata (défaut : « Téléchargement PDF »)'),
          ...queryAuthorization,
        }),
        response: fileAnswers('application/pdf : le rapport de clôture signé, original ou duplicata'),
      },
    },
    async (request, reply) => {
      const { register, sequence } = request.params;
      const record = await closureOf(register, sequence);
      const session = sessionOf(request);
      const number = closureNumberOf(record.register, sequence);
      const ref = { register, chain: 'CLOSURE' as const, sequence, document: 'ticket' as const };
      const send = (pdf: Uint8Array, name: string) =>
        reply
          .type('application/pdf')
          .header('content-disposition', `attachment; filename="${name}.pdf"`)
          .send(Buffer.from(pdf));
      // Every copy of the Z after its original is a journaled duplicate (issue 11 item 6).
      if ((await issuedOriginal(ctx.db, ref)) === undefined) {
        const source = await documentSourceOf(ctx.db, register, [record], 'ticket', software);
        const pdf = await signedJournalPdf(documentFromRecord(source), source, journal);
        try {
          await issueOriginals(ctx.db, [ref], {
            at: journal.now(),
            channel: 'pdf',
            operator: session.user.code,
          });
          return send(pdf, `z-${number}`);
        } catch (error) {
          // Another download issued the original meanwhile: this one is a copy.
          if (!(error instanceof OriginalIssuedError)) throw error;
        }
      }
      const granted = await ctx.rights.require(
        session,
        'reprint',
        authorizationOfQuery(request.query),
        request.ip,
        `duplicata du Z ${number}`,
      );
      const duplicate = await recordDuplicate(ctx.db, journal, {
        register,
        original: { chain: 'CLOSURE', sequence },
        reason: request.query.reason ?? 'Téléchargement PDF',
        operator: granted.authorizer ?? granted.operator,
      });
      const source = await documentSourceOf(ctx.db, register, [duplicate, record], 'ticket', software);
      const pdf = await signedJournalPdf(documentFromRecord(source), source, journal);
      const copy = (duplicate.payload as { copyNumber?: number }).copyNumber ?? duplicate.sequence;
      return send(pdf, `z-${number}-duplicata-${copy}`);
    },
  );
}
