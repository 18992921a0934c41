/**
 * The till's day in Chromium (issue 13): a register whose day was closed shows « Ouverture de caisse »
 * (checked by axe); the float is counted coin by coin with a reason for its difference; a cash sale
 * with change; a cash-out unlocked by the manager's code; the closing count 0,10 € short, shown.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { journalContext, MANAGER, makeStore, PINS } from '../../src/server/testing.ts';
import { closeTillDay } from '../../src/store/journal/index.ts';
import { openDatabase } from '../../src/store/open-database.ts';
import {
  type Browser,
  buildWeb,
  focused,
  login,
  openBrowser,
  type RunningServer,
  screensDir,
  seriousViolations,
  startServer,
} from './harness.ts';

let dir = '';
let server: RunningServer;
let browser: Browser;

before(async () => {
  buildWeb();
  dir = mkdtempSync(join(tmpdir(), 'comptoir-e2e-till-'));
  await makeStore(dir, 1);
  // Yesterday's day closed with an empty drawer: today's opening expects 0,00 €.
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  await closeTillDay(db, journalContext(dir), { register: 1, operator: 'ADMIN', cash: { total: 0 } });
  await db.destroy();
  server = await startServer(dir);
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const cents = (text: string | null) => Number((text ?? '').replace(/[^\d-]/g, ''));

test('open with a count, a cash sale with change, a cash-out with the manager’s code, close 0,10 € short', async () => {
  const { page } = browser;
  await login(page, server.url, 'CAISSE1', PINS.cashier);
  const opening = page.getByRole('dialog', { name: 'Ouverture de caisse' });
  await opening.waitFor();
  assert.deepEqual(await seriousViolations(page), [], 'axe on the opening dialog');

  // The grid by keyboard alone: the focus starts in it, Tab goes from one note or coin to the next.
  await opening.getByLabel('Billets de 500 €').waitFor();
  assert.equal((await focused(page)).inDialog, true, 'the focus is in the opening dialog');
  for (let tab = 0; tab < 5; tab += 1) await page.keyboard.press('Tab');
  await page.keyboard.type('2');
  assert.equal(await opening.getByLabel('Billets de 20 €').inputValue(), '2');
  await page.keyboard.press('Tab');
  await page.keyboard.press('Tab');
  await page.keyboard.type('2');
  assert.equal(await opening.getByLabel('Billets de 5 €').inputValue(), '2');
  await opening.getByText('Total compté : 50,00 €').waitFor();
  await page.screenshot({ path: join(screensDir(), 'ouverture-de-caisse.png') });
  // 50 € against the 0 € left yesterday: a reason is asked.
  await opening.getByLabel('Motif de l’écart avec le fonds attendu').fill('Fonds remis du coffre');
  await opening.getByRole('button', { name: 'Ouvrir la caisse' }).click();
  await opening.waitFor({ state: 'detached' });
  await page.getByText('Caisse ouverte : bonne journée !').waitFor();

  // A cash sale with change.
  const viseur = page.getByRole('textbox', { name: 'Viseur' });
  await viseur.fill('BOI0001');
  await viseur.press('Enter');
  await page.getByRole('region', { name: 'Ticket en cours' }).locator('tbody tr.article').first().waitFor();
  await page.getByRole('button', { name: 'Total' }).click();
  const total = cents(await page.getByLabel('Total à payer').textContent());
  assert.ok(total > 0 && total < 2000, `total under 20 € (${total})`);
  await viseur.fill('20');
  await page.getByRole('button', { name: 'Espèces' }).click();
  const receipt = page.getByRole('dialog', { name: 'Ticket par e-mail' });
  await receipt.waitFor();
  assert.equal(cents(await page.getByLabel('Rendu').textContent()), 2000 - total);
  await receipt.getByRole('button', { name: 'Le client ne veut pas de ticket' }).click();
  await receipt.waitFor({ state: 'detached' });

  // A cash-out of 10 €: the cashier lacks the right, the manager gives their code on the spot.
  await page.getByRole('button', { name: /Autres opérations/ }).click();
  await page.getByRole('button', { name: 'Retrait' }).click();
  const out = page.getByRole('dialog', { name: 'Retrait' });
  await out.getByLabel('Montant (€)').fill('10');
  await out.getByLabel('Motif').fill('Remise en banque');
  await out.getByRole('button', { name: 'Enregistrer' }).click();
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  const expected = 5000 + total - 1000;
  await page.getByText(`Retrait de 10,00 € enregistré`).waitFor();

  // Closing: the cash counted as a total, 0,10 € short; the manager's code for the Z.
  await page.getByRole('button', { name: /Autres opérations/ }).click();
  await page.getByRole('button', { name: 'Fermeture de caisse' }).click();
  const closing = page.getByRole('dialog', { name: 'Fermeture de caisse' });
  await closing.getByLabel('En un total').check();
  await closing
    .getByLabel('Total compté (€)', { exact: true })
    .fill(((expected - 10) / 100).toFixed(2).replace('.', ','));
  await closing.getByRole('button', { name: 'Fermer la caisse' }).click();
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  const result = page.getByRole('dialog', { name: 'Caisse fermée' });
  const cash = result.getByRole('row', { name: /Espèces/ });
  await cash.waitFor();
  const cells = await cash.getByRole('cell').allTextContents();
  await page.screenshot({ path: join(screensDir(), 'fermeture-de-caisse.png') });
  assert.deepEqual(cells.map(cents), [expected, expected - 10, -10]);
  assert.match(cells[2] ?? '', /^-0,10/);
  assert.deepEqual(await focused(page), { tag: 'BUTTON', name: 'Terminer', inDialog: true });
  await page.keyboard.press('Enter');
  // The day is closed: the register asks for the next opening, expecting what was kept.
  await opening.waitFor();
  await opening.getByText(/Fonds attendu \(laissé à la dernière fermeture\) : /).waitFor();
});
