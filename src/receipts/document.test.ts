import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { dateTimeText, shortCodeOf } from './document.ts';
import { parseReceiptDocument } from './document-schema.ts';
import { EXAMPLES, exampleSale } from './examples.ts';
import { decodeQrPayload, encodeQrPayload, type QrPayload, qrPayloadOf } from './qr-payload.ts';

describe('document model', () => {
  test('dates are formatted in the store time zone, winter and summer', () => {
    assert.deepEqual(dateTimeText(new Date('2026-11-23T13:40:58Z'), 'Europe/Paris'), {
      date: '23/11/2026',
      time: '14:40:58',
      stamp: '20261123144058',
    });
    assert.equal(dateTimeText(new Date('2026-07-01T22:30:00Z'), 'Europe/Paris').stamp, '20260702003000');
    assert.equal(dateTimeText(new Date('2026-07-01T22:30:00Z'), 'Indian/Reunion').time, '02:30:00');
  });

  test('the short code is characters 3, 7, 13 and 19 of the signature', () => {
    assert.equal(shortCodeOf('0123456789abcdefghijkl'), '26ci');
    assert.equal(shortCodeOf('abc'), 'c');
  });
});

describe('document schema', () => {
  test('every example document is valid', () => {
    for (const [name, doc] of Object.entries(EXAMPLES)) {
      const parsed = parseReceiptDocument(JSON.parse(JSON.stringify(doc)));
      assert.ok(parsed.ok, `${name}: ${parsed.ok ? '' : parsed.errors.join('; ')}`);
      assert.deepEqual(parsed.document, doc);
    }
  });

  test('bad documents get French errors naming the field', () => {
    const bad = parseReceiptDocument({
      ...exampleSale,
      store: { ...exampleSale.store, siret: '123' },
      lines: [{ ...exampleSale.lines[0], amount: 12.5 }],
      typo: true,
    });
    assert.equal(bad.ok, false);
    const errors = bad.ok ? [] : bad.errors;
    assert.ok(
      errors.includes('store.siret : SIRET attendu : 14 chiffres, ou « - » pour un magasin sans SIRET'),
      errors.join('\n'),
    );
    assert.ok(errors.some((e) => e.startsWith('lines.0.amount : Entrée invalide : entier attendu')));
    assert.ok(errors.some((e) => e.includes('Clé non reconnue : "typo"')));
    const kind = parseReceiptDocument({ kind: 'receipt' });
    assert.equal(kind.ok, false);
    assert.deepEqual(kind.ok ? [] : kind.errors, ['kind : Entrée invalide']);
  });

  test('a store without SIRET prints « - » and its document is valid (no false alarm)', () => {
    const parsed = parseReceiptDocument({ ...exampleSale, store: { ...exampleSale.store, siret: '-' } });
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.errors.join('; '));
    assert.equal(
      parseReceiptDocument({ ...exampleSale, store: { ...exampleSale.store, siret: '' } }).ok,
      false,
    );
  });
});

describe('QR payload', () => {
  test('encodes the ticket identity and signature, and reads it back', () => {
    const payload = qrPayloadOf(exampleSale);
    assert.ok(payload !== undefined);
    const text = encodeQrPayload(payload);
    assert.ok(text.startsWith('CPT1;T;C1;825;1082000000825;20261123144058;15790;EUR;'));
    assert.deepEqual(decodeQrPayload(text), payload);
  });

  test('a duplicate carries its own stamp, sequence and signature', () => {
    const payload = qrPayloadOf(EXAMPLES.duplicate);
    assert.equal(payload?.type, 'D');
    assert.equal(payload?.sequence, 12);
    assert.equal(payload?.stamp, '20261124100211');
  });

  test('separators inside fields survive; bad payloads are explained in French', () => {
    const odd: QrPayload = { ...(qrPayloadOf(exampleSale) as QrPayload), register: 'C;1%', number: 'A;B' };
    assert.deepEqual(decodeQrPayload(encodeQrPayload(odd)), odd);
    assert.deepEqual(decodeQrPayload('CPT2;T'), { error: 'Format de QR code inconnu : « CPT2 »' });
    assert.deepEqual(decodeQrPayload('CPT1;T;C1'), { error: 'QR code incomplet : 3 champs au lieu de 11' });
    assert.deepEqual(decodeQrPayload('CPT1;Q;C1;1;N;20261123144058;1;EUR;abcd;k;sig'), {
      error: 'Type de document inconnu : « Q »',
    });
    assert.deepEqual(decodeQrPayload('CPT1;T;C1;1;N;2026;1;EUR;abcd;k;sig'), {
      error: 'Date invalide dans le QR code',
    });
  });
});
