import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CaisseApError,
  decodeMessage,
  encodeMessage,
  MessageReader,
  type PaymentRequest,
  paymentRequestFields,
  readPaymentAnswer,
} from './caisse-ap.ts';

const REQUEST: PaymentRequest = {
  identifier: '000000000042',
  register: 1,
  amount: 1250,
  direction: '0',
  currency: '978',
};

const answer = (extra: readonly (readonly [string, string])[], echo: Record<string, string> = {}) =>
  new Map<string, string>([
    ['CZ', '0300'],
    ['CJ', echo.CJ ?? '000000000042'],
    ['CA', echo.CA ?? '01'],
    ['CD', echo.CD ?? '0'],
    ['CE', echo.CE ?? '978'],
    ...extra,
  ]);

describe('Caisse-AP codec', () => {
  test('a payment request is CZ first, then tag, 3-digit length, value', () => {
    assert.equal(
      encodeMessage(paymentRequestFields(REQUEST)),
      'CZ0040300CJ012000000000042CA00201CB0041250CD0010CE003978BA0010',
    );
    assert.equal(
      encodeMessage(paymentRequestFields({ ...REQUEST, amount: 5, direction: '1', register: 12 })),
      'CZ0040300CJ012000000000042CA00212CB00205CD0011CE003978BA0010',
    );
  });

  test('bad requests are refused in French', () => {
    assert.throws(
      () => paymentRequestFields({ ...REQUEST, amount: 0 }),
      /Montant invalide pour le terminal : 0/,
    );
    assert.throws(() => paymentRequestFields({ ...REQUEST, amount: 12.5 }), CaisseApError);
    assert.throws(() => paymentRequestFields({ ...REQUEST, register: 100 }), /1 à 99/);
    assert.throws(() => encodeMessage([['CJ', '1']]), /CZ \(version\) doit venir en premier/);
    assert.throws(
      () =>
        encodeMessage([
          ['CZ', '0300'],
          ['CZ', '0300'],
        ]),
      /en double/,
    );
    assert.throws(() => encodeMessage([['CZ', '']]), /1 à 999/);
    assert.throws(() => encodeMessage([['CZ', 'x'.repeat(1000)]]), /1 à 999/);
  });

  test('an answer split anywhere reads the same as whole', () => {
    const text = encodeMessage([
      ...answer([
        ['AE', '10'],
        ['CB', '1250'],
        ['AC', '123456'],
        ['AA', '####4242'],
      ]),
    ]);
    const whole = decodeMessage(text);
    for (let cut = 1; cut < text.length; cut += 1) {
      const reader = new MessageReader();
      assert.ok(reader.push(text.slice(0, cut)));
      assert.ok(reader.push(text.slice(cut)));
      assert.ok(reader.atBoundary);
      assert.deepEqual([...reader.message], [...whole]);
    }
    const partial = new MessageReader();
    partial.push(text.slice(0, 12));
    assert.equal(partial.atBoundary, false);
  });

  test('a malformed stream is reported, not guessed', () => {
    assert.throws(() => decodeMessage('CJ0011'), /commence par CJ au lieu de CZ/);
    assert.throws(() => decodeMessage('CZ00x0300'), /champ illisible/);
    assert.throws(() => decodeMessage('CZ0040300AE0021'), /tronqué/);
    assert.throws(() => decodeMessage('CZ0040300CZ0040300'), /en double/);
    assert.deepEqual(
      [...decodeMessage('CZ0040300AE00210\r\n')],
      [
        ['CZ', '0300'],
        ['AE', '10'],
      ],
    );
  });

  test('the answer: done with the answered amount, not done with its reason, echoes checked', () => {
    assert.deepEqual(
      readPaymentAnswer(
        REQUEST,
        answer([
          ['AE', '10'],
          ['CB', '0625'],
          ['CC', '00B'],
          ['AC', '654321'],
          ['AA', '####1234'],
        ]),
      ),
      {
        status: 'done',
        amountPaid: 625,
        application: '00B',
        authorisation: '654321',
        maskedPan: '####1234',
      },
    );
    assert.deepEqual(
      readPaymentAnswer(
        REQUEST,
        answer([
          ['AE', '01'],
          ['AF', '04'],
        ]),
      ),
      {
        status: 'not-done',
        reason: '04',
        reasonLabel: 'Refusée',
      },
    );
    // A cancellation on the terminal may come without CB.
    assert.equal(
      readPaymentAnswer(
        REQUEST,
        answer([
          ['AE', '01'],
          ['AF', '11'],
        ]),
      ).status,
      'not-done',
    );
    assert.throws(
      () =>
        readPaymentAnswer(
          REQUEST,
          answer(
            [
              ['AE', '10'],
              ['CB', '1250'],
            ],
            { CJ: '000000000043' },
          ),
        ),
      /CJ=000000000043 au lieu de 000000000042/,
    );
    assert.throws(
      () =>
        readPaymentAnswer(
          REQUEST,
          answer(
            [
              ['AE', '10'],
              ['CB', '1250'],
            ],
            { CD: '1' },
          ),
        ),
      /CD=1/,
    );
    assert.throws(
      () =>
        readPaymentAnswer(
          REQUEST,
          answer([
            ['AE', '10'],
            ['CB', '1251'],
          ]),
        ),
      /hors de 1 à 1250/,
    );
    assert.throws(() => readPaymentAnswer(REQUEST, answer([['AE', '10']])), /sans montant/);
    assert.throws(() => readPaymentAnswer(REQUEST, answer([['AE', '11']])), /AE=11 inconnu/);
  });
});
