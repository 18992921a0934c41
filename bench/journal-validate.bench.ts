/**
 * npm run bench:validate — `validateTicket` with durable commits on a SQLite file (WAL,
 * synchronous=FULL): tickets/s and latency, one client at a time and with concurrent clients (group
 * commit), then a daily closure over what was sold. Figures are printed, recorded by hand in
 * docs/performance.md ("Journal validation").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createArticle, setStock } from '../src/store/catalogue.ts';
import { DEPOT_CODE, initStore } from '../src/store/init.ts';
import { closeDay, ensureRegisterKeys, flushHeads, validateTicket } from '../src/store/journal/index.ts';
import { openTestDays, ticketOf } from '../src/store/journal/testing.ts';
import { openDatabase } from '../src/store/open-database.ts';

const TICKETS = Number(process.env.TICKETS ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'comptoir-bench-validate-'));
const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
await initStore(db, { now: new Date(), pins: { admin: '1234', cashier: '2345', seller: '3456' } });
ensureRegisterKeys(dir, 1);
// The three articles sold are stock-managed catalogue articles: every ticket moves their stock.
for (const [ref, vatRate] of [
  ['A', 2000],
  ['B', 550],
  ['C', 1000],
] as const) {
  await createArticle(db, { ref, designation: `Article ${ref}`, vatRate, price: 100 }, new Date());
  await setStock(db, ref, DEPOT_CODE, 1_000_000);
}
const ctx = { dataDir: dir, now: () => new Date(), softwareVersion: 'bench' };
await openTestDays(db, ctx);
const ticket = ticketOf({
  lines: [
    { ref: 'A', qty: '2', unitPrice: '3.50', vatRate: '20', discountPercent: '10' },
    { ref: 'B', qty: '1', unitPrice: '1.20', vatRate: '5.5' },
    { ref: 'C', qty: '3', unitPrice: '0.99', vatRate: '10' },
  ],
  payments: [
    { mode: 'CARD', amount: '5.00' },
    { mode: 'CASH', amount: '10.00' },
  ],
});

let key = 0;
async function run(count: number, inFlight: number): Promise<void> {
  const latencies: number[] = [];
  let left = count;
  const start = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left > 0) {
        left -= 1;
        key += 1;
        const t = performance.now();
        await validateTicket(db, ctx, { register: 1, idempotencyKey: `b${key}`, cashier: 'CAISSE1', ticket });
        latencies.push(performance.now() - t);
      }
    }),
  );
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  const cpuPerTicket = (used.user + used.system) / 1000 / count;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    (latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0).toFixed(1);
  console.log(
    `${count} tickets, ${inFlight} in flight: ${Math.round((count / ms) * 1000)} tickets/s, ` +
      `p50 ${at(0.5)} ms, p99 ${at(0.99)} ms, CPU ${cpuPerTicket.toFixed(2)} ms/ticket, ` +
      `load ${loadavg()[0]?.toFixed(1)}`,
  );
}

await run(Math.min(500, TICKETS), 1);
await run(TICKETS, 16);
await run(TICKETS, 64);
const t = performance.now();
const z = await closeDay(db, ctx, { register: 1, operator: 'ADMIN' });
console.log(
  `daily closure over ${z.closures[0]?.payload.ticketCount} tickets (incremental): ${(performance.now() - t).toFixed(1)} ms`,
);
await flushHeads();
await db.destroy();
rmSync(dir, { recursive: true, force: true });
