import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { JournalRecord } from '../../fiscal/record.ts';
import { shortCodeOf } from '../../fiscal/signing.ts';
import { commandsNamed, scanEscPos, textOf } from '../../receipts/testing/escpos-scan.ts';
import { renderText } from '../../receipts/text.ts';
import { extractReceiptData, readJournalKeysDir, verifyReceiptPdf } from '../../receipts/verify-pdf.ts';
import { initStore } from '../../store/init.ts';
import { closeDay, ensureRegisterKeys, readJournal, validateTicket } from '../../store/journal/index.ts';
import { openTestDays, ticketOf } from '../../store/journal/testing.ts';
import { openDatabase } from '../../store/open-database.ts';
import { type Handover, ReceiptCommandError, resolveDocument } from './receipt.ts';

/** Renders nothing and sends nothing: what the in-process calls check is the document resolved. */
const quiet: Handover<string> = { channel: 'text', render: async () => '', send: () => undefined };

/** The originals handed over, as `issued_originals` keeps them: `document/index channel`. */
async function originals(): Promise<string[]> {
  const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
  try {
    const rows = await db
      .selectFrom('issued_originals')
      .select(['sequence', 'document', 'doc_index', 'channel'])
      .orderBy('issued_at')
      .orderBy('document')
      .execute();
    return rows.map((r) => `${r.sequence} ${r.document}/${r.doc_index} ${r.channel}`);
  } finally {
    await db.destroy();
  }
}

const root = join(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'comptoir-cli-receipt-journal-'));
const data = join(work, 'data');
after(() => rmSync(work, { recursive: true, force: true }));

// The processes use the SQLite file of --data, whatever the environment of the test run says.
// Their clock is injected (the evening of the sales, after the closure, a minute later at each run):
// the dates asserted never depend on the wall clock.
const { DATABASE_URL: _ignored, COMPTOIR_DATA: _ignored2, ...inherited } = process.env;
let runs = 0;
function env(): NodeJS.ProcessEnv {
  runs += 1;
  const at = new Date(Date.UTC(2026, 10, 23, 19, 30 + runs));
  return { ...inherited, NODE_ENV: 'test', COMPTOIR_TEST_CLOCK: at.toISOString() };
}

function comptoir(...args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'comptoir.js'), ...args], {
      cwd: work,
      env: env(),
    });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

async function journal(): Promise<JournalRecord[]> {
  const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
  try {
    const all: JournalRecord[] = [];
    for await (const r of readJournal(db)) all.push(r);
    return all;
  } finally {
    await db.destroy();
  }
}

let ticket: JournalRecord;
/** The text of ticket 1 as first printed (test 1), for the reprints. */
let originalText = '';
/** The text of its invoice as first issued (test 4), for its reprints. */
let originalInvoice = '';

before(async () => {
  // The store as `comptoir init` leaves it, a register key, two validated sales and a daily closure.
  const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
  const start = new Date('2026-11-23T08:00:00Z');
  await initStore(db, {
    now: start,
    pins: { admin: '1234', cashier: '2345', seller: '3456' },
    store: {
      name: 'Ste chaussures',
      sign: 'CHAUSSURES',
      address1: '12 rue Port Neuf',
      postalCode: '33000',
      city: 'Bordeaux',
      siret: '48854988500033',
      naf: '4772A',
      vatNumber: 'FR53488549858',
      phone: '05 59 48 03 54',
    },
  });
  ensureRegisterKeys(data, 1);
  let clock = new Date('2026-11-23T09:00:00Z');
  const ctx = { dataDir: data, now: () => clock, softwareVersion: '0.1.0', timeZone: 'Europe/Paris' };
  await openTestDays(db, ctx);
  const sale = await validateTicket(db, ctx, {
    register: 1,
    idempotencyKey: 'cli-receipt-1',
    cashier: 'CAISSE1',
    ticket: ticketOf({
      lines: [
        { ref: 'DERBY', qty: '1', unitPrice: '89.00', vatRate: '20' },
        { ref: 'GUIDE', qty: '2', unitPrice: '12.50', vatRate: '5.5' },
      ],
      payments: [{ mode: 'CASH', amount: '120.00' }],
    }),
  });
  ticket = sale.record;
  clock = new Date('2026-11-23T18:00:00Z');
  await closeDay(db, ctx, { register: 1, operator: 'CAISSE1' });
  await db.destroy();
});

/** A reprint without its duplicate mention: the original, line for line. */
function withoutDuplicate(text: string): string {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.trim() === 'DUPLICATA');
  assert.ok(start > 0, 'DUPLICATA block');
  lines.splice(start, 4); // DUPLICATA, « Duplicata n°N du … », « Motif : … », the rule
  return lines.filter((l) => !/^Duplicata n°\d+ : n° d'ordre/.test(l)).join('\n');
}

describe('comptoir receipt from the journal', { concurrency: false }, () => {
  test('text of a validated sale by its number: real signature extract, every mention', async () => {
    const run = await comptoir('receipt', 'text', '1', '--data', data);
    assert.equal(run.code, 0, run.stderr);
    const text = run.stdout.toString();
    originalText = text;
    for (const mention of [
      'CHAUSSURES',
      'Ste chaussures',
      '33000 Bordeaux',
      'France',
      'Siret : 48854988500033',
      'TICKET 1-000001',
      'Caisse 1',
      'Caissier : CAISSE1',
      '(N) 1 x [DERBY] DERBY',
      '(R) 2 x [GUIDE] GUIDE',
      'Espèces',
      'Rendu',
      'Nb lignes : 2',
      'Comptoir 0.1.0',
    ]) {
      assert.ok(text.includes(mention), `missing: ${mention}\n${text}`);
    }
    assert.ok(text.trimEnd().endsWith(`Signature : ${shortCodeOf(ticket.signature)}`), text);
  });

  test('reprints: DUPLICATE records with copy numbers 1 and 2, identical but for the duplicate mention', async () => {
    const original = originalText;
    assert.ok(original !== '', 'test 1 printed the original');
    const first = await comptoir(
      'receipt',
      'text',
      '1',
      '--data',
      data,
      '--duplicate',
      '--reason',
      'Perte du ticket',
      '--operator',
      'CAISSE1',
    );
    assert.equal(first.code, 0, first.stderr);
    const second = await comptoir(
      'receipt',
      'text',
      '1',
      '--duplicate',
      '--reason',
      'Garantie',
      '--operator',
      'CAISSE1',
      '--data',
      data,
    );
    assert.equal(second.code, 0, second.stderr);
    assert.match(first.stdout.toString(), /Duplicata n°1 du 23\/11\/2026/);
    assert.match(second.stdout.toString(), /Duplicata n°2 du /);
    assert.match(second.stdout.toString(), /Motif : Garantie/);
    assert.equal(withoutDuplicate(first.stdout.toString()), original);
    assert.equal(withoutDuplicate(second.stdout.toString()), original);
    const duplicates = (await journal()).filter((r) => r.type === 'DUPLICATE');
    assert.deepEqual(
      duplicates.map((r) =>
        r.type === 'DUPLICATE' ? [r.payload.copyNumber, r.payload.reason, r.payload.original.sequence] : [],
      ),
      [
        [1, 'Perte du ticket', 1],
        [2, 'Garantie', 1],
      ],
    );
  });

  test('a second original is refused, saying how to ask for the copy; nothing is written', async () => {
    const before = (await journal()).length;
    const again = await comptoir('receipt', 'pdf', '1', '--data', data, '--out', 'again.pdf');
    assert.equal(again.code, 1, again.stderr);
    assert.match(
      again.stderr,
      /^L’original du ticket 1-000001 a déjà été remis \(le \d\d\/\d\d\/\d{4} à [\d:]+ UTC, en texte \(comptoir receipt text\)\) : toute nouvelle copie est un duplicata/,
    );
    assert.match(
      again.stderr,
      /\nPour une copie : comptoir receipt pdf 1-000001 --duplicate --reason "motif" --operator CODE\n$/,
    );
    assert.equal(existsSync(join(work, 'again.pdf')), false, 'no file');
    assert.equal((await journal()).length, before, 'no record');
    assert.deepEqual(await originals(), ['1 ticket/1 text'], 'the first rendering issued the original');
  });

  test('pdf then verify offline with the journal keys: valid; one changed amount: not valid', async () => {
    const pdf = await comptoir(
      'receipt',
      'pdf',
      '1',
      '--data',
      data,
      '--out',
      'ticket.pdf',
      '--duplicate',
      '--reason',
      'PDF pour le client',
      '--operator',
      'CAISSE1',
    );
    assert.equal(pdf.code, 0, pdf.stderr);
    assert.ok(existsSync(join(data, 'keys', 'pdf', 'store-certificate.pem')), 'store certificate made');
    const ok = await comptoir('receipt', 'verify', 'ticket.pdf', '--keys', join(data, 'keys'));
    assert.equal(ok.code, 0, ok.stdout.toString());
    assert.match(
      ok.stdout.toString(),
      /✔ Signature du ticket \(journal\) : valide \(DUPLICATE n° 3, TICKET n° 1 ;/,
    );
    assert.match(ok.stdout.toString(), /✔ Ticket reconstruit depuis le journal : identique/);
    assert.match(ok.stdout.toString(), /PDF valide\.\n$/);

    const bytes = readFileSync(join(work, 'ticket.pdf'));
    const encoded = extractReceiptData(bytes) ?? assert.fail('receipt data');
    const json = Buffer.from(encoded, 'base64url').toString('utf8');
    const total = /"totalInclVat":(\d+)/.exec(json)?.[1] ?? assert.fail('total');
    const changed = String(Number(total) + 1)
      .padStart(total.length, '0')
      .slice(-total.length);
    const forged = Buffer.from(json.replace(`"totalInclVat":${total}`, `"totalInclVat":${changed}`)).toString(
      'base64url',
    );
    writeFileSync(
      join(work, 'tampered.pdf'),
      Buffer.from(bytes.toString('latin1').replace(encoded, forged), 'latin1'),
    );
    const bad = await verifyReceiptPdf(
      readFileSync(join(work, 'tampered.pdf')),
      readJournalKeysDir(join(data, 'keys')),
    );
    assert.equal(bad.ok, false);
    assert.match(bad.checks[0]?.detail ?? '', /empreinte SHA-256 différente/);
  });

  test('escpos gift ticket (no price), invoice, Z report by its number', async () => {
    const gift = await comptoir(
      'receipt',
      'escpos',
      '1',
      '--kind',
      'gift',
      '--data',
      data,
      '--out',
      'gift.bin',
    );
    assert.equal(gift.code, 0, gift.stderr);
    const scan = scanEscPos(readFileSync(join(work, 'gift.bin')));
    assert.ok(textOf(scan).includes('TICKET CADEAU 1-000001'), textOf(scan));
    assert.ok(!textOf(scan).includes('€'), 'no price on a gift ticket');
    assert.equal(commandsNamed(scan, 'cut').length, 1);
    // The first rendering of the invoice is its original (in process: the same function).
    const invoice = await resolveDocument('1', { data, kind: 'invoice' }, quiet);
    assert.equal(invoice.doc.kind, 'invoice');
    originalInvoice = renderText(invoice.doc, 48);
    assert.deepEqual(await originals(), ['1 ticket/1 text', '1 gift/1 escpos', '1 invoice/1 text']);
    // The PDF embeds its settings: no other customer's address, no staff list.
    assert.deepEqual(Object.keys(invoice.source?.settings.customers ?? {}), []);
    assert.equal(invoice.source?.settings.people, undefined);
    assert.match(
      renderText(invoice.doc, 48).replace(/\s+/g, ' '),
      /Origine : ticket n° 1-000001, caisse 1, du 23\/11\/2026/,
    );
    const z = await comptoir('receipt', 'text', '1-Z000001', '--data', data, '--width', '32');
    assert.equal(z.code, 0, z.stderr);
    assert.match(z.stdout.toString(), /CLÔTURE JOURNALIÈRE \(Z\)/);
    assert.match(z.stdout.toString(), /Nombre de tickets\s+1\n/);
    // The Z report is a fiscal document too: its first rendering was the original, any other is a
    // journaled duplicate of the CLOSURE record.
    const again = await comptoir('receipt', 'text', '1-Z000001', '--data', data, '--width', '32');
    assert.equal(again.code, 1, again.stdout.toString());
    assert.match(again.stderr, /L’original du rapport de clôture 1-Z000001 a déjà été remis/);
    assert.match(again.stderr, /--duplicate --reason "motif" --operator CODE/);
    const duplicates = (await journal()).filter((r) => r.type === 'DUPLICATE').length;
    const copy = await comptoir(
      'receipt',
      'text',
      '1-Z000001',
      '--duplicate',
      '--reason',
      'Contrôle comptable',
      '--operator',
      'ADMIN',
      '--data',
      data,
    );
    assert.equal(copy.code, 0, copy.stderr);
    assert.match(copy.stdout.toString(), /DUPLICATA/);
    assert.match(copy.stdout.toString(), /Motif : Contrôle comptable/);
    assert.match(copy.stdout.toString(), /CLÔTURE JOURNALIÈRE \(Z\)/);
    const after = (await journal()).filter((r) => r.type === 'DUPLICATE');
    assert.equal(after.length, duplicates + 1);
    const last = after.at(-1);
    assert.ok(last?.type === 'DUPLICATE');
    assert.equal(last.payload.original.chain, 'CLOSURE');
    assert.equal(last.payload.original.sequence, 1);
  });

  test('reprints of the invoice and gift ticket: their own copy numbers, DUPLICATA in text, ESC/POS and PDF', async () => {
    const originalText = originalInvoice;
    assert.ok(originalText !== '', 'test 4 issued the invoice');
    const reprint = (format: string, kind: string, reason: string, ...more: string[]) =>
      comptoir(
        'receipt',
        format,
        '1',
        '--kind',
        kind,
        '--duplicate',
        '--reason',
        reason,
        '--operator',
        'CAISSE1',
        '--data',
        data,
        ...more,
      );
    const before = (await journal()).filter((r) => r.type === 'DUPLICATE').length;
    const text = await reprint('text', 'invoice', 'Comptabilité');
    assert.equal(text.code, 0, text.stderr);
    const printed = text.stdout.toString();
    assert.match(printed, /FACTURE N° F1-000001/);
    assert.match(printed, /Duplicata n°1 du 23\/11\/2026/);
    assert.match(printed, /Motif : Comptabilité/);
    assert.equal(withoutDuplicate(printed), originalText, 'the invoice, line for line');

    const escpos = await reprint('escpos', 'invoice', 'Client', '--out', 'invoice-copy.bin');
    assert.equal(escpos.code, 0, escpos.stderr);
    const scanned = textOf(scanEscPos(readFileSync(join(work, 'invoice-copy.bin'))));
    assert.ok(scanned.includes('DUPLICATA') && scanned.includes('Duplicata n°2 du '), scanned);

    const pdf = await reprint('pdf', 'gift', 'Cadeau', '--out', 'gift-copy.pdf');
    assert.equal(pdf.code, 0, pdf.stderr);
    const verified = await comptoir('receipt', 'verify', 'gift-copy.pdf', '--keys', join(data, 'keys'));
    assert.equal(verified.code, 0, verified.stdout.toString());
    assert.match(verified.stdout.toString(), /^Ticket DUPLICATA 1-000001, caisse 1/);
    assert.match(verified.stdout.toString(), /✔ Ticket reconstruit depuis le journal : identique/);

    const duplicates = (await journal()).filter((r) => r.type === 'DUPLICATE').slice(before);
    assert.deepEqual(
      duplicates.map((r) =>
        r.type === 'DUPLICATE'
          ? [
              r.payload.document ?? 'ticket',
              r.payload.copyNumber,
              r.payload.reason,
              r.payload.original.sequence,
            ]
          : [],
      ),
      [
        ['invoice', 1, 'Comptabilité', 1],
        ['invoice', 2, 'Client', 1],
        ['gift', 1, 'Cadeau', 1],
      ],
    );
    assert.match(duplicates[0]?.signedText ?? '', /\|1\|Comptabilité\|CAISSE1\|invoice\|N\|/);
  });

  test('bad requests: French message, exit 2 (bad input) or 1 (refused), nothing written', async () => {
    const before = (await journal()).length;
    // Two through real processes (exit codes), the rest in process (the same function).
    const unknown = await comptoir('receipt', 'text', '99', '--data', data, '--out', 'nothing.txt');
    assert.equal(unknown.code, 1, unknown.stderr);
    assert.match(unknown.stderr, /Ticket n° 99 introuvable sur la caisse 1/);
    const noReason = await comptoir(
      'receipt',
      'pdf',
      '1',
      '--duplicate',
      '--operator',
      'CAISSE1',
      '--data',
      data,
      '--out',
      'nothing.txt',
    );
    assert.equal(noReason.code, 2, noReason.stderr);
    assert.match(noReason.stderr, /--duplicate demande le motif de la réimpression : --reason TEXTE/);
    const cases: [string, Record<string, string | boolean>, number, RegExp][] = [
      ['1', { kind: 'bogus' }, 2, /Document inconnu : --kind bogus/],
      ['1-000001', { register: '2' }, 2, /est de la caisse 1, pas de la caisse 2/],
      ['1', { register: '0' }, 2, /Numéro de caisse invalide : 0/],
      ['1', { register: '7' }, 1, /Ticket n° 1 introuvable sur la caisse 7/],
      ['1', { duplicate: true, reason: 'x' }, 2, /--duplicate demande l’utilisateur qui réimprime/],
      [
        '1',
        { duplicate: true, reason: 'x', operator: 'NOBODY' },
        1,
        /Utilisateur inconnu ou inactif : NOBODY/,
      ],
      [
        '1-Z000001',
        { duplicate: true, reason: 'x', operator: 'CAISSE1', kind: 'invoice' },
        2,
        /Une clôture n’a que son rapport : pas de --kind avec un n° de clôture/,
      ],
      // The sale issued no voucher: no copy of it is journaled.
      [
        '1',
        { duplicate: true, reason: 'x', operator: 'CAISSE1', kind: 'deposit' },
        1,
        /n'émet pas de bon d'acompte/,
      ],
      [
        '1',
        { duplicate: true, reason: 'x', operator: 'CAISSE1', kind: 'credit-note' },
        1,
        /n'émet pas de bon d'avoir/,
      ],
      [
        '1',
        { duplicate: true, reason: 'x', operator: 'CAISSE1', kind: 'invoice', index: '2' },
        2,
        /qu'un document invoice : pas de rang 2/,
      ],
      ['1', { kind: 'deposit' }, 1, /n'émet pas de bon d'acompte/],
      // Each original once: the ticket, its gift ticket and its invoice were issued by the tests above.
      [
        '1-000001',
        {},
        1,
        /^L’original du ticket 1-000001 a déjà été remis .*\nPour une copie : comptoir receipt text 1-000001 --duplicate --reason "motif" --operator CODE$/s,
      ],
      [
        '1',
        { kind: 'gift', operator: 'CAISSE1' },
        1,
        /^L’original du ticket cadeau du ticket 1-000001 a déjà été remis \(.*, sur imprimante ESC\/POS .*\nPour une copie : comptoir receipt text 1-000001 --kind gift --duplicate/s,
      ],
      ['1', { kind: 'invoice' }, 1, /^L’original de la facture du ticket 1-000001 a déjà été remis/],
      ['1', { reason: 'Perte' }, 2, /--reason va avec --duplicate/],
      ['abc', {}, 2, /Numéro de ticket invalide : « abc »/],
      [
        '1',
        { data: join(work, 'empty') },
        1,
        /Aucune base de données dans .*empty : lancez « comptoir init »/,
      ],
    ];
    for (const [ticketArg, options, code, message] of cases) {
      await assert.rejects(resolveDocument(ticketArg, { data, ...options }, quiet), (error: unknown) => {
        assert.ok(
          error instanceof ReceiptCommandError,
          `${ticketArg} ${JSON.stringify(options)}: ${String(error)}`,
        );
        assert.equal(error.exitCode, code, `${ticketArg} ${JSON.stringify(options)}`);
        assert.match(error.message, message, `${ticketArg} ${JSON.stringify(options)}`);
        return true;
      });
    }
    assert.equal(existsSync(join(work, 'nothing.txt')), false, 'no output file');
    assert.equal(existsSync(join(work, 'empty')), false, 'no database made for nothing');
    assert.equal((await journal()).length, before, 'no record written');
    // Three documents of the sale and the Z report were issued in the earlier tests, nothing since.
    assert.equal((await originals()).length, 4, 'no original issued');
  });

  test('a training ticket’s first copy is its original; --operator must be an active user', async () => {
    const before = await originals();
    const db = await openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });
    const ctx = {
      dataDir: data,
      now: () => new Date('2026-11-24T09:00:00Z'),
      softwareVersion: '0.1.0',
      timeZone: 'Europe/Paris',
    };
    try {
      await validateTicket(db, ctx, {
        register: 1,
        idempotencyKey: 'cli-receipt-training-1',
        cashier: 'CAISSE1',
        training: true,
        ticket: ticketOf({
          lines: [{ ref: 'GUIDE', qty: '1', unitPrice: '12.50', vatRate: '5.5' }],
          payments: [{ mode: 'CASH', amount: '12.50' }],
        }),
      });
    } finally {
      await db.destroy();
    }
    await assert.rejects(
      resolveDocument('X1-000001', { data, operator: 'NOBODY' }, quiet),
      /Utilisateur inconnu ou inactif : NOBODY/,
    );
    assert.deepEqual(await originals(), before, 'an unknown operator issues nothing');
    let sent = '';
    const handover: Handover<string> = {
      channel: 'text',
      render: async ({ doc }) => renderText(doc, 48),
      send: (text) => {
        sent = text;
      },
    };
    await resolveDocument('X1-000001', { data, operator: 'CAISSE1' }, handover);
    assert.match(sent, /MODE ÉCOLE/);
    assert.doesNotMatch(sent, /DUPLICATA/);
    // A failure while sending issues nothing: the next rendering is still the original.
    const failing: Handover<string> = { ...handover, send: () => assert.fail('imprimante absente') };
    await assert.rejects(resolveDocument('X1-000001', { data, kind: 'gift' }, failing), /imprimante absente/);
    const after = await originals();
    assert.deepEqual(after.slice(before.length), ['1 ticket/1 text'], 'training ticket 1, by CAISSE1');
    await assert.rejects(
      resolveDocument('X1-000001', { data }, quiet),
      /L’original du ticket X1-000001 a déjà été remis \(.*, par CAISSE1\)/,
    );
    await resolveDocument('X1-000001', { data, kind: 'gift' }, quiet);
    assert.equal((await originals()).length, after.length + 1, 'the gift ticket, issued at last');
  });
});
