import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import {
  ArchiveError,
  type ArchivePeriod,
  buildArchive,
  isKeyHistory,
  PART_NAMES,
  parseFingerprints,
  parsePeriod,
  planArchive,
  TIME_CUT_CHAINS,
  verifyArchive,
} from './archive.ts';
import { frenchDecimal } from './archive-csv.ts';
import type { Chain, JournalRecord } from './record.ts';
import { createSigner, exportPublicKeyPem, fingerprintOf, generateSigningKeyPair } from './signing.ts';
import { BOOK, COFFEE, JournalBuilder, sampleJournal, WINE } from './testing.ts';

const keys = generateSigningKeyPair();
const next = generateSigningKeyPair();

/** October and November of one register: days, months, a duplicate, a cancellation, a key rotation. */
function twoMonths(): JournalBuilder {
  const b = new JournalBuilder('C1', keys, new Date('2026-10-30T08:00:00Z'));
  for (const day of ['2026-10-30', '2026-10-31']) {
    const t = b.sale([COFFEE, WINE]);
    b.sale([BOOK], 'CB');
    b.duplicate(t);
    b.close('DAY', day);
    b.advance(23 * 60); // the next day, within the 24 hours after the closure
  }
  b.close('MONTH', '2026-10');
  b.rotate(next);
  for (const day of ['2026-11-01', '2026-11-02']) {
    b.training([WINE, BOOK]);
    const t = b.sale([WINE]);
    b.cancel(t);
    b.sale([{ ...BOOK, quantity: -1000 }]);
    b.jet('LOGIN');
    b.close('DAY', day);
    b.advance(23 * 60); // the next day, within the 24 hours after the closure
  }
  b.close('MONTH', '2026-11');
  b.sale([COFFEE]);
  return b;
}

const journal = twoMonths();
const all = journal.records;

const pems = new Map([
  [keys.keyId, exportPublicKeyPem(keys.publicKey)],
  [next.keyId, exportPublicKeyPem(next.publicKey)],
]);

/** What the store does: read the plan's records and context from the journal. */
function exportOf(period: ArchivePeriod, signerKeys = next, all: readonly JournalRecord[] = journal.records) {
  const plan = planArchive(
    'C1',
    period,
    all.filter((r) => r.chain === 'CLOSURE'),
  );
  const inRange = (r: JournalRecord): boolean => {
    const range = plan.ranges.find((x) => x.chain === r.chain);
    if (range !== undefined) return r.sequence >= range.from && r.sequence <= range.to;
    return r.timestamp.utc > plan.afterUtc && r.timestamp.utc <= plan.untilUtc;
  };
  const records = all.filter(inRange);
  const context = all.filter(
    (r) => (r.chain === 'CLOSURE' && plan.contextClosures.includes(r.sequence)) || isKeyHistory(r),
  );
  const previousSignatures = new Map<Chain, string>();
  for (const chain of ['TICKET', 'DUPLICATE', 'CLOSURE', ...TIME_CUT_CHAINS] as Chain[]) {
    const first = records.find((r) => r.chain === chain);
    const range = plan.ranges.find((x) => x.chain === chain);
    const from = range?.from ?? first?.sequence;
    const before = all.find((r) => r.chain === chain && r.sequence === (from ?? 0) - 1);
    if (before !== undefined) previousSignatures.set(chain, before.signature);
  }
  return buildArchive({
    plan,
    records,
    context,
    previousSignatures,
    publicKeys: pems,
    signer: createSigner(signerKeys),
    createdAt: { utc: '20261201090000', offset: '+0100' },
    softwareVersion: '0.1.0',
    operator: 'gerant',
    company: {
      name: 'Librairie du Port',
      address: '1 quai Est, 29200 Brest, France',
      siret: '73282932000074',
      naf: '47.61Z',
      vatNumber: 'FR44732829320',
    },
  });
}

describe('fiscal archive of a closed period', () => {
  test('a period is a month or a year, never more (item 37)', () => {
    assert.deepEqual(parsePeriod('2026-11'), { kind: 'MONTH', label: '2026-11' });
    assert.deepEqual(parsePeriod('2026'), { kind: 'YEAR', label: '2026' });
    for (const bad of ['2026-13', '2025-2026', '2026-11-01', 'novembre', '']) {
      assert.throws(
        () => parsePeriod(bad),
        (e: unknown) => e instanceof ArchiveError && e.code === 'BAD_PERIOD',
        bad,
      );
    }
  });

  test('a period that is not closed is refused, in French', () => {
    assert.throws(
      () =>
        planArchive(
          'C1',
          { kind: 'MONTH', label: '2026-12' },
          all.filter((r) => r.chain === 'CLOSURE'),
        ),
      (e: unknown) =>
        e instanceof ArchiveError &&
        e.code === 'PERIOD_NOT_CLOSED' &&
        /La période 2026-12 n'est pas clôturée sur la caisse C1/.test(e.message),
    );
  });

  test('consecutive months: each starts right after the previous one (item 42), and both verify offline', () => {
    const oct = exportOf({ kind: 'MONTH', label: '2026-10' });
    const nov = exportOf({ kind: 'MONTH', label: '2026-11' });
    for (const [name, file] of [
      ['oct', oct],
      ['nov', nov],
    ] as const) {
      const report = verifyArchive(file.bytes);
      assert.deepEqual(report.fileProblems, [], name);
      assert.deepEqual(report.journal.problems, [], name);
      assert.equal(report.ok, true, name);
    }
    for (const o of oct.manifest.chains) {
      const n = nov.manifest.chains.find((c) => c.chain === o.chain);
      if (n === undefined || o.to < o.from) continue;
      assert.equal(n.from, o.to + 1, `${o.chain} starts right after October`);
      assert.equal(n.previousSignature, o.lastSignature, `${o.chain} anchored on October's last signature`);
    }
    assert.equal(oct.manifest.totals.ticketCount, 4);
    assert.equal(nov.manifest.counts.byType.CANCELLATION, 2);
    // Training tickets are archived in their own chain and counted in no total (item 50).
    assert.equal(nov.manifest.counts.byType.TRAINING, 2);
    assert.equal(nov.manifest.totals.ticketCount, 4);
    assert.equal(nov.manifest.company.siret, '73282932000074');
    // The ticket sold after the November closure belongs to December.
    assert.equal(nov.manifest.chains.find((c) => c.chain === 'TICKET')?.to, 10);
  });

  test('the file holds JSON lines, CSV in French, the public keys and a manifest with SHA-256 of each part', () => {
    const { bytes, manifest } = exportOf({ kind: 'MONTH', label: '2026-10' });
    const files = unzipSync(bytes);
    assert.deepEqual(Object.keys(files).sort(), Object.values(PART_NAMES).sort());
    for (const part of manifest.parts) {
      const data = files[part.name] as Uint8Array;
      assert.equal(createHash('sha256').update(data).digest('hex'), part.sha256, part.name);
    }
    const csv = strFromU8(files[PART_NAMES.tickets] as Uint8Array);
    assert.deepEqual([...(files[PART_NAMES.tickets] as Uint8Array).subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(csv.startsWith('Caisse;Type;Numéro;Date (UTC)'), 'French header');
    assert.match(csv, /Vin rouge, 75 cl \| AOC;2,000;12,90;20;21,50;25,80;/);
    assert.equal(frenchDecimal(-5, 2), '-0,05');
    assert.equal(
      strFromU8(files[PART_NAMES.records] as Uint8Array)
        .trim()
        .split('\n').length,
      manifest.counts.records,
    );
  });

  test('one byte changed anywhere in the file is found', () => {
    const { bytes } = exportOf({ kind: 'MONTH', label: '2026-11' });
    const positions = [
      0,
      10,
      40,
      Math.floor(bytes.length / 3),
      Math.floor(bytes.length / 2),
      bytes.length - 150,
      bytes.length - 100,
      bytes.length - 30,
      bytes.length - 1,
    ];
    for (const at of positions) {
      const copy = new Uint8Array(bytes);
      copy[at] = (copy[at] as number) ^ 0x01;
      let ok: boolean;
      try {
        ok = verifyArchive(copy).ok;
      } catch (error) {
        assert.ok(error instanceof ArchiveError, `byte ${at}: ${(error as Error).message}`);
        ok = false;
      }
      assert.equal(ok, false, `byte ${at} of ${bytes.length} changed and not found`);
    }
  });

  test('a fiscal year: its months, days and tickets, with the previous closures as context', () => {
    const year = sampleJournal(keys);
    const { bytes, manifest } = exportOf({ kind: 'YEAR', label: '2026' }, keys, year.records);
    const report = verifyArchive(bytes);
    assert.deepEqual([...report.fileProblems, ...report.journal.problems], []);
    assert.equal(manifest.period.kind, 'YEAR');
    assert.equal(manifest.totals.ticketCount, 5);
    assert.equal(manifest.counts.byType.CLOSURE, 4);
  });

  test('a file signed with another key than the announced ones is refused', () => {
    const rogue = generateSigningKeyPair();
    const { bytes } = exportOf({ kind: 'MONTH', label: '2026-11' }, rogue);
    const report = verifyArchive(bytes);
    assert.equal(report.ok, false);
    assert.deepEqual(
      report.fileProblems.map((p) => p.code),
      ['FILE_SIGNATURE'],
    );
    // Even with the rogue public key slipped into the file's keys: it is not the register's key.
    pems.set(rogue.keyId, exportPublicKeyPem(rogue.publicKey));
    try {
      const withKey = verifyArchive(exportOf({ kind: 'MONTH', label: '2026-11' }, rogue).bytes);
      assert.deepEqual(
        withKey.fileProblems.map((p) => p.code),
        ['FILE_SIGNATURE'],
      );
      assert.match(withKey.fileProblems[0]?.message ?? '', /clé/);
      // The old key, retired by the rotation, no longer signs either.
      const old = verifyArchive(exportOf({ kind: 'MONTH', label: '2026-11' }, keys).bytes);
      assert.deepEqual(
        old.fileProblems.map((p) => p.code),
        ['FILE_SIGNATURE'],
      );
    } finally {
      pems.delete(rogue.keyId);
    }
  });

  test('trust pinned: a journal forged end to end with another key is « intègre » only against its own key', () => {
    const genuine = exportOf({ kind: 'MONTH', label: '2026-11' }).bytes;
    const plain = verifyArchive(genuine);
    assert.equal(plain.ok, true);
    assert.equal(plain.trust.pinned, false, 'verified against the archive’s own keys only');
    assert.deepEqual(plain.trust.signingKeys, [keys.keyId, next.keyId].sort());
    // Pinned by the register's first key (its fingerprint, or a prefix of it): the rotation carries it.
    const print = fingerprintOf(keys.publicKey);
    for (const fingerprints of [[print], [print.slice(0, 16)]]) {
      const pinned = verifyArchive(genuine, { fingerprints });
      assert.equal(pinned.ok, true, JSON.stringify(pinned.fileProblems));
      assert.deepEqual(pinned.trust.trustedKeys, plain.trust.signingKeys);
    }
    assert.equal(verifyArchive(genuine, { publicKeys: [keys.publicKey] }).ok, true);
    // The forger's journal: the same sales, signed and exported with his own keys.
    const rogue = generateSigningKeyPair();
    const rogueNext = generateSigningKeyPair();
    const forged = new JournalBuilder('C1', rogue, new Date('2026-10-30T08:00:00Z'));
    forged.close('MONTH', '2026-10');
    forged.rotate(rogueNext);
    forged.sale([WINE]);
    forged.close('DAY', '2026-11-01');
    forged.close('MONTH', '2026-11');
    const saved = new Map(pems);
    pems.clear();
    pems.set(rogue.keyId, exportPublicKeyPem(rogue.publicKey));
    pems.set(rogueNext.keyId, exportPublicKeyPem(rogueNext.publicKey));
    try {
      const bytes = exportOf({ kind: 'MONTH', label: '2026-11' }, rogueNext, forged.records).bytes;
      assert.equal(verifyArchive(bytes).ok, true, 'alone, the forged archive is consistent');
      const pinned = verifyArchive(bytes, { fingerprints: [print] });
      assert.equal(pinned.ok, false);
      assert.deepEqual(
        pinned.fileProblems.map((p) => p.code),
        ['UNTRUSTED_KEY', 'UNTRUSTED_KEY'],
      );
      assert.match(pinned.fileProblems[0]?.message ?? '', /non reconnue : ni épinglée/);
      assert.equal(verifyArchive(bytes, { publicKeys: [keys.publicKey, next.publicKey] }).ok, false);
    } finally {
      pems.clear();
      for (const [id, pem] of saved) pems.set(id, pem);
    }
    assert.throws(() => parseFingerprints(['zz']), /Empreinte invalide : « zz »/);
    assert.deepEqual(parseFingerprints(['AB:CD:EF:01 23 45 67 89']), ['abcdef0123456789']);
  });
});
