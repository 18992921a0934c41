/**
 * npm run bench:card — the time Comptoir adds to the counter's hardware (issue 15), over real HTTP and
 * TCP on one machine: (1) a card payment through the API with the Caisse-AP simulator answering at
 * once (the customer's PIN excluded): request to answer; (2) the receipt choice « papier » to the
 * first ESC/POS byte on the fake printer's socket. BENCH_RUNS (default 200) of each; p50/p99 printed.
 */
import { loadavg } from 'node:os';
import { startFakePrinter } from '../src/receipts/testing/fake-printer.ts';
import { call, login, PINS, startTestServer } from '../src/server/testing.ts';
import type { TicketView } from '../src/server/ticket-view.ts';
import { flushHeads } from '../src/store/journal/index.ts';
import { startTerminalSimulator } from '../src/terminal/simulator.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const sim = await startTerminalSimulator({ delayMs: 0 });
const printer = await startFakePrinter();
const server = await startTestServer({ registers: 1 });
await server.db
  .updateTable('registers')
  .set({
    settings: JSON.stringify({
      terminal: { address: sim.address, timeoutMs: 5000 },
      printer: { target: printer.target },
    }),
  })
  .where('number', '=', 1)
  .execute();
const token = await login(server.url, 'CAISSE1', PINS.cashier);
const post = async (path: string, body: unknown = {}) => {
  const answer = await call<TicketView>(server.url, 'POST', path, { token, body });
  if (answer.status !== 200) throw new Error(`${path} : ${JSON.stringify(answer.body)}`);
  return answer.body;
};

const card: number[] = [];
const print: number[] = [];
for (let i = 0; i < RUNS; i += 1) {
  const { id } = await post('/api/tickets');
  await post(`/api/tickets/${id}/lines`, { text: 'BOI0001' });
  await post(`/api/tickets/${id}/total`);
  let start = performance.now();
  await post(`/api/tickets/${id}/card-payment`, { amount: null });
  card.push(performance.now() - start);
  await post(`/api/tickets/${id}/validate`, { idempotencyKey: `bench-card-${i}` });
  const jobs = printer.jobs.length;
  start = performance.now();
  await post(`/api/tickets/${id}/receipt`, { choice: 'print' });
  await printer.waitForJobs(jobs + 1);
  print.push((printer.jobs[jobs]?.firstByteAt ?? Number.NaN) - start);
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
};
const line = (what: string, values: number[]) =>
  `${what.padEnd(58)} p50 ${pct(values, 50).toFixed(1).padStart(6)} ms   p99 ${pct(values, 99).toFixed(1).padStart(6)} ms`;
console.log(`bench:card — ${RUNS} ventes, charge ${loadavg()[0]?.toFixed(1)} (1 min)`);
console.log(line('paiement carte (API + Caisse-AP, simulateur sans délai)', card));
console.log(line('choix « papier » → premier octet ESC/POS sur l’imprimante', print));
await flushHeads();
await server.close();
await sim.stop();
await printer.stop();
