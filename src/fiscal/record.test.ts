import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CHAIN_OF_TYPE, CHAINS, instantOf, JET_CODES, JET_LABELS, RECORD_TYPES, stampOf } from './record.ts';

test('a stamp is the UTC second plus the local offset, and gives back the instant', () => {
  const now = new Date('2026-07-14T21:05:09.750Z');
  assert.deepEqual(stampOf(now, 120), { utc: '20260714210509', offset: '+0200' });
  assert.deepEqual(stampOf(now, -570), { utc: '20260714210509', offset: '-0930' });
  assert.equal(instantOf(stampOf(now, 60)).toISOString(), '2026-07-14T21:05:09.000Z');
  assert.throws(() => stampOf(new Date('nope'), 60), /Date invalide/);
  assert.throws(() => stampOf(now, 15 * 60), /Décalage horaire invalide/);
  assert.throws(() => instantOf({ utc: '2026', offset: '+0000' }), /Horodatage invalide/);
});

test('every record type is written in exactly one of the documented chains', () => {
  for (const type of RECORD_TYPES) assert.ok(CHAINS.includes(CHAIN_OF_TYPE[type]));
  assert.equal(CHAIN_OF_TYPE.CANCELLATION, 'TICKET');
  assert.equal(CHAIN_OF_TYPE.TRAINING, 'TRAINING');
  assert.deepEqual(new Set(Object.values(CHAIN_OF_TYPE)), new Set(CHAINS));
});

test('JET codes: the published NF525 codes, our own above 1000, each with a French label, no duplicate', () => {
  const codes = Object.values(JET_CODES);
  assert.equal(new Set(codes).size, codes.length);
  for (const code of [10, 15, 20, 30, 40, 50, 70, 90, 120, 126, 127, 260])
    assert.ok(codes.includes(code as never));
  for (const [name, code] of Object.entries(JET_CODES)) {
    if (code > 260) assert.ok(code >= 1000, name);
    assert.ok((JET_LABELS[name as keyof typeof JET_CODES] ?? '').length > 0, name);
  }
});
