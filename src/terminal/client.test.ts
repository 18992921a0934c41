/**
 * The Caisse-AP client against the simulator over real TCP: every mode gives its outcome, a request
 * is sent once whatever happens, and « no answer » says whether the request had left.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { PaymentRequest } from './caisse-ap.ts';
import { parseTerminalAddress, requestPayment } from './client.ts';
import { startTerminalSimulator, type TerminalSimulator } from './simulator.ts';

let sim: TerminalSimulator;
let n = 0;
const request = (amount = 1250): PaymentRequest => {
  n += 1;
  return { identifier: String(n).padStart(12, '0'), register: 1, amount, direction: '0', currency: '978' };
};
const pay = (req: PaymentRequest, timeoutMs = 2000) =>
  requestPayment({ host: '127.0.0.1', port: sim.port }, req, { timeoutMs });

before(async () => {
  sim = await startTerminalSimulator({ slowMs: 400 });
});
after(() => sim.stop());

describe('the Caisse-AP client with the simulator', () => {
  test('success, partial, split: the answered amount is what was paid', async () => {
    sim.mode = 'success';
    const ok = await pay(request());
    assert.equal(ok.kind, 'answered');
    assert.ok(ok.kind === 'answered' && ok.answer.status === 'done' && ok.answer.amountPaid === 1250);
    assert.ok(
      ok.kind === 'answered' && ok.answer.status === 'done' && ok.answer.maskedPan === '############4242',
    );
    sim.mode = 'partial';
    const half = await pay(request(1001));
    assert.ok(half.kind === 'answered' && half.answer.status === 'done' && half.answer.amountPaid === 500);
    sim.mode = 'split';
    const split = await pay(request());
    assert.ok(
      split.kind === 'answered' && split.answer.status === 'done' && split.answer.amountPaid === 1250,
    );
  });

  test('refused, cancelled, input timeout, bad frame: not done, with the reason', async () => {
    for (const [mode, reason] of [
      ['refused', '04'],
      ['cancelled', '11'],
      ['input-timeout', '08'],
      ['bad-frame', '09'],
    ] as const) {
      sim.mode = mode;
      const outcome = await pay(request());
      assert.ok(outcome.kind === 'answered' && outcome.answer.status === 'not-done', mode);
      assert.equal(
        outcome.kind === 'answered' && outcome.answer.status === 'not-done' && outcome.answer.reason,
        reason,
      );
    }
  });

  test('slow beyond the timeout, dropped: no answer after the request left, sent once', async () => {
    sim.mode = 'slow';
    const before = sim.requests.length;
    const slow = await pay(request(), 150);
    assert.deepEqual(slow.kind === 'no-answer' && slow.why, 'timeout');
    assert.match(slow.kind === 'no-answer' ? slow.message : '', /n'a pas répondu/);
    sim.mode = 'drop';
    const dropped = await pay(request());
    assert.equal(dropped.kind === 'no-answer' && dropped.why, 'dropped');
    assert.equal(sim.requests.length, before + 2);
  });

  test('busy: a second connection gets no answer while the first is served', async () => {
    sim.mode = 'busy';
    sim.delayMs = 300;
    try {
      const first = pay(request());
      await new Promise((resolve) => setTimeout(resolve, 50));
      const second = await pay(request(), 150);
      assert.equal(second.kind === 'no-answer' && second.why, 'timeout');
      const served = await first;
      assert.ok(served.kind === 'answered' && served.answer.status === 'done');
    } finally {
      sim.delayMs = 0;
    }
  });

  test('a terminal that is off: unreachable, nothing sent; a stranger answering: bad answer', async () => {
    const free = createServer();
    free.listen(0, '127.0.0.1');
    await new Promise((resolve) => free.once('listening', resolve));
    const port = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));
    const off = await requestPayment({ host: '127.0.0.1', port }, request(), { timeoutMs: 1000 });
    assert.equal(off.kind === 'no-answer' && off.why, 'unreachable');

    const stranger = createServer((s) => s.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    stranger.listen(0, '127.0.0.1');
    await new Promise((resolve) => stranger.once('listening', resolve));
    const bad = await requestPayment(
      { host: '127.0.0.1', port: (stranger.address() as { port: number }).port },
      request(),
      { timeoutMs: 1000 },
    );
    stranger.close();
    assert.equal(bad.kind === 'no-answer' && bad.why, 'bad-answer');
    assert.match(bad.kind === 'no-answer' ? bad.message : '', /Réponse illisible/);
  });

  test('terminal addresses', () => {
    assert.deepEqual(parseTerminalAddress('192.168.1.20'), { host: '192.168.1.20', port: 8888 });
    assert.deepEqual(parseTerminalAddress('tpe:9000'), { host: 'tpe', port: 9000 });
    assert.throws(() => parseTerminalAddress('tcp://x'), /Adresse de terminal invalide/);
  });
});
