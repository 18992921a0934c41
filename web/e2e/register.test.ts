/**
 * The register in the browser, end to end: the real server (`comptoir serve`) over a temporary store,
 * Debian's Chromium through playwright-core, controls found by role and accessible name only. A full
 * sale with scanned EANs, a line discount, a sub-total discount and a split payment with change; a
 * held and resumed ticket; an over-limit discount refused then unlocked by a manager's code in place;
 * a customer's card with the e-mail alert and the search list (F8); a reprint (duplicate with its
 * reason, a manager's code when the right lacks, the store's list of reasons); the back office: sales
 * with a reprint, a customer edited without losing the fields its form does not show, a daily closure
 * and its Z totals, the journal's verification and a closed month's archive, the PDF duplicate, a
 * receipt e-mailed again and the outbox with its retry; the settings edited (store, register, payment
 * mode, receipts and e-mails, SMTP; refusals shown, nothing saved), a Z's PDF, a sale cancelled; an
 * article edited (a bad EAN refused) and a CSV file of articles imported with its report.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type SmtpSink, startSmtpSink } from '../../src/mail/testing/smtp-sink.ts';
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
  screensDir,
  startServer,
} from './harness.ts';

interface Sellable {
  ean: string;
  designation: string;
  unitPrice: number;
}

let dir = '';
let server: RunningServer;
/**
 * The server's clock runs from 20:00 UTC on the last day of this month, so that the month has ended
 * when the journal test closes it (moved 6 h on there).
 */
const realNow = new Date();
let clockShift = Date.UTC(realNow.getUTCFullYear(), realNow.getUTCMonth() + 1, 0, 20) - realNow.getTime();
let browser: Browser;
/** The SMTP server the e-mailed receipts arrive at; it defers (451) what goes to copie@example.fr. */
let sink: SmtpSink;
let articles: Sellable[] = [];
/** A customer with a card, no e-mail consent, not exempt and on the public tariff. */
let customer = { card: '', name: '' };
const shots = screensDir();

/** Articles sold plainly from the viseur: an EAN, a price, no lot/serial, not composed, in stock. */
async function sellables(url: string): Promise<Sellable[]> {
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  const rows = await db
    .selectFrom('articles')
    .innerJoin('article_barcodes', 'article_barcodes.article_id', 'articles.id')
    .select(['articles.ref', 'article_barcodes.barcode'])
    .where('articles.composed', '=', 0)
    .where('articles.lot_serial', '=', 0)
    .where('article_barcodes.barcode', 'like', '376%')
    .orderBy('articles.id')
    .limit(40)
    .execute();
  const person = await db
    .selectFrom('customers')
    .select(['card_number', 'name'])
    .where('consent_email_receipts', '=', 0)
    .where('tax_exempt', '=', 0)
    .where('tariff_code', 'is', null)
    .where('card_number', 'is not', null)
    .orderBy('id')
    .executeTakeFirstOrThrow();
  customer = { card: person.card_number ?? '', name: person.name };
  await db.destroy();
  const token = await apiLogin(url, 'ADMIN', PINS.admin);
  const found: Sellable[] = [];
  for (const row of rows) {
    const answer = await call<{
      unitPrice: number;
      designation: string;
      warnings: unknown[];
      refusal: unknown;
    }>(url, 'GET', `/api/price-check?text=${row.barcode}`, { token });
    const a = answer.body;
    if (answer.status === 200 && a.unitPrice > 0 && a.refusal === null && a.warnings.length === 0) {
      found.push({ ean: row.barcode, designation: a.designation, unitPrice: a.unitPrice });
    }
    if (found.length === 4) break;
  }
  await call(url, 'DELETE', '/api/session', { token });
  return found;
}

before(async () => {
  buildWeb();
  dir = mkdtempSync(join(tmpdir(), 'comptoir-e2e-'));
  await makeStore(dir, 1);
  // The store's sign and e-mail are the sender (seed 000).
  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  await db.updateTable('stores').set({ email: 'boutique@example.fr' }).execute();
  await db.destroy();
  sink = await startSmtpSink({
    respond: (raw) =>
      raw.includes('copie@example.fr') ? { code: 451, message: 'Boîte occupée, réessayez' } : undefined,
  });
  server = await startServer(dir, { SMTP_URL: sink.url }, () => new Date(Date.now() + clockShift));
  articles = await sellables(server.url);
  assert.equal(articles.length, 4, 'four plain articles found in the demo store');
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.stop();
  await sink?.close();
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

const article = (i: number): Sellable => {
  const a = articles[i];
  assert.ok(a !== undefined, `article ${i}`);
  return a;
};

test('login, then a full sale: scanned EANs, line and sub-total discounts, split payment with change', async () => {
  const { page } = browser;
  await page.goto(server.url);
  await page.screenshot({ path: join(shots, 'connexion.png') });
  await login(page, server.url, 'CAISSE1', PINS.cashier);
  const viseur = page.getByRole('textbox', { name: 'Viseur' });
  const lines = page.getByRole('region', { name: 'Ticket en cours' });

  // The viseur has the focus: the scanner's codes go straight in, Enter adds each line.
  await scan(page, article(0).ean);
  await lines
    .getByRole('row')
    .filter({ hasText: article(0).designation })
    .waitFor();
  await scan(page, article(1).ean);
  await scan(page, article(2).ean);
  await lines
    .getByRole('row')
    .filter({ hasText: article(2).designation })
    .waitFor();
  assert.equal(await lines.locator('tbody tr.article').count(), 3, 'three lines scanned');

  // Line discount on the pointed (last) line: 5 % then Shift+F5.
  await viseur.fill('5');
  await page.keyboard.press('Shift+F5');
  await lines
    .getByRole('row')
    .filter({ hasText: article(2).designation })
    .filter({ hasText: '-5' })
    .waitFor();

  // Quantity 2 on the first line: click points it, then 2 and F5.
  await lines
    .getByRole('row')
    .filter({ hasText: article(0).designation })
    .click();
  await lines
    .locator('tr.pointed')
    .filter({ hasText: article(0).designation })
    .waitFor();
  await viseur.fill('2');
  await page.keyboard.press('F5');
  await lines.locator('tr.pointed td.qty').filter({ hasText: /^2$/ }).waitFor();

  // Sub-total after the last line, then a discount of 1 € on it (Rem€), spread over the lines.
  await lines
    .getByRole('row')
    .filter({ hasText: article(2).designation })
    .click();
  await lines
    .locator('tr.pointed')
    .filter({ hasText: article(2).designation })
    .waitFor();
  await page.getByRole('button', { name: 'S/T' }).click();
  await lines.locator('tr.subtotal.pointed').waitFor();
  await viseur.fill('1');
  await page.getByRole('button', { name: 'Rem€' }).click();
  await lines.locator('tr.subtotal td.discount').filter({ hasText: '-1,00' }).waitFor();
  await page.screenshot({ path: join(shots, 'caisse-saisie.png') });

  // Total, then 10 € by card and the rest in cash with change.
  await page.getByRole('button', { name: 'Total' }).click();
  const due = page.getByRole('status', { name: 'Reste dû' }).or(page.getByLabel('Reste dû'));
  await due.waitFor();
  const totalText = (await page.getByLabel('Total à payer').textContent()) ?? '';
  const total = Number(totalText.replace(/[^\d]/g, ''));
  assert.ok(total > 1000, `total above 10 € (${totalText})`);
  await viseur.fill('10');
  await page.getByRole('button', { name: 'Carte bancaire' }).click();
  await page.getByRole('row', { name: /Carte bancaire/ }).waitFor();
  const rest = total - 1000;
  const cash = Math.ceil((rest + 1) / 1000) * 1000; // a banknote above what is left
  await viseur.fill(String(cash / 100));
  await page.screenshot({ path: join(shots, 'caisse-reglement.png') });
  await page.getByRole('button', { name: 'Espèces' }).click();

  // Validated: the receipt choice of seed 000, then the next ticket.
  const receipt = page.getByRole('dialog', { name: 'Ticket par e-mail' });
  await receipt.waitFor();
  const change = (await page.getByLabel('Rendu').textContent()) ?? '';
  assert.equal(
    Number(change.replace(/[^\d]/g, '')),
    cash - rest,
    'the change shown is cash minus what was left',
  );
  await receipt.getByText(/Ticket n° 1 validé/).waitFor();
  await page.screenshot({ path: join(shots, 'ticket-par-email.png') });
  await receipt.getByRole('button', { name: 'Le client veut un ticket physique' }).click();
  await page.getByText(/Ticket n° 1 terminé \(imprimé\) : saisie du ticket suivant/).waitFor();
  assert.equal(await lines.locator('tbody tr.article').count(), 0, 'the next ticket starts empty');
});

test('a held ticket is resumed; an over-limit discount is unlocked by a manager code in place', async () => {
  const { page } = browser;
  const viseur = page.getByRole('textbox', { name: 'Viseur' });
  const lines = page.getByRole('region', { name: 'Ticket en cours' });

  await scan(page, article(3).ean);
  await lines
    .getByRole('row')
    .filter({ hasText: article(3).designation })
    .waitFor();
  await page.getByRole('button', { name: 'Mise en attente' }).click();
  await page.getByText('Ticket mis en attente').waitFor();
  assert.equal(await lines.locator('tbody tr.article').count(), 0, 'a new ticket after the hold');

  await page.getByRole('button', { name: 'Reprise attente' }).click();
  const held = page.getByRole('dialog', { name: 'Tickets en attente' });
  await held
    .getByRole('button', { name: /Reprendre le ticket/ })
    .first()
    .click();
  await lines
    .getByRole('row')
    .filter({ hasText: article(3).designation })
    .waitFor();

  // 25 % is over the register's 10 % limit: the manager's code is asked, then the discount holds.
  await viseur.fill('25');
  await page.keyboard.press('Shift+F5');
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.waitFor();
  await page.screenshot({ path: join(shots, 'code-responsable.png') });
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill('0000');
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await manager.getByRole('alert').waitFor();
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await manager.waitFor({ state: 'detached' });
  await lines
    .getByRole('row')
    .filter({ hasText: article(3).designation })
    .filter({ hasText: '-25' })
    .waitFor();

  // Paid in cash exactly; no receipt wanted.
  await page.getByRole('button', { name: 'Total' }).click();
  await page.getByRole('button', { name: 'Espèces' }).click();
  const receipt = page.getByRole('dialog', { name: 'Ticket par e-mail' });
  await receipt.getByRole('button', { name: 'Le client ne veut pas de ticket' }).click();
  await page.getByText(/Ticket n° 2 terminé : saisie du ticket suivant/).waitFor();
});

test('a customer card: the e-mail alert, consent given in place, the receipt choice with the address', async () => {
  const { page } = browser;
  const zone = page.getByRole('region', { name: 'Informations client' });
  await scan(page, customer.card);
  await zone.getByText(customer.name).waitFor();
  await zone.getByRole('button', { name: /ne peut pas recevoir son ticket par e-mail/ }).click();
  const card = page.getByRole('dialog', { name: `Client ${customer.name}` });
  await card.getByLabel('Adresse électronique').fill('client.test@example.fr');
  await card.getByLabel('Le client souhaite recevoir ses tickets de caisse par e-mail').check();
  await card.getByRole('button', { name: 'Enregistrer' }).click();
  await zone.getByText('le client reçoit son ticket par e-mail').waitFor();
  await page.screenshot({ path: join(shots, 'caisse-client.png') });

  // The viseur's search: « -WORD » then F8 lists by designation; a click adds the article.
  const word = article(0).designation.split(' ')[0] ?? '';
  await page.getByRole('textbox', { name: 'Viseur' }).fill(`-${word}`);
  await page.keyboard.press('F8');
  const search = page.getByRole('dialog', { name: 'Recherche d’articles' });
  const escaped = article(0).designation.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  await search
    .getByRole('button', { name: new RegExp(`— ${escaped} \\d`) })
    .first()
    .click();
  await search.waitFor({ state: 'detached' });
  await page
    .getByRole('region', { name: 'Ticket en cours' })
    .getByRole('row')
    .filter({ hasText: article(0).designation })
    .waitFor();
  await page.getByRole('button', { name: 'Total' }).click();
  await page.getByRole('button', { name: 'Espèces' }).click();
  const receipt = page.getByRole('dialog', { name: 'Ticket par e-mail' });
  await receipt.waitFor().catch(async (error: unknown) => {
    await page.screenshot({ path: join(shots, 'echec-client.png') });
    throw error;
  });
  assert.equal(
    await receipt.getByLabel('E-mail d’envoi').inputValue(),
    'client.test@example.fr',
    'address prefilled',
  );
  await receipt.getByLabel('Ticket cadeau en plus (sans les prix, dans un second e-mail)').check();
  await receipt.getByRole('button', { name: 'Poster le ticket par e-mail', exact: true }).click();
  await page.getByText(/Ticket n° 3 terminé \(envoyé par e-mail\)/).waitFor();
  // The server's outbox worker delivers both to the SMTP server: the ticket, then the gift ticket.
  const deadline = Date.now() + 20_000;
  const mine = () => sink.accepted().filter((m) => m.to.includes('client.test@example.fr'));
  while (mine().length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const parsed = await Promise.all(mine().map((m) => sink.parse(m)));
  const subjects = parsed.map((p) => p.subject ?? '').join(' | ');
  assert.equal(parsed.length, 2, `two e-mails: ${subjects}`);
  const ticketMail = parsed.find((p) => /^Votre ticket de /.test(p.subject ?? ''));
  const giftMail = parsed.find((p) =>
    (p.subject ?? '').startsWith('Votre ticket à donner avec votre cadeau de '),
  );
  assert.ok(ticketMail !== undefined && giftMail !== undefined, subjects);
  assert.equal(ticketMail.attachments[0]?.contentType, 'application/pdf', 'the ticket PDF is attached');
  assert.equal(giftMail.attachments[0]?.contentType, 'application/pdf', 'the gift ticket PDF is attached');
});

test('reprint: the last sale again as a duplicate with its reason; a manager code when the right lacks', async () => {
  const { page } = browser;
  // The browser's print dialog is counted instead of opened.
  await page.evaluate(() => {
    const counted = globalThis as unknown as { printed: number; print: () => void };
    counted.printed = 0;
    counted.print = () => {
      counted.printed += 1;
    };
  });
  await page.getByRole('button', { name: 'Réimpression' }).click();
  const ask = page.getByRole('dialog', { name: 'Réimpression' });
  assert.equal(await ask.getByLabel('N° du ticket').inputValue(), '3', 'the last sale is proposed');
  await ask.getByLabel('Motif de la réimpression').fill('Demande du client');
  await ask.getByRole('button', { name: 'Réimprimer' }).click();
  const copy = page.getByRole('dialog', { name: 'Duplicata' });
  await copy.getByText('Duplicata n° 1 du ticket n° 3 enregistré au journal').waitFor();
  const receipt = copy.getByRole('document', { name: 'Ticket n° 3' });
  await receipt.getByText(/DUPLICATA n° 1 — motif : Demande du client/).waitFor();
  await receipt.getByText(article(0).designation).waitFor();
  await page.screenshot({ path: join(shots, 'caisse-duplicata.png') });
  await copy.getByRole('button', { name: 'Imprimer' }).click();
  assert.equal(await page.evaluate(() => (globalThis as unknown as { printed: number }).printed), 1);
  await copy.getByRole('button', { name: 'Fermer' }).click();
  await copy.waitFor({ state: 'detached' });

  // The seller V01 has no `reprint` right: the manager gives the code in place, the copy names them.
  await page.getByRole('button', { name: 'Changer utilisateur' }).click();
  const who = page.getByRole('dialog', { name: 'Changer utilisateur' });
  await who.getByLabel('Code utilisateur').fill('V01');
  await who.getByLabel('PIN').fill(PINS.seller);
  await who.getByRole('button', { name: 'Valider' }).click();
  await page.getByText('Utilisateur : Vendeur').waitFor();
  await page.getByRole('button', { name: 'Réimpression' }).click();
  await ask.getByLabel('N° du ticket').fill('1');
  await ask.getByLabel('Motif de la réimpression').fill('Ticket illisible');
  await ask.getByRole('button', { name: 'Réimprimer' }).click();
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await copy.getByText('Duplicata n° 1 du ticket n° 1 enregistré au journal').waitFor();
  await copy.getByText(new RegExp(`par ${MANAGER.code}, signature`)).waitFor();
  await copy.getByRole('button', { name: 'Fermer' }).click();

  // A second copy of ticket 3 is numbered 2; an unknown ticket is refused in the dialog.
  await page.getByRole('button', { name: 'Changer utilisateur' }).click();
  await who.getByLabel('Code utilisateur').fill('CAISSE1');
  await who.getByLabel('PIN').fill(PINS.cashier);
  await who.getByRole('button', { name: 'Valider' }).click();
  await page.getByRole('button', { name: 'Réimpression' }).click();
  await ask.getByLabel('N° du ticket').fill('999');
  await ask.getByLabel('Motif de la réimpression').fill('Demande du client');
  await ask.getByRole('button', { name: 'Réimprimer' }).click();
  await ask.getByRole('alert').filter({ hasText: 'Vente introuvable' }).waitFor();
  await ask.getByLabel('N° du ticket').fill('3');
  await ask.getByRole('button', { name: 'Réimprimer' }).click();
  await copy.getByText('Duplicata n° 2 du ticket n° 3 enregistré au journal').waitFor();
  await copy.getByRole('button', { name: 'Fermer' }).click();

  // A store that allows only its own list of reasons: the reason is chosen from it.
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const rules = (freeReason: boolean) =>
    call(server.url, 'PUT', '/api/settings', {
      token,
      body: { receipt: { reprint: { freeReason, reasons: ['Ticket illisible', 'Contrôle'] } } },
    });
  assert.equal((await rules(false)).status, 200);
  await page.getByRole('button', { name: 'Réimpression' }).click();
  const reason = ask.getByRole('combobox', { name: 'Motif de la réimpression' });
  await reason.getByRole('option', { name: 'Contrôle' }).waitFor({ state: 'attached' });
  await reason.selectOption('Contrôle');
  await ask.getByRole('button', { name: 'Réimprimer' }).click();
  await copy.getByText(/DUPLICATA n° 3 — motif : Contrôle/).waitFor();
  await copy.getByRole('button', { name: 'Fermer' }).click();
  assert.equal((await rules(true)).status, 200);
  await call(server.url, 'DELETE', '/api/session', { token });
});

test('the back office lists the sales with their chart', async () => {
  const { page } = browser;
  await page.getByRole('button', { name: 'Autres opérations' }).click();
  await page
    .getByRole('dialog', { name: 'Autres opérations' })
    .getByRole('button', { name: 'Gestion' })
    .click();
  const sales = page.getByRole('region', { name: 'Ventes' });
  await sales.getByText(/3 vente\(s\)/).waitFor();
  await page.getByRole('img', { name: 'Graphique des ventes par heure' }).locator('canvas').waitFor();
  await page.screenshot({ path: join(shots, 'gestion-ventes.png') });
  // A reprint from the sales list: the same reason and duplicate dialogs as at the register.
  await sales.getByRole('button', { name: 'Réimprimer le ticket n° 2' }).click();
  const ask = page.getByRole('dialog', { name: 'Réimpression' });
  await ask.getByLabel('Motif de la réimpression').fill('Demande du client');
  await ask.getByRole('button', { name: 'Réimprimer' }).click();
  const copy = page.getByRole('dialog', { name: 'Duplicata' });
  await copy.getByText('Duplicata n° 1 du ticket n° 2 enregistré au journal').waitFor();
  await copy.getByRole('button', { name: 'Fermer' }).click();
  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
});

test('the back office edits a customer and keeps what its form does not show', async () => {
  const { page } = browser;
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const found = await call<{ items: { code: string }[] }>(
    server.url,
    'GET',
    `/api/customers?text=${customer.card}`,
    { token },
  );
  const code = found.body.items[0]?.code ?? '';
  const set = await call(server.url, 'PATCH', `/api/customers/${code}`, {
    token,
    body: { address2: 'Bâtiment C', country: 'BE', dematLetterSent: true },
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  await call(server.url, 'DELETE', '/api/session', { token });

  await page.getByRole('button', { name: 'Autres opérations' }).click();
  await page
    .getByRole('dialog', { name: 'Autres opérations' })
    .getByRole('button', { name: 'Gestion' })
    .click();
  await page.getByRole('navigation', { name: 'Gestion' }).getByRole('link', { name: 'Clients' }).click();
  const customers = page.getByRole('region', { name: 'Clients' });
  await customers.getByLabel('Carte, code ou -NOM').fill(customer.card);
  await customers.getByRole('button', { name: 'Rechercher' }).click();
  await customers.getByRole('button', { name: `Modifier ${customer.name}` }).click();
  const form = customers.getByRole('form', { name: `Fiche client ${code}` });
  await form.getByLabel('Ville').fill('Grenoble');
  await form.getByLabel('Le client souhaite recevoir les mailings').check();
  await form.getByRole('button', { name: 'Enregistrer le client' }).click();
  await customers
    .getByRole('status')
    .filter({ hasText: `Client ${customer.name} enregistré` })
    .waitFor();
  await customers.getByRole('row').filter({ hasText: 'Grenoble' }).waitFor();

  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  const row = await db.selectFrom('customers').selectAll().where('code', '=', code).executeTakeFirstOrThrow();
  await db.destroy();
  assert.equal(row.city, 'Grenoble');
  assert.equal(row.consent_mailings, 1);
  assert.deepEqual(
    [row.address2, row.country, row.demat_letter_sent, row.card_number, row.tariff_code],
    ['Bâtiment C', 'BE', 1, customer.card, null],
    'address 2, country, demat letter, card and tariff kept',
  );
  assert.deepEqual([row.email, row.consent_email_receipts], ['client.test@example.fr', 1]);
  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
});

test('the back office anonymises a customer with a manager’s code: personal fields erased, the journal kept', async () => {
  const { page } = browser;
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const made = await call(server.url, 'POST', '/api/customers', {
    token,
    body: { code: 'RGPDE2E', name: 'Émile Oubli', email: 'emile@example.fr', city: 'Nantes' },
  });
  assert.equal(made.status, 200, JSON.stringify(made.body));
  await call(server.url, 'DELETE', '/api/session', { token });

  await page.getByRole('button', { name: 'Autres opérations' }).click();
  await page
    .getByRole('dialog', { name: 'Autres opérations' })
    .getByRole('button', { name: 'Gestion' })
    .click();
  await page.getByRole('navigation', { name: 'Gestion' }).getByRole('link', { name: 'Clients' }).click();
  const customers = page.getByRole('region', { name: 'Clients' });
  await customers.getByLabel('Carte, code ou -NOM').fill('RGPDE2E');
  await customers.getByRole('button', { name: 'Rechercher' }).click();
  await customers.getByRole('button', { name: 'Anonymiser RGPDE2E' }).click();
  const confirm = page.getByRole('dialog', { name: 'Anonymiser le client RGPDE2E' });
  assert.equal(await focused(page).then((f) => f.name), 'Abandonner', 'the safe choice has the focus');
  await confirm.getByRole('button', { name: 'Anonymiser' }).click();
  // The cashier has no `customer_data` right: the manager authorizes in place.
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await customers
    .getByRole('status')
    .filter({ hasText: /Client RGPDE2E anonymisé : nom, adresse.*e-mail.*effacés/ })
    .waitFor();
  await customers.getByRole('row').filter({ hasText: 'Client anonymisé' }).waitFor();

  const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
  const row = await db
    .selectFrom('customers')
    .selectAll()
    .where('code', '=', 'RGPDE2E')
    .executeTakeFirstOrThrow();
  const jet = await db
    .selectFrom('journal')
    .select('payload')
    .where('chain', '=', 'JET')
    .where('payload', 'like', '%RGPDE2E%')
    .execute();
  await db.destroy();
  assert.deepEqual([row.name, row.email, row.city], ['Client anonymisé', '', '']);
  assert.ok(
    jet.some((r) => (JSON.parse(r.payload) as { code: number }).code === 1220),
    'the erasure is journaled',
  );
  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
});

test('a daily closure from the back office, a manager code in place: its Z totals shown', async () => {
  const { page } = browser;
  // What the journal holds for the day, read through the API.
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const sales = await call<{ items: { type: string; totalTTC: number | null }[] }>(
    server.url,
    'GET',
    '/api/sales?register=1&limit=200',
    { token },
  );
  await call(server.url, 'DELETE', '/api/session', { token });
  const tickets = sales.body.items.filter((s) => s.type === 'TICKET');
  const total = tickets.reduce((sum, s) => sum + (s.totalTTC ?? 0), 0);
  assert.equal(tickets.length, 3, 'three sales so far');

  await page.getByRole('button', { name: 'Autres opérations' }).click();
  await page
    .getByRole('dialog', { name: 'Autres opérations' })
    .getByRole('button', { name: 'Gestion' })
    .click();
  await page.getByRole('navigation', { name: 'Gestion' }).getByRole('link', { name: 'Clôtures' }).click();
  const closures = page.getByRole('region', { name: 'Clôtures' });
  await closures.getByText('Aucune clôture sur cette caisse.').waitFor();
  await closures.getByRole('button', { name: 'Clôture journalière (Z)' }).click();
  await page
    .getByRole('dialog', { name: 'Clôture journalière (Z)' })
    .getByRole('button', { name: 'Clôturer' })
    .click();
  // The cashier has no `closure` right: the manager authorizes in place.
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await closures
    .getByRole('status')
    .filter({ hasText: /Clôture journalière \(Z\) .* enregistrée \(n° 1\)/ })
    .waitFor();

  const z = closures.getByRole('article', { name: 'Clôture n° 1' });
  await z.getByRole('heading', { name: /Rapport Z/ }).waitFor();
  const figure = async (label: string) =>
    (await z
      .locator('dt', { hasText: new RegExp(`^${label}$`) })
      .locator('xpath=following-sibling::dd[1]')
      .textContent()) ?? '';
  const cents = (text: string) => Number(text.replace(/[^\d-]/g, ''));
  assert.equal(await figure('Tickets'), '3');
  assert.equal(await figure('Duplicatas'), '5', 'the five reprints of the day');
  assert.equal(cents(await figure('Ventes TTC')), total, 'sales TTC: the sum of the three tickets');
  assert.equal(cents(await figure('Grand total de la période')), total);
  assert.equal(cents(await figure('Grand total perpétuel')), total, 'first closure: perpetual = period');
  const perRate = z.getByRole('table', { name: 'Totaux par taux de TVA' });
  const rateSum = (await perRate.locator('tbody tr td:nth-child(4)').allTextContents()).reduce(
    (sum, t) => sum + cents(t),
    0,
  );
  assert.equal(rateSum, total, 'the VAT rates add up to the total');
  const perMode = z.getByRole('table', { name: 'Totaux par mode de règlement' });
  assert.equal(
    cents(
      (await perMode
        .getByRole('row', { name: /Carte bancaire/ })
        .locator('td')
        .nth(1)
        .textContent()) ?? '',
    ),
    1000,
    '10 € by card in the first sale',
  );
  await z.getByText(/^Signature \S{4}$/).waitFor();
  await page.screenshot({ path: join(shots, 'gestion-cloture.png') });

  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
});

/** From the register to one page of the back office. */
async function backOffice(page: Browser['page'], link: string): Promise<void> {
  if (await page.getByRole('textbox', { name: 'Viseur' }).isVisible()) {
    await page.getByRole('button', { name: 'Autres opérations' }).click();
    await page
      .getByRole('dialog', { name: 'Autres opérations' })
      .getByRole('button', { name: 'Gestion' })
      .click();
  }
  await page.getByRole('navigation', { name: 'Gestion' }).getByRole('link', { name: link }).click();
}

test('the settings page says what the software is: version, « non certifié », its fingerprint', async () => {
  const { page } = browser;
  await backOffice(page, 'Paramètres');
  const about = page.getByRole('region', { name: 'À propos' });
  await about.getByText(/^Comptoir \d+\.\d+\.\d+ — logiciel de caisse, catégorie B$/).waitFor();
  const text = (await about.textContent()) ?? '';
  assert.match(text, /Logiciel non certifié NF525/);
  assert.match(text, /sha256:[0-9a-f]{64}/);
  assert.match(text, /aucun manifeste de version/);
});

test('the journal page: a verification run and its result kept; the archive of the closed month', async () => {
  const { page } = browser;
  await backOffice(page, 'Journal');
  const journal = page.getByRole('region', { name: 'Journal' });
  await journal.getByText('Aucune vérification faite jusqu’ici.').waitFor();
  await journal.getByRole('button', { name: 'Vérifier le journal' }).click();
  const result = journal.getByRole('region', { name: 'Résultat de la vérification' });
  const ok = result.getByRole('status').filter({ hasText: /^Journal intègre : \d+ enregistrement/ });
  await ok.waitFor();
  const checked = Number(/(\d+) enregistrement/.exec((await ok.textContent()) ?? '')?.[1]);
  assert.ok(checked > 10, `records checked: ${checked}`);
  await page.screenshot({ path: join(shots, 'gestion-journal.png') });
  // Read back from the journal (JET 1070) when the page opens again.
  await backOffice(page, 'Ventes');
  await backOffice(page, 'Journal');
  await result
    .getByText(`Journal intègre : ${checked} enregistrement(s) vérifié(s)`, { exact: false })
    .waitFor();

  // Not a period: refused at once, with the server's message.
  await journal.getByLabel('Période (mois AAAA-MM ou exercice AAAA)').fill('2026-13');
  await journal.getByRole('button', { name: 'Télécharger l’archive' }).click();
  await journal.getByRole('alert').waitFor();

  // The month closed once it has ended (PERIOD_NOT_ENDED before): the server's clock, on the last
  // evening of the month since the start, passes midnight. The day first, in the same closure (a new
  // day: one Z a day), then the month's archive with the manager's code.
  clockShift += 6 * 3_600_000;
  await backOffice(page, 'Clôtures');
  const closures = page.getByRole('region', { name: 'Clôtures' });
  await closures.getByRole('button', { name: 'Clôture mensuelle' }).click();
  await page
    .getByRole('dialog', { name: 'Clôture mensuelle' })
    .getByRole('button', { name: 'Clôturer' })
    .click();
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  const done = closures.getByRole('status').filter({ hasText: /^Clôture mensuelle \S+ enregistrée/ });
  await done.waitFor();
  const month = /^Clôture mensuelle (\S+) enregistrée/.exec((await done.textContent()) ?? '')?.[1] ?? '';
  assert.match(month, /^\d{4}-\d{2}$/);

  await backOffice(page, 'Journal');
  await journal.getByLabel('Période (mois AAAA-MM ou exercice AAAA)').fill(month);
  await journal.getByRole('button', { name: 'Télécharger l’archive' }).click();
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    manager.getByRole('button', { name: 'Autoriser' }).click(),
  ]);
  assert.equal(file.suggestedFilename(), `archive-caisse-1-${month}.zip`);
  await journal
    .getByRole('status')
    .filter({ hasText: `Archive ${month} téléchargée` })
    .waitFor();
});

test('the sales page gives the PDF duplicate and e-mails a receipt again; the e-mails page lists and retries it', async () => {
  const { page } = browser;
  // The store needs a sender address to e-mail anything.
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const set = await call(server.url, 'PUT', '/api/settings', {
    token,
    body: { store: { email: 'boutique@example.fr' } },
  });
  assert.equal(set.status, 200, JSON.stringify(set.body));
  await call(server.url, 'DELETE', '/api/session', { token });

  await backOffice(page, 'Ventes');
  const sales = page.getByRole('region', { name: 'Ventes' });
  const [pdf] = await Promise.all([
    page.waitForEvent('download'),
    sales.getByRole('button', { name: 'PDF du ticket n° 1' }).click(),
  ]);
  assert.match(pdf.suggestedFilename(), /^ticket-.*duplicata-\d+\.pdf$/);
  const bytes = await pdf.createReadStream().then(
    (stream) =>
      new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => resolve(Buffer.concat(chunks)));
        stream.on('error', reject);
      }),
  );
  assert.equal(bytes.subarray(0, 5).toString('latin1'), '%PDF-');
  await sales.getByRole('status').filter({ hasText: 'Duplicata PDF du ticket n° 1 téléchargé' }).waitFor();

  await sales.getByRole('button', { name: 'Renvoyer par e-mail le ticket n° 1' }).click();
  const again = page.getByRole('dialog', { name: 'Renvoyer le ticket n° 1 par e-mail' });
  await again
    .getByLabel('Adresse e-mail (vide : celle du client, s’il a donné son accord)')
    .fill('copie@example.fr');
  await again.getByRole('button', { name: 'Envoyer' }).click();
  const queued = sales.getByRole('status').filter({ hasText: /mis en file d’envoi pour copie@example\.fr/ });
  await queued.waitFor();
  const id = Number(/e-mail n° (\d+)/.exec((await queued.textContent()) ?? '')?.[1]);
  assert.ok(id > 0);

  await backOffice(page, 'E-mails');
  const outbox = page.getByRole('region', { name: 'E-mails' });
  await outbox.getByLabel('Afficher les e-mails').selectOption({ label: 'En attente' });
  const row = outbox.getByRole('row').filter({ hasText: 'copie@example.fr' });
  await row.waitFor();
  assert.match(
    (await outbox.getByLabel('Nombre d’e-mails par état').textContent()) ?? '',
    /En attente : [1-9]/,
  );
  await page.screenshot({ path: join(shots, 'gestion-emails.png') });
  await outbox.getByLabel('Afficher les e-mails').selectOption({ label: 'Envoyés' });
  // The register's e-mailed receipts were delivered; the deferred copy is not among them.
  await outbox.getByRole('row').filter({ hasText: 'client.test@example.fr' }).first().waitFor();
  assert.equal(await outbox.getByRole('row').filter({ hasText: 'copie@example.fr' }).count(), 0);
  await outbox.getByLabel('Afficher les e-mails').selectOption({ label: 'En attente' });
  // A retry needs the settings right: the administrator's code in place.
  await outbox.getByRole('button', { name: `Réessayer l’e-mail n° ${id}` }).click();
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill('ADMIN');
  await manager.getByLabel('PIN du responsable').fill(PINS.admin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await outbox
    .getByRole('status')
    .filter({ hasText: `E-mail n° ${id} remis en envoi immédiat` })
    .waitFor();
  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
});

/** The bytes of a file the browser downloaded. */
async function downloaded(file: { createReadStream(): Promise<NodeJS.ReadableStream> }): Promise<Buffer> {
  const stream = await file.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** The store's settings as the server keeps them. */
async function storedSettings(): Promise<{
  store: { phone: string; footer: string; siret: string };
  registers: { number: number; settings: { receiptOptions: { showQrCode: boolean } } }[];
}> {
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const answer = await call<Awaited<ReturnType<typeof storedSettings>>>(server.url, 'GET', '/api/settings', {
    token,
  });
  await call(server.url, 'DELETE', '/api/session', { token });
  assert.equal(answer.status, 200);
  return answer.body;
}

test('the settings page: a bad SIRET refused with its message, nothing saved; the store and a register changed with the administrator’s code, read back after a reload', async () => {
  const { page } = browser;
  const before = await storedSettings();
  await backOffice(page, 'Paramètres');
  const store = page.getByRole('form', { name: 'Magasin' });
  const phone = store.getByLabel('Téléphone', { exact: true });
  const footer = store.getByLabel('Pied de ticket', { exact: true });
  const siret = store.getByLabel('SIRET', { exact: true });
  assert.equal(await phone.inputValue(), before.store.phone);

  // Refused before any right is asked: the server's message next to the form, the field marked.
  await phone.fill('04 76 12 34 56');
  await footer.fill('Merci de votre visite — à bientôt !');
  await siret.fill('12345678901234');
  await store.getByRole('button', { name: 'Enregistrer le magasin' }).click();
  const refused = store.getByRole('alert');
  await refused.waitFor();
  assert.match((await refused.textContent()) ?? '', /rien n’est enregistré.*Numéro SIRET invalide/);
  assert.equal(await siret.getAttribute('aria-invalid'), 'true');
  assert.deepEqual((await storedSettings()).store, before.store, 'nothing saved');

  // A valid SIRET (spaces taken out by the server); the cashier lacks the right: the administrator.
  await siret.fill('732 829 320 00074');
  await store.getByRole('button', { name: 'Enregistrer le magasin' }).click();
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill('ADMIN');
  await manager.getByLabel('PIN du responsable').fill(PINS.admin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await store.getByRole('status').filter({ hasText: 'Magasin : modifications enregistrées' }).waitFor();
  assert.equal(await siret.inputValue(), '73282932000074');

  // A register's receipt option.
  const register = page.getByRole('form', { name: 'Caisse n° 1' });
  const qr = register.getByLabel('Imprimer le QR code du ticket');
  assert.equal(await qr.isChecked(), true);
  await qr.uncheck();
  await register.getByRole('button', { name: 'Enregistrer la caisse n° 1' }).click();
  await manager.getByLabel('Code du responsable').fill('ADMIN');
  await manager.getByLabel('PIN du responsable').fill(PINS.admin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  await register
    .getByRole('status')
    .filter({ hasText: 'Caisse n° 1 : modifications enregistrées' })
    .waitFor();
  await page.screenshot({ path: join(shots, 'gestion-parametres.png'), fullPage: true });

  const after = await storedSettings();
  assert.deepEqual(
    [after.store.phone, after.store.footer, after.store.siret],
    ['04 76 12 34 56', 'Merci de votre visite — à bientôt !', '73282932000074'],
  );
  assert.equal(after.registers.find((r) => r.number === 1)?.settings.receiptOptions.showQrCode, false);

  // Read back from the server after a reload (the same page comes back).
  await page.reload();
  await page.getByRole('form', { name: 'Magasin' }).waitFor();
  assert.equal(await phone.inputValue(), '04 76 12 34 56');
  assert.equal(await footer.inputValue(), 'Merci de votre visite — à bientôt !');
  assert.equal(await qr.isChecked(), false);
  // Nothing changed: nothing sent, no code asked.
  await store.getByRole('button', { name: 'Enregistrer le magasin' }).click();
  await store.getByRole('status').filter({ hasText: 'Magasin : aucune modification' }).waitFor();
});

test('the settings pages: a payment mode, the receipts and e-mails, the SMTP server (its password never shown)', async () => {
  const { page } = browser;
  await backOffice(page, 'Modes de règlement');
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  const authorize = async () => {
    await manager.getByLabel('Code du responsable').fill('ADMIN');
    await manager.getByLabel('PIN du responsable').fill(PINS.admin);
    await manager.getByRole('button', { name: 'Autoriser' }).click();
  };

  const modes = page.getByRole('form', { name: 'Modes de règlement' });
  await modes.getByLabel('Libellé du mode CHEQUE').fill('Chèque bancaire');
  await modes.getByRole('button', { name: 'Enregistrer les modes de règlement' }).click();
  await authorize();
  await modes.getByRole('status').filter({ hasText: 'modifications enregistrées' }).waitFor();
  await page.reload();
  assert.equal(await modes.getByLabel('Libellé du mode CHEQUE').inputValue(), 'Chèque bancaire');

  await backOffice(page, 'Paramètres');
  const receipts = page.getByRole('form', { name: 'Tickets et e-mails' });
  const reasons = receipts.getByLabel('Motifs de réimpression (un par ligne)');
  await reasons.fill(`${await reasons.inputValue()}\nTicket perdu`);
  await receipts.getByLabel('Document').selectOption({ label: 'Facture' });
  await receipts.getByLabel('Objet du message (vide : l’objet par défaut)').fill('Votre facture %1');
  await receipts.getByRole('button', { name: 'Enregistrer les tickets et e-mails' }).click();
  await authorize();
  await receipts.getByRole('status').filter({ hasText: 'modifications enregistrées' }).waitFor();

  // A bad server name: refused with the server's message, nothing saved, the field marked.
  const smtp = page.getByRole('form', { name: 'Serveur SMTP' });
  const host = smtp.getByLabel('Serveur SMTP');
  await host.fill('smtp exemple');
  await smtp.getByRole('button', { name: 'Enregistrer le serveur SMTP' }).click();
  await smtp
    .getByRole('alert')
    .filter({ hasText: /nom de serveur invalide/ })
    .waitFor();
  assert.equal(await host.getAttribute('aria-invalid'), 'true');
  await host.fill('smtp.example.fr');
  await smtp.getByLabel('Utilisateur').fill('boutique');
  await smtp.getByLabel(/^Mot de passe/).fill('secret-smtp');
  await smtp.getByRole('button', { name: 'Enregistrer le serveur SMTP' }).click();
  await authorize();
  await smtp.getByRole('status').filter({ hasText: 'modifications enregistrées' }).waitFor();
  assert.equal(await smtp.getByLabel(/^Mot de passe/).inputValue(), '', 'the password is not shown');

  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const read = await call<{
    paymentModes: { code: string; label: string }[];
    receipt: { reprint: { reasons: string[] }; templates: Record<string, { subject?: string }> };
    smtp: { host: string; user: string; passwordSet: boolean } | null;
  }>(server.url, 'GET', '/api/settings', { token });
  await call(server.url, 'DELETE', '/api/session', { token });
  const settings = read.body;
  assert.equal(settings.paymentModes.find((m) => m.code === 'CHEQUE')?.label, 'Chèque bancaire');
  assert.equal(settings.receipt.reprint.reasons.at(-1), 'Ticket perdu');
  assert.equal(settings.receipt.templates.invoice?.subject, 'Votre facture %1');
  assert.deepEqual(settings.smtp, {
    host: 'smtp.example.fr',
    port: 587,
    security: 'starttls',
    user: 'boutique',
    passwordSet: true,
  });
  assert.ok(!JSON.stringify(settings).includes('secret-smtp'), 'the password never answered');

  // After a reload, the password field still empty: what is kept is only said.
  await page.reload();
  await smtp.getByLabel('Mot de passe (vide : celui enregistré est gardé)').waitFor();
  assert.equal(await host.inputValue(), 'smtp.example.fr');

  // Back at the register, what the back office changed shows at once.
  const register = page.getByRole('form', { name: 'Caisse n° 1' });
  await register.getByLabel('Nom de la caisse').fill('Caisse comptoir');
  await register.getByRole('button', { name: 'Enregistrer la caisse n° 1' }).click();
  await authorize();
  await register.getByRole('status').filter({ hasText: 'modifications enregistrées' }).waitFor();
  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  await page.getByRole('region', { name: 'Informations caisse' }).getByText('n° 1 Caisse comptoir').waitFor();
});

test('the closures page downloads the signed PDF of a Z', async () => {
  const { page } = browser;
  await backOffice(page, 'Clôtures');
  const closures = page.getByRole('region', { name: 'Clôtures' });
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    closures.getByRole('button', { name: 'PDF du Z de la clôture n° 1' }).click(),
  ]);
  assert.match(file.suggestedFilename(), /^z-.*\.pdf$/);
  assert.equal((await downloaded(file)).subarray(0, 5).toString('latin1'), '%PDF-');
  await closures
    .getByRole('status')
    .filter({ hasText: 'PDF du Z de la clôture n° 1 téléchargé : original' })
    .waitFor();
  // A second download is a copy: a journaled duplicate (the manager has the reprint right).
  const [copy] = await Promise.all([
    page.waitForEvent('download'),
    closures.getByRole('button', { name: 'PDF du Z de la clôture n° 1' }).click(),
  ]);
  assert.match(copy.suggestedFilename(), /^z-.*-duplicata-1\.pdf$/);
  await closures
    .getByRole('status')
    .filter({ hasText: 'PDF du Z de la clôture n° 1 téléchargé : duplicata journalisé' })
    .waitFor();
});

test('a sale cancelled from the sales list with a manager’s code: the cancellation shown, the per-day chart', async () => {
  const { page } = browser;
  await backOffice(page, 'Ventes');
  const sales = page.getByRole('region', { name: 'Ventes' });
  await page.getByRole('img', { name: 'Graphique des ventes par jour' }).locator('canvas').waitFor();
  await sales.getByRole('button', { name: 'Annuler la vente n° 3' }).click();
  const confirm = page.getByRole('dialog', { name: 'Annulation de la vente n° 3' });
  // Abandoned first: nothing happens.
  await confirm.getByRole('button', { name: 'Abandonner' }).click();
  await confirm.waitFor({ state: 'detached' });
  await sales.getByRole('button', { name: 'Annuler la vente n° 3' }).click();
  await confirm.getByRole('button', { name: 'Annuler la vente' }).click();
  // The cashier has no `cancel_ticket` right: the manager authorizes in place.
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill(MANAGER.code);
  await manager.getByLabel('PIN du responsable').fill(MANAGER.pin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
  const done = sales.getByRole('status').filter({ hasText: /^Vente n° 3 annulée par le ticket n° \d+/ });
  await done.waitFor();
  const number = Number(/ticket n° (\d+)/.exec((await done.textContent()) ?? '')?.[1]);
  await sales.getByRole('cell', { name: `annulée par le ticket n° ${number}` }).waitFor();
  assert.equal(await sales.getByRole('button', { name: 'Annuler la vente n° 3' }).count(), 0);
  await page.screenshot({ path: join(shots, 'gestion-ventes.png'), fullPage: true });

  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const journal = await call<{ items: { type: string; number: number; cancels: number | null }[] }>(
    server.url,
    'GET',
    '/api/sales?register=1&limit=200',
    { token },
  );
  await call(server.url, 'DELETE', '/api/session', { token });
  const cancellations = journal.body.items.filter((r) => r.type === 'CANCELLATION');
  assert.deepEqual(
    cancellations.map((r) => [r.number, r.cancels]),
    [[number, 3]],
    'one cancellation, of sale 3, once',
  );
  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
});

/** The administrator's code given in place (the cashier has no `manage_catalogue` right). */
async function authorizeAsAdmin(page: Browser['page']): Promise<void> {
  const manager = page.getByRole('dialog', { name: 'Code responsable' });
  await manager.getByLabel('Code du responsable').fill('ADMIN');
  await manager.getByLabel('PIN du responsable').fill(PINS.admin);
  await manager.getByRole('button', { name: 'Autoriser' }).click();
}

async function storedArticle(ref: string) {
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const answer = await call<{
    designation: string;
    price: number | null;
    ean: string | null;
    vatRate: number;
  }>(server.url, 'GET', `/api/articles/${ref}`, { token });
  await call(server.url, 'DELETE', '/api/session', { token });
  assert.equal(answer.status, 200, JSON.stringify(answer.body));
  return answer.body;
}

test('the articles page: an article’s designation and price changed with the administrator’s code, read back; a bad EAN refused, nothing saved', async () => {
  const { page } = browser;
  const token = await apiLogin(server.url, 'ADMIN', PINS.admin);
  const hit = await call<{ ref: string }>(server.url, 'GET', `/api/price-check?text=${article(3).ean}`, {
    token,
  });
  await call(server.url, 'DELETE', '/api/session', { token });
  const ref = hit.body.ref;
  await backOffice(page, 'Articles');
  const articlesPage = page.getByRole('region', { name: 'Articles' });
  await articlesPage.getByLabel('Référence, EAN, -désignation, *famille').fill(article(3).ean);
  await articlesPage.getByRole('button', { name: 'Rechercher' }).click();
  await articlesPage.getByRole('button', { name: `Modifier ${ref}` }).click();
  const form = articlesPage.getByRole('form', { name: `Fiche article ${ref}` });
  assert.equal(await form.getByLabel('Désignation').inputValue(), article(3).designation);

  // A bad EAN: refused before any right is asked, the message next to the form, the field marked.
  const before = await storedArticle(ref);
  const ean = form.getByLabel('Code EAN-13');
  const good = await ean.inputValue();
  const wrong = `${good.slice(0, 12)}${(Number(good.slice(12)) + 1) % 10}`;
  await ean.fill(wrong);
  await form.getByRole('button', { name: 'Enregistrer l’article' }).click();
  const refused = form.getByRole('alert');
  await refused.waitFor();
  assert.match((await refused.textContent()) ?? '', /Code EAN-13 invalide/);
  assert.equal(await ean.getAttribute('aria-invalid'), 'true');
  assert.deepEqual(await storedArticle(ref), before, 'nothing saved');

  await ean.fill(good);
  await form.getByLabel('Désignation').fill('Article renommé au bureau');
  await form.getByLabel('Prix TTC (tarif de base)').fill('17,35');
  await form.getByRole('button', { name: 'Enregistrer l’article' }).click();
  await authorizeAsAdmin(page);
  await articlesPage
    .getByRole('status')
    .filter({ hasText: `Article ${ref} enregistré` })
    .waitFor();
  await articlesPage.getByRole('row').filter({ hasText: 'Article renommé au bureau' }).waitFor();
  const after = await storedArticle(ref);
  assert.deepEqual([after.designation, after.price, after.ean], ['Article renommé au bureau', 1735, good]);

  // Opened again, the form shows what was saved.
  await articlesPage.getByRole('button', { name: `Modifier ${ref}` }).click();
  assert.equal(await form.getByLabel('Prix TTC (tarif de base)').inputValue(), '17,35');
  await form.getByRole('button', { name: 'Fermer' }).click();

  // « Nouvel article »: a reference already taken is refused (not replaced), a new one created.
  await articlesPage.getByRole('button', { name: 'Nouvel article' }).click();
  const creation = articlesPage.getByRole('form', { name: 'Nouvel article' });
  await creation.getByLabel('Référence').fill(ref);
  await creation.getByLabel('Désignation').fill('Doublon');
  await creation.getByLabel('Prix TTC (tarif de base)').fill('1');
  await creation.getByRole('button', { name: 'Enregistrer l’article' }).click();
  await creation
    .getByRole('alert')
    .filter({ hasText: `La référence ${ref} existe déjà` })
    .waitFor();
  assert.equal((await storedArticle(ref)).designation, 'Article renommé au bureau');
  await creation.getByLabel('Référence').fill('NEUF001');
  await creation.getByLabel('Taux de TVA (%)').fill('5,5');
  await creation.getByRole('button', { name: 'Enregistrer l’article' }).click();
  await authorizeAsAdmin(page);
  await articlesPage.getByRole('status').filter({ hasText: 'Article NEUF001 enregistré' }).waitFor();
  const created = await storedArticle('NEUF001');
  assert.deepEqual(
    [created.designation, created.price, created.ean, created.vatRate],
    ['Doublon', 100, null, 550],
  );
  await page.screenshot({ path: join(shots, 'gestion-articles.png'), fullPage: true });
});

test('the articles page imports a CSV file: progress, the report with the refused row, the articles there', async () => {
  const { page } = browser;
  await backOffice(page, 'Articles');
  const articlesPage = page.getByRole('region', { name: 'Articles' });
  const csv = [
    'ref;designation;vat_rate;price',
    'E2E001;Carafe importée;20;9,90',
    'E2E002;Taux inconnu;12,34;3',
    'E2E003;Verre importé;20;2,50',
  ].join('\n');
  await articlesPage.getByLabel('Importer un fichier CSV').setInputFiles({
    name: 'carafes.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(csv, 'utf8'),
  });
  await authorizeAsAdmin(page);
  const report = articlesPage.getByRole('status').filter({ hasText: 'Import terminé' });
  await report.waitFor();
  assert.match(
    (await report.textContent()) ?? '',
    /Import terminé \(carafes\.csv\) : 3 lignes lues, 2 importées, 1 refusées/,
  );
  const rejected = report.getByRole('table', { name: 'Lignes refusées' });
  await rejected.getByRole('row').filter({ hasText: 'UNKNOWN_VAT_RATE' }).filter({ hasText: '3' }).waitFor();
  assert.equal(await articlesPage.getByRole('progressbar', { name: 'Progression de l’import' }).count(), 1);
  await page.screenshot({ path: join(shots, 'gestion-import.png'), fullPage: true });
  assert.equal((await storedArticle('E2E001')).price, 990);
  assert.equal((await storedArticle('E2E003')).designation, 'Verre importé');
  await page.getByRole('button', { name: 'Retour à la caisse' }).click();
  await page.getByRole('textbox', { name: 'Viseur' }).waitFor();
});
