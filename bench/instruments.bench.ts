/**
 * npm run bench:instruments — redeeming an instrument among 1,000,000 (issue 14): on SQLite as a shop
 * runs it (a file, WAL), loads BENCH_INSTRUMENTS credit notes with their issue in the ledger, plus a
 * redemption for one in four, then times BENCH_INSTRUMENT_LOOKUPS lookups of random issued numbers as
 * a redemption makes them (`instrumentByNumber`: check digit, the instrument, its ledger, its balance)
 * and prints the median, p99 and max in milliseconds, wall and CPU.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Insertable } from 'kysely';
import { instrumentNumber } from '../src/sales/instruments.ts';
import { seededRandom } from '../src/store/demo.ts';
import { instrumentByNumber } from '../src/store/journal/instruments.ts';
import { openDatabase } from '../src/store/open-database.ts';
import type { InstrumentLedgerTable, InstrumentsTable } from '../src/store/schema.ts';

const COUNT = Number(process.env.BENCH_INSTRUMENTS ?? 1_000_000);
const LOOKUPS = Number(process.env.BENCH_INSTRUMENT_LOOKUPS ?? 100_000);
const CHUNK = 2_000;
const AT = '2026-11-23T10:00:00.000Z';

const random = seededRandom(14);
const digitsOf = (i: number) =>
  String(i * 7_919_113 + Math.floor(random() * 1000))
    .padStart(14, '0')
    .slice(-14);

const dir = mkdtempSync(join(tmpdir(), 'comptoir-bench-instruments-'));
const db = await openDatabase({ engine: 'sqlite', file: join(dir, 'comptoir.db') });
try {
  const numbers: string[] = [];
  const loadStart = performance.now();
  for (let from = 0; from < COUNT; from += CHUNK) {
    const rows: Insertable<InstrumentsTable>[] = [];
    const ledger: Insertable<InstrumentLedgerTable>[] = [];
    for (let i = from; i < Math.min(COUNT, from + CHUNK); i++) {
      const number = instrumentNumber('credit-note', digitsOf(i));
      numbers.push(number);
      const sequence = i + 1;
      rows.push({
        number,
        kind: 'credit-note',
        currency: 'EUR',
        issued_at: AT,
        expires_at: null,
        register: '1',
        chain: 'TICKET',
        sequence,
        customer: 'DIVERS',
      });
      ledger.push({
        number,
        entry: 1,
        amount: 2_000,
        register: '1',
        chain: 'TICKET',
        sequence,
        at: AT,
        operator: 'ADMIN',
      });
      if (i % 4 === 0)
        ledger.push({
          number,
          entry: 2,
          amount: -500,
          register: '1',
          chain: 'TICKET',
          sequence: sequence + 1,
          at: AT,
          operator: 'ADMIN',
        });
    }
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('instruments')
        .values(rows)
        .onConflict((c) => c.doNothing())
        .execute();
      await trx
        .insertInto('instrument_ledger')
        .values(ledger)
        .onConflict((c) => c.doNothing())
        .execute();
    });
  }
  const loadSeconds = (performance.now() - loadStart) / 1000;
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < LOOKUPS; i++) {
    const number = numbers[Math.floor(random() * numbers.length)] as string;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const found = await instrumentByNumber(db, number);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (found.balance <= 0) throw new Error('solde inattendu');
  }
  const pct = (xs: number[], p: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0).toFixed(3);
  };
  console.log(
    `machine: ${cpus().length} cœurs, charge ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
  console.log(
    `chargement : ${COUNT.toLocaleString('fr-FR')} bons en ${loadSeconds.toFixed(1)} s (${Math.round(COUNT / loadSeconds)} bons/s)`,
  );
  console.log(
    `recherche d'un bon (${LOOKUPS.toLocaleString('fr-FR')} fois, ms) : médiane ${pct(wall, 50)}, p99 ${pct(wall, 99)}, max ${pct(wall, 100)} ; CPU médiane ${pct(cpu, 50)}, p99 ${pct(cpu, 99)}`,
  );
} finally {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
