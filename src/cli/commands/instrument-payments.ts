/**
 * A `sell` scenario's instrument payments (issue 14): `{"mode": "CREDIT_NOTE", "number": "…",
 * "amount": "…"}`, any instrument mode likewise. The scenario reader knows no `number`: it is taken
 * out here, and the payment's position and number go to the journal, which redeems it.
 */
import type { InstrumentPayment } from '../../store/journal/instruments.ts';

export function splitInstrumentPayments(data: unknown): {
  scenario: unknown;
  instruments: InstrumentPayment[];
} {
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    return { scenario: data, instruments: [] };
  const payments = (data as { payments?: unknown }).payments;
  if (!Array.isArray(payments)) return { scenario: data, instruments: [] };
  const instruments: InstrumentPayment[] = [];
  const stripped = payments.map((p: unknown, payment) => {
    if (p === null || typeof p !== 'object' || !('number' in p)) return p;
    const { number, ...rest } = p as { number: unknown };
    // A number that is not text is left in place: the scenario reader refuses it with its path.
    if (typeof number !== 'string') return p;
    instruments.push({ payment, number });
    return rest;
  });
  return { scenario: { ...data, payments: stripped }, instruments };
}
