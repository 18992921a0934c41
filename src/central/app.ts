/**
 * The central's HTTP API (docs/multi-store.md § Transport), on Fastify like the store's server:
 *
 * - `POST /central/v1/enrol` `{ code, keys: [{ register, pem }] }` → `{ store, token, keys }`;
 * - `GET /central/v1/heads` (Bearer token) → `{ store, heads: [{ register, chain, sequence, signature }] }`:
 *   where each of the store's streams stands, so that the store resumes from there;
 * - `POST /central/v1/journal` (Bearer token) `{ records: [...], keys: [{ register, pem }] }` →
 *   `{ accepted, skipped }`, or a refusal `{ code, message }` (400, 401, 409, 422).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { CentralDb } from './database.ts';
import { CentralError, enrolStore, type OfferedKey, storeOfToken } from './enrol.ts';
import { acceptBatch, streamHeads } from './ingest.ts';

export interface CentralAppOptions {
  readonly now?: () => Date;
  readonly logger?: boolean;
}

function offeredKeys(value: unknown): OfferedKey[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new CentralError('INVALID_BODY', '« keys » doit être une liste.');
  return value.map((k) => {
    const { register, pem } = (k ?? {}) as { register?: unknown; pem?: unknown };
    if (typeof register !== 'string' || typeof pem !== 'string') {
      throw new CentralError('INVALID_BODY', 'Chaque clé porte « register » et « pem » (textes).');
    }
    return { register, pem };
  });
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

export function buildCentralApp(db: CentralDb, options: CentralAppOptions = {}): FastifyInstance {
  const now = options.now ?? (() => new Date());
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 64 * 1024 * 1024 });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof CentralError) {
      return reply.status(error.status).send({ code: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      return reply
        .status(status)
        .send({ code: 'INVALID_BODY', message: `Requête illisible : ${(error as Error).message}` });
    }
    app.log.error(error);
    return reply.status(500).send({ code: 'INTERNAL', message: 'Erreur interne de la centrale.' });
  });

  app.get('/central/v1/health', async () => ({ ok: true }));

  app.post('/central/v1/enrol', async (request) => {
    const body = (request.body ?? {}) as { code?: unknown; keys?: unknown };
    if (typeof body.code !== 'string' || body.code === '') {
      throw new CentralError('INVALID_BODY', 'Code d’inscription absent.');
    }
    return enrolStore(db, body.code, offeredKeys(body.keys), now());
  });

  app.get('/central/v1/heads', async (request) => {
    const store = await storeOfToken(db, bearer(request.headers.authorization));
    return { store, heads: await streamHeads(db, store) };
  });

  app.post('/central/v1/journal', async (request) => {
    const store = await storeOfToken(db, bearer(request.headers.authorization));
    const body = (request.body ?? {}) as { records?: unknown; keys?: unknown };
    if (!Array.isArray(body.records)) {
      throw new CentralError('INVALID_BODY', '« records » doit être une liste d’enregistrements.');
    }
    return acceptBatch(db, store, body.records, offeredKeys(body.keys), now());
  });

  return app;
}
