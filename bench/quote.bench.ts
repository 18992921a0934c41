/**
 * npm run bench:quote — computes 100,000 random tickets of 10 lines with discounts and payments on one
 * thread; prints tickets per second and the 99th percentile time per ticket, for the engine alone and
 * for the whole `quote` path (JSON scenario read, computed, written back as JSON).
 */
import { computeTicket } from '../src/sales/compute.ts';
import { formatScaled } from '../src/sales/money.ts';
import { quote } from '../src/sales/quote.ts';
import { readScenario } from '../src/sales/scenario.ts';
import type { TicketInput } from '../src/sales/ticket-input.ts';

const COUNT = Number(process.env.BENCH_COUNT ?? 100_000);

/** Deterministic PRNG (mulberry32) so that every run computes the same tickets. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(525);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));

function scenario(): Record<string, unknown> {
  const lines: Record<string, unknown>[] = [];
  for (let i = 0; i < 10; i++) {
    const line: Record<string, unknown> = {
      ref: `ART${i}`,
      qty: String(int(1, 4)),
      unitPrice: formatScaled(int(50, 20_000), 2),
      vatRate: pick(['20', '10', '5.5', '2.1']),
    };
    const d = random();
    if (d < 0.3) line.discountPercent = String(int(1, 30));
    else if (d < 0.4) line.discountAmount = '0.50';
    lines.push(line);
    if (i === 6) lines.push({ subtotal: { discountPercent: '5' } });
  }
  return {
    paymentModes: { CASH: { excess: 'change', rounding: '0.05' }, CARD: { excess: 'refuse' } },
    lines,
    footerDiscount: { amount: '1.00' },
    payments: [
      { mode: 'CARD', amount: '10.00' },
      { mode: 'CASH', amount: '5000.00' },
    ],
  };
}

/** The engine's inputs, read once; the JSON texts for the whole path are made afterwards. */
function inputs(): TicketInput[] {
  return Array.from({ length: COUNT }, () => {
    const reading = readScenario(scenario());
    if (!reading.ok) throw new Error(JSON.stringify(reading.issues));
    return reading.input;
  });
}

function measure(label: string, run: (i: number) => unknown): void {
  for (let i = 0; i < Math.min(COUNT, 5000); i++) run(i); // warm-up
  const times = new Float64Array(COUNT);
  let valid = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < COUNT; i++) {
    const t0 = process.hrtime.bigint();
    const result = run(i);
    times[i] = Number(process.hrtime.bigint() - t0) / 1000;
    if (result) valid++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  times.sort();
  const p = (q: number) => (times[Math.min(COUNT - 1, Math.floor(q * COUNT))] ?? 0).toFixed(1);
  console.log(
    `${label.padEnd(34)} ${COUNT} tickets in ${seconds.toFixed(2)} s: ${Math.round(COUNT / seconds)} tickets/s, ` +
      `median ${p(0.5)} µs, p99 ${p(0.99)} µs (${valid} valid)`,
  );
}

console.log(
  `Node ${process.version}, one thread, 10 lines per ticket with discounts, a sub-total, a footer discount, 2 payments`,
);
let tickets: TicketInput[] | null = inputs();
measure('engine (computeTicket)', (i) => computeTicket(tickets?.[i] as TicketInput).valid);
tickets = null;
const texts = Array.from({ length: COUNT }, () => JSON.stringify(scenario()));
measure('quote (JSON text in, JSON out)', (i) => {
  const { exitCode, output } = quote(JSON.parse(texts[i] as string));
  return JSON.stringify(output).length > 0 && exitCode === 0;
});
