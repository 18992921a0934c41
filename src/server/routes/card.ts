/**
 * Card payments through the register's Caisse-AP terminal (issue 15, docs/terminal.md).
 * `POST /api/tickets/:id/card-payment` asks the terminal for an amount (at most what is due); the
 * answered amount becomes a CARD payment of the ticket. A ticket with an attempt unanswered refuses
 * another one: the register asks « Le paiement par carte s'est terminé quand même avec succès ? »
 * and a manager answers (`…/confirm`, right `confirm_card`), so a sale is never charged twice nor
 * validated unpaid. Every attempt and answer is a JET event (1195–1198); of the card, only the
 * authorisation number and the masked number are kept (`card_payments`, migration 0017).
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { readRegisterSettings } from '../../store/setup.ts';
import { CaisseApError, identifierOf } from '../../terminal/caisse-ap.ts';
import { type CardOutcome, parseTerminalAddress, requestPayment } from '../../terminal/client.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError } from '../errors.ts';
import { authorizationSchema, positiveMinor, ticketView } from '../schemas.ts';
import type { TicketEntry } from '../ticket-service.ts';
import { toTicketView } from '../ticket-view.ts';
import { type Api, answers } from './kit.ts';

export const CARD_QUESTION = "Le paiement par carte s'est terminé quand même avec succès ?";

const cardView = z.object({
  attempt: z.string(),
  outcome: z.enum(['done', 'refused', 'failed', 'unknown', 'confirmed', 'denied']),
  amountAsked: z.number(),
  amountPaid: z.number(),
  reason: z.string().nullable().describe('AF du terminal quand le paiement n’est pas fait'),
  message: z.string().describe('Ce que la caisse affiche'),
  question: z.string().nullable().describe('La question posée quand le terminal n’a pas répondu'),
  authorisation: z.string().nullable(),
  maskedPan: z.string().nullable(),
  ticket: ticketView,
});

/** The tickets with a card attempt in flight in this process (the database row is the lasting lock). */
const inFlight = new Set<string>();

export function cardRoutes(api: Api, ctx: AppContext): void {
  const tags = ['caisse'];
  const event = (
    kind: 'CARD_REQUEST' | 'CARD_ANSWER' | 'CARD_NO_ANSWER' | 'CARD_CONFIRMED',
    register: number,
    operator: string,
    detail: string,
    authorizer?: string,
  ) =>
    ctx.events.record(ctx.db, {
      kind,
      register,
      operator,
      ...(authorizer === undefined ? {} : { authorizer }),
      subject: 'paiement par carte',
      detail,
      at: ctx.clock(),
    });

  const addCard = async (
    session: ReturnType<typeof sessionOf>,
    id: string,
    amount: number,
  ): Promise<TicketEntry> =>
    ctx.tickets.apply(session, id, { type: 'addPayment', mode: 'CARD', amount, authorized: false });

  api.post(
    '/api/tickets/:id/card-payment',
    {
      schema: {
        tags,
        summary:
          'Payer par carte au terminal de la caisse (Caisse-AP) : le montant payé devient un règlement CARD',
        params: z.strictObject({ id: z.uuid() }),
        body: z.strictObject({
          amount: positiveMinor
            .min(1)
            .nullable()
            .default(null)
            .describe('En centimes ; null : le restant dû'),
        }),
        response: answers(cardView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { id } = request.params;
      const entry = await ctx.tickets.get(session, id);
      if (entry.status !== 'open' || entry.state.phase !== 'payment') {
        throw new ApiError(
          409,
          'WRONG_PHASE',
          'Le paiement par carte se fait au règlement d’un ticket en cours',
        );
      }
      const due = toTicketView(entry).totals.remaining;
      const amount = request.body.amount ?? due;
      if (amount < 1 || amount > due) {
        throw new ApiError(
          422,
          'AMOUNT_OVER_DUE',
          `Montant par carte hors de 0,01 à ${(due / 100).toFixed(2).replace('.', ',')} € (le restant dû)`,
          'amount',
        );
      }
      const row = await ctx.db
        .selectFrom('registers')
        .select('settings')
        .where('number', '=', entry.register)
        .executeTakeFirstOrThrow();
      const settings = readRegisterSettings(row.settings).terminal;
      if (settings.address === '') {
        throw new ApiError(409, 'NO_TERMINAL', 'Aucun terminal de paiement réglé pour cette caisse');
      }
      const address = parseTerminalAddress(settings.address);
      const open = await ctx.db
        .selectFrom('card_payments')
        .select('attempt')
        .where('ticket', '=', id)
        .where('outcome', 'in', ['pending', 'unknown'])
        .executeTakeFirst();
      if (open !== undefined || inFlight.has(id)) {
        throw new ApiError(
          409,
          'CARD_PENDING',
          `Un paiement par carte de ce ticket attend sa réponse : ${CARD_QUESTION}`,
        );
      }
      inFlight.add(id);
      try {
        const attempt = randomUUID();
        const now = ctx.clock();
        const inserted = await ctx.db
          .insertInto('card_payments')
          .values({
            register_number: entry.register,
            attempt,
            ticket: id,
            direction: '0',
            amount_asked: amount,
            amount_paid: 0,
            outcome: 'pending',
            created_at: now.toISOString(),
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        const operator = session.user.code;
        await event(
          'CARD_REQUEST',
          entry.register,
          operator,
          `tentative=${attempt}; montant=${amount}; sens=0`,
        );
        let outcome: CardOutcome;
        try {
          outcome = await requestPayment(
            address,
            {
              identifier: identifierOf(Number(inserted.id)),
              register: entry.register % 100 || 1,
              amount,
              direction: '0',
              currency: '978',
            },
            { timeoutMs: settings.timeoutMs },
          );
        } catch (error) {
          if (!(error instanceof CaisseApError)) throw error;
          outcome = { kind: 'no-answer', why: 'unreachable', message: error.message };
        }
        const update = (values: Record<string, string | number | null>) =>
          ctx.db.updateTable('card_payments').set(values).where('attempt', '=', attempt).execute();
        if (outcome.kind === 'answered' && outcome.answer.status === 'done') {
          const a = outcome.answer;
          await update({
            outcome: 'done',
            amount_paid: a.amountPaid,
            application: a.application,
            authorisation: a.authorisation,
            masked_pan: a.maskedPan,
          });
          await event(
            'CARD_ANSWER',
            entry.register,
            operator,
            `tentative=${attempt}; AE=10; montant payé=${a.amountPaid}`,
          );
          const ticket = await addCard(session, id, a.amountPaid);
          const partial = a.amountPaid < amount;
          return {
            attempt,
            outcome: 'done' as const,
            amountAsked: amount,
            amountPaid: a.amountPaid,
            reason: null,
            message: partial
              ? `Paiement par carte partiel : ${(a.amountPaid / 100).toFixed(2).replace('.', ',')} € payés, le reste est dû`
              : 'Paiement par carte accepté',
            question: null,
            authorisation: a.authorisation,
            maskedPan: a.maskedPan,
            ticket: toTicketView(ticket),
          };
        }
        if (outcome.kind === 'answered' && outcome.answer.status === 'not-done') {
          await update({ outcome: 'refused', reason: outcome.answer.reason });
          await event(
            'CARD_ANSWER',
            entry.register,
            operator,
            `tentative=${attempt}; AE=01; AF=${outcome.answer.reason}`,
          );
          return {
            attempt,
            outcome: 'refused' as const,
            amountAsked: amount,
            amountPaid: 0,
            reason: outcome.answer.reason,
            message: `Paiement par carte non effectué : ${outcome.answer.reasonLabel}`,
            question: null,
            authorisation: null,
            maskedPan: null,
            ticket: toTicketView(await ctx.tickets.get(session, id)),
          };
        }
        if (outcome.kind === 'answered') throw new Error('réponse du terminal non traitée');
        const unknown = outcome.why !== 'unreachable';
        await update({ outcome: unknown ? 'unknown' : 'failed' });
        await event(
          'CARD_NO_ANSWER',
          entry.register,
          operator,
          `tentative=${attempt}; erreur=${outcome.message}`,
        );
        return {
          attempt,
          outcome: unknown ? ('unknown' as const) : ('failed' as const),
          amountAsked: amount,
          amountPaid: 0,
          reason: null,
          message: outcome.message,
          question: unknown ? CARD_QUESTION : null,
          authorisation: null,
          maskedPan: null,
          ticket: toTicketView(await ctx.tickets.get(session, id)),
        };
      } finally {
        inFlight.delete(id);
      }
    },
  );

  api.post(
    '/api/tickets/:id/card-payment/:attempt/confirm',
    {
      schema: {
        tags,
        summary: `Répondre à « ${CARD_QUESTION} » (un responsable : droit confirm_card ou son code)`,
        params: z.strictObject({ id: z.uuid(), attempt: z.uuid() }),
        body: z.strictObject({
          paid: z.boolean().describe('oui : le montant demandé devient un règlement CARD ; non : rien'),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(cardView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { id, attempt } = request.params;
      const entry = await ctx.tickets.get(session, id);
      const row = await ctx.db
        .selectFrom('card_payments')
        .selectAll()
        .where('attempt', '=', attempt)
        .where('ticket', '=', id)
        .executeTakeFirst();
      if (row === undefined || row.outcome !== 'unknown') {
        throw new ApiError(
          409,
          'NOTHING_TO_CONFIRM',
          'Aucun paiement par carte de ce ticket n’attend de confirmation',
        );
      }
      const granted = await ctx.rights.require(
        session,
        'confirm_card',
        request.body.authorization,
        request.ip,
        `paiement par carte ${attempt}`,
      );
      const paid = request.body.paid;
      // The row changes first, conditionally: two confirmations never both add the payment.
      const claimed = await ctx.db
        .updateTable('card_payments')
        .set({ outcome: paid ? 'confirmed' : 'denied', amount_paid: paid ? row.amount_asked : 0 })
        .where('attempt', '=', attempt)
        .where('outcome', '=', 'unknown')
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) {
        throw new ApiError(409, 'NOTHING_TO_CONFIRM', 'Ce paiement par carte a déjà reçu sa réponse');
      }
      await event(
        'CARD_CONFIRMED',
        entry.register,
        granted.operator,
        `tentative=${attempt}; réponse=${paid ? 'oui' : 'non'}; montant=${paid ? row.amount_asked : 0}`,
        granted.authorizer ?? undefined,
      );
      const ticket = paid ? await addCard(session, id, row.amount_asked) : await ctx.tickets.get(session, id);
      return {
        attempt,
        outcome: paid ? ('confirmed' as const) : ('denied' as const),
        amountAsked: row.amount_asked,
        amountPaid: paid ? row.amount_asked : 0,
        reason: null,
        message: paid ? 'Paiement par carte confirmé par un responsable' : 'Paiement par carte non retenu',
        question: null,
        authorisation: null,
        maskedPan: null,
        ticket: toTicketView(ticket),
      };
    },
  );
}
