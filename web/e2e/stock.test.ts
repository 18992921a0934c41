/**
 * Stock end to end in Chromium (issue 16): the « Stock » page of the back office shows a sale
 * validated at the register; an ME- from the demo's depot to a second store's depot is written,
 * validated and received (ME+), and each depot shows its quantity.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { login as apiLogin, makeStore, PINS, validatedSale } from '../../src/server/testing.ts';
import { setStock } from '../../src/store/catalogue.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import { createDepot, createStore } from '../../src/store/setup.ts';
import {
  type Browser,
  buildWeb,
  login,
  openBrowser,
  type RunningServer,
  screensDir,
  startServer,
} from './harness.ts';

let dir = '';
let server: RunningServer;
let browser: Browser;

before(async () => {
  buildWeb();
  dir = mkdtempSync(join(tmpdir(), 'comptoir-e2e-stock-'));
  await makeStore(dir, 1);
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  await createStore(db, { code: 'MAG2', name: 'Magasin de Lyon' }, new Date());
  await createDepot(db, 'MAG2', 'DEP2', 'Dépôt de Lyon');
  await setStock(db, 'BOI0001', 'DEP1', 5000);
  await db.destroy();
  server = await startServer(dir);
  browser = await openBrowser();
});
after(async () => {
  await browser?.close();
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the stock page shows the sale; an ME- then its ME+ between two stores', async () => {
  const token = await apiLogin(server.url, 'CAISSE1', PINS.cashier);
  await validatedSale(server.url, token, 'e2e-stock-1');
  const { page } = browser;
  await login(page, server.url, 'ADMIN', PINS.admin);
  await page.goto(`${server.url}/#/gestion/stock`);
  const region = page.getByRole('region', { name: 'Stock', exact: true });
  await region.getByLabel('Référence de l’article').fill('BOI0001');
  await region.getByRole('button', { name: 'Afficher le stock' }).click();
  const shown = page.getByRole('region', { name: 'Stock de l’article' });
  await shown.getByRole('row', { name: /MAG1 DEP1 4/ }).waitFor();
  await shown.getByRole('cell', { name: 'Vente' }).waitFor();

  await region.getByLabel('Document').selectOption('transfer_out');
  await region.getByLabel('Dépôt', { exact: true }).fill('DEP1');
  await region.getByLabel('Dépôt de destination').fill('DEP2');
  await region.getByLabel(/^Lignes/).fill('BOI0001=3');
  await region.getByRole('button', { name: 'Écrire le brouillon' }).click();
  await region.getByText('Brouillon écrit : Transfert sortant (ME-) ME-000001').waitFor();
  await region.getByRole('button', { name: 'Valider ME-000001' }).click();
  await region.getByText('Validé : Transfert sortant (ME-) ME-000001').waitFor();
  await region.getByRole('button', { name: 'Recevoir ME-000001 (ME+)' }).click();
  await region.getByText('Reçu : Transfert entrant (ME+) ME+000001').waitFor();

  await region.getByRole('button', { name: 'Afficher le stock' }).click();
  await shown.getByRole('row', { name: /MAG1 DEP1 1/ }).waitFor();
  await shown.getByRole('row', { name: /MAG2 DEP2 3/ }).waitFor();
  await page.screenshot({ path: join(screensDir(), 'gestion-stock.png'), fullPage: true });
});
