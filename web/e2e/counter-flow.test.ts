/**
 * The counter's flow in Chromium (issue 12): a ticket always ready for a scan, the mandatory seller
 * asked at Total, « Reprise attente » while a ticket is in progress, discount limits on the spot with
 * the manager's code (line, lowered limit, footer), a sale from the first scan to the validated
 * ticket with the keyboard alone, the confirmation before a ticket is abandoned, the register's
 * receipt settings (no e-mail offered, no question before printing). One server, one browser for the
 * file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Page } from 'playwright-core';
import { login as apiLogin, call, MANAGER, makeStore, PINS } from '../../src/server/testing.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import {
  type Browser,
  buildWeb,
  focused,
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
/** Plain articles of the demo: reference, EAN, designation. */
let goods: { ref: string; ean: string; designation: string }[] = [];

before(async () => {
  buildWeb();
  dir = mkdtempSync(join(tmpdir(), 'comptoir-e2e-flow-'));
  await makeStore(dir, 1);
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  goods = (
    await db
      .selectFrom('articles')
      .innerJoin('article_barcodes', 'article_barcodes.article_id', 'articles.id')
      .select(['articles.ref', 'article_barcodes.barcode as ean', 'articles.designation'])
      .where('articles.family1', 'in', ['BOISSONS', 'EPICERIE'])
      .where('articles.composed', '=', 0)
      .where('articles.lot_serial', '=', 0)
      .where('article_barcodes.barcode', 'like', '376%')
      .orderBy('articles.id')
      .limit(6)
      .execute()
  ).map((r) => ({ ref: r.ref, ean: r.ean, designation: r.designation }));
  await db.destroy();
  assert.equal(goods.length, 6);
  server = await startServer(dir);
  browser = await openBrowser();
  await login(browser.page, server.url, 'CAISSE1', PINS.cashier);
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const good = (i: number) => {
  const g = goods[i];
  assert.ok(g !== undefined);
  return g;
};
const lines = (page: Page) => page.getByRole('region', { name: 'Ticket en cours' });
const row = (page: Page, i: number) =>
  lines(page)
    .getByRole('row')
    .filter({ hasText: good(i).designation });
const message = (page: Page) => page.getByRole('region', { name: 'Saisie' }).locator('p.message');

/** Changes register 1's settings through the API (the administrator), then reloads the screen. */
async function registerSettings(page: Page, settings: Record<string, unknown>): Promise<void> {
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const answer = await call(server.url, 'PUT', '/api/settings', {
    token,
    body: { registers: [{ number: 1, settings }] },
  });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  await call(server.url, 'DELETE', '/api/session', { token });
  await page.reload();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
}

async function authorize(page: Page): Promise<void> {
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable', { exact: true }).fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable', { exact: true }).fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await manager.waitFor({ state: 'detached' });
}

/** Abandons whatever ticket is on screen (with its confirmation), for the next test. */
async function freshTicket(page: Page): Promise<void> {
  await page.keyboard.press('Shift+F10');
  const confirm = page.getByRole('dialog', { name: 'Abandonner le ticket ?' });
  if (await confirm.isVisible().catch(() => false)) {
    await confirm.getByRole('button', { name: 'Abandonner le ticket' }).click();
  }
  await message(page).filter({ hasText: 'Ticket abandonné' }).waitFor();
}

test('scan first: the first code of a ticket is an article, one Enter each; a code typed for a seller that is an article goes on the ticket', async () => {
  const { page } = browser;
  assert.equal(
    await page.getByLabel('Choix du viseur', { exact: true }).inputValue(),
    'ref',
    'the viseur waits for articles',
  );
  assert.match(await page.title(), /Saisie du ticket — caisse n° 1/);
  await scan(page, good(0).ean);
  await row(page, 0).waitFor();
  await scan(page, good(1).ean);
  await row(page, 1).waitFor();
  assert.doesNotMatch((await message(page).textContent()) ?? '', /Vendeur inconnu/);

  // F4: the viseur asks for a seller; an article's reference typed there is not refused.
  await page.keyboard.press('F4');
  assert.equal(await page.getByLabel('Choix du viseur', { exact: true }).inputValue(), 'seller');
  await scan(page, good(2).ref);
  await row(page, 2).waitFor();
  assert.equal(await page.getByLabel('Choix du viseur', { exact: true }).inputValue(), 'ref');
  // F4 then a real seller's code: the seller is on the ticket, the viseur back on articles.
  await page.keyboard.press('F4');
  await scan(page, 'V01');
  await page
    .getByRole('region', { name: 'Informations caisse' })
    .getByText('Vendeur', { exact: true })
    .nth(1)
    .waitFor();
  assert.equal(await page.getByLabel('Choix du viseur', { exact: true }).inputValue(), 'ref');
  assert.equal(await lines(page).locator('tbody tr.article').count(), 3);
  await freshTicket(page);
});

test('a mandatory seller is asked at Total, never before a scan; Total then goes on', async () => {
  const { page } = browser;
  await registerSettings(page, { sellerMandatory: true });
  await scan(page, good(0).ean);
  await row(page, 0).waitFor();
  await page.keyboard.press('F10');
  await message(page).filter({ hasText: 'Vendeur obligatoire sur cette caisse' }).waitFor();
  assert.equal(await page.getByLabel('Choix du viseur', { exact: true }).inputValue(), 'seller');
  await scan(page, 'V01');
  await page.getByText('Montant réglé', { exact: true }).waitFor();
  assert.match(await page.title(), /Règlement/);
  await page.keyboard.press('Escape');
  await page.getByLabel('Choix du viseur').waitFor();
  await registerSettings(page, { sellerMandatory: false });
  await freshTicket(page);
});

test('« Reprise attente » while a ticket is in progress holds it first: both tickets kept', async () => {
  const { page } = browser;
  await scan(page, good(0).ean);
  await row(page, 0).waitFor();
  await page.keyboard.press('F7');
  await message(page).filter({ hasText: 'Ticket mis en attente' }).waitFor();
  await scan(page, good(1).ean);
  await row(page, 1).waitFor();

  await page.keyboard.press('Shift+F7');
  const held = page.getByRole('dialog', { name: 'Tickets en attente' });
  await held
    .getByRole('button', { name: /Reprendre le ticket/ })
    .first()
    .waitFor();
  assert.equal(await held.getByRole('button', { name: /Reprendre le ticket/ }).count(), 1);
  await page.waitForFunction("document.activeElement?.closest('[role=dialog]') != null");
  await page.keyboard.press('Enter');
  await row(page, 0).waitFor();
  assert.equal(await row(page, 1).count(), 0);
  await message(page).filter({ hasText: 'le ticket qui était en cours est mis en attente' }).waitFor();

  // The other one is there to take up again.
  await page.keyboard.press('Shift+F7');
  await held.getByRole('button', { name: /Reprendre le ticket/ }).click();
  await row(page, 1).waitFor();
  await freshTicket(page);
  await page.keyboard.press('Shift+F7');
  await held.getByRole('button', { name: /Reprendre le ticket/ }).click();
  await row(page, 0).waitFor();
  await freshTicket(page);
});

test('discount limits on the spot: a line, a limit lowered while the ticket is open, the footer', async () => {
  const { page } = browser;
  const viseur = page.getByRole('textbox', { name: 'Viseur' });
  // Rem% on an empty ticket: said plainly, no footer discount made.
  await viseur.fill('25');
  await page.keyboard.press('Shift+F5');
  await message(page).filter({ hasText: 'Aucune ligne pointée' }).waitFor();
  assert.equal(await lines(page).locator('tr.footer').count(), 0);

  await scan(page, good(0).ean);
  await scan(page, good(1).ean);
  await row(page, 1).waitFor();
  await viseur.fill('8');
  await page.keyboard.press('Shift+F5');
  await row(page, 1).filter({ hasText: '-8' }).waitFor();

  // The limit goes from 10 % to 5 % while the ticket is open: 8 % on the other line asks at once.
  await registerSettings(page, { discountLimitPercent: 500 });
  await row(page, 0).click();
  await lines(page)
    .locator('tr.pointed')
    .filter({ hasText: good(0).designation })
    .waitFor();
  await viseur.fill('8');
  await page.keyboard.press('Shift+F5');
  await page.getByRole('dialog', { name: 'Code responsable' }).waitFor();
  await authorize(page);
  await row(page, 0).filter({ hasText: '-8' }).waitFor();

  // Total: the 8 % typed before the limit was lowered is asked for too, before any payment.
  await page.keyboard.press('F10');
  await page.getByRole('dialog', { name: 'Code responsable' }).waitFor();
  await authorize(page);
  await page.getByText('Montant réglé', { exact: true }).waitFor();
  await page.keyboard.press('Escape');
  await page.getByLabel('Choix du viseur').waitFor();

  // A footer discount of 25 %, asked for by name: over the limit, the manager again.
  await viseur.fill('25');
  await page.getByRole('button', { name: 'Autres opérations' }).click();
  await page
    .getByRole('dialog', { name: 'Autres opérations' })
    .getByRole('button', { name: /Remise en pied en %/ })
    .click();
  await page.getByRole('dialog', { name: 'Code responsable' }).waitFor();
  await authorize(page);
  await lines(page).locator('tr.footer').filter({ hasText: 'Remise en pied -25' }).waitFor();
  await registerSettings(page, { discountLimitPercent: 1000 });
  await freshTicket(page);
});

test('a sale with the keyboard alone, from the first scan to the validated ticket; the focus never lost', async () => {
  const { page } = browser;
  const track: string[] = [];
  const check = async (step: string) => {
    const f = await focused(page);
    track.push(`${step}: ${f.tag} ${f.name}`);
    assert.notEqual(f.tag, 'BODY', `focus lost after ${step}\n${track.join('\n')}`);
    return f;
  };
  await scan(page, good(3).ean);
  await row(page, 3).waitFor();
  await check('scan');
  await page.keyboard.type('2');
  await page.keyboard.press('F5');
  await lines(page).locator('tr.pointed td.qty').filter({ hasText: /^2$/ }).waitFor();
  await check('F5');
  await page.keyboard.type('Article en paquet cadeau');
  await page.keyboard.press('Shift+F2');
  await lines(page).locator('tr.pointed').filter({ hasText: 'Article en paquet cadeau' }).waitFor();
  assert.equal((await check('Shift+F2')).name, 'Viseur');
  await scan(page, good(4).ean);
  await row(page, 4).waitFor();
  await page.keyboard.press('F10');
  await page.getByText('Montant réglé', { exact: true }).waitFor();
  const amount = await check('F10');
  assert.equal(amount.name, 'Viseur', 'after Total, the amount field has the focus');
  await page.keyboard.type('500');
  await page.keyboard.press('Enter');
  const mode = await check('Enter on the amount');
  assert.match(mode.name, /^Espèces/, 'then the first payment mode');
  await page.keyboard.press('1');
  const receipt = page.getByRole('dialog', { name: 'Ticket par e-mail' });
  await receipt.waitFor();
  await receipt.getByText(/validé/).waitFor();
  await check('payment');
  let f = await focused(page);
  for (let i = 0; i < 8 && !/ne veut pas de ticket/.test(f.name); i += 1) {
    await page.keyboard.press('Tab');
    f = await check('Tab in the receipt choice');
    assert.equal(f.inDialog, true, 'Tab stays in the dialog');
  }
  assert.match(f.name, /ne veut pas de ticket/);
  await page.keyboard.press('Enter');
  await message(page)
    .filter({ hasText: /terminé : saisie du ticket suivant/ })
    .waitFor();
  const back = await check('receipt');
  assert.equal(back.name, 'Viseur', 'the next ticket is ready for a scan');
  assert.equal(await lines(page).locator('tbody tr.article').count(), 0);
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  const last = await db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'TICKET')
    .orderBy('sequence', 'desc')
    .executeTakeFirstOrThrow();
  await db.destroy();
  assert.match(
    last.payload,
    /"designation":"Article en paquet cadeau"/,
    'the edited label is signed and printed',
  );
});

test('abandoning a ticket asks first, « Revenir au ticket » focused; Escape gives the focus back', async () => {
  const { page } = browser;
  await scan(page, good(5).ean);
  await row(page, 5).waitFor();
  await page.keyboard.press('Shift+F10');
  const confirm = page.getByRole('dialog', { name: 'Abandonner le ticket ?' });
  await confirm.waitFor();
  await page.waitForFunction("document.activeElement?.closest('[role=dialog]') != null");
  assert.equal((await focused(page)).name, 'Revenir au ticket', 'the safe choice has the focus');
  await page.keyboard.press('Enter');
  await confirm.waitFor({ state: 'detached' });
  assert.equal(await row(page, 5).count(), 1, 'nothing lost');
  await page.waitForFunction("document.activeElement?.getAttribute('aria-label') === 'Viseur'");

  // « Annuler », « Supprimer le ticket en entier »: asked too; Escape closes and gives the focus back.
  await page.getByRole('button', { name: 'Annuler Échap' }).click();
  const cancel = page.getByRole('dialog', { name: 'Annuler' });
  await cancel.waitFor();
  await page.waitForFunction("document.activeElement?.closest('[role=dialog]') != null");
  assert.equal((await focused(page)).name, 'Revenir à la saisie');
  await cancel.getByRole('button', { name: 'Supprimer le ticket en entier…' }).click();
  const clear = page.getByRole('dialog', { name: 'Supprimer toutes les lignes ?' });
  await page.keyboard.press('Escape');
  await clear.waitFor({ state: 'detached' });
  assert.equal(await row(page, 5).count(), 1);
  assert.notEqual((await focused(page)).tag, 'BODY');

  await page.keyboard.press('Shift+F10');
  await confirm.getByRole('button', { name: 'Abandonner le ticket' }).click();
  await message(page).filter({ hasText: 'Ticket abandonné' }).waitFor();
  assert.equal(await lines(page).locator('tbody tr.article').count(), 0);
});

test('the back office edits register 1’s shortcuts (names, colour, order) with the administrator’s code; the grid shows them', async () => {
  const { page } = browser;
  await page.getByRole('button', { name: 'Autres opérations' }).click();
  await page
    .getByRole('dialog', { name: 'Autres opérations' })
    .getByRole('button', { name: 'Gestion' })
    .click();
  await page.getByRole('navigation', { name: 'Gestion' }).getByRole('link', { name: 'Raccourcis' }).click();
  const form = page.getByRole('form', { name: 'Raccourcis de la caisse n° 1' });
  await form.getByLabel('Nom du raccourci n° 1', { exact: true }).fill('Expresso serré');
  await form.getByRole('button', { name: 'Ajouter un raccourci' }).click();
  const last = await form.locator('tbody tr').count();
  await form.getByLabel(`Article du raccourci n° ${last}`, { exact: true }).fill(good(0).ref);
  await form.getByLabel(`Nom du raccourci n° ${last}`, { exact: true }).focus();
  await form.getByLabel(`Nom du raccourci n° ${last}`, { exact: true }).fill('Biscuits maison');
  await form.getByRole('button', { name: `Monter n° ${last}` }).click();
  assert.deepEqual(await seriousViolations(page), [], 'axe-core on the shortcuts page');
  await form.getByRole('button', { name: 'Enregistrer les raccourcis' }).click();
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable', { exact: true }).fill('ADMIN');
  await manager.getByLabel('PIN du responsable', { exact: true }).fill(PINS.admin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await page
    .getByRole('status')
    .filter({ hasText: `Raccourcis de la caisse n° 1 enregistrés (${last} bouton(s))` })
    .waitFor();
  assert.equal(
    await form.getByLabel(`Nom du raccourci n° ${last - 1}`, { exact: true }).inputValue(),
    'Biscuits maison',
  );

  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  const grid = page.getByRole('region', { name: 'Raccourcis articles' });
  await grid.getByRole('button', { name: /Expresso serré/ }).click();
  await lines(page)
    .getByRole('row')
    .filter({ hasText: /Expresso|Café|Thé|Chocolat|Crêpe|tarte/ })
    .first()
    .waitFor();
  await freshTicket(page);
});

/** A cash sale of one article, up to the validation (500 € given, the change handed back). */
async function cashSale(page: Page, i: number): Promise<void> {
  await scan(page, good(i).ean);
  await row(page, i).waitFor();
  await page.keyboard.press('F10');
  await page.getByText('Montant réglé', { exact: true }).waitFor();
  await page.keyboard.type('500');
  await page.keyboard.press('Enter');
  await page.keyboard.press('1');
}

test('the register’s receipt settings act: « Proposer le ticket par e-mail » off, no e-mail; « Demander avant d’imprimer » off, the ticket printed with no question', async () => {
  const { page } = browser;
  await registerSettings(page, { receipt: { offerEmail: false } });
  await cashSale(page, 0);
  const receipt = page.getByRole('dialog', { name: 'Ticket' });
  await receipt.getByText(/validé/).waitFor();
  assert.equal(await receipt.getByLabel('E-mail d’envoi').count(), 0, 'no address field');
  assert.equal(await receipt.getByRole('button', { name: /e-mail/ }).count(), 0, 'no e-mail button');
  assert.deepEqual(await receipt.getByRole('button').allTextContents(), [
    'Le client veut un ticket physique',
    'Le client ne veut pas de ticket',
  ]);
  await receipt.getByRole('button', { name: 'Le client ne veut pas de ticket' }).click();
  await message(page)
    .filter({ hasText: /terminé : saisie du ticket suivant/ })
    .waitFor();

  await registerSettings(page, { receipt: { askBeforePrinting: false, offerEmail: true } });
  // Every dialog drawn from now on is counted: there must be none.
  await page.evaluate(`window.dialogsSeen = 0;
    new MutationObserver(() => {
      if (document.querySelector('[role=dialog]') !== null) window.dialogsSeen += 1;
    }).observe(document.body, { childList: true, subtree: true });`);
  await cashSale(page, 1);
  const done = message(page).filter({
    hasText: /Ticket n° \d+ terminé \(imprimé\) : saisie du ticket suivant/,
  });
  await done.waitFor();
  assert.equal(await page.evaluate('window.dialogsSeen'), 0, 'no dialog drawn');
  assert.equal(await lines(page).locator('tbody tr.article').count(), 0, 'the next ticket is open');
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  const issued = await db
    .selectFrom('issued_originals')
    .select(['document', 'channel'])
    .orderBy('issued_at', 'desc')
    .orderBy('sequence', 'desc')
    .executeTakeFirstOrThrow();
  await db.destroy();
  assert.deepEqual(issued, { document: 'ticket', channel: 'print' }, 'the original issued on paper');
  await registerSettings(page, { receipt: { askBeforePrinting: true } });
});
