/**
 * The register at every screen size and under axe-core (issue 12): 1024×768, 1280×800, 1920×1080
 * and a 10-inch tablet upright (800×1280) with a long ticket, nothing cut, no column hidden, the
 * last line and the counts in sight, touch targets of 44 px; a sale on the touch grid with taps only;
 * then axe-core over every register screen and dialog, failing on any serious or critical
 * violation, with the dialogs' focus kept inside and given back. One server, one browser (touch).
 * Screenshots go to SCREENS_DIR (a temporary folder by default).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { makeStore, PINS } from '../../src/server/testing.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import {
  type Browser,
  buildWeb,
  focused,
  layoutProblems,
  login,
  openBrowser,
  type RunningServer,
  scan,
  screensDir,
  seriousViolations,
  startServer,
} from './harness.ts';

let dir = '';
let server: RunningServer;
let browser: Browser;
let eans: string[] = [];
let card = '';
const shots = screensDir();

before(async () => {
  buildWeb();
  dir = mkdtempSync(join(tmpdir(), 'comptoir-e2e-screens-'));
  await makeStore(dir, 1);
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  // The longest designations of the shop, to try the columns.
  eans = (
    await db
      .selectFrom('articles')
      .innerJoin('article_barcodes', 'article_barcodes.article_id', 'articles.id')
      .select(['article_barcodes.barcode'])
      .where('articles.composed', '=', 0)
      .where('articles.lot_serial', '=', 0)
      .where('article_barcodes.barcode', 'like', '376%')
      .orderBy((eb) => eb.fn('length', ['articles.designation']), 'desc')
      .limit(14)
      .execute()
  ).map((r) => r.barcode);
  card =
    (
      await db
        .selectFrom('customers')
        .select('card_number')
        .where('card_number', 'is not', null)
        .where('consent_email_receipts', '=', 0)
        .orderBy('id')
        .executeTakeFirstOrThrow()
    ).card_number ?? '';
  await db.destroy();
  server = await startServer(dir);
  browser = await openBrowser({ hasTouch: true });
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const SIZES = [
  [1024, 768],
  [1280, 800],
  [1920, 1080],
  [800, 1280],
] as const;

const lines = (page: Page) => page.getByRole('region', { name: 'Ticket en cours' });

async function axeClean(page: Page, screen: string): Promise<void> {
  const violations = await seriousViolations(page);
  assert.deepEqual(
    violations.map((v) => `${v.id} (${v.impact}) : ${v.help} — ${v.targets.join(' | ')}`),
    [],
    `axe-core sur ${screen}`,
  );
}

test('the login screen passes axe-core and keeps the focus after a failed login', async () => {
  const { page } = browser;
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Se connecter' }).waitFor();
  assert.equal(await page.title(), 'Connexion — Comptoir');
  await axeClean(page, 'la connexion');
  await page.getByLabel('Code utilisateur').fill('CAISSE1');
  await page.getByLabel('PIN').fill('12');
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const refused = page.getByRole('alert');
  await refused.waitFor();
  assert.doesNotMatch((await refused.textContent()) ?? '', /Trop petit|chaîne|Invalid/);
  assert.match((await refused.textContent()) ?? '', /PIN/);
  assert.equal((await focused(page)).tag, 'INPUT', 'the focus back on the PIN');
  await login(page, server.url, 'CAISSE1', PINS.cashier);
});

test('every size: a 14-line ticket and the payment modes, nothing cut, no column hidden, the last line in sight', async () => {
  const { page } = browser;
  for (const ean of eans) await scan(page, ean);
  await lines(page).locator('tbody tr.article').nth(13).waitFor();
  await page.getByRole('textbox', { name: 'Viseur' }).fill('5');
  await page.keyboard.press('Shift+F5');
  await lines(page).locator('tr.pointed td.discount').filter({ hasText: '-5' }).waitFor();
  await page.keyboard.press('F2');
  await lines(page).locator('tr.subtotal.pointed').waitFor();
  await lines(page)
    .locator('.counts')
    .filter({ hasText: /14 article\(s\)/ })
    .waitFor();
  for (const [width, height] of SIZES) {
    await page.setViewportSize({ width, height });
    await page.getByRole('textbox', { name: 'Viseur' }).focus();
    assert.deepEqual(await layoutProblems(page), [], `saisie à ${width}×${height}`);
    await page.screenshot({ path: join(shots, `caisse-${width}x${height}.png`) });
    await page.keyboard.press('F10');
    await page.getByText('Montant réglé', { exact: true }).waitFor();
    assert.deepEqual(await layoutProblems(page), [], `règlement à ${width}×${height}`);
    await page.screenshot({ path: join(shots, `caisse-reglement-${width}x${height}.png`) });
    await page.keyboard.press('Escape');
    await page.getByLabel('Choix du viseur').waitFor();
  }
  await page.setViewportSize({ width: 1366, height: 800 });
  await page.keyboard.press('Shift+F10');
  await page
    .getByRole('dialog', { name: 'Abandonner le ticket ?' })
    .getByRole('button', { name: 'Abandonner le ticket' })
    .click();
  await page.getByText('Ticket abandonné').waitFor();
});

test('a sale on the touch grid, taps only: a family, two products, Total, cash, no receipt', async () => {
  const { page } = browser;
  await page.setViewportSize({ width: 1280, height: 800 });
  const grid = page.getByRole('region', { name: 'Raccourcis articles' });
  await grid.getByRole('button', { name: 'Boissons sans alcool' }).tap();
  const drink = grid.locator('.products button').first();
  const drinkName = ((await drink.locator('.product-name').textContent()) ?? '').trim();
  assert.ok(drinkName !== '' && !/^[A-Z]{3}\d{4}$/.test(drinkName), `a name, not a code: ${drinkName}`);
  await drink.tap();
  await lines(page).getByRole('row').filter({ hasText: drinkName }).waitFor();
  await grid.getByRole('button', { name: 'Salon de thé (sur place)' }).tap();
  const tea = grid.locator('.products button').first();
  const teaName = ((await tea.locator('.product-name').textContent()) ?? '').trim();
  await tea.tap();
  await lines(page).getByRole('row').filter({ hasText: teaName }).waitFor();
  assert.deepEqual(await layoutProblems(page), []);
  await page.screenshot({ path: join(shots, 'caisse-grille.png') });
  await page.getByRole('button', { name: 'Total F10' }).tap();
  await page
    .getByRole('region', { name: 'Modes de règlement' })
    .getByRole('button', { name: /^Espèces/ })
    .tap();
  const receipt = page.getByRole('dialog', { name: 'Ticket par e-mail' });
  await receipt.getByRole('button', { name: 'Le client ne veut pas de ticket' }).tap();
  await page.getByText(/Ticket n° 1 terminé : saisie du ticket suivant/).waitFor();
});

/** Opens a dialog, checks it with axe-core, that Tab stays in it and Escape gives the focus back. */
async function dialogChecked(
  page: Page,
  name: string,
  open: () => Promise<void>,
  options: { escape?: boolean } = {},
): Promise<void> {
  await open();
  const dialog = page.getByRole('dialog', { name });
  await dialog.waitFor();
  await axeClean(page, `la fenêtre « ${name} »`);
  for (let i = 0; i < 12; i += 1) {
    await page.keyboard.press('Tab');
    assert.equal((await focused(page)).inDialog, true, `Tab ${i + 1} reste dans « ${name} »`);
  }
  if (options.escape === false) return;
  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached' });
  // The focus goes back once the dialog is out of the page (the same turn of the event loop).
  await page
    .waitForFunction(
      'document.activeElement !== null && document.activeElement !== document.body',
      undefined,
      {
        timeout: 2000,
      },
    )
    .catch(() => undefined);
  assert.notEqual((await focused(page)).tag, 'BODY', `le focus revient après « ${name} »`);
}

test('axe-core over every register screen and dialog; dialogs keep the focus and give it back', async () => {
  const { page } = browser;
  const viseur = page.getByRole('textbox', { name: 'Viseur' });
  await axeClean(page, 'la saisie (ticket vide)');
  await scan(page, eans[0] ?? '');
  await scan(page, eans[1] ?? '');
  await lines(page).locator('tbody tr.article').nth(1).waitFor();
  await axeClean(page, 'la saisie (deux lignes)');

  await dialogChecked(page, 'Aide : les touches de la caisse', () => page.keyboard.press('F1'));
  await dialogChecked(page, 'Annuler', () => page.keyboard.press('Escape'));
  await dialogChecked(page, 'Autres opérations', () =>
    page.getByRole('button', { name: 'Autres opérations' }).click(),
  );
  await dialogChecked(page, 'Abandonner le ticket ?', () => page.keyboard.press('Shift+F10'));
  await dialogChecked(page, 'HT/TVA', () => page.getByRole('button', { name: 'HT/TVA' }).click());
  await dialogChecked(page, 'Changer utilisateur', () => page.keyboard.press('Shift+F4'));
  await dialogChecked(page, 'Composition', () => page.getByRole('button', { name: 'Composition' }).click());
  await dialogChecked(page, 'Recherche d’articles', async () => {
    await viseur.fill('-THE');
    await page.keyboard.press('F8');
  });
  await dialogChecked(page, 'Afficher Prix', async () => {
    await viseur.fill(eans[2] ?? '');
    await page.keyboard.press('Shift+F8');
  });
  await dialogChecked(page, 'Colonnes du ticket', async () => {
    await page.getByRole('button', { name: 'Autres opérations' }).click();
    await page
      .getByRole('dialog', { name: 'Autres opérations' })
      .getByRole('button', { name: 'Colonnes du ticket' })
      .click();
  });
  await page.keyboard.press('F7');
  await page.getByText('Ticket mis en attente').waitFor();
  await dialogChecked(page, 'Tickets en attente', () => page.keyboard.press('Shift+F7'));

  // The manager's code, for a discount over the limit.
  await scan(page, eans[3] ?? '');
  await lines(page).locator('tbody tr.article').first().waitFor();
  await dialogChecked(page, 'Code responsable', async () => {
    await viseur.fill('30');
    await page.keyboard.press('Shift+F5');
  });

  // A customer who cannot receive mail: the card dialog; then the payment and the receipt choice.
  await scan(page, card);
  await page.getByRole('button', { name: /ne peut pas recevoir son ticket par e-mail/ }).waitFor();
  const customerName = ((await page.locator('.customer .name').textContent()) ?? '').trim();
  await dialogChecked(page, `Client ${customerName}`, () =>
    page.getByRole('button', { name: /ne peut pas recevoir son ticket par e-mail/ }).click(),
  );
  await page.keyboard.press('F10');
  await page.getByText('Montant réglé', { exact: true }).waitFor();
  await axeClean(page, 'le règlement');
  await page.keyboard.press('Enter');
  await page.keyboard.press('1');
  const receipt = page.getByRole('dialog', { name: 'Ticket par e-mail' });
  await receipt.waitFor();
  assert.equal(
    await receipt.getByRole('button', { name: 'Poster le ticket par e-mail', exact: true }).count(),
    0,
    'no plain e-mail for a customer who cannot receive mail',
  );
  await dialogChecked(page, 'Ticket par e-mail', async () => undefined, { escape: false });
  await receipt.getByRole('button', { name: 'Le client veut un ticket physique' }).click();
  await page.getByText(/terminé \(imprimé\)/).waitFor();

  // Reprint (its reason), then the duplicate shown.
  await dialogChecked(page, 'Réimpression', () => page.keyboard.press('Shift+F9'));
  await page.keyboard.press('Shift+F9');
  const ask = page.getByRole('dialog', { name: 'Réimpression' });
  await ask.getByLabel('Motif de la réimpression').fill('Demande du client');
  await ask.getByRole('button', { name: 'Réimprimer' }).click();
  await dialogChecked(page, 'Duplicata', async () => undefined);
  assert.match(await page.title(), /caisse n° 1 — Comptoir$/);
});
