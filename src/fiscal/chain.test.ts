import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { appendRecord, ChainError, keyRotationDraft } from './chain.ts';
import { type RecordDraft, stampOf } from './record.ts';
import { buildSignedText } from './signed-text.ts';
import { createSigner, generateSigningKeyPair, verifyText } from './signing.ts';
import { COFFEE, JournalBuilder, SOFTWARE_VERSION, salePayload } from './testing.ts';
import { verifyJournal } from './verify.ts';

const keys = generateSigningKeyPair();
const signer = createSigner(keys);
const at = stampOf(new Date('2026-11-23T10:00:00Z'), 60);
const draft: RecordDraft = {
  register: 'C1',
  type: 'TICKET',
  softwareVersion: SOFTWARE_VERSION,
  payload: salePayload([COFFEE]),
};

describe('appendRecord', () => {
  test('the first record has sequence 1 and no previous signature; the next links to it', () => {
    const first = appendRecord(undefined, draft, signer, at);
    assert.equal(first.record.sequence, 1);
    assert.equal(first.record.previousSignature, '');
    assert.equal(first.record.chain, 'TICKET');
    assert.equal(first.record.keyId, keys.keyId);
    assert.equal(first.record.signedText, buildSignedText(first.record));
    assert.equal(verifyText(keys.publicKey, first.record.signedText, first.record.signature), true);
    assert.deepEqual(first.head, {
      register: 'C1',
      chain: 'TICKET',
      sequence: 1,
      signature: first.record.signature,
    });

    const second = appendRecord(first.head, { ...draft, type: 'CANCELLATION' }, signer, at);
    assert.equal(second.record.sequence, 2);
    assert.equal(second.record.chain, 'TICKET');
    assert.equal(second.record.previousSignature, first.record.signature);
    assert.match(second.record.signedText, /\|N\|[A-Za-z0-9_-]{86}$/);
  });

  test("another register's or chain's head is refused and nothing is signed", () => {
    const { head } = appendRecord(undefined, draft, signer, at);
    let signed = 0;
    const counting = {
      keyId: keys.keyId,
      sign: (t: string) => {
        signed++;
        return signer.sign(t);
      },
    };
    assert.throws(() => appendRecord(head, { ...draft, register: 'C2' }, counting, at), ChainError);
    assert.throws(
      () =>
        appendRecord(
          head,
          {
            register: 'C1',
            type: 'JET',
            softwareVersion: '1',
            payload: { code: 1010, description: 'x', operator: 'y', data: '' },
          },
          counting,
          at,
        ),
      /n'est pas celle de la caisse C1, chaîne JET/,
    );
    assert.throws(
      () => appendRecord({ ...head, sequence: 0 }, draft, counting, at),
      /Tête de chaîne invalide/,
    );
    assert.throws(
      () => appendRecord(undefined, { ...draft, register: '' }, counting, at),
      /Numéro de caisse manquant/,
    );
    assert.throws(
      () =>
        appendRecord(
          undefined,
          { ...draft, payload: { ...draft.payload, totalTtc: 1.5 } } as RecordDraft,
          counting,
          at,
        ),
      /Entier invalide/,
    );
    assert.equal(signed, 0);
  });
});

describe('key rotation', () => {
  test('the rotation is a JET record signed by the old key; both keys verify the journal', () => {
    const next = generateSigningKeyPair();
    const b = new JournalBuilder('C1', keys);
    b.sale([COFFEE]);
    const rotation = b.rotate(next);
    b.sale([COFFEE]);
    assert.equal(rotation.type, 'JET');
    assert.equal(rotation.keyId, keys.keyId);
    assert.ok(
      rotation.type === 'JET' && rotation.payload.code === 1080 && rotation.payload.data === next.keyId,
    );
    assert.equal(b.records.at(-1)?.keyId, next.keyId);
    const all = new Map([
      [keys.keyId, keys.publicKey],
      [next.keyId, next.publicKey],
    ]);
    assert.deepEqual(verifyJournal(b.records, all, b.headList()).problems, []);
  });

  test('a record signed by a key that no rotation announced, or by the retired key, is reported', () => {
    const next = generateSigningKeyPair();
    const rogue = generateSigningKeyPair();
    const b = new JournalBuilder('C1', keys);
    b.rotate(next);
    const tail = b.heads.get('TICKET');
    // After the rotation, the old key signs a ticket, then an unannounced key signs another.
    const late = appendRecord(tail, draft, createSigner(keys), stampOf(new Date('2026-11-02T09:00:00Z'), 60));
    const rogueRec = appendRecord(
      late.head,
      draft,
      createSigner(rogue),
      stampOf(new Date('2026-11-02T09:01:00Z'), 60),
    );
    const keysById = new Map([
      [keys.keyId, keys.publicKey],
      [next.keyId, next.publicKey],
      [rogue.keyId, rogue.publicKey],
    ]);
    const report = verifyJournal([...b.records, late.record, rogueRec.record], keysById);
    assert.deepEqual(
      report.problems.map((p) => [p.chain, p.sequence, p.code]),
      [
        ['TICKET', 1, 'KEY_NOT_TRUSTED'],
        ['TICKET', 2, 'KEY_NOT_TRUSTED'],
      ],
    );
  });

  test('an invalid new key id is refused', () => {
    assert.throws(() => keyRotationDraft('C1', 'XYZ', 'gerant', '1'), /Identifiant de clé invalide/);
  });
});
