import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { sql } from 'kysely';
import { createArticle, setStock } from './catalogue.ts';
import { createCustomer } from './customers.ts';
import { DEPOT_CODE, STORE_CODE } from './init.ts';
import { cancelTicket, JournalError } from './journal/index.ts';
import { type JournalFixture, openJournalFixture } from './journal/testing.ts';
import { createDepot, createStore } from './setup.ts';
import { movementTotals, quantityText, stockArticleId, stockOf } from './stock.ts';
import {
  createStockDocument,
  getStockDocument,
  importCountCsv,
  receiveTransfer,
  stockValuation,
  validateStockDocument,
} from './stock-documents.ts';
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

async function quantity(f: JournalFixture, ref: string, depot = DEPOT_CODE): Promise<string | undefined> {
  return (await stockOf(f.db, ref)).depots.find((d) => d.depot === depot)?.quantity;
}

/** What a refused stock write must leave unchanged. */
async function stockFootprint(f: JournalFixture) {
  return [
    await countRows(f.db, 'stock_documents'),
    await countRows(f.db, 'stock_movements'),
    JSON.stringify(
      await f.db.selectFrom('stock').selectAll().orderBy('article_id').orderBy('depot_code').execute(),
    ),
  ];
}

/** An ME- of `qty` units from DEP1 to DEP2, validated, then received (ME+). */
async function transfer(f: JournalFixture, ref: string, qty: number) {
  const draft = await createStockDocument(
    f.db,
    { kind: 'transfer_out', depot: DEPOT_CODE, toDepot: 'DEP2', lines: [{ ref, quantity: String(qty) }] },
    'ADMIN',
    f.clock,
  );
  await validateStockDocument(f.db, draft.number, 'ADMIN', f.clock);
  return receiveTransfer(f.db, draft.number, 'ADMIN', f.clock);
}

for (const dialect of DIALECTS) {
  describe(`stock movements (${dialect.name})`, () => {
    let f: JournalFixture;
    before(async () => {
      f = await openJournalFixture(dialect, 2);
      await createStore(f.db, { code: 'MAG2', name: 'Magasin 2' }, f.clock);
      await createDepot(f.db, 'MAG2', 'DEP2', 'Dépôt du magasin 2');
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
        fc.record({ kind: fc.constant('reception' as const), qty: fc.integer({ min: 1, max: 20 }) }),
        fc.record({ kind: fc.constant('transfer' as const), qty: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ kind: fc.constant('count' as const), qty: fc.integer({ min: 0, max: 30 }) }),
        fc.record({ kind: fc.constant('reception' as const), qty: fc.integer({ min: 1, max: 20 }) }),
        fc.record({ kind: fc.constant('transfer' as const), qty: fc.integer({ min: 1, max: 5 }) }),
        fc.record({ kind: fc.constant('count' as const), qty: fc.integer({ min: 0, max: 30 }) }),
      );
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 30 }),
          fc.array(op, { maxLength: 6 }),
          async (start, ops) => {
            const ref = await newArticle(f, start * 1000);
            let model = start * 1000;
            let moved = 0;
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
              } else if (o.kind === 'reception' || o.kind === 'count') {
                const lines = [{ ref, quantity: String(o.qty) }];
                const doc = await createStockDocument(
                  f.db,
                  o.kind === 'reception'
                    ? { kind: 'reception', depot: DEPOT_CODE, supplier: 'ACME', lines }
                    : { kind: 'count', depot: DEPOT_CODE, lines },
                  'ADMIN',
                  f.clock,
                );
                await validateStockDocument(f.db, doc.number, 'ADMIN', f.clock);
                model = o.kind === 'reception' ? model + o.qty * 1000 : o.qty * 1000;
              } else if (o.kind === 'transfer') {
                await transfer(f, ref, o.qty);
                model -= o.qty * 1000;
                moved += o.qty * 1000;
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
            assert.equal(await quantity(f, ref, 'DEP2'), quantityText(moved));
          },
        ),
        { numRuns: Number(process.env.FC_RUNS ?? 12) },
      );
    });

    test('ME- draft then validated, ME+ receives it once in the other store; twice or a draft refused', async () => {
      const ref = await newArticle(f, 10_000);
      const draft = await createStockDocument(
        f.db,
        { kind: 'transfer_out', depot: DEPOT_CODE, toDepot: 'DEP2', lines: [{ ref, quantity: '4' }] },
        'ADMIN',
        f.clock,
      );
      assert.match(draft.number, /^ME-\d{6}$/);
      assert.equal(draft.status, 'draft');
      assert.equal(await quantity(f, ref), '10', 'a draft moves nothing');
      const before = await stockFootprint(f);
      await assert.rejects(receiveTransfer(f.db, draft.number, 'ADMIN', f.clock), {
        code: 'NOT_VALIDATED',
        message: `Le transfert ${draft.number} n’est pas validé : il ne se reçoit pas encore`,
      });
      assert.deepEqual(await stockFootprint(f), before);
      await validateStockDocument(f.db, draft.number, 'ADMIN', f.clock);
      assert.equal(await quantity(f, ref), '6');
      await assert.rejects(validateStockDocument(f.db, draft.number, 'ADMIN', f.clock), {
        code: 'ALREADY_VALIDATED',
      });
      const received = await receiveTransfer(f.db, draft.number, 'ADMIN', f.clock);
      assert.match(received.number, /^ME\+\d{6}$/);
      assert.equal(received.receives, draft.number);
      assert.equal(received.depot, 'DEP2');
      assert.equal(await quantity(f, ref, 'DEP2'), '4');
      const after = await stockFootprint(f);
      await assert.rejects(receiveTransfer(f.db, draft.number, 'ADMIN', f.clock), {
        code: 'ALREADY_RECEIVED',
        message: `Le transfert ${draft.number} a déjà été reçu (${received.number})`,
      });
      // Two screens receiving the same ME- at once: one ME+ only.
      const again = await createStockDocument(
        f.db,
        { kind: 'transfer_out', depot: DEPOT_CODE, toDepot: 'DEP2', lines: [{ ref, quantity: '1' }] },
        'ADMIN',
        f.clock,
      );
      await validateStockDocument(f.db, again.number, 'ADMIN', f.clock);
      const both = await Promise.allSettled([
        receiveTransfer(f.db, again.number, 'ADMIN', f.clock),
        receiveTransfer(f.db, again.number, 'ADMIN', f.clock),
      ]);
      assert.equal(both.filter((r) => r.status === 'fulfilled').length, 1);
      assert.equal(await quantity(f, ref, 'DEP2'), '5');
      assert.equal((await stockOf(f.db, ref)).depots.find((d) => d.depot === 'DEP2')?.store, 'MAG2');
      assert.notDeepEqual(after, before);
    });

    test('a reception with its costs, a count with its differences, the valuation', async () => {
      const ref = await newArticle(f, 2000);
      const rec = await createStockDocument(
        f.db,
        {
          kind: 'reception',
          depot: DEPOT_CODE,
          supplier: 'ACME',
          lines: [{ ref, quantity: '10', unitCost: '1.50' }],
        },
        'ADMIN',
        f.clock,
      );
      await validateStockDocument(f.db, rec.number, 'ADMIN', f.clock);
      const rec2 = await createStockDocument(
        f.db,
        {
          kind: 'reception',
          depot: DEPOT_CODE,
          supplier: 'ACME',
          lines: [{ ref, quantity: '10', unitCost: '2.50' }],
        },
        'ADMIN',
        f.clock,
      );
      await validateStockDocument(f.db, rec2.number, 'ADMIN', f.clock);
      assert.equal(await quantity(f, ref), '22');
      const count = await createStockDocument(
        f.db,
        { kind: 'count', depot: DEPOT_CODE, lines: [{ ref, quantity: '19.5' }] },
        'ADMIN',
        f.clock,
      );
      assert.deepEqual(count.lines[0], { ref, quantity: '19.5', expected: '22', difference: '-2.5' });
      const counted = await validateStockDocument(f.db, count.number, 'ADMIN', f.clock);
      assert.deepEqual(counted.lines[0], { ref, quantity: '19.5', expected: '22', difference: '-2.5' });
      assert.equal(await quantity(f, ref), '19.5');
      const valuation = await stockValuation(f.db, DEPOT_CODE);
      const line = valuation.lines.find((l) => l.ref === ref);
      assert.deepEqual(line, {
        ref,
        designation: line?.designation,
        depot: DEPOT_CODE,
        quantity: '19.5',
        unitCost: '2.00',
        value: '39.00',
      });
    });

    test('counts imported from a CSV; a bad line refused with its number and nothing written', async () => {
      const ref = await newArticle(f, 5000);
      const draft = await importCountCsv(f.db, `ref;quantity\n${ref};7\n`, DEPOT_CODE, 'ADMIN', f.clock);
      assert.equal(draft.kind, 'count');
      assert.deepEqual(draft.lines[0], { ref, quantity: '7', expected: '5', difference: '2' });
      assert.equal((await getStockDocument(f.db, draft.number)).status, 'draft');
      const before = await stockFootprint(f);
      await assert.rejects(
        importCountCsv(f.db, `ref;quantity\n${ref};7\n${ref};-3\n`, DEPOT_CODE, 'ADMIN', f.clock),
        {
          code: 'INVALID_QUANTITY',
          message: /^Ligne 3 : Quantité invalide « -3 »/,
        },
      );
      await assert.rejects(importCountCsv(f.db, 'article;qte\nX;1\n', DEPOT_CODE, 'ADMIN', f.clock), {
        code: 'CSV_HEADER',
      });
      await assert.rejects(importCountCsv(f.db, `ref;quantity\nINCONNU;1\n`, DEPOT_CODE, 'ADMIN', f.clock), {
        code: 'UNKNOWN_ARTICLE',
        message: 'Ligne 2 : Article inconnu : INCONNU',
      });
      assert.deepEqual(await stockFootprint(f), before);
    });

    test('bad stock documents refused in French, nothing written', async () => {
      const ref = await newArticle(f, 1000);
      const before = await stockFootprint(f);
      const bad: [unknown, string | RegExp][] = [
        [
          { kind: 'reception', depot: DEPOT_CODE, supplier: 'ACME', lines: [{ ref, quantity: '-2' }] },
          /Quantité invalide « -2 »/,
        ],
        [
          { kind: 'reception', depot: DEPOT_CODE, supplier: 'ACME', lines: [{ ref, quantity: 'deux' }] },
          /Quantité invalide « deux »/,
        ],
        [
          { kind: 'transfer_out', depot: DEPOT_CODE, toDepot: 'DEP2', lines: [{ ref, quantity: '0' }] },
          /strictement positif/,
        ],
        [
          { kind: 'transfer_out', depot: DEPOT_CODE, toDepot: DEPOT_CODE, lines: [{ ref, quantity: '1' }] },
          /autre dépôt/,
        ],
        [
          { kind: 'transfer_out', depot: DEPOT_CODE, toDepot: 'NULLEPART', lines: [{ ref, quantity: '1' }] },
          /Dépôt inconnu : NULLEPART/,
        ],
        [{ kind: 'reception', depot: DEPOT_CODE, supplier: 'ACME', lines: [] }, /Au moins une ligne/],
        [
          {
            kind: 'reception',
            depot: DEPOT_CODE,
            supplier: 'ACME',
            lines: [{ ref: 'INCONNU', quantity: '1' }],
          },
          /Article inconnu : INCONNU/,
        ],
        [
          {
            kind: 'reception',
            depot: DEPOT_CODE,
            supplier: 'ACME',
            lines: [{ ref, quantity: '1', unitCost: '-1' }],
          },
          /Coût unitaire invalide/,
        ],
      ];
      for (const [input, message] of bad) {
        await assert.rejects(
          createStockDocument(f.db, input as Parameters<typeof createStockDocument>[1], 'ADMIN', f.clock),
          { message },
        );
      }
      await assert.rejects(validateStockDocument(f.db, 'ME-999999', 'ADMIN', f.clock), {
        code: 'UNKNOWN_DOCUMENT',
        message: 'Document de stock inconnu : ME-999999',
      });
      assert.deepEqual(await stockFootprint(f), before);
      assert.ok(STORE_CODE);
    });

    test('loyalty: a validated ticket of a known customer counts a visit, its cancellation takes it back', async () => {
      await createCustomer(f.db, { code: 'FIDELE', name: 'Client fidèle', visits: 2 }, f.clock);
      const visits = async () =>
        Number(
          (
            await f.db
              .selectFrom('customers')
              .select('visits')
              .where('code', '=', 'FIDELE')
              .executeTakeFirstOrThrow()
          ).visits,
        );
      const divers = async () =>
        Number(
          (
            await f.db
              .selectFrom('customers')
              .select('visits')
              .where('code', '=', 'DIVERS')
              .executeTakeFirstOrThrow()
          ).visits,
        );
      const counter = await divers();
      const sold = await f.sell(1, saleOf('SERVICE', 1), { customer: 'FIDELE' });
      assert.equal(await visits(), 3);
      await f.sell(1, saleOf('SERVICE', 1), { customer: 'FIDELE', training: true });
      assert.equal(await visits(), 3, 'a training ticket is no visit');
      await f.sell(1, saleOf('SERVICE', 1));
      assert.equal(await divers(), counter, 'the counter customer counts no visit');
      await cancelTicket(f.db, f.ctx, { register: 1, sequence: sold.number, operator: 'ADMIN' });
      assert.equal(await visits(), 2);
    });
  });
}
