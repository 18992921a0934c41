/**
 * The till's day over HTTP (issue 13), for the session's register: where the day stands, the opening
 * count, cash in and out (right `cash_movement`, or a manager's code on the spot), the X reading and
 * the closing count (right `closure`, as the Z it makes). Amounts in minor units; a count is a total or
 * pieces per coin and note (`{"50": 2, "0.10": 5}`). A refusal writes nothing (docs/till.md).
 */
import { z } from 'zod';
import type { ModeExpectation } from '../../fiscal/till.ts';
import { DENOMINATIONS, denominationLabel, MAX_PIECES, readCount } from '../../sales/cash-count.ts';
import { currencyOf, formatScaled, type Minor } from '../../sales/money.ts';
import {
  type CountInput,
  closeTillDay,
  type JournalContext,
  openTillDay,
  recordTillMovement,
  tillStatus,
  tillXReading,
} from '../../store/journal/index.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError } from '../errors.ts';
import { authorizationSchema, noQuery, positiveMinor } from '../schemas.ts';
import { type Api, answers } from './kit.ts';

const tags = ['Journée de caisse'];

const countSchema = z.union([
  z.strictObject({ total: positiveMinor }),
  z.strictObject({
    denominations: z
      .record(
        z.string().regex(/^\d+(\.\d+)?$/, 'Valeur de pièce ou de billet illisible (par exemple 50 ou 0.10)'),
        z
          .number()
          .int('Un nombre de pièces est un nombre entier')
          .min(0, 'Un nombre de pièces ne peut pas être négatif')
          .max(MAX_PIECES),
      )
      .refine((r) => Object.keys(r).length > 0, 'Comptage vide : au moins une pièce ou un billet'),
  }),
]);

/** A count as the store takes it: the pieces checked against the currency's coins and notes. */
function countInput(count: z.infer<typeof countSchema>, currencyCode: string): CountInput {
  if ('total' in count) return { total: count.total };
  const currency = currencyOf(currencyCode);
  if (currency === undefined) throw new ApiError(400, 'INVALID_INPUT', `Devise inconnue : ${currencyCode}`);
  const text = Object.entries(count.denominations)
    .map(([value, pieces]) => `${value}=${pieces}`)
    .join(',');
  const read = readCount(text, currency);
  if (!read.ok) throw new ApiError(400, 'INVALID_INPUT', read.message, 'count');
  return { pieces: read.value };
}

const modeView = z.object({
  mode: z.string(),
  float: z.number().int(),
  sales: z.number().int(),
  refunds: z.number().int(),
  movements: z.number().int(),
  expected: z.number().int(),
});

const readingView = z.object({
  ticketCount: z.number().int(),
  cancellationCount: z.number().int(),
  movementCount: z.number().int(),
  perRate: z.array(z.object({ rate: z.number(), ht: z.number(), vat: z.number(), ttc: z.number() })),
  /** Without the expected amounts (null) when the register counts blind and the user is no manager. */
  perMode: z.array(
    modeView.extend({
      float: z.number().int().nullable(),
      movements: z.number().int().nullable(),
      expected: z.number().int().nullable(),
    }),
  ),
  perOperator: z.array(z.object({ operator: z.string(), tickets: z.number().int(), total: z.number() })),
});

const countView = z.object({
  mode: z.string(),
  expected: z.number().int(),
  counted: z.number().int(),
  difference: z.number().int(),
});

/** The currency's coins and notes for the counting grid: the key the API reads, the cashier's label. */
function denominationsOf(currencyCode: string) {
  const currency = currencyOf(currencyCode);
  if (currency === undefined) return [];
  const unit = 10 ** currency.exponent;
  return (DENOMINATIONS.get(currency.code) ?? []).map((value) => ({
    value,
    key: value % unit === 0 ? String(value / unit) : formatScaled(value, currency.exponent),
    label: `${value >= 5 * unit ? 'Billets' : 'Pièces'} de ${denominationLabel(value, currency)}`,
  }));
}

/** A mode's figures, the expected ones hidden under a blind count. */
function modeOf(m: ModeExpectation, shows: boolean) {
  return shows ? m : { ...m, float: null, movements: null, expected: null };
}

export function tillRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  api.get(
    '/api/till',
    {
      schema: {
        tags,
        summary: 'La journée de la caisse de la session : ouverte ou non, fonds attendu, chiffres du jour',
        querystring: noQuery,
        response: answers(
          z.object({
            register: z.string(),
            currency: z.string(),
            cashMode: z.string(),
            modes: z.array(z.object({ code: z.string(), label: z.string() })),
            /** The coins and notes of the counting grid, largest first (empty: count a total). */
            denominations: z.array(z.object({ value: z.number().int(), key: z.string(), label: z.string() })),
            required: z.boolean(),
            blindCount: z.boolean(),
            showsExpected: z.boolean(),
            open: z.boolean(),
            openedAt: z.string().nullable(),
            openedBy: z.string().nullable(),
            /** The float the opening expects (or opened with), null before the first day or when hidden. */
            expectedFloat: z.number().int().nullable(),
            reading: readingView.nullable(),
          }),
        ),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const s = await tillStatus(ctx.db, { register: session.register, operator: session.user.code });
      const shows = s.showsExpected;
      return {
        register: s.register,
        currency: s.currency,
        cashMode: s.cashMode,
        modes: [...s.modes],
        denominations: denominationsOf(s.currency),
        required: s.required,
        blindCount: s.blindCount,
        showsExpected: shows,
        open: s.day !== undefined,
        openedAt: s.day?.openedAt ?? null,
        openedBy: s.day?.openedBy ?? null,
        expectedFloat: shows ? s.expectedFloat : null,
        reading:
          s.reading === undefined
            ? null
            : {
                ...s.reading,
                perRate: [...s.reading.perRate],
                perMode: s.reading.perMode.map((m) => modeOf(m, shows)),
                perOperator: [...s.reading.perOperator],
              },
      };
    },
  );

  api.post(
    '/api/till/open',
    {
      schema: {
        tags,
        summary: 'Ouvre la journée de la caisse avec le comptage du fonds (un écart demande un motif)',
        body: z.strictObject({
          count: countSchema,
          reason: z.string().trim().max(200).optional(),
        }),
        response: answers(
          z.object({
            register: z.string(),
            openedAt: z.string(),
            mode: z.string(),
            counted: z.number().int(),
            expected: z.number().int(),
            difference: z.number().int(),
            sequence: z.number().int(),
          }),
        ),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const status = await tillStatus(ctx.db, { register: session.register, operator: session.user.code });
      const o = await openTillDay(ctx.db, journal, {
        register: session.register,
        operator: session.user.code,
        count: countInput(request.body.count, status.currency),
        ...(request.body.reason === undefined ? {} : { reason: request.body.reason }),
      });
      return {
        register: o.day.register,
        openedAt: o.day.openedAt,
        mode: o.mode,
        counted: o.counted,
        expected: o.expected,
        difference: o.difference,
        sequence: o.record.sequence,
      };
    },
  );

  api.post(
    '/api/till/movements',
    {
      schema: {
        tags,
        summary:
          'Apport (in) ou retrait (out) d’espèces : droit apport et retrait de caisse, ou code responsable',
        body: z.strictObject({
          direction: z.enum(['in', 'out']),
          amount: positiveMinor.min(1, 'Le montant doit être plus grand que zéro'),
          reason: z.string().trim().min(1, 'Le motif du mouvement est obligatoire').max(200),
          /** A manager confirms a cash-out larger than the expected cash (with their code when needed). */
          force: z.boolean().optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(
          z.object({
            sequence: z.number().int(),
            mode: z.string(),
            expectedCash: z.number().int().nullable(),
          }),
        ),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { direction, amount, reason } = request.body;
      const granted = await ctx.rights.require(
        session,
        'cash_movement',
        request.body.authorization,
        request.ip,
        `${direction === 'in' ? 'apport' : 'retrait'} de ${amount}`,
      );
      const m = await recordTillMovement(ctx.db, journal, {
        register: session.register,
        operator: granted.operator,
        direction,
        amount,
        reason,
        ...(granted.authorizer === null ? {} : { authorizer: granted.authorizer }),
        ...(request.body.force === true ? { force: true } : {}),
      });
      const status = await tillStatus(ctx.db, { register: session.register, operator: session.user.code });
      return {
        sequence: m.record.sequence,
        mode: m.mode,
        expectedCash: status.showsExpected ? m.expectedCash : null,
      };
    },
  );

  api.post(
    '/api/till/x',
    {
      schema: {
        tags,
        summary: 'Lecture X : le jour jusqu’ici, sans remise à zéro (journalisée)',
        body: z.strictObject({}).nullish(),
        response: answers(readingView.extend({ jetSequence: z.number().int() })),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const x = await tillXReading(ctx.db, journal, {
        register: session.register,
        operator: session.user.code,
      });
      return {
        ticketCount: x.ticketCount,
        cancellationCount: x.cancellationCount,
        movementCount: x.movementCount,
        perRate: [...x.perRate],
        perMode: x.perMode.map((m) => modeOf(m, x.showsExpected)),
        perOperator: [...x.perOperator],
        jetSequence: x.jetSequence,
      };
    },
  );

  api.post(
    '/api/till/close',
    {
      schema: {
        tags,
        summary:
          'Ferme la journée de la caisse : le comptage par mode contre l’attendu, le fonds conservé, puis le Z (droit clôture)',
        body: z.strictObject({
          /** The cash counted, as a total or by denomination. */
          cash: countSchema,
          /** The other modes counted (cheques, card batch, vouchers): their totals by mode code. */
          counts: z
            .record(z.string().regex(/^[A-Z0-9_]{1,32}$/, 'Code de mode illisible'), positiveMinor)
            .optional(),
          /** What stays in the drawer as the next float (default: all the cash counted). */
          keep: positiveMinor.optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(
          z.object({
            counts: z.array(countView),
            kept: z.number().int(),
            removed: z.number().int(),
            closure: z.object({ sequence: z.number().int(), label: z.string() }),
          }),
        ),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const status = await tillStatus(ctx.db, { register: session.register, operator: session.user.code });
      const cash = countInput(request.body.cash, status.currency);
      const granted = await ctx.rights.require(
        session,
        'closure',
        request.body.authorization,
        request.ip,
        'fermeture de la journée de caisse',
      );
      const others = new Map<string, Minor>(Object.entries(request.body.counts ?? {}));
      const closed = await closeTillDay(ctx.db, journal, {
        register: session.register,
        operator: granted.authorizer ?? granted.operator,
        cash,
        others,
        ...(request.body.keep === undefined ? {} : { keep: request.body.keep }),
      });
      return {
        counts: [...closed.counts],
        kept: closed.kept,
        removed: closed.removed,
        closure: { sequence: closed.closure.sequence, label: closed.closure.payload.periodLabel },
      };
    },
  );
}
