import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { DIALECTS, type TestDatabase } from '../test-dialects.ts';
import { JournalError } from './errors.ts';
import { type DocumentRef, issuedOriginal, issueOriginals, OriginalIssuedError } from './originals.ts';

const at = new Date('2026-11-23T14:25:01Z');
const ticket: DocumentRef = { register: 1, chain: 'TICKET', sequence: 42, document: 'ticket' };
const gift: DocumentRef = { ...ticket, document: 'gift' };
const secondDeposit: DocumentRef = { ...ticket, document: 'deposit', index: 2 };

async function count(t: TestDatabase): Promise<number> {
  const row = await t.db
    .selectFrom('issued_originals')
    .select(sql<number>`count(*)`.as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: each original of a sale's document is issued once`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.open();
    });
    after(() => t.close());

    test('issued once; the second is refused with what was issued and when', async () => {
      assert.equal(await issuedOriginal(t.db, ticket), undefined);
      await issueOriginals(t.db, [ticket], { at, channel: 'print', operator: 'CAISSE1' });
      assert.deepEqual(await issuedOriginal(t.db, ticket), {
        issuedAt: '2026-11-23T14:25:01.000Z',
        channel: 'print',
        operator: 'CAISSE1',
      });
      await assert.rejects(
        issueOriginals(t.db, [ticket], { at, channel: 'email', operator: '' }),
        (error: unknown) => {
          assert.ok(error instanceof OriginalIssuedError);
          assert.equal(error.code, 'ALREADY_ISSUED');
          assert.equal(
            error.message,
            'L’original du ticket 1-000042 a déjà été remis (le 23/11/2026 à 14:25:01 UTC, sur papier, par CAISSE1) : toute nouvelle copie est un duplicata, journalisé avec son motif et l’utilisateur qui le demande.',
          );
          return true;
        },
      );
      assert.equal(await count(t), 1);
    });

    test('all or none: one document already issued refuses the others too', async () => {
      await assert.rejects(
        issueOriginals(t.db, [gift, secondDeposit, ticket], { at, channel: 'email', operator: '' }),
        /L’original du ticket 1-000042 a déjà été remis/,
      );
      assert.equal(await issuedOriginal(t.db, gift), undefined, 'the gift ticket is not issued');
      assert.equal(await count(t), 1);
      await issueOriginals(t.db, [gift, secondDeposit], { at, channel: 'email', operator: '' });
      assert.equal((await issuedOriginal(t.db, secondDeposit))?.channel, 'email');
      assert.equal(await issuedOriginal(t.db, { ...secondDeposit, index: 1 }), undefined, 'another voucher');
      await assert.rejects(
        issueOriginals(t.db, [secondDeposit], { at, channel: 'print', operator: '' }),
        /L’original du bon d’acompte n° 2 du ticket 1-000042 a déjà été remis \(.*par e-mail\)/,
      );
    });

    test('two processes racing for the same original: exactly one wins', async () => {
      const contested: DocumentRef = { ...ticket, sequence: 43 };
      const outcomes = await Promise.allSettled(
        ['print', 'email', 'text', 'pdf'].map((channel) =>
          issueOriginals(t.db, [contested], {
            at,
            channel: channel as 'print' | 'email' | 'text' | 'pdf',
            operator: '',
          }),
        ),
      );
      assert.equal(outcomes.filter((o) => o.status === 'fulfilled').length, 1);
      for (const o of outcomes) {
        if (o.status === 'rejected') assert.ok(o.reason instanceof OriginalIssuedError, String(o.reason));
      }
    });

    test('bad input is refused in French and writes nothing', async () => {
      const before = await count(t);
      await assert.rejects(
        issueOriginals(t.db, [{ ...ticket, sequence: 50, document: 'bogus' as 'gift' }], {
          at,
          channel: 'print',
          operator: '',
        }),
        (error: unknown) => error instanceof JournalError && /Document inconnu : bogus/.test(error.message),
      );
      await assert.rejects(
        issueOriginals(t.db, [{ ...ticket, sequence: 50, index: 0 }], { at, channel: 'print', operator: '' }),
        /Rang du document invalide : 0/,
      );
      await assert.rejects(
        issueOriginals(t.db, [{ ...ticket, sequence: 50 }], {
          at,
          channel: 'fax' as 'print',
          operator: '',
        }),
        /Canal de remise inconnu : fax/,
      );
      assert.equal(await count(t), before);
    });

    test('the table is append-only: UPDATE and DELETE fail (triggers), nothing changes', async () => {
      await assert.rejects(
        sql`update issued_originals set channel = 'email' where sequence = 42`.execute(t.db),
        /inaltérable/,
      );
      await assert.rejects(sql`delete from issued_originals`.execute(t.db), /inaltérable/);
      assert.equal((await issuedOriginal(t.db, ticket))?.channel, 'print');
    });
  });
}
