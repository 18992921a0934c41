import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CanonicalJsonError, canonicalJson, canonicalSha256 } from './canonical-json.ts';
import type { RecordFields, SaleDetail } from './record.ts';
import { buildSignedText, SignedTextError } from './signed-text.ts';
import { salePayload, WINE } from './testing.ts';

describe('canonical JSON (docs/fiscal-format.md § 2.1)', () => {
  test('keys sorted by code unit, no whitespace, absent members left out, strings as JSON.stringify', () => {
    assert.equal(
      canonicalJson({ b: 1, a: [true, false, 'é\n"\\'], Z: { y: -3, x: 0 }, u: undefined }),
      '{"Z":{"x":0,"y":-3},"a":[true,false,"é\\n\\"\\\\"],"b":1}',
    );
    assert.equal(canonicalJson({ a: -0 }), '{"a":0}');
    assert.equal(canonicalJson('\u0001'), '"\\u0001"');
  });

  test('refuses null, fractions, unsafe integers and lone surrogates', () => {
    for (const bad of [null, 1.5, 2 ** 53, Number.NaN, '\uD800', { a: null }, [undefined]]) {
      assert.throws(() => canonicalJson(bad), CanonicalJsonError, `refusé : ${String(bad)}`);
    }
  });

  test('the hash is SHA-256 of the UTF-8 text, lower-case hex', () => {
    // echo -n '{"a":"é"}' | sha256sum
    assert.equal(
      canonicalSha256({ a: 'é' }),
      'b3a092a6af48807fa9482b2ee140105575daa26d5b24b3c0e60a7e2dee6683b1',
    );
    assert.match(canonicalSha256({ a: 'é' }), /^[0-9a-f]{64}$/);
  });
});

describe('signed text of a sale with a detail', () => {
  const detail: SaleDetail = {
    version: 1,
    training: false,
    priceMode: 'TTC',
    taxExempt: false,
    cashier: { code: 'CAISSE1', name: 'Caissier' },
    customer: { code: 'DIVERS', name: 'Client comptoir' },
    lines: [],
    totalVat: 430,
    payments: [],
    roundingAdjustment: 0,
    change: 0,
    creditNote: 0,
    articleCount: 2000,
    lineCount: 1,
  };
  const fields = (d: SaleDetail): RecordFields => ({
    format: 'CPT1',
    register: '1',
    chain: 'TICKET',
    sequence: 1,
    type: 'TICKET',
    timestamp: { utc: '20261123142501', offset: '+0100' },
    softwareVersion: '0.1.0',
    keyId: '0123456789abcdef',
    payload: { ...salePayload([WINE]), detail: d },
    previousSignature: '',
  });

  test('golden: the SHA-256 of the canonical detail is the last payload field', () => {
    assert.equal(
      buildSignedText(fields(detail)),
      'CPT1|ES256|1|TICKET|1|TICKET|20261123142501+0100|0.1.0|0123456789abcdef|EUR|caissier-1|DIVERS|Y||' +
        '2000,2150,430,2580|2150|2580|Vin rouge\\, 75 cl \\| AOC,2000,1290,2150,2580,2000|ESP,2580|' +
        `${canonicalSha256(detail)}|Y|`,
    );
  });

  test('any change of the detail changes the signed text; an unwritable detail is refused', () => {
    const base = buildSignedText(fields(detail));
    assert.notEqual(buildSignedText(fields({ ...detail, change: 1 })), base);
    assert.notEqual(buildSignedText(fields({ ...detail, cashier: { code: 'X', name: 'Caissier' } })), base);
    assert.throws(() => buildSignedText(fields({ ...detail, change: 0.5 })), SignedTextError);
  });
});
