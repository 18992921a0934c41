/** Shared pieces of the route files: the typed Fastify instance and the standard responses. */
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { errorSchema } from '../schemas.ts';

export type Api = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

/** The answer of a route: `ok` on success, the error shape for every 4xx and 5xx. */
export function answers<S extends z.ZodType>(ok: S) {
  return { 200: ok, '4xx': errorSchema, '5xx': errorSchema } as const;
}
