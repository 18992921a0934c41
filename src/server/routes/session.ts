/** Sessions: log in on a register, see who is logged in, change user on the spot, log out. */
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { emptyBody, loginBody, loginView, noQuery, sessionView } from '../schemas.ts';
import type { Session } from '../sessions.ts';
import { type Api, answers } from './kit.ts';

function view(session: Session) {
  return {
    register: session.register,
    user: {
      code: session.user.code,
      name: session.user.name,
      role: session.user.role,
      rights: [...session.user.rights],
      sellerCode: session.user.sellerCode,
    },
    expiresAt: new Date(session.expiresAt).toISOString(),
  };
}

export function sessionRoutes(api: Api, ctx: AppContext): void {
  api.post(
    '/api/session',
    {
      config: { public: true },
      schema: {
        tags: ['session'],
        summary: 'Connexion sur une caisse (code utilisateur et PIN)',
        body: loginBody,
        response: answers(loginView),
      },
    },
    async (request) => {
      const { userCode, pin, register } = request.body;
      const { token, session } = await ctx.sessions.login(userCode, pin, register, request.ip);
      return { token, ...view(session) };
    },
  );
  api.get(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'La session en cours',
        querystring: noQuery,
        response: answers(sessionView),
      },
    },
    async (request) => view(sessionOf(request)),
  );
  api.post(
    '/api/session/switch',
    {
      schema: {
        tags: ['session'],
        summary: 'Changer utilisateur : un autre utilisateur prend la session sur la même caisse',
        body: z.strictObject({ userCode: z.string().min(1).max(40), pin: z.string().min(1).max(16) }),
        response: answers(sessionView),
      },
    },
    async (request) =>
      view(
        await ctx.sessions.switchUser(
          sessionOf(request),
          request.body.userCode,
          request.body.pin,
          request.ip,
        ),
      ),
  );
  api.delete(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Déconnexion',
        body: emptyBody,
        response: answers(z.object({ ok: z.literal(true) })),
      },
    },
    async (request) => {
      await ctx.sessions.logout(sessionOf(request));
      return { ok: true as const };
    },
  );
}
