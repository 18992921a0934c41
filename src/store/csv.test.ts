import assert from 'node:assert/strict';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { exportCsv, importCsv } from './csv.ts';
import { StoreError } from './errors.ts';
import { addDemoShop, initStore } from './init.ts';
import { lookupArticles } from './lookup.ts';
import { clearCatalogue, countRows, DIALECTS, type TestDatabase } from './test-dialects.ts';

const NOW = new Date('2026-11-23T10:00:00Z');
const PINS = { admin: '1234', cashier: '5678', seller: '9012' };
const isCode = (code: string) => (e: unknown) => e instanceof StoreError && e.code === code;

for (const dialect of DIALECTS) {
  describe(`${dialect.name}: CSV import and export`, () => {
    let t: TestDatabase;
    let dir: string;
    // One initialised store for the whole suite; each test starts from an empty catalogue.
    before(async () => {
      t = await dialect.open();
      dir = mkdtempSync(join(tmpdir(), 'comptoir-csv-'));
      await initStore(t.db, { now: NOW, pins: PINS });
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await clearCatalogue(t.db);
    });

    const file = (name: string, content: string | Buffer) => {
      const path = join(dir, name);
      writeFileSync(path, content);
      return path;
    };
    const exportTo = async (kind: 'articles' | 'customers', name: string) => {
      const path = join(dir, name);
      await exportCsv(t.db, kind, createWriteStream(path), 50);
      return readFileSync(path, 'utf8');
    };

    test('export then import into another database gives the same files back', async () => {
      // A small demo shop has every kind of column (EAN, other barcodes, supplier references, trade
      // prices, gift boxes and their components); the full one adds only time.
      await addDemoShop(t.db, 3, NOW, { articles: 48, boxes: 4, customers: 12 });
      assert.ok((await countRows(t.db, 'article_components')) > 0, 'gift boxes');
      const articles = await exportTo('articles', 'a1.csv');
      const customers = await exportTo('customers', 'c1.csv');
      assert.match(articles.split('\n')[0] ?? '', /^ref;designation;ean;/);
      // The demo's tariff and families stay: the CSV files name them.
      await clearCatalogue(t.db);
      assert.equal(await countRows(t.db, 'articles'), 0);
      const a = await importCsv(t.db, 'articles', join(dir, 'a1.csv'), { now: NOW, batchSize: 64 });
      assert.deepEqual(a.rejected, []);
      assert.equal(a.imported, a.records);
      const c = await importCsv(t.db, 'customers', join(dir, 'c1.csv'), { now: NOW });
      assert.deepEqual(c.rejected, []);
      assert.equal(await exportTo('articles', 'a2.csv'), articles);
      assert.equal(await exportTo('customers', 'c2.csv'), customers);
    });

    test('refused rows are reported with their line and reason; the others are imported', async () => {
      const path = file(
        'mixed.csv',
        [
          'ref;designation;ean;vat_rate;price',
          'A1;Album;3017620422003;20;12,90',
          'A2;Doublon;3017620422003;20;1.00',
          'A3;"Sur deux',
          'lignes";;19,6;1',
          'A4;Négatif;;5,5;-2',
          'A5;Prix illisible;;5,5;douze',
          'A6;Café moulu;4006381333931;5.5;4.5',
        ].join('\n'),
      );
      const report = await importCsv(t.db, 'articles', path, { now: NOW });
      assert.equal(report.records, 6);
      assert.equal(report.imported, 2);
      assert.deepEqual(
        report.rejected.map((r) => [r.line, r.code]),
        [
          [3, 'DUPLICATE_EAN'],
          [5, 'UNKNOWN_VAT_RATE'],
          [6, 'NEGATIVE_PRICE'],
          [7, 'INVALID_INPUT'],
        ],
      );
      assert.match(report.rejected[0]?.reason ?? '', /A1/);
      const [cafe] = (await lookupArticles(t.db, '-cafe', { now: NOW })).items;
      assert.equal(cafe?.price.unitPrice, 450);
      assert.equal(cafe?.vatRate, 550);
    });

    test('the issues column says which articles hand over a voucher or a service ticket', async () => {
      const path = file(
        'issues.csv',
        [
          'ref;designation;vat_rate;price;issues',
          'CARTE50;Carte cadeau;20;50;gift-card',
          'OURLET;Retouche ourlet;20;12;service',
          'CAFE;Café;5,5;1,5;',
          'BON;Bon inconnu;20;5;bon',
        ].join('\n'),
      );
      const report = await importCsv(t.db, 'articles', path, { now: NOW });
      assert.equal(report.imported, 3);
      assert.deepEqual(
        report.rejected.map((r) => [r.line, r.code]),
        [[5, 'INVALID_INPUT']],
      );
      assert.match(report.rejected[0]?.reason ?? '', /issues/);
      const rows = await t.db.selectFrom('articles').select(['ref', 'issues']).orderBy('ref').execute();
      assert.deepEqual(rows, [
        { ref: 'CAFE', issues: null },
        { ref: 'CARTE50', issues: 'gift-card' },
        { ref: 'OURLET', issues: 'service' },
      ]);
      const exported = (await exportTo('articles', 'issues-out.csv')).split('\n');
      assert.match(exported[0] ?? '', /;issues$/);
      assert.ok(exported.some((l) => l.startsWith('CARTE50;') && l.endsWith(';gift-card')));
    });

    test('batches: one transaction per batch, progress after each', async () => {
      const lines = ['ref,designation,vat_rate'];
      for (let i = 0; i < 35; i += 1) lines.push(`R${i},Article ${i},20`);
      const seen: [number, number][] = [];
      const report = await importCsv(t.db, 'articles', file('batches.csv', lines.join('\r\n')), {
        now: NOW,
        batchSize: 10,
        onProgress: (done, total) => seen.push([done, total]),
      });
      assert.equal(report.imported, 35);
      assert.deepEqual(seen, [
        [10, 35],
        [20, 35],
        [30, 35],
        [35, 35],
      ]);
    });

    test('broken quoting is refused before anything is written', async () => {
      const path = file('quotes.csv', 'ref;designation;vat_rate\nB1;Bon;20\nB2;"Album;20\nB3;Autre;20\n');
      await assert.rejects(importCsv(t.db, 'articles', path, { now: NOW }), isCode('CSV_QUOTING'));
      assert.equal(await countRows(t.db, 'articles'), 0);
    });

    test('a file that is not UTF-8 is refused with its line, before anything is written', async () => {
      const path = file(
        'latin1.csv',
        Buffer.from('ref;designation;vat_rate\nB1;Bon;20\nB2;Café;20\n', 'latin1'),
      );
      await assert.rejects(importCsv(t.db, 'articles', path, { now: NOW }), (e: unknown) => {
        assert.ok(e instanceof StoreError);
        assert.equal(e.code, 'CSV_ENCODING');
        assert.match(e.message, /ligne 3/);
        return true;
      });
      assert.equal(await countRows(t.db, 'articles'), 0);
    });

    test('unknown or missing columns are refused', async () => {
      await assert.rejects(
        importCsv(t.db, 'customers', file('h1.csv', 'code;nom\nC1;X\n'), { now: NOW }),
        isCode('CSV_HEADER'),
      );
      await assert.rejects(
        importCsv(t.db, 'customers', file('h2.csv', 'code;email\nC1;x@example.fr\n'), { now: NOW }),
        isCode('CSV_HEADER'),
      );
    });

    test('customers: a malformed e-mail is reported on its line', async () => {
      const path = file(
        'customers.csv',
        '\uFEFFcode;name;email;consent_email_receipts\nC1;Dupond;dupond@example.fr;oui\nC2;Durand;durand@;non\n',
      );
      const report = await importCsv(t.db, 'customers', path, { now: NOW });
      assert.equal(report.imported, 1);
      assert.deepEqual(
        report.rejected.map((r) => [r.line, r.code]),
        [[3, 'INVALID_EMAIL']],
      );
    });
  });
}
