/**
 * npm run bench:lookup — the store at scale, on SQLite (a file, WAL, synchronous=FULL, as in a shop):
 *
 * 1. loads 1,000,000 generated articles through the fast path (multi-row inserts, one transaction per
 *    chunk; barcodes, supplier references, prices and stock with them) and prints articles/s;
 * 2. imports 100,000 more through the CSV path (`importCsv`: parsed, validated, checked row by row)
 *    and prints articles/s and the largest heap seen (one batch in memory at most);
 * 3. times 100,000 mixed viseur lookups (EAN, reference, supplier reference, reference prefix page,
 *    designation page) and prints the median and 99th percentile per kind.
 *
 * BENCH_ARTICLES, BENCH_CSV_ARTICLES and BENCH_LOOKUPS change the sizes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFamily, createTariff } from '../src/store/catalogue.ts';
import { searchForm } from '../src/store/codes.ts';
import { importCsv } from '../src/store/csv.ts';
import { DEMO_PRODUCTS, ean13, seededRandom } from '../src/store/demo.ts';
import { DEPOT_CODE, initStore } from '../src/store/init.ts';
import { type ArticleLookupKind, lookupArticles } from '../src/store/lookup.ts';
import { openDatabase } from '../src/store/open-database.ts';

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 1_000_000);
const CSV_ARTICLES = Number(process.env.BENCH_CSV_ARTICLES ?? 100_000);
const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 100_000);
const NOW = new Date('2026-11-23T10:00:00Z');

const PRODUCTS = DEMO_PRODUCTS;
const QUALIFIERS = [
  'bio',
  'artisanal',
  'de Provence',
  'extra',
  'équitable',
  'du terroir',
  'rouge',
  'bleu',
  'en lin',
  'en grès',
];
const SIZES = ['125 g', '250 g', '500 g', '1 kg', '75 cl', 'petit', 'moyen', 'grand'];
const VAT_RATES = [2000, 1000, 550, 210];

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const refOf = (i: number) => `R${pad(i, 7)}`;
const eanOf = (i: number) => ean13(`2${pad(i, 11)}`);
const supplierOf = (i: number) => [`F${pad(i % 250, 4)}`, `S${i}`] as const;
const designationOf = (i: number) =>
  `${PRODUCTS[i % PRODUCTS.length]} ${QUALIFIERS[Math.floor(i / PRODUCTS.length) % QUALIFIERS.length]} ${SIZES[i % SIZES.length]}`;

function heapMiB(): number {
  return process.memoryUsage().heapUsed / 1024 / 1024;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

const ms = (ns: number) => (ns / 1e6).toFixed(3);

const dir = mkdtempSync(join(tmpdir(), 'comptoir-bench-lookup-'));
const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
try {
  await initStore(db, { now: NOW, pins: { admin: '1234', cashier: '5678', seller: '9012' } });
  await createTariff(db, 'PRO', 'Professionnels');
  for (let f = 0; f < 20; f += 1)
    await createFamily(db, { level: 1, code: `FAM${pad(f, 2)}`, label: `Famille ${f}` });
  for (let f = 0; f < 10; f += 1)
    await createFamily(db, { level: 2, code: `SUB${pad(f, 2)}`, label: `Sous-famille ${f}` });
  const vatIds = new Map(
    (await db.selectFrom('vat_rates').select(['id', 'rate']).execute()).map((v) => [v.rate, v.id]),
  );

  // 1. Fast path: the generated rows go in as multi-row inserts, CHUNK articles per transaction.
  const CHUNK = 5000;
  const STATEMENT = 1000;
  const stamp = NOW.toISOString();
  let started = process.hrtime.bigint();
  for (let from = 1; from <= ARTICLES; from += CHUNK) {
    const ids = Array.from({ length: Math.min(CHUNK, ARTICLES - from + 1) }, (_, k) => from + k);
    await db.transaction().execute(async (trx) => {
      for (let s = 0; s < ids.length; s += STATEMENT) {
        const part = ids.slice(s, s + STATEMENT);
        await trx
          .insertInto('articles')
          .values(
            part.map((i) => {
              const designation = designationOf(i);
              return {
                id: i,
                ref: refOf(i),
                designation,
                designation_search: searchForm(designation),
                family1: `FAM${pad(i % 20, 2)}`,
                family2: `SUB${pad(i % 10, 2)}`,
                vat_rate_id: vatIds.get(VAT_RATES[i % 4] ?? 2000) ?? 1,
                lot_serial: 0,
                composed: 0,
                stock_managed: 1,
                eco_participation: 0,
                active: 1,
                created_at: stamp,
                updated_at: stamp,
              };
            }),
          )
          .execute();
        await trx
          .insertInto('article_barcodes')
          .values(part.map((i) => ({ barcode: eanOf(i), article_id: i, kind: 'ean13' })))
          .execute();
        await trx
          .insertInto('supplier_refs')
          .values(
            part.map((i) => {
              const [supplier_code, supplier_ref] = supplierOf(i);
              return { supplier_code, supplier_ref, article_id: i };
            }),
          )
          .execute();
        await trx
          .insertInto('article_prices')
          .values(
            part.map((i) => ({ article_id: i, tariff_code: 'BASE', price: 100 + ((i * 7919) % 10_000) })),
          )
          .execute();
        await trx
          .insertInto('stock')
          .values(part.map((i) => ({ article_id: i, depot_code: DEPOT_CODE, quantity: (i % 17) * 1000 })))
          .execute();
      }
      const promoted = ids.filter((i) => i % 100 === 0);
      if (promoted.length > 0) {
        await trx
          .insertInto('promotions')
          .values(
            promoted.map((i) => ({
              article_id: i,
              tariff_code: null,
              label: 'Promotion',
              price: 50,
              starts_at: '2026-11-01T00:00:00.000Z',
              ends_at: '2026-12-01T00:00:00.000Z',
            })),
          )
          .execute();
      }
    });
  }
  const fastSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(
    `Chargement rapide : ${ARTICLES.toLocaleString('fr-FR')} articles en ${fastSeconds.toFixed(1)} s, ` +
      `${Math.round(ARTICLES / fastSeconds).toLocaleString('fr-FR')} articles/s`,
  );

  // 2. CSV path: a file of new articles, imported by importCsv in batches of 1000.
  const csv = join(dir, 'articles.csv');
  const lines = ['ref;designation;ean;family1;family2;vat_rate;price;tariff_prices;supplier_refs'];
  for (let k = 1; k <= CSV_ARTICLES; k += 1) {
    const i = ARTICLES + k;
    const [supplier, supplierRef] = supplierOf(i);
    const price = 100 + ((i * 7919) % 10_000);
    lines.push(
      [
        refOf(i),
        designationOf(i),
        eanOf(i),
        `FAM${pad(i % 20, 2)}`,
        `SUB${pad(i % 10, 2)}`,
        ['20', '10', '5,5', '2,1'][i % 4],
        (price / 100).toFixed(2).replace('.', ','),
        i % 10 === 0 ? `PRO=${((price * 0.9) / 100).toFixed(2)}` : '',
        `${supplier}-${supplierRef}`,
      ].join(';'),
    );
  }
  writeFileSync(csv, `${lines.join('\n')}\n`);
  lines.length = 0;
  global.gc?.();
  const heapBefore = heapMiB();
  let heapPeak = heapBefore;
  started = process.hrtime.bigint();
  const report = await importCsv(db, 'articles', csv, {
    now: NOW,
    batchSize: 1000,
    // After each batch, the live heap (collected first when node runs with --expose-gc, as the npm
    // script does): what the import holds, not the garbage it has yet to free.
    onProgress: () => {
      global.gc?.();
      heapPeak = Math.max(heapPeak, heapMiB());
    },
  });
  const csvSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (report.imported !== CSV_ARTICLES)
    throw new Error(`Import CSV incomplet : ${JSON.stringify(report.rejected.slice(0, 3))}`);
  console.log(
    `Import CSV : ${CSV_ARTICLES.toLocaleString('fr-FR')} articles en ${csvSeconds.toFixed(1)} s, ` +
      `${Math.round(CSV_ARTICLES / csvSeconds).toLocaleString('fr-FR')} articles/s ` +
      `(tas vivant : ${heapBefore.toFixed(0)} Mio avant, ${heapPeak.toFixed(0)} Mio au plus haut)`,
  );

  // 3. Mixed lookups. Exact kinds pick a random article; pages pick a random prefix.
  const total = ARTICLES + CSV_ARTICLES;
  const random = seededRandom(2026);
  const anyArticle = () => 1 + Math.floor(random() * total);
  type Kind = 'EAN' | 'référence' | 'réf. fournisseur' | 'préfixe (page)' | 'désignation (page)';
  const makers: [Kind, number, () => string, ArticleLookupKind][] = [
    ['EAN', 0.3, () => eanOf(anyArticle()), 'barcode'],
    ['référence', 0.2, () => refOf(anyArticle()).toLowerCase(), 'ref'],
    ['réf. fournisseur', 0.15, () => supplierOf(anyArticle()).join('-'), 'supplierRef'],
    ['préfixe (page)', 0.2, () => refOf(anyArticle()).slice(0, 6), 'refPrefix'],
    [
      'désignation (page)',
      0.15,
      () =>
        `-${(PRODUCTS[Math.floor(random() * PRODUCTS.length)] ?? '').slice(0, 3 + Math.floor(random() * 6))}`,
      'designation',
    ],
  ];
  const plan: [Kind, string, ArticleLookupKind][] = [];
  for (let n = 0; n < LOOKUPS; n += 1) {
    let r = random();
    let chosen = makers[0];
    for (const maker of makers) {
      if (r < maker[1]) {
        chosen = maker;
        break;
      }
      r -= maker[1];
    }
    if (chosen === undefined) throw new Error('plan vide');
    plan.push([chosen[0], chosen[2](), chosen[3]]);
  }
  const options = { now: NOW, depotCode: DEPOT_CODE, limit: 20 };
  for (const [, text] of plan.slice(0, 2000)) await lookupArticles(db, text, options); // warm-up
  // Wall time, and the CPU time of this process (µs): on a shared machine the first also counts the
  // time spent waiting for a core, the second only the work done.
  const times = new Map<Kind, number[]>(makers.map(([kind]) => [kind, []]));
  const cpuTimes = new Map<Kind, number[]>(makers.map(([kind]) => [kind, []]));
  let wrong = 0;
  started = process.hrtime.bigint();
  for (const [kind, text, expected] of plan) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const result = await lookupArticles(db, text, options);
    times.get(kind)?.push(Number(process.hrtime.bigint() - t0));
    const c1 = process.cpuUsage(c0);
    cpuTimes.get(kind)?.push((c1.user + c1.system) * 1000);
    if (result.kind !== expected || result.items.length === 0) wrong += 1;
  }
  const lookupSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (wrong > 0) throw new Error(`${wrong} recherches sans le résultat attendu`);

  console.log(
    `\n${LOOKUPS.toLocaleString('fr-FR')} recherches mêlées sur ${total.toLocaleString('fr-FR')} articles en ` +
      `${lookupSeconds.toFixed(1)} s (${Math.round(LOOKUPS / lookupSeconds).toLocaleString('fr-FR')}/s), SQLite :`,
  );
  console.log(
    '| recherche | nombre | médiane (ms) | p99 (ms) | max (ms) | médiane CPU (ms) | p99 CPU (ms) |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [kind, list] of times) {
    list.sort((a, b) => a - b);
    const cpu = (cpuTimes.get(kind) ?? []).sort((a, b) => a - b);
    console.log(
      `| ${kind} | ${list.length} | ${ms(percentile(list, 50))} | ${ms(percentile(list, 99))} | ${ms(list[list.length - 1] ?? 0)} | ${ms(percentile(cpu, 50))} | ${ms(percentile(cpu, 99))} |`,
    );
  }
  console.log(
    `\nNode ${process.version}, ${cpus().length} cœurs (${cpus()[0]?.model ?? '?'}), charge moyenne ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
} finally {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
