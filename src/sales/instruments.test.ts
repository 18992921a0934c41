import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  balanceOf,
  dammDigit,
  expiryOf,
  formatInstrumentNumber,
  INSTRUMENT_KINDS,
  instrumentNumber,
  readInstrumentNumber,
  redemptionRefusal,
} from './instruments.ts';

const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 14, maxLength: 14 });
const kind = fc.constantFrom(...INSTRUMENT_KINDS);

describe('instrument numbers', () => {
  test('a number reads back with its kind, grouped or not', () => {
    fc.assert(
      fc.property(kind, digits, (k, d) => {
        const n = instrumentNumber(k, d);
        assert.equal(n.length, 16);
        assert.deepEqual(readInstrumentNumber(formatInstrumentNumber(n)), { ok: true, number: n, kind: k });
      }),
    );
  });

  test('every single-digit typo and every adjacent transposition is caught before any lookup', () => {
    fc.assert(
      fc.property(kind, digits, fc.nat({ max: 15 }), fc.integer({ min: 1, max: 9 }), (k, d, at, shift) => {
        const n = instrumentNumber(k, d);
        const typo = `${n.slice(0, at)}${(Number(n[at]) + shift) % 10}${n.slice(at + 1)}`;
        assert.equal(readInstrumentNumber(typo).ok, false);
        if (at < 15 && n[at] !== n[at + 1]) {
          const swapped = `${n.slice(0, at)}${n[at + 1]}${n[at]}${n.slice(at + 2)}`;
          assert.equal(readInstrumentNumber(swapped).ok, false);
        }
      }),
    );
  });

  test('Damm reference value and the French refusals', () => {
    assert.equal(dammDigit('572'), 4); // Damm's published example
    assert.match(JSON.stringify(readInstrumentNumber('12')), /16 chiffres attendus/);
    const n = instrumentNumber('voucher', '12345678901234');
    const bad = `${n.slice(0, 15)}${(Number(n[15]) + 1) % 10}`;
    assert.match(JSON.stringify(readInstrumentNumber(bad)), /clé de contrôle fausse/);
  });
});

describe('balances and redemptions', () => {
  test('the balance is issued minus redeemed over random histories', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -50_000, max: 50_000 })), (moves) => {
        const issued = moves.filter((m) => m > 0).reduce((s, m) => s + m, 0);
        const redeemed = moves.filter((m) => m < 0).reduce((s, m) => s - m, 0);
        assert.equal(balanceOf(moves.map((amount) => ({ amount }))), issued - redeemed);
      }),
    );
  });

  test('expired, spent, too large, negative or the wrong mode: refused in French', () => {
    const issued = new Date('2026-01-01T10:00:00Z');
    const expiresAt = expiryOf(issued, 30);
    assert.equal(expiresAt?.toISOString(), '2026-01-31T10:00:00.000Z');
    assert.equal(expiryOf(issued, null), null);
    const card = {
      number: instrumentNumber('credit-note', '00000000000001'),
      kind: 'credit-note' as const,
      currency: 'EUR',
      expiresAt,
      balance: 1500,
    };
    const at = new Date('2026-01-15T00:00:00Z');
    assert.equal(redemptionRefusal(card, 'CREDIT_NOTE', 1500, at), null);
    assert.equal(
      redemptionRefusal(card, 'CREDIT_NOTE', 1501, at)?.message,
      `Le bon ${formatInstrumentNumber(card.number)} n’a plus que 15,00 € de solde.`,
    );
    assert.equal(redemptionRefusal(card, 'CREDIT_NOTE', -1, at)?.code, 'INVALID_AMOUNT');
    assert.equal(redemptionRefusal(card, 'GIFT_CARD', 100, at)?.code, 'WRONG_MODE');
    assert.match(
      redemptionRefusal(card, 'CREDIT_NOTE', 100, new Date('2026-02-01T00:00:00Z'))?.message ?? '',
      /a expiré le 2026-01-31/,
    );
    assert.equal(redemptionRefusal({ ...card, balance: 0 }, 'CREDIT_NOTE', 100, at)?.code, 'SPENT');
  });
});
