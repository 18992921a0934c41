/**
 * Tickets in progress, driven by the sales engine's commands (seed 001): open, seller, customer,
 * lines by the viseur's text, insert, point, Qté / Prix / Rem% / Rem€, delete, S/T, footer discount,
 * shipping, composition, hold / resume, Total, payments, validation, then the receipt choice.
 */
import { z } from 'zod';
import type { ErrorCode } from '../../sales/errors.ts';
import { applyCommand, type TicketCommand, type TicketState } from '../../sales/ticket.ts';
import type { Right } from '../../store/validation.ts';
import { articleData, findArticle, findCustomer, findSeller } from '../catalogue.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError, fromSalesError } from '../errors.ts';
import type { Authorization } from '../rights.ts';
import {
  authorizationSchema,
  centi,
  emptyBody,
  lineId,
  milli,
  noQuery,
  positiveMinor,
  ticketIdParams,
  ticketListView,
  ticketView,
  vatRowView,
} from '../schemas.ts';
import type { Session } from '../sessions.ts';
import { type Notice, run, type TicketEntry } from '../ticket-service.ts';
import { toTicketView } from '../ticket-view.ts';
import { type Api, answers } from './kit.ts';

const lookupText = z.string().trim().min(1).max(100);
const nonZeroMilli = milli.refine((q) => q !== 0, { message: 'la quantité ne peut pas être nulle' });

/**
 * A lot/serial article's line carries its number in its designation, so that the signed detail and
 * every receipt print it: « Perceuse — n° lot/série SN123 ». Refused without it, or on an article
 * that is not managed by lot/serial.
 */
function withSerial<T extends { ref: string; designation: string; lotSerial: boolean }>(
  hit: T,
  serial: string | undefined,
): T {
  if (!hit.lotSerial) {
    if (serial === undefined) return hit;
    throw new ApiError(
      422,
      'NOT_LOT_SERIAL',
      `${hit.ref} n’est pas géré par lot/série : pas de numéro à saisir`,
      'serial',
    );
  }
  if (serial === undefined) {
    throw new ApiError(
      422,
      'SERIAL_REQUIRED',
      `${hit.designation} est géré par lot/série : saisissez son numéro de lot ou de série`,
      'serial',
      { ref: hit.ref },
    );
  }
  return { ...hit, designation: `${hit.designation} — n° lot/série ${serial}` };
}

const discountBody = z
  .strictObject({
    percent: centi.optional(),
    amount: positiveMinor.optional(),
    authorization: authorizationSchema.optional(),
  })
  .refine((b) => !(b.percent !== undefined && b.amount !== undefined), {
    message: 'donnez un pourcentage ou un montant, pas les deux',
  });

export function ticketRoutes(api: Api, ctx: AppContext): void {
  const tags = ['tickets'];
  const view = (entry: TicketEntry, notices: readonly Notice[] = []) => toTicketView(entry, notices);

  /**
   * Applies a command that the engine may refuse for a confidential reason (`refusal`): with the
   * right, or a manager's code, it is applied authorized; the override or refusal is an event.
   */
  async function confidential(
    session: Session,
    address: string,
    state: TicketState,
    make: (authorized: boolean) => TicketCommand,
    refusal: ErrorCode,
    right: Right,
    authorization: Authorization | undefined,
    subject: string,
  ): Promise<TicketState> {
    const first = applyCommand(state, make(false));
    if (first.ok) return first.state;
    if (first.error.code !== refusal) throw fromSalesError(first.error);
    await ctx.rights.require(session, right, authorization, address, subject);
    return run(state, make(true));
  }

  const byId = { params: ticketIdParams };

  api.post(
    '/api/tickets',
    {
      schema: {
        tags,
        summary: 'Ouvrir un ticket (client comptoir par défaut)',
        body: z.strictObject({ customer: lookupText.optional() }).nullish(),
        response: answers(ticketView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const register = await ctx.tickets.register(session.register);
      const customer = await findCustomer(ctx.db, request.body?.customer ?? register.defaultCustomer);
      return view(await ctx.tickets.open(session, customer));
    },
  );

  api.get(
    '/api/tickets',
    {
      schema: {
        tags,
        summary: 'Tickets de la caisse : en cours et en attente, ou d’un statut donné',
        querystring: z.strictObject({
          status: z.enum(['open', 'held', 'validated', 'abandoned']).optional(),
        }),
        response: answers(ticketListView),
      },
    },
    async (request) => ({
      items: (await ctx.tickets.list(sessionOf(request), request.query.status)).map((e) => view(e)),
    }),
  );

  api.get(
    '/api/tickets/:id',
    { schema: { tags, summary: 'Un ticket', ...byId, querystring: noQuery, response: answers(ticketView) } },
    async (request) => view(await ctx.tickets.get(sessionOf(request), request.params.id)),
  );

  api.get(
    '/api/tickets/:id/vat',
    {
      schema: {
        tags,
        summary: 'HT/TVA : cumul du ticket en TTC et en HT, par taux',
        ...byId,
        querystring: noQuery,
        response: answers(
          z.object({ ht: z.number(), vat: z.number(), ttc: z.number(), rows: z.array(vatRowView) }),
        ),
      },
    },
    async (request) => {
      const { result } = (await ctx.tickets.get(sessionOf(request), request.params.id)).state;
      return { ht: result.totalHT, vat: result.totalVAT, ttc: result.totalTTC, rows: [...result.vat] };
    },
  );

  /** A route that runs one step on the ticket and answers its view. */
  function step<B extends z.ZodType>(
    path: string,
    summary: string,
    body: B,
    fn: (
      state: TicketState,
      body: z.output<B>,
      session: Session,
      address: string,
      entry: TicketEntry,
    ) => Promise<{
      state: TicketState;
      notices?: Notice[];
      customerName?: string | null;
      sellerName?: string | null;
    }>,
  ): void {
    api.post(
      `/api/tickets/:id/${path}`,
      { schema: { tags, summary, ...byId, body, response: answers(ticketView) } },
      async (request) => {
        const session = sessionOf(request);
        let notices: Notice[] = [];
        const entry = await ctx.tickets.change(session, request.params.id, async (current) => {
          const out = await fn(current.state, request.body as z.output<B>, session, request.ip, current);
          notices = out.notices ?? [];
          return {
            state: out.state,
            meta: {
              customerName: out.customerName === undefined ? current.meta.customerName : out.customerName,
              sellerName: out.sellerName === undefined ? current.meta.sellerName : out.sellerName,
            },
          };
        });
        return view(entry, notices);
      },
    );
  }
  const simple = (command: TicketCommand) => async (state: TicketState) => ({ state: run(state, command) });

  step(
    'seller',
    'Vendeur : un code, vide pour celui de la caisse, null pour aucun',
    z.strictObject({ code: z.string().trim().max(40).nullable() }),
    async (state, body, session) => {
      if (body.code === null)
        return { state: run(state, { type: 'setSeller', seller: null }), sellerName: null };
      const register = await ctx.tickets.register(session.register);
      const code = body.code === '' ? (register.defaultSeller ?? '') : body.code;
      const seller = await findSeller(ctx.db, code);
      return { state: run(state, { type: 'setSeller', seller: seller.code }), sellerName: seller.name };
    },
  );

  step(
    'customer',
    'Client : carte, code ou -NOM ; null pour le client comptoir',
    z.strictObject({ text: lookupText.nullable() }),
    async (state, body, session, _address, current) => {
      const register = await ctx.tickets.register(session.register);
      const customer = await findCustomer(ctx.db, body.text ?? register.defaultCustomer);
      let next = run(state, {
        type: 'setCustomer',
        customer: { code: customer.code, taxExempt: customer.taxExempt },
      });
      // A seller typed on the ticket stays; otherwise the customer record's seller comes with the
      // customer (seed 001), and the register's or the user's own when the record has none.
      if (current.meta.sellerName === null) {
        const seller = customer.sellerCode ?? register.defaultSeller ?? session.user.sellerCode;
        if (seller !== state.seller) next = run(next, { type: 'setSeller', seller });
      }
      return { state: next, customerName: customer.name };
    },
  );

  step(
    'lines',
    'Saisir un article par le viseur (EAN, référence, FOURN-REF), après la ligne pointée ou `after`',
    z.strictObject({
      text: lookupText,
      qty: nonZeroMilli.optional(),
      after: lineId.optional(),
      serial: z
        .string()
        .trim()
        .min(1)
        .max(40)
        .optional()
        .describe(
          'Le numéro de lot ou de série d’un article géré par lot/série (quand la caisse les permet)',
        ),
      authorization: authorizationSchema.optional(),
    }),
    async (state, body, session, address) => {
      const register = await ctx.tickets.register(session.register);
      const found = await findArticle(ctx.db, body.text, {
        now: ctx.clock(),
        depotCode: register.depotCode,
        ...(state.customer === null ? {} : { customerCode: state.customer.code }),
        ...(register.allowLotSerial ? { allowLotSerial: true } : {}),
      });
      const hit = withSerial(found, body.serial);
      if (body.qty !== undefined && body.qty < 0) {
        await ctx.rights.require(session, 'refund', body.authorization, address, `retour ${hit.ref}`);
      }
      let next = state;
      if (hit.composed && hit.components.length > 0) {
        if (body.after !== undefined) next = run(next, { type: 'point', lineId: body.after });
        next = run(next, {
          type: 'addComposition',
          ref: hit.ref,
          designation: hit.designation,
          price: hit.price.source === 'components' ? null : hit.price.unitPrice,
          components: hit.components.map((c) => ({
            ref: c.ref,
            designation: c.designation,
            unitPrice: c.price.unitPrice,
            vatRate: c.vatRate,
            qty: c.quantity,
          })),
        });
        if (body.qty !== undefined) next = run(next, { type: 'setQuantity', qty: body.qty });
      } else {
        const article = articleData(hit, body.qty);
        next =
          body.after === undefined
            ? run(next, { type: 'addLine', article })
            : run(next, { type: 'insertAfter', lineId: body.after, article });
      }
      return { state: next, notices: hit.warnings.map((w) => ({ code: w.code, message: w.message })) };
    },
  );

  step('point', 'Pointer une ligne', z.strictObject({ lineId }), async (state, body) => ({
    state: run(state, { type: 'point', lineId: body.lineId }),
  }));

  step(
    'quantity',
    'Qté : quantité de la ligne pointée, en millièmes (1 = 1000) ; négative : retour (droit requis)',
    z.strictObject({ qty: nonZeroMilli, authorization: authorizationSchema.optional() }),
    async (state, body, session, address) => {
      if (body.qty < 0)
        await ctx.rights.require(session, 'refund', body.authorization, address, 'quantité négative');
      return { state: run(state, { type: 'setQuantity', qty: body.qty }) };
    },
  );

  step(
    'label',
    'Libellé : le libellé de la ligne pointée, tel que le ticket l’imprime (seed 001)',
    z.strictObject({ designation: z.string().max(500) }),
    async (state, body) => ({ state: run(state, { type: 'setDesignation', designation: body.designation }) }),
  );

  step(
    'price',
    'Prix : prix unitaire TTC de la ligne pointée (opération confidentielle)',
    z.strictObject({ unitPrice: positiveMinor, authorization: authorizationSchema.optional() }),
    async (state, body, session, address) => {
      const granted = await ctx.rights.require(
        session,
        'change_price',
        body.authorization,
        address,
        `prix ${body.unitPrice}`,
      );
      return {
        state: run(state, {
          type: 'setPrice',
          unitPrice: body.unitPrice,
          authorized: granted.authorizer !== null,
        }),
      };
    },
  );

  step(
    'amount',
    'Montant de la ligne pointée (le prix unitaire en découle ; opération confidentielle)',
    z.strictObject({ amount: milli, authorization: authorizationSchema.optional() }),
    async (state, body, session, address) => {
      await ctx.rights.require(
        session,
        'change_price',
        body.authorization,
        address,
        `montant ${body.amount}`,
      );
      return { state: run(state, { type: 'setAmount', amount: body.amount }) };
    },
  );

  step(
    'discount',
    'Rem% ou Rem€ sur la ligne pointée (ou le sous-total pointé) ; ni l’un ni l’autre : supprime la remise',
    discountBody,
    async (state, body, session, address) => {
      const { percent, amount } = body;
      if (percent === undefined && amount === undefined)
        return { state: run(state, { type: 'clearDiscount' }) };
      return {
        state: await confidential(
          session,
          address,
          state,
          (authorized) =>
            percent !== undefined
              ? { type: 'setDiscountPercent', rate: percent, authorized }
              : { type: 'setDiscountAmount', amount: amount ?? 0, authorized },
          'DISCOUNT_LIMIT_EXCEEDED',
          'discount_over_limit',
          body.authorization,
          percent !== undefined ? `remise ${percent / 100} %` : `remise ${amount}`,
        ),
      };
    },
  );

  step(
    'footer-discount',
    'Remise en pied, en pourcentage ou en montant ; ni l’un ni l’autre : supprime',
    discountBody,
    async (state, body, session, address) => {
      const { percent, amount } = body;
      if (
        (percent !== undefined || amount !== undefined) &&
        !state.items.some((i) => i.kind !== 'subtotal')
      ) {
        throw new ApiError(
          422,
          'EMPTY_TICKET',
          'Remise en pied impossible : le ticket n’a encore aucun article',
        );
      }
      const discount =
        percent !== undefined
          ? { kind: 'percent' as const, rate: percent }
          : amount !== undefined
            ? { kind: 'amount' as const, amount }
            : null;
      return {
        state: await confidential(
          session,
          address,
          state,
          (authorized) => ({ type: 'footerDiscount', discount, authorized }),
          'DISCOUNT_LIMIT_EXCEEDED',
          'discount_over_limit',
          body.authorization,
          'remise en pied',
        ),
      };
    },
  );

  step(
    'delete',
    'Supprimer les lignes données',
    z.strictObject({ lineIds: z.array(lineId).min(1).max(500) }),
    async (state, body) => ({ state: run(state, { type: 'deleteLines', lineIds: body.lineIds }) }),
  );
  step('clear', 'Supprimer toutes les lignes', emptyBody, simple({ type: 'deleteAll' }));
  step('subtotal', 'S/T : ligne de sous-total', emptyBody, simple({ type: 'subtotal' }));

  step(
    'shipping',
    'Frais de port (TTC) ; null : aucun',
    z.strictObject({
      shipping: z.strictObject({ amount: positiveMinor, vatRate: centi.nullable().default(null) }).nullable(),
    }),
    async (state, body) => ({ state: run(state, { type: 'shipping', shipping: body.shipping }) }),
  );

  step(
    'compositions',
    'Composition saisie à la volée : composants par le viseur, prix du composé facultatif',
    z.strictObject({
      ref: z.string().trim().min(1).max(40),
      designation: z.string().trim().min(1).max(120).optional(),
      price: positiveMinor.nullable().default(null),
      components: z
        .array(
          z.strictObject({
            text: lookupText,
            qty: milli.refine((q) => q > 0, { message: 'quantité positive attendue' }).optional(),
            unitPrice: positiveMinor.optional(),
          }),
        )
        .min(1)
        .max(50),
    }),
    async (state, body, session) => {
      const register = await ctx.tickets.register(session.register);
      const components = [];
      for (const component of body.components) {
        const hit = await findArticle(ctx.db, component.text, {
          now: ctx.clock(),
          depotCode: register.depotCode,
          ...(state.customer === null ? {} : { customerCode: state.customer.code }),
        });
        const data = articleData(hit, component.qty);
        components.push(
          component.unitPrice === undefined ? data : { ...data, unitPrice: component.unitPrice },
        );
      }
      return {
        state: run(state, {
          type: 'addComposition',
          ref: body.ref.toUpperCase(),
          ...(body.designation === undefined ? {} : { designation: body.designation }),
          price: body.price,
          components,
        }),
      };
    },
  );

  step('hold', 'Mise en attente', emptyBody, simple({ type: 'hold' }));
  step('resume', 'Reprise attente', emptyBody, simple({ type: 'resume' }));
  step(
    'total',
    'Total : passer aux règlements ; une remise au-delà de la limite (abaissée depuis) demande le code d’un responsable',
    z.strictObject({ authorization: authorizationSchema.optional() }).nullish(),
    async (state, body, session, address) => {
      const register = await ctx.tickets.register(session.register);
      if (register.sellerMandatory && state.seller === null) {
        throw new ApiError(
          422,
          'SELLER_REQUIRED',
          'Vendeur obligatoire sur cette caisse : saisissez son code (F4) avant le total',
          'seller',
        );
      }
      return {
        state: await confidential(
          session,
          address,
          state,
          (authorized) => ({ type: 'total', authorized }),
          'DISCOUNT_LIMIT_EXCEEDED',
          'discount_over_limit',
          body?.authorization ?? undefined,
          'remises du ticket au-delà de la limite',
        ),
      };
    },
  );
  step('back-to-lines', 'Annuler Total : revenir aux lignes', emptyBody, simple({ type: 'backToLines' }));

  step(
    'payments',
    'Règlement : un mode, un montant (null : le restant dû)',
    z.strictObject({
      mode: z.string().trim().min(1).max(40),
      amount: positiveMinor.nullable().default(null),
      authorization: authorizationSchema.optional(),
    }),
    async (state, body, session, address) => ({
      state: await confidential(
        session,
        address,
        state,
        (authorized) => ({
          type: 'addPayment',
          mode: body.mode.toUpperCase(),
          amount: body.amount,
          authorized,
        }),
        'OVERPAYMENT_NOT_ALLOWED',
        'excess_override',
        body.authorization,
        `rendu ${body.mode.toUpperCase()}`,
      ),
    }),
  );

  api.delete(
    '/api/tickets/:id/payments/:paymentId',
    {
      schema: {
        tags,
        summary: 'Annuler un règlement',
        body: emptyBody,
        params: z.strictObject({ id: z.uuid(), paymentId: z.coerce.number().int().min(1).max(1_000_000) }),
        response: answers(ticketView),
      },
    },
    async (request) =>
      view(
        await ctx.tickets.apply(sessionOf(request), request.params.id, {
          type: 'cancelPayment',
          paymentId: request.params.paymentId,
        }),
      ),
  );

  api.post(
    '/api/tickets/:id/validate',
    {
      schema: {
        tags,
        summary: 'Valider le ticket (signé, chaîné, numéroté) ; la même clé redonne la même vente',
        ...byId,
        body: z.strictObject({
          idempotencyKey: z
            .string()
            .min(8)
            .max(100)
            .regex(/^[A-Za-z0-9_.:-]+$/),
        }),
        response: answers(ticketView),
      },
    },
    async (request) =>
      view(await ctx.tickets.validate(sessionOf(request), request.params.id, request.body.idempotencyKey)),
  );

  api.post(
    '/api/tickets/:id/abandon',
    {
      schema: {
        tags,
        summary: 'Abandonner le ticket avant validation (événement technique)',
        ...byId,
        body: emptyBody,
        response: answers(ticketView),
      },
    },
    async (request) => view(await ctx.tickets.abandon(sessionOf(request), request.params.id)),
  );

  api.post(
    '/api/tickets/:id/receipt',
    {
      schema: {
        tags,
        summary:
          'Choix du ticket après validation, une seule fois : papier, e-mail, les deux (le papier est alors un duplicata journalisé) ou aucun ; toute copie ensuite est un duplicata (réimpression)',
        ...byId,
        body: z.strictObject({
          choice: z.enum(['print', 'email', 'both', 'none']),
          email: z.email().max(200).optional(),
          /**
           * The register's « option en caisse » (seed 000): the ticket alone, the ticket and its
           * duplicate (printed), the ticket and a gift ticket (its own e-mail), or the invoice.
           */
          option: z.enum(['ticket', 'ticket+ticket', 'ticket+gift', 'invoice']).default('ticket'),
        }),
        response: answers(ticketView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { choice, email, option } = request.body;
      const entry = await ctx.tickets.recordReceipt(session, request.params.id, async (current, sale) => {
        const customer = current.state.customer?.code ?? 'DIVERS';
        let address = email ?? null;
        if ((choice === 'email' || choice === 'both') && address === null) {
          const row = await ctx.db
            .selectFrom('customers')
            .select('email')
            .where('code', '=', customer)
            .executeTakeFirst();
          address = row === undefined || row.email === '' ? null : row.email;
          if (address === null) {
            throw new ApiError(422, 'EMAIL_REQUIRED', 'Adresse e-mail manquante : saisissez-la', 'email');
          }
        }
        const now = ctx.clock();
        const outcome = await ctx.receipts.deliver(ctx.db, {
          register: current.register,
          sale,
          choice,
          option,
          email: address,
          customer,
          now,
          operator: session.user.code,
        });
        return { choice, email: address, outcome, at: now.toISOString() };
      });
      return view(entry);
    },
  );
}
