/**
 * The control of the signed data from the back office, as `comptoir verify` does it (checklist items
 * 16 and 18): every signature, signed text, link, sequence and closure of the live journal, the heads
 * compared with the heads files; the run and its result are JET events (1070, and 90 for a flaw). The
 * last result is read back from those events.
 */
import { z } from 'zod';
import type { JournalContext } from '../../store/journal/core.ts';
import { journalNameOf, rowToRecord } from '../../store/journal/index.ts';
import { recordedVerification, runLiveVerification } from '../../store/journal-verify-run.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { notFound } from '../errors.ts';
import { type Api, answers } from './kit.ts';

/** At most this many problems in an answer (`problemCount` says how many were found). */
const MAX_PROBLEMS = 1000;

const problemView = z.object({
  register: z.string(),
  chain: z.string(),
  sequence: z.number(),
  code: z.string(),
  message: z.string(),
});

const verificationView = z
  .object({
    ranAt: z.string(),
    ok: z.boolean(),
    checked: z.number().describe('Enregistrements contrôlés'),
    problemCount: z.number(),
    problems: z.array(problemView),
    operator: z.string(),
    unjournaled: z.array(z.object({ register: z.string(), message: z.string() })),
  })
  .meta({ id: 'Verification' });

const registerNumber = z.coerce.number().int().min(1).max(9999);

export function verificationRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  const tags = ['contrôle'];

  api.post(
    '/api/verification',
    {
      schema: {
        tags,
        summary:
          'Contrôler maintenant le journal fiscal (toutes les caisses, ou une) ; journalisé (JET 1070)',
        body: z.strictObject({ register: registerNumber.optional() }).nullish(),
        response: answers(verificationView),
      },
    },
    async (request) => {
      const operator = sessionOf(request).user.code;
      const register = request.body?.register;
      const run = await runLiveVerification(ctx.db, journal, {
        operator,
        ...(register === undefined ? {} : { register: journalNameOf(register) }),
      });
      const { report } = run;
      return {
        ranAt: ctx.clock().toISOString(),
        ok: report.ok,
        checked: report.recordsChecked,
        problemCount: report.problems.length,
        problems: report.problems.slice(0, MAX_PROBLEMS),
        operator,
        unjournaled: [...run.unjournaled],
      };
    },
  );

  api.get(
    '/api/verification',
    {
      schema: {
        tags,
        summary: 'Résultat du dernier contrôle sur une caisse (celle de la session par défaut), lu au JET',
        querystring: z.strictObject({ register: registerNumber.optional() }),
        response: answers(verificationView),
      },
    },
    async (request) => {
      const register = request.query.register ?? sessionOf(request).register;
      // The run's events are among the register's latest JET 1070 records; the newest readable one wins.
      const rows = await ctx.db
        .selectFrom('journal')
        .selectAll()
        .where('register', '=', journalNameOf(register))
        .where('chain', '=', 'JET')
        .where('payload', 'like', '%"code":1070,%')
        .orderBy('sequence', 'desc')
        .limit(20)
        .execute();
      for (const row of rows) {
        const run = recordedVerification(rowToRecord(row));
        if (run === undefined) continue;
        return {
          ranAt: run.ranAt.toISOString(),
          ok: run.ok,
          checked: run.checked,
          problemCount: run.count,
          problems: [...run.problems],
          operator: run.operator,
          unjournaled: [],
        };
      }
      throw notFound(
        'NO_VERIFICATION',
        `Aucun contrôle du journal n’a encore été fait sur la caisse ${register}`,
      );
    },
  );
}
