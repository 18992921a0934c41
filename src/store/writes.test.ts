import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { addPromotion, createArticle, saveArticle } from './catalogue.ts';
import { isValidEan13, isValidSiret, searchForm } from './codes.ts';
import { createCustomer } from './customers.ts';
import { StoreError } from './errors.ts';
import { initStore } from './init.ts';
import { createStore, createUser } from './setup.ts';
import { clearCatalogue, countRows, DIALECTS, type TestDatabase } from './test-dialects.ts';
import type { ArticleInput } from './validation.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const PINS = { admin: '1234', cashier: '5678', seller: '9012' };
const isCode = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;

const article = (over: Partial<ArticleInput> = {}): ArticleInput => ({
  ref: 'ALB0001',
  designation: 'Album photo',
  ean: '3017620422003',
  vatRate: 2000,
  price: 1290,
  ...over,
});

test('check digits against known codes', () => {
  assert.ok(isValidEan13('3017620422003'));
  assert.ok(!isValidEan13('3017620422004'));
  assert.ok(!isValidEan13('301762042200'));
  assert.ok(isValidSiret('73282932000074'));
  assert.ok(!isValidSiret('73282932000075'));
  assert.ok(!isValidSiret('7328293200007'));
  assert.equal(searchForm('  Crème   brûlée Œuf '), 'CREME BRULEE OEUF');
});

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: reference data writes`, () => {
    let t: TestDatabase;
    // One initialised store for the whole suite; each test starts from an empty catalogue.
    before(async () => {
      t = await dialect.open();
      await initStore(t.db, { now: NOW, pins: PINS });
    });
    after(async () => {
      await t.close();
    });
    beforeEach(async () => {
      await clearCatalogue(t.db);
      await t.db.deleteFrom('stores').where('code', '!=', 'MAG1').execute();
    });

    /** Every table an article write touches, to prove a refusal wrote nothing. */
    async function snapshot(): Promise<number[]> {
      return Promise.all(
        (
          ['articles', 'article_barcodes', 'supplier_refs', 'article_prices', 'article_components'] as const
        ).map((x) => countRows(t.db, x)),
      );
    }

    test('an article is written with its barcodes, supplier references and prices', async () => {
      await createArticle(
        t.db,
        article({
          otherBarcodes: ['X-1'],
          supplierRefs: [{ supplierCode: 'f0000001', supplierRef: 'sun1' }],
        }),
        NOW,
      );
      assert.deepEqual(await snapshot(), [1, 2, 1, 1, 0]);
      const sup = await t.db.selectFrom('supplier_refs').selectAll().executeTakeFirstOrThrow();
      assert.equal(`${sup.supplier_code}-${sup.supplier_ref}`, 'F0000001-SUN1');
    });

    const refusals: [string, string, Partial<ArticleInput>][] = [
      ['DUPLICATE_EAN', 'an EAN already used by another article', { ref: 'ALB0002' }],
      ['DUPLICATE_REF', 'a reference already taken', { ean: '4006381333931' }],
      [
        'UNKNOWN_VAT_RATE',
        'a VAT rate France does not have',
        { ref: 'X1', ean: '4006381333931', vatRate: 1960 },
      ],
      ['NEGATIVE_PRICE', 'a negative price', { ref: 'X1', ean: '4006381333931', price: -1 }],
      ['INVALID_EAN', 'an EAN whose check digit is wrong', { ref: 'X1', ean: '4006381333932' }],
      [
        'UNKNOWN_FAMILY',
        'a family that does not exist',
        { ref: 'X1', ean: '4006381333931', family1: 'NOPE' },
      ],
      [
        'UNKNOWN_TARIFF',
        'a price in an unknown tariff',
        { ref: 'X1', ean: '4006381333931', prices: { VIP: 100 } },
      ],
      [
        'UNKNOWN_ARTICLE',
        'a component that does not exist',
        { ref: 'X1', ean: '4006381333931', composed: true, components: [{ ref: 'NOPE', quantity: 1000 }] },
      ],
      ['INVALID_INPUT', 'an empty designation', { ref: 'X1', ean: '4006381333931', designation: '  ' }],
    ];
    for (const [code, what, over] of refusals) {
      test(`${code}: ${what} is refused and writes nothing`, async () => {
        await createArticle(t.db, article(), NOW);
        const before = await snapshot();
        await assert.rejects(createArticle(t.db, article(over), NOW), (e: unknown) => {
          assert.ok(e instanceof StoreError);
          assert.equal(e.code, code);
          assert.match(e.message, /[a-zé]/);
          return true;
        });
        assert.deepEqual(await snapshot(), before);
      });
    }

    test('saving again replaces barcodes and prices of the same reference', async () => {
      await createArticle(t.db, article({ otherBarcodes: ['OLD'] }), NOW);
      await saveArticle(t.db, article({ ean: '4006381333931', price: 1500 }), NOW);
      const codes = await t.db.selectFrom('article_barcodes').select('barcode').execute();
      assert.deepEqual(
        codes.map((c) => c.barcode),
        ['4006381333931'],
      );
      const price = await t.db.selectFrom('article_prices').select('price').executeTakeFirstOrThrow();
      assert.equal(price.price, 1500);
    });

    test('a change of price, VAT rate or eco-participation is kept in the append-only history', async () => {
      const ref = 'HIST01';
      const mine = () =>
        t.db
          .selectFrom('price_history')
          .select(['field', 'tariff_code', 'old_value', 'new_value', 'changed_at'])
          .where('article_ref', '=', ref)
          .orderBy('id')
          .execute();
      await createArticle(t.db, article({ ref, ean: '4006381333931' }), NOW);
      assert.deepEqual(await mine(), [], 'a creation is not a change');
      await saveArticle(t.db, article({ ref, ean: '4006381333931' }), NOW);
      assert.deepEqual(await mine(), [], 'saving the same values changes nothing');
      const later = new Date('2026-11-24T09:00:00Z');
      await saveArticle(
        t.db,
        article({ ref, ean: '4006381333931', price: 1390, vatRate: 550, ecoParticipation: 12 }),
        later,
      );
      assert.deepEqual(await mine(), [
        {
          field: 'vat_rate',
          tariff_code: null,
          old_value: 2000,
          new_value: 550,
          changed_at: later.toISOString(),
        },
        {
          field: 'eco_participation',
          tariff_code: null,
          old_value: 0,
          new_value: 12,
          changed_at: later.toISOString(),
        },
        {
          field: 'price',
          tariff_code: 'BASE',
          old_value: 1290,
          new_value: 1390,
          changed_at: later.toISOString(),
        },
      ]);
      // A refused write leaves no history either.
      await assert.rejects(
        saveArticle(t.db, article({ ref, ean: '4006381333931', price: 1, family1: 'NOPE' }), later),
        isCode('UNKNOWN_FAMILY'),
      );
      assert.equal((await mine()).length, 3);
      // The history is append-only, whatever the application does.
      await assert.rejects(
        t.db.updateTable('price_history').set({ new_value: 1 }).where('article_ref', '=', ref).execute(),
        /inaltérable/,
      );
      await assert.rejects(
        t.db.deleteFrom('price_history').where('article_ref', '=', ref).execute(),
        /inaltérable/,
      );
      assert.equal((await mine()).length, 3);
    });

    test('a promotion must end after it starts', async () => {
      await createArticle(t.db, article(), NOW);
      await assert.rejects(
        addPromotion(t.db, {
          ref: 'ALB0001',
          price: 900,
          startsAt: '2026-12-01T00:00:00Z',
          endsAt: '2026-11-01T00:00:00Z',
        }),
        isCode('INVALID_DATE_RANGE'),
      );
      assert.equal(await countRows(t.db, 'promotions'), 0);
    });

    test('customers: malformed e-mail, duplicate card and contradictory consents are refused', async () => {
      await createCustomer(t.db, { code: 'c1', name: 'Dupond', cardNumber: '2900000000017' }, NOW);
      const before = await countRows(t.db, 'customers');
      await assert.rejects(
        createCustomer(t.db, { code: 'C2', name: 'Durand', email: 'durand@@example' }, NOW),
        isCode('INVALID_EMAIL'),
      );
      await assert.rejects(
        createCustomer(t.db, { code: 'C2', name: 'Durand', cardNumber: '2900000000017' }, NOW),
        isCode('DUPLICATE_CARD'),
      );
      await assert.rejects(
        createCustomer(t.db, { code: 'C1', name: 'Autre' }, NOW),
        isCode('DUPLICATE_CODE'),
      );
      await assert.rejects(
        createCustomer(
          t.db,
          { code: 'C3', name: 'X', email: 'x@example.fr', consentEmailReceipts: true, dematRefused: true },
          NOW,
        ),
        isCode('INVALID_INPUT'),
      );
      assert.equal(await countRows(t.db, 'customers'), before);
    });

    test('stores: a malformed SIRET is refused, a valid one accepted', async () => {
      await assert.rejects(
        createStore(t.db, { code: 'MAG2', name: 'Annexe', siret: '73282932000075' }, NOW),
        isCode('INVALID_SIRET'),
      );
      await assert.rejects(
        createStore(t.db, { code: 'MAG2', name: 'Annexe', email: 'pas-une-adresse' }, NOW),
        isCode('INVALID_EMAIL'),
      );
      assert.equal(await countRows(t.db, 'stores'), 1);
      await createStore(t.db, { code: 'MAG2', name: 'Annexe', siret: '732 829 320 00074' }, NOW);
      const row = await t.db
        .selectFrom('stores')
        .select('siret')
        .where('code', '=', 'MAG2')
        .executeTakeFirstOrThrow();
      assert.equal(row.siret, '73282932000074');
    });

    test('users: a seller code is unique', async () => {
      await assert.rejects(
        createUser(t.db, { code: 'BOB', name: 'Bob', role: 'cashier', pin: '4321', sellerCode: 'V01' }, NOW),
        isCode('DUPLICATE_SELLER_CODE'),
      );
    });
  });
}
