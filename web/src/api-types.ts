/**
 * The API's shapes the register's state needs, as types only (derived from the server's own zod
 * schemas): no browser global here, so the pure state module and its node tests can use them.
 * `api.ts` re-exports them with the calls.
 */
import type { z } from 'zod';
import type { journalRecordView } from '../../src/server/record-schema.ts';
import type { registerInfoView } from '../../src/server/register-schema.ts';
import type { itemView, ticketView } from '../../src/server/schemas.ts';

export type Ticket = z.output<typeof ticketView>;
export type Item = z.output<typeof itemView>;
export type RegisterInfo = z.output<typeof registerInfoView>;
export type Authorization = { userCode: string; pin: string };
/** A record of the fiscal journal as `/api/sales` and `/api/closures` show it. */
export type JournalRecord = z.output<typeof journalRecordView>;

/** `GET /api/customers` items (src/server/routes/lookups.ts `customerView`). */
export interface Customer {
  code: string;
  cardNumber: string | null;
  name: string;
  address1: string;
  postalCode: string;
  city: string;
  email: string;
  phone: string;
  taxExempt: boolean;
  tariff: string;
  sellerCode: string | null;
  loyaltyPoints: number;
  visits: number;
  consentEmailReceipts: boolean;
  consentMailings: boolean;
  dematRefused: boolean;
}
