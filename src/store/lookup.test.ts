import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addPromotion, createArticle, createFamily, createTariff, setStock } from './catalogue.ts';
import { createCustomer } from './customers.ts';
import { DEPOT_CODE, initStore } from './init.ts';
import { lookupArticles, lookupCustomers, lookupSellers } from './lookup.ts';
import { DIALECTS, type TestDatabase } from './test-dialects.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const AFTER_PROMO = new Date('2026-12-02T10:00:00Z');
const at = (now: Date) => ({ now, depotCode: DEPOT_CODE });

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: the cashier's lookup`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.open();
      const db = t.db;
      await initStore(db, { now: NOW, pins: { admin: '1234', cashier: '5678', seller: '9012' } });
      await createTariff(db, 'PRO', 'Professionnels');
      await createFamily(db, { level: 1, code: 'LIBTECH', label: 'Librairie technique' });
      await createFamily(db, { level: 2, code: 'OEU', label: 'Œuvres' });
      await createArticle(
        db,
        {
          ref: 'ALB0001',
          designation: 'Album photo Été',
          ean: '3017620422003',
          family1: 'LIBTECH',
          family2: 'OEU',
          vatRate: 2000,
          price: 1290,
          prices: { PRO: 1100 },
          supplierRefs: [{ supplierCode: 'F0000001', supplierRef: 'SUN1' }],
        },
        NOW,
      );
      await createArticle(db, { ref: 'ALB0002', designation: 'Album à colorier', vatRate: 550 }, NOW);
      await createArticle(db, { ref: 'ALB0003', designation: 'Crème brûlée', vatRate: 550, price: 450 }, NOW);
      await createArticle(
        db,
        { ref: 'LOT0001', designation: 'Bouilloire inox', vatRate: 2000, price: 3990, lotSerial: true },
        NOW,
      );
      await createArticle(
        db,
        {
          ref: 'COF0001',
          designation: 'Coffret découverte',
          vatRate: 2000,
          composed: true,
          components: [
            { ref: 'ALB0001', quantity: 2000 },
            { ref: 'ALB0003', quantity: 1000 },
          ],
        },
        NOW,
      );
      await setStock(db, 'ALB0001', DEPOT_CODE, 5000);
      await setStock(db, 'ALB0003', DEPOT_CODE, 2000);
      await setStock(db, 'LOT0001', DEPOT_CODE, 1000);
      await addPromotion(db, {
        ref: 'ALB0001',
        label: 'Novembre',
        price: 990,
        startsAt: '2026-11-01T00:00:00Z',
        endsAt: '2026-12-01T00:00:00Z',
      });
      await createCustomer(
        db,
        { code: 'PRO1', name: 'Lefèvre SARL', tariff: 'PRO', cardNumber: '2900000000017' },
        NOW,
      );
      await createCustomer(db, { code: 'C2', name: 'Léa Dubois' }, NOW);
    });
    after(async () => {
      await t.close();
    });

    test('EAN, internal reference and supplier reference find the same article', async () => {
      for (const [input, kind] of [
        ['3017620422003', 'barcode'],
        ['alb0001', 'ref'],
        ['f0000001-sun1', 'supplierRef'],
      ] as const) {
        const r = await lookupArticles(t.db, input, at(AFTER_PROMO));
        assert.equal(r.kind, kind, input);
        assert.deepEqual(
          r.items.map((i) => i.ref),
          ['ALB0001'],
          input,
        );
      }
    });

    test('an EAN with a wrong check digit is reported, not searched as a prefix', async () => {
      const r = await lookupArticles(t.db, '3017620422004', at(NOW));
      assert.equal(r.error?.code, 'INVALID_EAN');
      assert.equal(r.items.length, 0);
    });

    test('the returned article carries its EAN, families, VAT rate, stock and no warning', async () => {
      const [hit] = (await lookupArticles(t.db, 'ALB0001', at(AFTER_PROMO))).items;
      assert.ok(hit);
      assert.equal(hit.ean, '3017620422003');
      assert.equal(hit.family1, 'LIBTECH');
      assert.equal(hit.vatRate, 2000);
      assert.equal(hit.stock, 5000);
      assert.deepEqual(hit.warnings, []);
      assert.equal(hit.refusal, null);
    });

    test('prefix on reference, paged', async () => {
      const first = await lookupArticles(t.db, 'alb', { ...at(NOW), limit: 2 });
      assert.equal(first.kind, 'refPrefix');
      assert.deepEqual(
        first.items.map((i) => i.ref),
        ['ALB0001', 'ALB0002'],
      );
      assert.equal(first.hasMore, true);
      const second = await lookupArticles(t.db, 'ALB', { ...at(NOW), limit: 2, offset: 2 });
      assert.deepEqual(
        second.items.map((i) => i.ref),
        ['ALB0003'],
      );
      assert.equal(second.hasMore, false);
    });

    test('-TEXT on designation, case- and accent-insensitive', async () => {
      const r = await lookupArticles(t.db, '-creme BRU', at(NOW));
      assert.equal(r.kind, 'designation');
      assert.deepEqual(
        r.items.map((i) => i.ref),
        ['ALB0003'],
      );
      const albums = await lookupArticles(t.db, '-álbum', at(NOW));
      assert.deepEqual(
        albums.items.map((i) => i.ref),
        ['ALB0002', 'ALB0001'],
      );
    });

    test('*FAM and +FAM on the first and second families', async () => {
      const one = await lookupArticles(t.db, '*libtech', at(NOW));
      assert.equal(one.kind, 'family1');
      assert.deepEqual(
        one.items.map((i) => i.ref),
        ['ALB0001'],
      );
      const two = await lookupArticles(t.db, '+OEU', at(NOW));
      assert.equal(two.kind, 'family2');
      assert.equal(two.items.length, 1);
      assert.equal((await lookupArticles(t.db, '*NOPE', at(NOW))).items.length, 0);
    });

    test('price: base tariff, customer tariff, then an active promotion when lower', async () => {
      const price = async (now: Date, customerCode?: string) =>
        (await lookupArticles(t.db, 'ALB0001', { ...at(now), ...(customerCode ? { customerCode } : {}) }))
          .items[0]?.price;
      assert.deepEqual(await price(AFTER_PROMO), { unitPrice: 1290, source: 'base', tariff: 'BASE' });
      assert.deepEqual(await price(AFTER_PROMO, 'PRO1'), {
        unitPrice: 1100,
        source: 'tariff',
        tariff: 'PRO',
      });
      const promo = await price(NOW);
      assert.equal(promo?.unitPrice, 990);
      assert.equal(promo?.source, 'promotion');
      assert.equal(promo?.promotion?.label, 'Novembre');
      // The promotion's end is exclusive.
      assert.equal((await price(new Date('2026-12-01T00:00:00Z')))?.unitPrice, 1290);
    });

    test('no TTC price: 0 with a warning; no stock: a warning that does not block', async () => {
      const [hit] = (await lookupArticles(t.db, 'ALB0002', at(NOW))).items;
      assert.ok(hit);
      assert.equal(hit.price.unitPrice, 0);
      assert.equal(hit.price.source, 'missing');
      assert.deepEqual(
        hit.warnings.map((w) => w.code),
        ['MISSING_PRICE', 'OUT_OF_STOCK'],
      );
      assert.equal(hit.refusal, null);
    });

    test('a lot/serial article is refused by default, allowed on request', async () => {
      const [refused] = (await lookupArticles(t.db, 'LOT0001', at(NOW))).items;
      assert.equal(refused?.refusal?.code, 'LOT_SERIAL_REFUSED');
      const [allowed] = (await lookupArticles(t.db, 'LOT0001', { ...at(NOW), allowLotSerial: true })).items;
      assert.equal(allowed?.refusal, null);
    });

    test('a composed article: out of stock management, priced as the sum of its components', async () => {
      const [box] = (await lookupArticles(t.db, 'COF0001', at(AFTER_PROMO))).items;
      assert.ok(box);
      assert.equal(box.composed, true);
      assert.equal(box.stock, null);
      assert.deepEqual(
        box.components.map((c) => [c.ref, c.quantity, c.price.unitPrice]),
        [
          ['ALB0001', 2000, 1290],
          ['ALB0003', 1000, 450],
        ],
      );
      assert.equal(box.price.unitPrice, 2 * 1290 + 450);
      assert.equal(box.price.source, 'components');
      assert.deepEqual(box.warnings, []);
    });

    test('customers by card, by code and by -NAME', async () => {
      const card = await lookupCustomers(t.db, '2900000000017');
      assert.equal(card.kind, 'card');
      assert.equal(card.items[0]?.code, 'PRO1');
      assert.equal(card.items[0]?.tariff, 'PRO');
      const code = await lookupCustomers(t.db, 'c2');
      assert.equal(code.kind, 'code');
      assert.equal(code.items[0]?.name, 'Léa Dubois');
      const name = await lookupCustomers(t.db, '-lefevre');
      assert.equal(name.kind, 'name');
      assert.deepEqual(
        name.items.map((c) => c.code),
        ['PRO1'],
      );
      assert.equal((await lookupCustomers(t.db, 'NOBODY')).items.length, 0);
    });

    test('sellers by code', async () => {
      const seller = await lookupSellers(t.db, 'v01');
      assert.deepEqual(
        seller.items.map((s) => [s.sellerCode, s.userCode]),
        [['V01', 'V01']],
      );
      assert.equal((await lookupSellers(t.db, 'ADMIN')).items.length, 0);
    });
  });
}
