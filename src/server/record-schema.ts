/**
 * The shape of a journal record as `/api/sales` and `/api/closures` show it, and the types of the
 * payloads the front end reads in it (kept apart so that the front end can import their types alone).
 */
import { z } from 'zod';

export type { ClosurePayload, DuplicatePayload, SalePayload } from '../fiscal/record.ts';

export const journalRecordView = z.object({
  register: z.string(),
  chain: z.string(),
  number: z.number(),
  type: z.string(),
  at: z.string(),
  operator: z.string().nullable(),
  customer: z.string().nullable(),
  totalTTC: z.number().nullable(),
  signature: z.string(),
  shortSignature: z.string(),
  cancels: z.number().nullable(),
  payload: z.unknown(),
});
