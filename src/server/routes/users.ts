/**
 * The users from the back office (issue 12): the list, a new user, a change of name, role, rights,
 * register or activity (a user is disabled, never deleted: the journal names them), and a PIN reset
 * confirmed by a manager's code and PIN given on the spot. Each write needs the right `manage_users`
 * and is journaled in the same transaction (JET 1140, 1141, 1142; never the PIN). A disabled user or
 * a reset PIN closes that user's sessions; a change of rights applies at their next request.
 */
import { z } from 'zod';
import type { JournalContext } from '../../store/journal/index.ts';
import { hashPin, randomPin } from '../../store/pin.ts';
import { createUser } from '../../store/setup.ts';
import {
  activeHoldersOf,
  applyUserChange,
  getUser,
  listUsers,
  planUserChange,
  setUserPinHash,
  type UserRow,
} from '../../store/user-admin.ts';
import { parseInput, RIGHTS, ROLE_LABELS, ROLES, userInputSchema } from '../../store/validation.ts';
import { userView } from '../admin-schema.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError, notFound } from '../errors.ts';
import { authorizationOfQuery, authorizationSchema, queryAuthorization } from '../schemas.ts';
import { journaledWrite } from './journaled.ts';
import { type Api, answers } from './kit.ts';

/** A new user, or a reset: the PIN the server drew, shown this once (null when the manager chose it). */
const withPin = z.object({ user: userView, pin: z.string().nullable() });

const codeParams = z.strictObject({ code: z.string().min(1).max(40) });
const pinField = z.string().max(16).describe('4 à 8 chiffres ; absent : le serveur en tire un au hasard');

function fieldText(user: UserRow, field: string): string {
  switch (field) {
    case 'role':
      return ROLE_LABELS[user.role];
    case 'rights':
      return user.rights.length === 0 ? 'aucun' : user.rights.join(',');
    case 'active':
      return user.active ? 'actif' : 'désactivé';
    case 'registerNumber':
      return user.registerNumber === null ? 'aucune caisse' : `caisse ${user.registerNumber}`;
    default:
      return user.name;
  }
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  name: 'nom',
  role: 'rôle',
  rights: 'droits',
  active: 'état',
  registerNumber: 'caisse',
};

export function userRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  const tags = ['utilisateurs'];

  const readUser = async (code: string): Promise<UserRow> => {
    const user = await getUser(ctx.db, code);
    if (user === undefined) throw notFound('UNKNOWN_USER', `Utilisateur inconnu : ${code.trim()}`);
    return user;
  };

  api.get(
    '/api/users',
    {
      schema: {
        tags,
        summary:
          'Les utilisateurs, actifs ou désactivés (jamais leur PIN) ; droit gestion des utilisateurs (le personnel n’est pas listé à toute session)',
        querystring: z.strictObject(queryAuthorization),
        response: answers(z.object({ items: z.array(userView) })),
      },
    },
    async (request) => {
      await ctx.rights.require(
        sessionOf(request),
        'manage_users',
        authorizationOfQuery(request.query),
        request.ip,
        'liste des utilisateurs',
      );
      return { items: await listUsers(ctx.db) };
    },
  );

  api.post(
    '/api/users',
    {
      schema: {
        tags,
        summary: 'Créer un utilisateur (droit gestion des utilisateurs ; JET 1140)',
        body: z.strictObject({
          code: z.string().max(40),
          name: z.string().max(80),
          role: z.enum(ROLES),
          rights: z.array(z.enum(RIGHTS)).max(RIGHTS.length).optional(),
          pin: pinField.optional(),
          sellerCode: z.string().max(40).optional(),
          registerNumber: z.number().int().min(1).max(9999).optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(withPin),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { authorization, pin: chosen, ...fields } = request.body;
      const pin = chosen ?? randomPin();
      // Checked whole first: a bad field is refused before any right is asked, nothing written.
      const input = parseInput(userInputSchema, { ...fields, pin });
      const granted = await ctx.rights.require(
        session,
        'manage_users',
        authorization,
        request.ip,
        `création de l’utilisateur ${input.code}`,
      );
      const hash = await hashPin(pin);
      const now = ctx.clock();
      await journaledWrite(
        ctx.db,
        journal,
        session.register,
        async (trx) => {
          await createUser(trx, input, now, hash);
        },
        {
          name: 'USER_CREATED',
          data: `utilisateur ${input.code} « ${input.name} », rôle ${ROLE_LABELS[input.role]}`,
          operator: granted.authorizer ?? granted.operator,
        },
      );
      return { user: await readUser(input.code), pin: chosen === undefined ? pin : null };
    },
  );

  api.patch(
    '/api/users/:code',
    {
      schema: {
        tags,
        summary:
          'Modifier un utilisateur : nom, rôle (ses droits par défaut si « rights » est absent), droits, caisse, actif (droit gestion des utilisateurs ; JET 1141)',
        params: codeParams,
        body: z.strictObject({
          name: z.string().max(80).optional(),
          role: z.enum(ROLES).optional(),
          rights: z.array(z.enum(RIGHTS)).max(RIGHTS.length).optional(),
          active: z.boolean().optional(),
          registerNumber: z.number().int().min(1).max(9999).nullable().optional(),
          authorization: authorizationSchema.optional(),
        }),
        response: answers(userView),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const { authorization, ...change } = request.body;
      const plan = await planUserChange(ctx.db, request.params.code, change);
      const { before, after } = plan;
      if (plan.changed.length === 0) return before;
      const keepsUsers = after.active && after.rights.includes('manage_users');
      if (!keepsUsers && before.code === session.user.code) {
        throw new ApiError(
          409,
          'SELF_LOCKOUT',
          'Vous ne pouvez pas vous désactiver ni vous retirer la gestion des utilisateurs',
          'active',
        );
      }
      if (!keepsUsers && (await activeHoldersOf(ctx.db, 'manage_users', before.code)).length === 0) {
        throw new ApiError(
          409,
          'LAST_USER_MANAGER',
          `${before.code} est le dernier utilisateur actif qui gère les utilisateurs : donnez d’abord ce droit à un autre`,
          'active',
        );
      }
      const granted = await ctx.rights.require(
        session,
        'manage_users',
        authorization,
        request.ip,
        `modification de l’utilisateur ${before.code}`,
      );
      const data = plan.changed
        .map((f) => `${FIELD_LABELS[f] ?? f} ${fieldText(before, f)} → ${fieldText(after, f)}`)
        .join('; ');
      await journaledWrite(
        ctx.db,
        journal,
        session.register,
        (trx) => applyUserChange(trx, plan, ctx.clock()),
        {
          name: 'USER_CHANGED',
          data: `utilisateur ${before.code} : ${data}`,
          operator: granted.authorizer ?? granted.operator,
        },
      );
      await ctx.sessions.forgetUser(before.code, !after.active);
      return readUser(before.code);
    },
  );

  api.post(
    '/api/users/:code/pin',
    {
      schema: {
        tags,
        summary:
          'Réinitialiser le code PIN d’un utilisateur : code et PIN d’un responsable toujours demandés (JET 1142) ; ses sessions sont fermées',
        params: codeParams,
        body: z.strictObject({ pin: pinField.optional(), authorization: authorizationSchema.optional() }),
        response: answers(withPin),
      },
    },
    async (request) => {
      const session = sessionOf(request);
      const user = await readUser(request.params.code);
      const chosen = request.body.pin;
      const pin = chosen ?? randomPin();
      parseInput(userInputSchema.shape.pin, pin);
      const granted = await ctx.rights.confirm(
        session,
        'manage_users',
        request.body.authorization,
        request.ip,
        `code PIN de ${user.code}`,
      );
      const hash = await hashPin(pin);
      await journaledWrite(
        ctx.db,
        journal,
        session.register,
        (trx) => setUserPinHash(trx, user.code, hash, ctx.clock()),
        {
          name: 'PIN_RESET',
          data: `utilisateur ${user.code} : code PIN réinitialisé`,
          operator: granted.authorizer ?? granted.operator,
        },
      );
      await ctx.sessions.forgetUser(user.code, true);
      return { user, pin: chosen === undefined ? pin : null };
    },
  );
}
