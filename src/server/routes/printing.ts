/**
 * The register's printer and drawer (issue 15): the print queue of the session's register (`GET`),
 * a retry, « une autre imprimante » (the waiting jobs moved), a job given up for the PDF or the
 * e-mail, and the « ouvrir le tiroir » key (right `open_drawer`, or a manager's code; journaled).
 */
import { z } from 'zod';
import { drawerPulseEscPos } from '../../receipts/escpos.ts';
import {
  cancelPrintJob,
  drainPrintQueue,
  enqueuePrintJobs,
  moveWaitingJobs,
  pendingPrintJobs,
} from '../../receipts/print-queue.ts';
import { registerPrinterOf } from '../../receipts/print-sale.ts';
import { PrinterTargetError, parsePrinterTarget } from '../../receipts/printer-target.ts';
import { PrinterError } from '../../receipts/printer-transport.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError } from '../errors.ts';
import { authorizationSchema, noQuery } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

const registerParams = z.strictObject({ number: z.coerce.number().int().min(1).max(9999) });

const jobView = z.object({
  id: z.number(),
  label: z.string(),
  target: z.string(),
  status: z.enum(['waiting', 'sending', 'printed', 'cancelled']),
  attempts: z.number(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
});

const queueView = z.object({
  printed: z.array(z.number()).describe('Travaux imprimés par cet essai'),
  error: z.string().nullable().describe("L'erreur de l'imprimante quand des travaux attendent"),
  waiting: z.array(jobView).describe('Travaux pas encore imprimés, du plus ancien'),
});

export function printingRoutes(api: Api, ctx: AppContext): void {
  const tags = ['caisse'];
  /** The session's register only: a register drives its own printer. */
  const ownRegister = (request: { params: { number: number } }, session: { register: number }) => {
    if (request.params.number !== session.register) {
      throw new ApiError(403, 'OTHER_REGISTER', `La session est celle de la caisse ${session.register}`);
    }
    return session.register;
  };
  const waiting = async (register: number) =>
    (await pendingPrintJobs(ctx.db, register)).map(({ register: _r, printedAt: _p, ...job }) => job);

  api.get(
    '/api/registers/:number/print-queue',
    {
      schema: {
        tags,
        summary: "La file d'impression de la caisse : les travaux en attente",
        params: registerParams,
        querystring: noQuery,
        response: answers(queueView),
      },
    },
    async (request) => {
      const register = ownRegister(request, sessionOf(request));
      return { printed: [], error: null, waiting: await waiting(register) };
    },
  );

  api.post(
    '/api/registers/:number/print-queue/retry',
    {
      schema: {
        tags,
        summary: "Relancer l'impression des travaux en attente (chacun ne s'imprime qu'une fois)",
        params: registerParams,
        body: z.strictObject({}),
        response: answers(queueView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const register = ownRegister(request, session);
      const drained = await drainPrintQueue(ctx.db, register, { now: ctx.clock });
      const left = await waiting(register);
      if (drained.error !== null && left[0] !== undefined) {
        await ctx.events.record(ctx.db, {
          kind: 'PRINT_WAITING',
          register,
          operator: session.user.code,
          subject: `imprimante ${left[0].target}, travail ${left[0].id}`,
          detail: drained.error,
          at: ctx.clock(),
        });
      }
      return { printed: [...drained.printed], error: drained.error, waiting: left };
    },
  );

  api.post(
    '/api/registers/:number/print-queue/move',
    {
      schema: {
        tags,
        summary: 'Envoyer les travaux en attente sur une autre imprimante (tcp://HÔTE:PORT ou file:CHEMIN)',
        params: registerParams,
        body: z.strictObject({ target: z.string().min(1).max(300) }),
        response: answers(queueView),
      },
    },
    async (request) => {
      const register = ownRegister(request, sessionOf(request));
      try {
        await moveWaitingJobs(ctx.db, register, parsePrinterTarget(request.body.target));
      } catch (error) {
        if (error instanceof PrinterTargetError || error instanceof PrinterError) {
          throw new ApiError(400, 'INVALID_INPUT', error.message, 'target');
        }
        throw error;
      }
      const drained = await drainPrintQueue(ctx.db, register, { now: ctx.clock });
      return { printed: [...drained.printed], error: drained.error, waiting: await waiting(register) };
    },
  );

  api.post(
    '/api/registers/:number/print-queue/:job/cancel',
    {
      schema: {
        tags,
        summary: "Renoncer à imprimer un travail en attente (le client prend le PDF ou l'e-mail)",
        params: registerParams.extend({ job: z.coerce.number().int().min(1) }),
        body: z.strictObject({}),
        response: answers(queueView),
      },
    },
    async (request) => {
      const register = ownRegister(request, sessionOf(request));
      if (!(await cancelPrintJob(ctx.db, register, request.params.job))) {
        throw new ApiError(
          404,
          'UNKNOWN_JOB',
          `Aucun travail n° ${request.params.job} en attente sur cette caisse`,
        );
      }
      return { printed: [], error: null, waiting: await waiting(register) };
    },
  );

  api.post(
    '/api/register/drawer',
    {
      schema: {
        tags,
        summary:
          'Ouvrir le tiroir-caisse sans vente (droit ouverture du tiroir, ou code responsable ; journalisé)',
        body: z.strictObject({ authorization: authorizationSchema.optional() }),
        response: answers(queueView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const register = session.register;
      const printer = await registerPrinterOf(ctx.db, register);
      if (printer.target.kind !== 'tcp' && printer.target.kind !== 'file') {
        throw new ApiError(
          409,
          'NO_PRINTER',
          'Le tiroir s’ouvre par l’imprimante réseau de la caisse : aucune n’est réglée (comptoir printer set)',
        );
      }
      const granted = await ctx.rights.require(
        session,
        'open_drawer',
        request.body.authorization,
        request.ip,
        'ouverture du tiroir',
      );
      await ctx.events.record(ctx.db, {
        kind: 'DRAWER_OPENED',
        register,
        operator: granted.operator,
        ...(granted.authorizer === null ? {} : { authorizer: granted.authorizer }),
        subject: 'ouverture du tiroir sans vente',
        at: ctx.clock(),
      });
      await enqueuePrintJobs(
        ctx.db,
        register,
        printer.target,
        [{ label: 'Ouverture du tiroir', bytes: drawerPulseEscPos() }],
        ctx.clock(),
      );
      const drained = await drainPrintQueue(ctx.db, register, { now: ctx.clock });
      return { printed: [...drained.printed], error: drained.error, waiting: await waiting(register) };
    },
  );
}
