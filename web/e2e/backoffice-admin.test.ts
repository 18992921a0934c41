/**
 * The manager's back office in Chromium (issue 12): the administrator creates a user (the PIN the
 * server draws shown once) and a register (its signing key made), then that user logs in on that
 * register and sells; the sale is signed by the new register's key. axe-core over the new pages.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { login as apiLogin, call, makeStore, PINS } from '../../src/server/testing.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import {
  type Browser,
  buildWeb,
  login,
  openBrowser,
  type RunningServer,
  scan,
  seriousViolations,
  startServer,
} from './harness.ts';

let dir = '';
let server: RunningServer;
let browser: Browser;
let ean = '';
let lot = { ref: '', designation: '' };

before(async () => {
  buildWeb();
  dir = mkdtempSync(join(tmpdir(), 'comptoir-e2e-admin-'));
  await makeStore(dir, 1, { articles: 30, boxes: 1, customers: 3 });
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  const article = await db
    .selectFrom('articles')
    .innerJoin('article_barcodes', 'article_barcodes.article_id', 'articles.id')
    .select(['article_barcodes.barcode as ean'])
    .where('articles.composed', '=', 0)
    .where('articles.lot_serial', '=', 0)
    .where('article_barcodes.barcode', 'like', '376%')
    .orderBy('articles.id')
    .executeTakeFirstOrThrow();
  ean = article.ean;
  lot = await db
    .selectFrom('articles')
    .select(['ref', 'designation'])
    .where('lot_serial', '=', 1)
    .where('composed', '=', 0)
    .executeTakeFirstOrThrow();
  await db.destroy();
  server = await startServer(dir);
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

test('a new user and a new register are created in the back office, then used to sell', async () => {
  const { page } = browser;
  await login(page, server.url, 'ADMIN', PINS.admin);
  await page.getByRole('button', { name: 'Autres opérations' }).click();
  await page
    .getByRole('dialog', { name: 'Autres opérations' })
    .getByRole('button', { name: 'Gestion' })
    .click();
  const nav = page.getByRole('navigation', { name: 'Gestion' });

  await nav.getByRole('link', { name: 'Utilisateurs' }).click();
  const users = page.getByRole('region', { name: 'Utilisateurs' });
  await users.getByRole('row').filter({ hasText: 'CAISSE1' }).waitFor();
  const form = users.getByRole('form', { name: 'Nouvel utilisateur' });
  await form.getByLabel('Code de l’utilisateur').fill('caisse9');
  await form.getByLabel('Nom').fill('Zoé Petit');
  await form.getByLabel('Code PIN').fill('12');
  await form.getByRole('button', { name: 'Créer l’utilisateur' }).click();
  await form
    .getByRole('alert')
    .filter({ hasText: /Refusé, rien n’est enregistré : .*4 à 8 chiffres/ })
    .waitFor();
  await form.getByLabel('Code PIN').fill('');
  await form.getByRole('button', { name: 'Créer l’utilisateur' }).click();
  const created = form
    .getByRole('status')
    .filter({ hasText: /Utilisateur CAISSE9 créé ; son code PIN : \d{6}/ });
  await created.waitFor();
  const pin = /code PIN : (\d{6})/.exec((await created.textContent()) ?? '')?.[1];
  assert.ok(pin !== undefined);
  const row = users.getByRole('row').filter({ hasText: 'Zoé Petit' });
  await row.locator('summary').click();
  await row.getByLabel('remise au-delà de la limite').check();
  await users
    .getByRole('status')
    .filter({ hasText: 'CAISSE9 : droit « remise au-delà de la limite » accordé' })
    .waitFor();
  assert.equal(await row.getByLabel('remise au-delà de la limite').isChecked(), true);
  assert.deepEqual(await seriousViolations(page), [], 'axe-core on « Utilisateurs »');

  await nav.getByRole('link', { name: 'Caisses' }).click();
  const registers = page.getByRole('region', { name: 'Caisses' });
  await registers.getByRole('row').filter({ hasText: 'Caisse 1' }).waitFor();
  const add = registers.getByRole('form', { name: 'Nouvelle caisse' });
  await add.getByLabel('Nom de la caisse').fill('Caisse terrasse');
  await add.getByRole('button', { name: 'Ajouter la caisse' }).click();
  const added = add
    .getByRole('status')
    .filter({ hasText: /Caisse 2 « Caisse terrasse » ajoutée ; clé de signature [0-9a-f]{16}/ });
  await added.waitFor();
  const keyId = /clé de signature ([0-9a-f]{16})/.exec((await added.textContent()) ?? '')?.[1];
  await registers
    .getByRole('row')
    .filter({ hasText: 'Caisse terrasse' })
    .getByText(keyId ?? '-')
    .waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'axe-core on « Caisses »');

  // The new cashier on the new register: logged in, a scan, Total, cash, no receipt.
  await page.evaluate('sessionStorage.clear(); localStorage.clear()');
  await page.goto(server.url);
  await page.getByLabel('Code utilisateur').fill('CAISSE9');
  await page.getByLabel('PIN').fill(pin);
  await page.getByLabel('Caisse').fill('2');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  // A new register's day opens with its float count before the first sale (issue 13).
  const opening = page.getByRole('dialog', { name: 'Ouverture de caisse' });
  await opening.getByLabel('En un total').check();
  await opening.getByLabel('Total compté (€)').fill('100');
  await opening.getByRole('button', { name: 'Ouvrir la caisse' }).click();
  await opening.waitFor({ state: 'detached' });
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
  assert.match(await page.title(), /caisse n° 2/);
  await scan(page, ean);
  await page.getByRole('region', { name: 'Ticket en cours' }).locator('tbody tr.article').waitFor();
  await page.keyboard.press('F10');
  await page.getByText('Montant réglé', { exact: true }).waitFor();
  await page.keyboard.type('500');
  await page.keyboard.press('Enter');
  await page.keyboard.press('1');
  const receipt = page.getByRole('dialog', { name: 'Ticket par e-mail' });
  await receipt.getByText(/validé/).waitFor();
  await receipt.getByRole('button', { name: /ne veut pas de ticket/ }).click();
  await receipt.waitFor({ state: 'detached' });

  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const sales = await call<{ items: { operator: string | null }[] }>(
    server.url,
    'GET',
    '/api/sales?register=2',
    {
      token,
    },
  );
  assert.equal(sales.status, 200, JSON.stringify(sales.body));
  assert.deepEqual(
    sales.body.items.map((s) => s.operator),
    ['CAISSE9'],
  );
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  const signed = await db
    .selectFrom('journal')
    .select('key_id')
    .where('register', '=', '2')
    .where('chain', '=', 'TICKET')
    .execute();
  await db.destroy();
  assert.deepEqual(
    signed.map((r) => r.key_id),
    [keyId],
    'signed by the new register’s key',
  );
});

test('where the register allows lot/serial articles, their number is asked at the scan and put on the line', async () => {
  const { page } = browser;
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const allowed = await call(server.url, 'PUT', '/api/settings', {
    token,
    body: { registers: [{ number: 2, settings: { allowLotSerial: true } }] },
  });
  assert.equal(allowed.status, 200, JSON.stringify(allowed.body));
  await scan(page, lot.ref);
  const dialog = page.getByRole('dialog', { name: 'Numéro de lot ou de série' });
  await dialog.getByText(/est géré par lot\/série : saisissez son numéro/).waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'axe-core on the serial dialog');
  await dialog.getByLabel('Numéro de lot ou de série').fill('SN-E2E-7');
  await page.keyboard.press('Enter');
  await dialog.waitFor({ state: 'detached' });
  await page
    .getByRole('region', { name: 'Ticket en cours' })
    .getByText(`${lot.designation} — n° lot/série SN-E2E-7`)
    .waitFor();
  assert.equal(
    await page.evaluate('document.activeElement?.getAttribute("aria-label")'),
    'Viseur',
    'the viseur ready for the next scan',
  );
});
