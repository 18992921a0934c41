import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { renderEscPos } from './escpos.ts';
import { EXAMPLES, exampleGift, exampleSale } from './examples.ts';
import { PrinterError, sendToTcpPrinter, writeToDevice } from './printer-transport.ts';
import { encodeQrPayload, qrPayloadOf } from './qr-payload.ts';
import { commandsNamed, scanEscPos, textOf } from './testing/escpos-scan.ts';

describe('ESC/POS stream, decoded back', () => {
  const bytes = renderEscPos(exampleSale, { columns: 48, openDrawer: true });
  const scan = scanEscPos(bytes);

  test('starts with initialise, then selects a code page that has the euro sign', () => {
    assert.deepEqual(scan[0], { kind: 'command', name: 'initialize', args: [] });
    const pages = commandsNamed(scan, 'codepage');
    assert.ok(pages.length >= 1);
    assert.equal(pages[0]?.args[0], 16, 'ESC t 16 = Windows-1252');
    const text = textOf(scan);
    assert.ok(text.includes('157,90 €'), 'the euro sign decodes back from Windows-1252');
    assert.ok(text.includes('Dont éco-participation : 7,20 €'));
    assert.ok(Buffer.from(bytes).includes(Buffer.from([0x31, 0x35, 0x37, 0x2c, 0x39, 0x30, 0x20, 0x80])));
  });

  test('prints the total bold and double size', () => {
    const index = scan.findIndex((s) => s.kind === 'text' && s.text.startsWith('TOTAL'));
    assert.ok(index > 0);
    const before = scan.slice(0, index).filter((s) => s.kind === 'command');
    const lastSize = before.filter((s) => s.name === 'size').at(-1);
    const lastBold = before.filter((s) => s.name === 'bold').at(-1);
    assert.deepEqual(lastSize?.args, [0x11], 'GS ! 0x11: double width and height');
    assert.deepEqual(lastBold?.args, [1]);
    const totalText = scan[index];
    assert.ok(totalText?.kind === 'text' && /^TOTAL +157,90 €$/.test(totalText.text));
    assert.equal(totalText.kind === 'text' && totalText.text.length, 24, 'padded to half the width');
  });

  test('carries the ticket number as a CODE128 barcode and the QR payload', () => {
    const barcodes = commandsNamed(scan, 'barcode');
    assert.equal(barcodes.length, 1);
    assert.equal(barcodes[0]?.args[0], 73, 'GS k 73 = CODE128');
    assert.equal(barcodes[0]?.data?.toString('latin1'), `{B${exampleSale.number}`);
    const stored = commandsNamed(scan, '2d-code').filter((c) => c.args[0] === 0x31 && c.args[1] === 0x50);
    assert.equal(stored.length, 1, 'one QR store-data command (cn 49, fn 80)');
    const payload = qrPayloadOf(exampleSale);
    assert.ok(payload !== undefined);
    assert.equal(stored[0]?.data?.subarray(1).toString('latin1'), encodeQrPayload(payload));
    const printed = commandsNamed(scan, '2d-code').filter((c) => c.args[1] === 0x51);
    assert.equal(printed.length, 1, 'QR print command (fn 81)');
  });

  test('ends with a paper cut, then the drawer pulse when asked', () => {
    const commands = scan.filter((s) => s.kind === 'command');
    const cutIndex = commands.findIndex((c) => c.name === 'cut');
    assert.ok(cutIndex > 0);
    assert.equal(commands.at(-1)?.name, 'pulse');
    assert.equal(commands.at(-1)?.args[0], 0, 'drawer kick pin 2');
    const noDrawer = scanEscPos(renderEscPos(exampleSale, { columns: 48 }));
    assert.equal(commandsNamed(noDrawer, 'pulse').length, 0);
    assert.equal(commandsNamed(noDrawer, 'cut').length, 1);
  });

  test('every document renders on both widths, and a gift ticket prints no price', () => {
    for (const doc of Object.values(EXAMPLES)) {
      for (const columns of [48, 32]) {
        const s = scanEscPos(renderEscPos(doc, { columns }));
        assert.equal(commandsNamed(s, 'cut').length, 1);
        for (const line of textOf(s).split('\n')) assert.ok(line.length <= columns, line);
      }
    }
    assert.ok(!textOf(scanEscPos(renderEscPos(exampleGift))).includes('€'));
  });

  test('the scanner refuses a command it does not know', () => {
    assert.throws(
      () => scanEscPos(Uint8Array.from([0x1b, 0x40, 0x1b, 0x99, 0])),
      /commande inconnue 0x1b 0x99/,
    );
  });
});

describe('printer transports', () => {
  const servers: Server[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'comptoir-printer-'));
  after(() => {
    for (const s of servers) s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function listen(onData: (chunks: Buffer) => void): Promise<number> {
    return new Promise((resolve) => {
      const server = createServer((socket) => {
        const chunks: Buffer[] = [];
        socket.on('data', (c: Buffer) => chunks.push(c));
        socket.on('end', () => {
          onData(Buffer.concat(chunks));
          socket.end();
        });
      });
      servers.push(server);
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : 0);
      });
    });
  }

  test('raw TCP (port 9100 protocol): a real local server receives the exact bytes', async () => {
    const bytes = renderEscPos(exampleSale, { columns: 32, openDrawer: true });
    let received: Buffer | undefined;
    const port = await listen((data) => {
      received = data;
    });
    await sendToTcpPrinter({ host: '127.0.0.1', port }, bytes);
    await new Promise((r) => setImmediate(r));
    assert.ok(received !== undefined);
    assert.ok(received.equals(Buffer.from(bytes)));
    assert.equal(commandsNamed(scanEscPos(received), 'pulse').length, 1);
  });

  test('an unreachable printer gives a French error', async () => {
    const port = await listen(() => {});
    const closed = servers.pop();
    await new Promise<void>((r) => closed?.close(() => r()));
    await assert.rejects(
      sendToTcpPrinter({ host: '127.0.0.1', port, timeoutMs: 2000 }, Uint8Array.from([0x1b, 0x40])),
      (error: unknown) =>
        error instanceof PrinterError &&
        new RegExp(`Imprimante 127.0.0.1:${port} injoignable`).test(error.message),
    );
  });

  test('device file: the bytes are written as they are; a bad path is a French error', async () => {
    const bytes = renderEscPos(exampleSale);
    const path = join(dir, 'lp0');
    await writeToDevice(path, bytes);
    assert.ok(readFileSync(path).equals(Buffer.from(bytes)));
    await assert.rejects(
      writeToDevice(join(dir, 'absent', 'lp0'), bytes),
      /Impossible d'écrire sur l'imprimante .*ENOENT/,
    );
  });
});

test('the faster code page encoding gives the encoder’s own bytes (first position, ? when absent)', async () => {
  const { default: CodepageEncoder } = await import('@point-of-sale/codepage-encoder');
  const sample = 'Œuvre « déjà » à 12,50 € – ÿŸçÇ ✓';
  for (const codepage of ['windows1252', 'cp858'] as const) {
    const points = CodepageEncoder.getEncoding(codepage).codepoints;
    const expected = [...sample].map((char) => {
      const index = points.indexOf(char.codePointAt(0) ?? -1);
      return index === -1 ? 0x3f : index;
    });
    assert.deepEqual([...CodepageEncoder.encode(sample, codepage)], expected, codepage);
  }
});
