import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { exampleSale } from '../../receipts/examples.ts';
import { commandsNamed, scanEscPos } from '../../receipts/testing/escpos-scan.ts';
import { makeJournalKey, signedExampleSale } from '../../receipts/testing/signed-ticket.ts';
import { certificateFingerprint, extractReceiptData } from '../../receipts/verify-pdf.ts';
import { ReceiptCommandError, readDocument, width } from './receipt.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-receipt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the real `comptoir` command. */
function comptoir(...args: string[]): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(root, 'bin', 'comptoir.js'), ...args], { cwd: dir });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString();
    });
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr }));
  });
}

const file = (name: string) => join(dir, name);

describe('comptoir receipt', { concurrency: true }, () => {
  writeFileSync(file('sale.json'), JSON.stringify(exampleSale));

  test('text renders the document as the reviewed golden file', async () => {
    const run = await comptoir('receipt', 'text', 'sale.json', '--width', '32');
    assert.equal(run.code, 0, run.stderr);
    const golden = readFileSync(join(root, 'src', 'receipts', '__golden__', 'sale-32.txt'), 'utf8');
    assert.equal(run.stdout.toString('utf8'), golden);
  });

  test('a bad document is refused in French, exit 2, and no output file is left', async () => {
    writeFileSync(file('bad.json'), JSON.stringify({ ...exampleSale, currency: 'XXX', lines: [] }));
    const run = await comptoir('receipt', 'pdf', 'bad.json', '--unsigned', '--out', 'bad.pdf');
    assert.equal(run.code, 2);
    assert.match(run.stderr, /Document invalide/);
    assert.match(run.stderr, /currency : devise inconnue/);
    assert.match(run.stderr, /lines : Trop petit/);
    assert.equal(existsSync(file('bad.pdf')), false);
  });

  test('inputs are checked with French messages (in process)', async () => {
    assert.throws(
      () => width('40'),
      new ReceiptCommandError('Largeur invalide : 40 (48 pour 80 mm, 32 pour 58 mm)'),
    );
    assert.equal(width('32'), 32);
    await assert.rejects(
      () => readDocument(file('absent.json')),
      /Lecture impossible du document .*absent\.json \(ENOENT\)/,
    );
    writeFileSync(file('broken.json'), '{"kind": ');
    await assert.rejects(() => readDocument(file('broken.json')), /JSON invalide dans .*broken\.json/);
    assert.equal((await readDocument(file('sale.json'))).number, exampleSale.number);
  });

  test('certificate, signed pdf, then verify: valid; one byte changed: not valid (exit 1)', async () => {
    const key = makeJournalKey('k2026-1');
    writeFileSync(file('signed.json'), JSON.stringify(signedExampleSale(key)));
    writeFileSync(file('keys.json'), JSON.stringify({ keys: [{ id: key.id, pem: key.publicPem }] }));
    const cert = await comptoir(
      'receipt',
      'certificate',
      '--name',
      'CHAUSSURES',
      '--organization',
      'Ste chaussures',
      '--out-cert',
      'store.pem',
      '--out-key',
      'store-key.pem',
    );
    assert.equal(cert.code, 0, cert.stderr);
    const pdf = await comptoir(
      'receipt',
      'pdf',
      'signed.json',
      '--cert',
      'store.pem',
      '--key',
      'store-key.pem',
      '--out',
      'ticket.pdf',
    );
    assert.equal(pdf.code, 0, pdf.stderr);
    const print = /Empreinte SHA-256 .* : ([0-9a-f]{64})\n/.exec(cert.stdout.toString())?.[1] ?? '';
    assert.equal(print, certificateFingerprint(readFileSync(file('store.pem'))));
    const [ok, unpinned, foreign, badPrint] = await Promise.all([
      comptoir('receipt', 'verify', 'ticket.pdf', '--keys', 'keys.json', '--fingerprint', print.slice(0, 16)),
      comptoir('receipt', 'verify', 'ticket.pdf', '--keys', 'keys.json'),
      comptoir('receipt', 'verify', 'ticket.pdf', '--keys', 'keys.json', '--fingerprint', '0'.repeat(64)),
      comptoir('receipt', 'verify', 'ticket.pdf', '--keys', 'keys.json', '--fingerprint', 'xyz'),
    ]);
    assert.equal(ok.code, 0, ok.stdout.toString());
    assert.match(ok.stdout.toString(), /✔ Certificat du magasin : celui du magasin/);
    assert.match(ok.stdout.toString(), /✔ Signature du ticket \(journal\) : valide/);
    assert.match(ok.stdout.toString(), /PDF valide\.\n$/);
    // Any certificate on an unchanged PDF no longer passes: it must be the store's.
    assert.equal(unpinned.code, 1);
    assert.match(
      unpinned.stdout.toString(),
      /✘ Certificat du magasin : non vérifié : aucun certificat de confiance/,
    );
    assert.equal(foreign.code, 1);
    assert.match(
      foreign.stdout.toString(),
      /✘ Certificat du magasin : inconnu .*pas été signé par le certificat du magasin/,
    );
    assert.equal(badPrint.code, 2);
    assert.match(badPrint.stderr, /Empreinte invalide : « xyz »/);

    const bytes = readFileSync(file('ticket.pdf'));
    const data = extractReceiptData(bytes) ?? '';
    const at = bytes.indexOf(data) + 10;
    bytes[at] = bytes[at] === 0x41 ? 0x42 : 0x41;
    writeFileSync(file('tampered.pdf'), bytes);
    const bad = await comptoir('receipt', 'verify', 'tampered.pdf', '--keys', 'keys.json');
    assert.equal(bad.code, 1);
    assert.match(bad.stdout.toString(), /✘ Signature du PDF \(CMS\) : empreinte SHA-256 différente/);
    assert.match(bad.stdout.toString(), /PDF NON VALIDE\./);
  });

  test("without --cert, the PDF is signed with the data directory's certificate, made on first use", async () => {
    const first = await comptoir('receipt', 'pdf', 'sale.json', '--data', 'store-data', '--out', 'x.pdf');
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stderr, /Certificat auto-signé du magasin créé : .*store-certificate\.pem/);
    assert.ok(existsSync(file('store-data/keys/pdf/store-certificate.key.pem')));
    const second = await comptoir('receipt', 'pdf', 'sale.json', '--data', 'store-data', '--out', 'y.pdf');
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stderr, '');
    const shown = await comptoir('receipt', 'certificate', '--data', 'store-data');
    assert.match(
      shown.stdout.toString(),
      /Certificat existant : C=FR, O=Ste chaussures \(SIRET 48854988500030\), CN=CHAUSSURES/,
    );
    const half = await comptoir('receipt', 'pdf', 'sale.json', '--cert', 'store.pem', '--out', 'z.pdf');
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--cert et --key vont ensemble/);
    assert.equal(existsSync(file('z.pdf')), false);
  });

  test('escpos goes to a network printer with the drawer pulse', async () => {
    const received: Buffer[] = [];
    const server = createServer((socket) => socket.on('data', (c: Buffer) => received.push(c)));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const address = server.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const toPrinter = await comptoir(
      'receipt',
      'escpos',
      'sale.json',
      '--drawer',
      '--printer',
      `127.0.0.1:${port}`,
    );
    server.close();
    assert.equal(toPrinter.code, 0, toPrinter.stderr);
    assert.equal(commandsNamed(scanEscPos(Buffer.concat(received)), 'pulse').length, 1);
  });
});
