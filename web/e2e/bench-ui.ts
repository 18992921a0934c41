/**
 * npm run bench:ui — the register in Chromium over a store of 1,000,000 articles:
 *
 * 1. first load: from navigation to the login form ready (fresh profile, nothing cached), then from
 *    « Se connecter » to the viseur ready on an open ticket;
 * 2. 200 scans: the EAN typed into the viseur as a scanner does, then Enter; timed inside the page from
 *    the Enter keydown to the new line in the table (p50, p95, max).
 *
 * BENCH_ARTICLES and BENCH_SCANS change the sizes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { makeStore, PINS } from '../../src/server/testing.ts';
import { searchForm } from '../../src/store/codes.ts';
import { ean13 } from '../../src/store/demo.ts';
import { buildWeb, openBrowser, startServer } from './harness.ts';

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 1_000_000);
const SCANS = Number(process.env.BENCH_SCANS ?? 200);
const eanOf = (i: number) => ean13(`21${String(i).padStart(10, '0')}`);
const WORDS = ['Savon', 'Bougie', 'Thé', 'Confiture', 'Carnet', 'Tasse', 'Huile', 'Miel', 'Sel', 'Café'];
const KINDS = ['bio', 'artisanal', 'de Provence', 'extra', 'du terroir', 'en grès', 'rouge'];

/**
 * Run inside the page (a string: this file is type-checked for Node, not the DOM): Enter's keydown
 * starts the clock, the next article row in the table stops it; the resource timings of the
 * `/lines` requests give the share of the network and the server.
 */
const INSTRUMENT = `(() => {
  const scans = [];
  let start = 0;
  window.addEventListener('keydown', (e) => { if (e.key === 'Enter') start = performance.now(); }, true);
  let rows = document.querySelectorAll('.lines tbody tr.article').length;
  new MutationObserver(() => {
    const now = document.querySelectorAll('.lines tbody tr.article').length;
    if (now > rows) scans.push(performance.now() - start);
    rows = now;
  }).observe(document.body, { childList: true, subtree: true });
  performance.setResourceTimingBufferSize(10000);
  window.scanResults = () => ({
    scans,
    api: performance.getEntriesByType('resource').filter((r) => r.name.endsWith('/lines')).map((r) => r.duration),
  });
})()`;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Adds `count` articles after the demo's, with an EAN, a price and stock each (one transaction). */
function loadCatalogue(file: string, count: number): { first: number; seconds: number } {
  const started = performance.now();
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  const first = Number((db.prepare('select max(id) as m from articles').get() as { m: number }).m) + 1;
  const vat = (db.prepare('select id from vat_rates where rate = 2000').get() as { id: number }).id;
  const stamp = new Date().toISOString();
  const article = db.prepare(
    `insert into articles (id, ref, designation, designation_search, family1, family2, vat_rate_id,
       lot_serial, composed, stock_managed, eco_participation, active, created_at, updated_at)
     values (?, ?, ?, ?, 'EPICERIE', null, ?, 0, 0, 1, 0, 1, ?, ?)`,
  );
  const barcode = db.prepare(
    `insert into article_barcodes (barcode, article_id, kind) values (?, ?, 'ean13')`,
  );
  const price = db.prepare(
    `insert into article_prices (article_id, tariff_code, price) values (?, 'BASE', ?)`,
  );
  const stock = db.prepare(`insert into stock (article_id, depot_code, quantity) values (?, 'DEP1', ?)`);
  const chunk = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i += 1) {
      const id = first + i;
      const designation = `${WORDS[i % WORDS.length]} ${KINDS[Math.floor(i / 10) % KINDS.length]} n°${i}`;
      article.run(
        id,
        `B${String(i).padStart(7, '0')}`,
        designation,
        searchForm(designation),
        vat,
        stamp,
        stamp,
      );
      barcode.run(eanOf(i), id);
      price.run(id, 100 + ((i * 7919) % 10_000));
      stock.run(id, 50_000);
    }
  });
  for (let from = 0; from < count; from += 50_000) chunk(from, Math.min(count, from + 50_000));
  db.close();
  return { first, seconds: (performance.now() - started) / 1000 };
}

const dir = mkdtempSync(join(tmpdir(), 'comptoir-bench-ui-'));
try {
  buildWeb();
  await makeStore(dir, 1);
  const loaded = loadCatalogue(join(dir, 'comptoir.db'), ARTICLES);
  console.log(
    `Catalogue : ${ARTICLES.toLocaleString('fr-FR')} articles ajoutés en ${loaded.seconds.toFixed(1)} s`,
  );
  const server = await startServer(dir);
  const browser = await openBrowser();
  const { page } = browser;
  try {
    let t0 = performance.now();
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Se connecter' }).waitFor();
    const firstLoad = performance.now() - t0;
    await page.getByLabel('Code utilisateur').fill('CAISSE1');
    await page.getByLabel('PIN').fill(PINS.cashier);
    t0 = performance.now();
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
    await page.locator('.lines tbody').waitFor({ state: 'attached' });
    const toRegister = performance.now() - t0;

    // Inside the page: Enter's keydown starts the clock, the next article row stops it.
    await page.evaluate(INSTRUMENT);

    let seed = 12345;
    const next = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % ARTICLES;
    };
    const rowCount = page.locator('.lines tbody tr.article');
    for (let s = 0; s < SCANS; s += 1) {
      await page.keyboard.type(eanOf(next()));
      await page.keyboard.press('Enter');
      await rowCount.nth(s).waitFor();
    }
    const measured = (await page.evaluate('window.scanResults()')) as { scans: number[]; api: number[] };
    const times = measured.scans.slice().sort((a, b) => a - b);
    const api = measured.api.slice().sort((a, b) => a - b);
    if (times.length !== SCANS) throw new Error(`${times.length} mesures pour ${SCANS} scans`);
    console.log(
      `Machine : ${cpus().length} processeurs, charge ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
    console.log(`Premier chargement (page de connexion prête) : ${firstLoad.toFixed(0)} ms`);
    console.log(`Connexion → viseur prêt sur un ticket ouvert : ${toRegister.toFixed(0)} ms`);
    console.log(
      `Scan (Entrée → ligne affichée), ${SCANS} scans : p50 ${percentile(times, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(times, 95).toFixed(1)} ms, max ${percentile(times, 100).toFixed(1)} ms (objectif p95 < 50 ms)`,
    );
    console.log(
      `  dont requête POST /lines (réseau + serveur) : p50 ${percentile(api, 50).toFixed(1)} ms, ` +
        `p95 ${percentile(api, 95).toFixed(1)} ms`,
    );
  } finally {
    await browser.close();
    await server.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
