/**
 * `comptoir verify` and `comptoir archive export|verify` as real processes, on a data directory made
 * by the real journal (validateTicket, closures), then tampered with behind the application's back.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { sql } from 'kysely';
import { initStore } from '../../store/init.ts';
import { ensureRegisterKeys } from '../../store/journal/keys.ts';
import { closeDay, closeMonth } from '../../store/journal/operations.ts';
import { SIMPLE_SALE, ticketOf } from '../../store/journal/testing.ts';
import { validateTicket } from '../../store/journal/validate.ts';
import { openDatabase } from '../../store/open-database.ts';
import { type CliRun, runComptoir } from '../testing.ts';

const dir = mkdtempSync(join(tmpdir(), 'comptoir-cli-verify-'));
const data = join(dir, 'data');
after(() => rmSync(dir, { recursive: true, force: true }));

function comptoir(...args: string[]): Promise<CliRun> {
  return runComptoir(args, { cwd: dir, env: { COMPTOIR_DATA: data } });
}

const open = () => openDatabase({ engine: 'sqlite', file: join(data, 'comptoir.db') });

async function lastJet(): Promise<{ code: number; data: string }[]> {
  const db = await open();
  try {
    const rows = await db
      .selectFrom('journal')
      .select('payload')
      .where('chain', '=', 'JET')
      .orderBy('sequence', 'desc')
      .limit(2)
      .execute();
    return rows.map((r) => JSON.parse(r.payload) as { code: number; data: string });
  } finally {
    await db.destroy();
  }
}

describe('comptoir verify and comptoir archive (real processes)', () => {
  before(async () => {
    const db = await open();
    let clock = new Date('2026-11-20T09:00:00Z');
    const ctx = { dataDir: data, now: () => clock, softwareVersion: '0.1.0', timeZone: 'Europe/Paris' };
    await initStore(db, { now: clock, pins: { admin: '1234', cashier: '2345', seller: '3456' } });
    ensureRegisterKeys(data, 1);
    let n = 0;
    for (let day = 0; day < 2; day++) {
      for (let i = 0; i < 3; i++) {
        n += 1;
        await validateTicket(db, ctx, {
          register: 1,
          idempotencyKey: `k${n}`,
          cashier: 'CAISSE1',
          ticket: ticketOf(SIMPLE_SALE),
        });
        clock = new Date(clock.getTime() + 10 * 60_000);
      }
      await closeDay(db, ctx, { register: 1, operator: 'ADMIN' });
      clock = new Date(clock.getTime() + 20 * 3_600_000);
    }
    // November is closed once it has ended (PERIOD_NOT_ENDED before).
    clock = new Date('2026-12-01T08:00:00Z');
    await closeMonth(db, ctx, { register: 1, operator: 'ADMIN' });
    await db.destroy();
  });

  test('verify a sound journal; export November and verify it; refusals; one byte changed', async () => {
    const [sound, json, badRegister, notClosed, badPeriod] = await Promise.all([
      comptoir('verify'),
      comptoir('verify', '--json', '--register', '1'),
      comptoir('verify', '--register', 'x'),
      comptoir('archive', 'export', '--period', '2026-12', '--out', 'dec.zip'),
      comptoir('archive', 'export', '--period', '2026-13', '--out', 'bad.zip'),
    ]);
    assert.equal(sound.code, 0, sound.stderr);
    assert.match(sound.stdout, /enregistrement\(s\) contrôlé\(s\)/);
    assert.match(sound.stdout, /aucune anomalie/);
    assert.equal(json.code, 0, json.stderr);
    assert.equal((JSON.parse(json.stdout) as { ok: boolean }).ok, true);
    assert.equal(badRegister.code, 2);
    assert.match(badRegister.stderr, /Numéro de caisse invalide/);
    assert.equal(notClosed.code, 1);
    assert.match(notClosed.stderr, /La période 2026-12 n'est pas clôturée sur la caisse 1/);
    assert.equal(badPeriod.code, 2);
    assert.match(badPeriod.stderr, /Période invalide/);
    assert.equal(existsSync(join(dir, 'dec.zip')) || existsSync(join(dir, 'bad.zip')), false);
    const [run] = await lastJet();
    assert.equal(run?.code, 1070, 'the verification run is a JET event');

    const exported = await comptoir('archive', 'export', '--period', '2026-11', '--out', 'nov.zip');
    assert.equal(exported.code, 0, exported.stderr);
    assert.match(exported.stdout, /Archive écrite : nov\.zip/);
    const [jet] = await lastJet();
    assert.equal(jet?.code, 20);
    const bytes = readFileSync(join(dir, 'nov.zip'));
    const middle = Math.floor(bytes.length / 2);
    bytes[middle] = (bytes[middle] as number) ^ 0x20;
    writeFileSync(join(dir, 'altered.zip'), bytes);
    const [good, altered, absent] = await Promise.all([
      comptoir('archive', 'verify', 'nov.zip'),
      comptoir('archive', 'verify', 'altered.zip'),
      comptoir('archive', 'verify', 'absent.zip'),
    ]);
    assert.equal(good.code, 0, good.stdout + good.stderr);
    assert.match(good.stdout, /archive intègre/);
    assert.equal(altered.code, 1);
    assert.match(altered.stdout + altered.stderr, /ARCHIVE ALTÉRÉE/);
    assert.equal(absent.code, 2);
    assert.match(absent.stderr, /Lecture impossible de absent\.zip/);
  });

  test('verify: an amount changed behind the triggers is reported at its record, exit 1, JET 90', async () => {
    const db = await open();
    await sql`drop trigger journal_no_update`.execute(db);
    const row = await db
      .selectFrom('journal')
      .select('payload')
      .where('chain', '=', 'TICKET')
      .where('sequence', '=', 2)
      .executeTakeFirstOrThrow();
    const payload = JSON.parse(row.payload) as { totalTtc: number };
    payload.totalTtc -= 500;
    await db
      .updateTable('journal')
      .set({ payload: JSON.stringify(payload) })
      .where('chain', '=', 'TICKET')
      .where('sequence', '=', 2)
      .execute();
    await db.destroy();
    const run = await comptoir('verify');
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /caisse 1, chaîne TICKET, n° 2 — texte signé différent des champs \(TEXT_MISMATCH\)/,
    );
    assert.match(run.stdout, /caisse 1, chaîne CLOSURE, n° 1 — totaux de clôture faux/);
    const [flaw, runEvent] = await lastJet();
    assert.equal(flaw?.code, 90);
    assert.match(flaw?.data ?? '', /TICKET n° 2 TEXT_MISMATCH/);
    assert.equal(runEvent?.code, 1070);
  });

  test('archive verify pins its trust: --public-key, --fingerprint, or says it used the archive’s own key', async () => {
    const exported = await comptoir('keys', 'export');
    writeFileSync(join(dir, 'keys.json'), exported.stdout);
    const key = (
      JSON.parse(exported.stdout) as { keys: { keyId: string; fingerprint: string; pem: string }[] }
    ).keys[0];
    if (key === undefined) assert.fail('no key exported');
    assert.ok(key.fingerprint.startsWith(key.keyId), 'the export gives each fingerprint');
    writeFileSync(join(dir, 'key.pem'), key.pem);
    const [own, byFile, byPem, byPrint, wrong, bad] = await Promise.all([
      comptoir('archive', 'verify', 'nov.zip'),
      comptoir('archive', 'verify', 'nov.zip', '--public-key', 'keys.json'),
      comptoir('archive', 'verify', 'nov.zip', '--public-key', 'key.pem'),
      comptoir('archive', 'verify', 'nov.zip', '--fingerprint', key.fingerprint.toUpperCase()),
      comptoir('archive', 'verify', 'nov.zip', '--fingerprint', 'f'.repeat(64)),
      comptoir('archive', 'verify', 'nov.zip', '--fingerprint', 'zz'),
    ]);
    assert.equal(own.code, 0, own.stderr);
    assert.match(own.stdout, /vérifiée avec la seule clé que l’archive fournit/);
    assert.match(own.stdout, /Résultat : archive intègre par rapport à sa propre clé \(non épinglée\)\./);
    for (const run of [byFile, byPem, byPrint]) {
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stdout, new RegExp(`Confiance : clé\\(s\\) ${key.keyId} reconnue\\(s\\)`));
      assert.match(run.stdout, /Résultat : archive intègre\.$/m);
    }
    assert.equal(wrong.code, 1);
    assert.match(wrong.stdout, new RegExp(`UNTRUSTED_KEY : Clé ${key.keyId} non reconnue`));
    assert.match(wrong.stdout, /ARCHIVE ALTÉRÉE/);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /Empreinte invalide : « zz »/);
  });
});
