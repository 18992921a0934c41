/**
 * Test helper: a ticket signed the way the fiscal core signs (ECDSA P-256, base64url, short code =
 * characters 3, 7, 13, 19), with a fresh journal key, so PDFs can be verified for real.
 */
import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { type SaleTicket, shortCodeOf } from '../document.ts';
import { exampleSale } from '../examples.ts';

export interface JournalKeyPair {
  readonly id: string;
  readonly privateKey: KeyObject;
  readonly publicPem: string;
}

export function makeJournalKey(id: string): JournalKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { id, privateKey, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** The signed text of checklist C.12: per-rate TTC, total, timestamp, register, sequence, type, first flag, previous signature. */
export function signedTextOf(ticket: SaleTicket, sequence: number): string {
  const perRate = ticket.vat.map((v) => `${v.rate}:${v.total}`).join(',');
  return [
    perRate,
    ticket.totals.totalInclVat,
    ticket.issuedAt.stamp,
    ticket.register,
    sequence,
    'VTE',
    'N',
    'prev',
  ].join('|');
}

export function signTicket(ticket: SaleTicket, key: JournalKeyPair, sequence = 825): SaleTicket {
  const signedText = signedTextOf(ticket, sequence);
  const signature = sign('sha256', Buffer.from(signedText), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  return {
    ...ticket,
    fiscal: { sequence, signature, shortCode: shortCodeOf(signature), keyId: key.id, signedText },
  };
}

export function signedExampleSale(key: JournalKeyPair): SaleTicket {
  return signTicket(exampleSale, key);
}
