import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createArticle, setStock } from './catalogue.ts';
import { DEPOT_CODE } from './init.ts';
import { cancelTicket, JournalError } from './journal/index.ts';
import { type JournalFixture, openJournalFixture } from './journal/testing.ts';
import { movementTotals, quantityText, stockArticleId, stockOf } from './stock.ts';
import { countRows, DIALECTS } from './test-dialects.ts';

let articleCounter = 0;

/** A new stock-managed article at 10.00 (20 %), with `opening` thousandths in DEP1. */
async function newArticle(f: JournalFixture, opening: number): Promise<string> {
  articleCounter += 1;
  const ref = `VIS${articleCounter}`;
  await createArticle(
    f.db,
    { ref, designation: `Vis ${articleCounter}`, vatRate: 2000, price: 1000 },
    f.clock,
  );
  if (opening !== 0) await setStock(f.db, ref, DEPOT_CODE, opening);
  return ref;
}

/** A sale of `qty` (negative: a return, with a 20.00 service line so that the total stays positive). */
function saleOf(ref: string, qty: number) {
  const lines = [{ ref, qty: String(qty), unitPrice: '10.00', vatRate: '20' }];
  if (qty < 0) lines.push({ ref: 'SERVICE', qty: String(-qty * 2), unitPrice: '10.00', vatRate: '20' });
  return { lines, payments: [{ mode: 'CASH' }] };
}

async function setBlocking(f: JournalFixture, blocking: boolean): Promise<void> {
  for (const r of await f.db.selectFrom('registers').select(['id', 'settings']).execute()) {
    const settings = { ...JSON.parse(r.settings), blockOutOfStock: blocking };
    await f.db
      .updateTable('registers')
      .set({ settings: JSON.stringify(settings) })
      .where('id', '=', r.id)
      .execute();
  }
}

async function quantity(f: JournalFixture, ref: string): Promise<string | undefined> {
  return (await stockOf(f.db, ref)).depots.find((d) => d.depot === DEPOT_CODE)?.quantity;
}

for (const dialect of DIALECTS) {
  describe(`stock movements (${dialect.name})`, () => {
    let f: JournalFixture;
    before(async () => {
      f = await openJournalFixture(dialect, 2);
    });
    after(async () => {
      await f.close();
    });

    test('a sale, a return and a cancellation move the stock in the validation; the quantity is their sum', async () => {
      const ref = await newArticle(f, 10_000);
      const sold = await f.sell(1, saleOf(ref, 2));
      assert.equal(await quantity(f, ref), '8');
      await f.sell(1, saleOf(ref, -1));
      assert.equal(await quantity(f, ref), '9');
      await cancelTicket(f.db, f.ctx, { register: 1, sequence: sold.number, operator: 'ADMIN' });
      assert.equal(await quantity(f, ref), '11');
      const view = await stockOf(f.db, ref);
      assert.deepEqual(
        view.movements.map((m) => [m.kind, m.quantity]),
        [
          ['cancellation', '2'],
          ['return', '1'],
          ['sale', '-2'],
          ['opening', '10'],
        ],
      );
      assert.equal(view.movements[2]?.document, `TICKET 1/${sold.number}`);
      // A training ticket moves nothing.
      await f.sell(1, saleOf(ref, 1), { training: true });
      assert.equal(await quantity(f, ref), '11');
    });

    test('the movements are append-only: UPDATE and DELETE refused by the database', async () => {
      const ref = await newArticle(f, 3000);
      assert.ok((await stockOf(f.db, ref)).movements.length > 0);
      await assert.rejects(sql`update stock_movements set quantity = 0`.execute(f.db), /inaltérable/);
      await assert.rejects(sql`delete from stock_movements`.execute(f.db), /inaltérable/);
      assert.equal(await quantity(f, ref), '3');
    });

    test('out of stock warns only; the register setting blockOutOfStock refuses the sale and writes nothing', async () => {
      const ref = await newArticle(f, 1000);
      await f.sell(1, saleOf(ref, 2));
      assert.equal(await quantity(f, ref), '-1');
      await setBlocking(f, true);
      try {
        const before = [await countRows(f.db, 'journal'), await countRows(f.db, 'stock_movements')];
        await assert.rejects(f.sell(1, saleOf(ref, 1)), (e: unknown) => {
          assert.ok(e instanceof JournalError);
          assert.equal(e.code, 'OUT_OF_STOCK');
          assert.match(e.message, new RegExp(`Article ${ref} en rupture de stock au dépôt DEP1`));
          return true;
        });
        assert.deepEqual(
          [await countRows(f.db, 'journal'), await countRows(f.db, 'stock_movements')],
          before,
        );
        assert.equal(await quantity(f, ref), '-1');
        // A return is never blocked.
        await f.sell(1, saleOf(ref, -1));
        assert.equal(await quantity(f, ref), '0');
      } finally {
        await setBlocking(f, false);
      }
    });

    test('two registers selling the last item at once', async () => {
      const ref = await newArticle(f, 1000);
      await setBlocking(f, true);
      try {
        const both = await Promise.allSettled([f.sell(1, saleOf(ref, 1)), f.sell(2, saleOf(ref, 1))]);
        assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1);
        const refused = both.find((r) => r.status === 'rejected');
        assert.ok(refused !== undefined && refused.reason instanceof JournalError);
        assert.equal(refused.reason.code, 'OUT_OF_STOCK');
        assert.equal(await quantity(f, ref), '0');
      } finally {
        await setBlocking(f, false);
      }
      // Without the setting, both sell: the stock shows the shortage.
      const other = await newArticle(f, 1000);
      await Promise.all([f.sell(1, saleOf(other, 1)), f.sell(2, saleOf(other, 1))]);
      assert.equal(await quantity(f, other), '-1');
    });

    test('stock identity: opening + receptions − sales + returns ± transfers ± counts = quantity (property)', async () => {
      const op = fc.oneof(
        fc.record({ kind: fc.constant('sale' as const), qty: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ kind: fc.constant('return' as const), qty: fc.integer({ min: 1, max: 3 }) }),
        fc.record({ kind: fc.constant('cancel' as const) }),
        fc.record({ kind: fc.constant('opening' as const), qty: fc.integer({ min: -5, max: 40 }) }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 30 }),
          fc.array(op, { maxLength: 6 }),
          async (start, ops) => {
            const ref = await newArticle(f, start * 1000);
            let model = start * 1000;
            const open: { number: number; qty: number }[] = [];
            for (const o of ops) {
              if (o.kind === 'sale' || o.kind === 'return') {
                const signed = o.kind === 'sale' ? o.qty : -o.qty;
                const t = await f.sell(1 + (open.length % 2), saleOf(ref, signed));
                open.push({ number: t.number, qty: signed * 1000 });
                model -= signed * 1000;
              } else if (o.kind === 'cancel') {
                const last = open.pop();
                if (last === undefined) continue;
                const registerOf = (
                  await f.db
                    .selectFrom('journal')
                    .select('register')
                    .where('chain', '=', 'TICKET')
                    .where('sequence', '=', last.number)
                    .where('payload', 'like', `%"${ref}"%`)
                    .executeTakeFirstOrThrow()
                ).register;
                await cancelTicket(f.db, f.ctx, {
                  register: Number(registerOf),
                  sequence: last.number,
                  operator: 'ADMIN',
                });
                model += last.qty;
              } else {
                await setStock(f.db, ref, DEPOT_CODE, o.qty * 1000);
                model = o.qty * 1000;
              }
            }
            const t = await movementTotals(f.db, await stockArticleId(f.db, ref), DEPOT_CODE);
            const identity =
              (t.opening ?? 0) +
              (t.reception ?? 0) +
              (t.sale ?? 0) +
              (t.return ?? 0) +
              (t.cancellation ?? 0) +
              (t.transfer_out ?? 0) +
              (t.transfer_in ?? 0) +
              (t.count ?? 0);
            assert.ok((t.sale ?? 0) <= 0 && (t.return ?? 0) >= 0, 'sales leave, returns enter');
            assert.equal(identity, model);
            assert.equal(await quantity(f, ref), quantityText(model));
          },
        ),
        { numRuns: Number(process.env.FC_RUNS ?? 12) },
      );
    });
  });
}
