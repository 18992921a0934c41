import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isValidEan13 } from './codes.ts';
import { generateDemoShop } from './demo.ts';
import { StoreError } from './errors.ts';
import { initStore } from './init.ts';
import { verifyPin } from './pin.ts';
import { readRegisterSettings } from './setup.ts';
import { countRows, DIALECTS, type TestDatabase } from './test-dialects.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const PINS = { admin: '1234', cashier: '5678', seller: '9012' };

const isCode = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;

test('the demo shop is the same for the same seed, and differs for another', () => {
  const a = generateDemoShop(7, NOW);
  assert.deepEqual(generateDemoShop(7, NOW), a);
  assert.notDeepEqual(generateDemoShop(8, NOW).articles, a.articles);
  assert.ok(a.articles.length >= 300);
  for (const article of a.articles) {
    if (article.ean !== undefined) assert.ok(isValidEan13(article.ean), article.ean);
  }
  assert.ok(a.articles.some((x) => x.composed === true && (x.components?.length ?? 0) > 0));
  assert.ok(a.articles.some((x) => x.lotSerial === true));
  assert.equal(new Set(a.articles.map((x) => x.ref)).size, a.articles.length);
});

for (const dialect of DIALECTS) {
  // One database per engine, initialised once: the tests run in order (refused, made, made again).
  describe(`${dialect.name}: comptoir init`, () => {
    let t: TestDatabase;
    before(async () => {
      t = await dialect.open();
    });
    after(async () => {
      await t.close();
    });

    test('an init refused halfway leaves the database empty', async () => {
      await assert.rejects(
        initStore(t.db, { now: NOW, pins: { ...PINS, seller: '12' } }),
        isCode('INVALID_PIN'),
      );
      for (const table of ['stores', 'vat_rates', 'users', 'registers', 'payment_modes'] as const) {
        assert.equal(await countRows(t.db, table), 0, table);
      }
    });

    test('creates the store, register, users, DIVERS, payment modes, VAT rates and the demo shop', async () => {
      const summary = await initStore(t.db, { now: NOW, pins: PINS, cashRoundingStep: 5, demoSeed: 42 });
      assert.deepEqual(
        summary.users.map((u) => [u.code, u.role]),
        [
          ['ADMIN', 'admin'],
          ['CAISSE1', 'cashier'],
          ['V01', 'seller'],
        ],
      );
      const users = await t.db.selectFrom('users').selectAll().orderBy('code').execute();
      for (const user of users) {
        const pin = summary.users.find((u) => u.code === user.code)?.pin ?? '';
        assert.ok(!user.pin_hash.includes(pin), 'the PIN is not stored in clear');
        assert.equal(await verifyPin(pin, user.pin_hash), true, `PIN of ${user.code}`);
        assert.equal(await verifyPin('0000', user.pin_hash), false, `wrong PIN of ${user.code}`);
      }
      assert.equal(users.find((u) => u.role === 'seller')?.seller_code, 'V01');
      const divers = await t.db
        .selectFrom('customers')
        .selectAll()
        .where('code', '=', 'DIVERS')
        .executeTakeFirst();
      assert.ok(divers);
      const modes = await t.db
        .selectFrom('payment_modes')
        .select(['code', 'excess', 'rounding_step'])
        .orderBy('position')
        .execute();
      assert.deepEqual(modes, [
        { code: 'CASH', excess: 'change', rounding_step: 5 },
        { code: 'CARD', excess: 'refuse', rounding_step: 0 },
        { code: 'CHEQUE', excess: 'creditNote', rounding_step: 0 },
        { code: 'CREDIT_NOTE', excess: 'creditNote', rounding_step: 0 },
        { code: 'GIFT_CARD', excess: 'refuse', rounding_step: 0 },
      ]);
      const rates = await t.db.selectFrom('vat_rates').select('rate').orderBy('rate', 'desc').execute();
      assert.deepEqual(
        rates.map((r) => r.rate),
        [2000, 1000, 550, 210],
      );
      const register = await t.db.selectFrom('registers').selectAll().executeTakeFirstOrThrow();
      assert.equal(register.default_customer_code, 'DIVERS');
      assert.equal(readRegisterSettings(register.settings).sellerMandatory, false);

      const shop = generateDemoShop(42, NOW);
      assert.equal(summary.articles, shop.articles.length);
      assert.equal(await countRows(t.db, 'articles'), shop.articles.length);
      assert.equal(await countRows(t.db, 'customers'), shop.customers.length + 1);
      assert.ok((await countRows(t.db, 'article_components')) >= 12);
      assert.ok((await countRows(t.db, 'supplier_refs')) >= 300);
      assert.ok((await countRows(t.db, 'promotions')) > 0);
    });

    test('a second init is refused and changes nothing', async () => {
      const before = await Promise.all(
        (['stores', 'users', 'articles', 'customers'] as const).map((x) => countRows(t.db, x)),
      );
      assert.equal(before[0], 1);
      await assert.rejects(initStore(t.db, { now: NOW, pins: PINS }), isCode('ALREADY_INITIALISED'));
      assert.deepEqual(
        await Promise.all(
          (['stores', 'users', 'articles', 'customers'] as const).map((x) => countRows(t.db, x)),
        ),
        before,
      );
    });
  });
}
