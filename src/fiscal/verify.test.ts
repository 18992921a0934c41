import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { appendRecord } from './chain.ts';
import { type ChainHead, type JournalRecord, stampOf } from './record.ts';
import { buildSignedText } from './signed-text.ts';
import { createSigner, generateSigningKeyPair } from './signing.ts';
import { sampleJournal } from './testing.ts';
import {
  checkSignedTexts,
  SIGNATURE_BAD,
  SIGNATURE_OK,
  SIGNATURE_UNKNOWN_KEY,
  TEXT_INVALID,
  TEXT_OK,
  verifyJournal,
  verifySignatures,
} from './verify.ts';

const keys = generateSigningKeyPair();
const journal = sampleJournal(keys);
const records: readonly JournalRecord[] = journal.records;
const heads: readonly ChainHead[] = journal.headList();
const keysById = new Map([[keys.keyId, keys.publicKey]]);

const indexOf = (chain: string, sequence: number): number =>
  records.findIndex((r) => r.chain === chain && r.sequence === sequence);
const at = (chain: string, sequence: number): JournalRecord =>
  records[indexOf(chain, sequence)] as JournalRecord;
const found = (list: readonly JournalRecord[], k = keysById, h = heads) =>
  verifyJournal(list, k, h).problems.map((p) => `${p.chain}:${p.sequence}:${p.code}`);

/** Changes a record's fields behind the application's back; `resign` also rewrites its signed text. */
function edit(
  record: JournalRecord,
  change: (r: Record<string, unknown>) => void,
  retext = false,
): JournalRecord {
  const copy = structuredClone(record) as unknown as Record<string, unknown>;
  change(copy);
  if (retext) copy.signedText = buildSignedText(copy as unknown as JournalRecord);
  return copy as unknown as JournalRecord;
}

const replace = (i: number, r: JournalRecord): JournalRecord[] => records.map((x, j) => (j === i ? r : x));

describe('verifyJournal: a sound journal', () => {
  test('every record checked, no problem', () => {
    const report = verifyJournal(records, keysById, heads);
    assert.equal(report.recordsChecked, records.length);
    assert.deepEqual(report.problems, []);
    assert.equal(report.ok, true);
  });

  test('verifySignatures needs nothing but each record: any batch, any order', () => {
    const batch = [at('TICKET', 3), at('JET', 1)];
    assert.deepEqual([...verifySignatures(batch, keysById)], [SIGNATURE_OK, SIGNATURE_OK]);
    const bad = { ...at('JET', 1), signedText: `${at('JET', 1).signedText}x` };
    assert.deepEqual([...verifySignatures([bad], keysById)], [SIGNATURE_BAD]);
    assert.deepEqual([...verifySignatures([bad], new Map())], [SIGNATURE_UNKNOWN_KEY]);
  });
});

describe('verifyJournal: several registers and unreadable fields', () => {
  test('registers interleaved are checked apart, and a break is reported on its own register', () => {
    const other = sampleJournal(keys, 'C2');
    const mixed: JournalRecord[] = [];
    for (let i = 0; i < Math.max(records.length, other.records.length); i++) {
      const a = records[i];
      const b = other.records[i];
      if (a !== undefined) mixed.push(a);
      if (b !== undefined) mixed.push(b);
    }
    const allHeads = [...heads, ...other.headList()];
    assert.deepEqual(verifyJournal(mixed, keysById, allHeads).problems, []);
    const victim = other.records.find((r) => r.chain === 'DUPLICATE' && r.sequence === 1);
    const report = verifyJournal(
      mixed.filter((r) => r !== victim),
      keysById,
      allHeads,
    );
    assert.deepEqual(
      report.problems.map((p) => `${p.register}:${p.chain}:${p.sequence}:${p.code}`),
      ['C2:DUPLICATE:2:SEQUENCE_GAP', 'C2:DUPLICATE:2:BROKEN_LINK', 'C2:CLOSURE:1:CLOSURE_MISMATCH'],
    );
  });

  test('fields that cannot be written as a signed text are reported with the reason', () => {
    const i = indexOf('TICKET', 1);
    const broken = edit(records[i] as JournalRecord, (r) => {
      (r.payload as { totalTtc: number }).totalTtc = 27.3;
    });
    const texts = checkSignedTexts([broken, records[0] as JournalRecord]);
    assert.deepEqual([...texts], [TEXT_INVALID, TEXT_OK]);
    const report = verifyJournal(replace(i, broken), keysById, heads);
    const problem = report.problems.find((p) => p.code === 'INVALID_FIELDS');
    assert.equal(problem?.sequence, 1);
    assert.match(problem?.message ?? '', /^Champs illisibles : Entier invalide pour le total TTC : 27.3\.$/);
  });
});

describe('verifyJournal: tampering behind the application’s back is found at the right record', () => {
  test('an amount changed in the stored fields', () => {
    const i = indexOf('TICKET', 2);
    const tampered = edit(records[i] as JournalRecord, (r) => {
      (r.payload as { totalTtc: number }).totalTtc += 100;
    });
    assert.deepEqual(found(replace(i, tampered)), ['TICKET:2:TEXT_MISMATCH', 'CLOSURE:1:CLOSURE_MISMATCH']);
  });

  test('an amount changed in the fields and in the signed text', () => {
    const i = indexOf('TICKET', 2);
    const tampered = edit(
      records[i] as JournalRecord,
      (r) => {
        const p = r.payload as { totalTtc: number; perRate: { ttc: number }[] };
        p.totalTtc += 100;
        (p.perRate[0] as { ttc: number }).ttc += 100;
      },
      true,
    );
    assert.deepEqual(found(replace(i, tampered)), ['TICKET:2:BAD_SIGNATURE', 'CLOSURE:1:CLOSURE_MISMATCH']);
  });

  test('a ticket deleted', () => {
    const i = indexOf('TICKET', 3);
    assert.deepEqual(found(records.filter((_, j) => j !== i)), [
      'TICKET:4:SEQUENCE_GAP',
      'TICKET:4:BROKEN_LINK',
      'CLOSURE:1:CLOSURE_MISMATCH',
    ]);
    const report = verifyJournal(
      records.filter((_, j) => j !== i),
      keysById,
      heads,
    );
    assert.match(report.problems[0]?.message ?? '', /n° 3 manquant/);
  });

  test('two tickets swapped in the journal, then with their sequence numbers swapped', () => {
    const i = indexOf('TICKET', 2);
    const j = indexOf('TICKET', 3);
    const swapped = records.map((x, k) => (k === i ? records[j] : k === j ? records[i] : x) as JournalRecord);
    assert.deepEqual(found(swapped), [
      'TICKET:2:OUT_OF_ORDER',
      'TICKET:3:SEQUENCE_GAP',
      'TICKET:3:BROKEN_LINK',
      'CLOSURE:1:CLOSURE_MISMATCH',
    ]);
    const renumbered = records.map((x, k) =>
      k === i
        ? edit(records[j] as JournalRecord, (r) => (r.sequence = 2))
        : k === j
          ? edit(records[i] as JournalRecord, (r) => (r.sequence = 3))
          : x,
    );
    assert.deepEqual(found(renumbered), [
      'TICKET:2:TEXT_MISMATCH',
      'TICKET:2:BROKEN_LINK',
      'TICKET:3:TEXT_MISMATCH',
      'TICKET:3:BROKEN_LINK',
      'TICKET:3:TIME_REVERSED',
      'TICKET:4:BROKEN_LINK',
    ]);
  });

  test('a forged ticket inserted, signed with a key of the attacker', () => {
    const rogue = generateSigningKeyPair();
    const prev = at('TICKET', 2);
    const forged = appendRecord(
      { register: 'C1', chain: 'TICKET', sequence: 2, signature: prev.signature },
      {
        register: 'C1',
        type: 'TICKET',
        softwareVersion: '0.1.0',
        payload: (at('TICKET', 1) as JournalRecord & { type: 'TICKET' }).payload,
      },
      createSigner(rogue),
      stampOf(new Date('2026-11-02T08:05:30Z'), 60),
    ).record;
    const list = [...records];
    list.splice(indexOf('TICKET', 3), 0, forged);
    assert.deepEqual(found(list), ['TICKET:3:UNKNOWN_KEY', 'TICKET:3:DUPLICATE_SEQUENCE']);
    // Even when the attacker slips their public key into the key file.
    const withRogue = new Map([...keysById, [rogue.keyId, rogue.publicKey]]);
    assert.deepEqual(found(list, withRogue), ['TICKET:3:KEY_NOT_TRUSTED', 'TICKET:3:DUPLICATE_SEQUENCE']);
  });

  test('a closure total changed, with or without its signed text', () => {
    const i = indexOf('CLOSURE', 1);
    const change = (r: Record<string, unknown>) => {
      (r.payload as { periodTotal: number }).periodTotal -= 1000;
    };
    assert.deepEqual(found(replace(i, edit(records[i] as JournalRecord, change))), [
      'CLOSURE:1:TEXT_MISMATCH',
      'CLOSURE:1:CLOSURE_MISMATCH',
    ]);
    assert.deepEqual(found(replace(i, edit(records[i] as JournalRecord, change, true))), [
      'CLOSURE:1:BAD_SIGNATURE',
      'CLOSURE:1:CLOSURE_MISMATCH',
    ]);
  });

  test('a monthly closure whose totals do not match its daily closures', () => {
    const month = at('CLOSURE', 3);
    assert.ok(month.type === 'CLOSURE' && month.payload.kind === 'MONTH');
    const i = indexOf('CLOSURE', 3);
    const report = verifyJournal(
      replace(
        i,
        edit(month, (r) => ((r.payload as { ticketCount: number }).ticketCount = 4), true),
      ),
      keysById,
      heads,
    );
    assert.deepEqual(
      report.problems.map((p) => [p.sequence, p.code]),
      [
        [3, 'BAD_SIGNATURE'],
        [3, 'CLOSURE_MISMATCH'],
        // The yearly closure sums the monthly one as it is stored: it is reported too.
        [4, 'CLOSURE_MISMATCH'],
      ],
    );
    assert.match(report.problems[1]?.message ?? '', /nombre de tickets/);
  });

  test('a public key replaced in the key file', () => {
    const other = generateSigningKeyPair();
    const problems = verifyJournal(records, new Map([[keys.keyId, other.publicKey]]), heads).problems;
    assert.equal(problems.length, records.length);
    assert.ok(problems.every((p) => p.code === 'KEY_MISMATCH'));
  });

  test('the whole journal re-signed with a new key: only the heads kept outside the database tell', () => {
    const other = generateSigningKeyPair();
    const forged = sampleJournal(other);
    const otherKeys = new Map([[other.keyId, other.publicKey]]);
    assert.deepEqual(found(forged.records, otherKeys, []), []);
    const codes = new Set(verifyJournal(forged.records, otherKeys, heads).problems.map((p) => p.code));
    assert.deepEqual([...codes], ['HEAD_MISMATCH']);
  });

  test('the tail truncated', () => {
    const lastTicket = indexOf('TICKET', 6);
    const closures = records.filter((r, j) => j !== lastTicket && !(r.chain === 'JET' && r.sequence === 3));
    assert.deepEqual(found(closures), [
      'TICKET:6:TAIL_TRUNCATED',
      'CLOSURE:2:CLOSURE_MISMATCH',
      'JET:3:TAIL_TRUNCATED',
    ]);
    // Without the heads kept outside the database, a truncated tail goes unseen: this is why they exist.
    assert.deepEqual(
      found(
        records.filter((_, j) => j !== records.length - 1),
        keysById,
        [],
      ),
      [],
    );
  });
});

type Mutation =
  | { kind: 'delete'; index: number }
  | { kind: 'duplicate'; index: number; to: number }
  | { kind: 'swap'; index: number; other: number }
  | { kind: 'leaf'; index: number; leaf: number; retext: boolean }
  | { kind: 'char'; index: number; field: 'signature' | 'signedText'; position: number };

/** Every leaf (number, string, boolean) of a record but its signature and signed text. */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [path];
  return Object.entries(value).flatMap(([k, v]) =>
    path.length === 0 && (k === 'signature' || k === 'signedText')
      ? []
      : leaves(v, [...path, Array.isArray(value) ? Number(k) : k]),
  );
}

function apply(list: readonly JournalRecord[], m: Mutation): JournalRecord[] | undefined {
  const copy = [...list];
  const target = list[m.index] as JournalRecord;
  switch (m.kind) {
    case 'delete':
      copy.splice(m.index, 1);
      return copy;
    case 'duplicate':
      copy.splice(m.to, 0, target);
      return copy;
    case 'swap': {
      const other = list[m.other] as JournalRecord;
      if (other.chain !== target.chain || m.other === m.index) return undefined;
      copy[m.index] = other;
      copy[m.other] = target;
      return copy;
    }
    case 'leaf': {
      const all = leaves(target);
      const path = all[m.leaf % all.length] as (string | number)[];
      copy[m.index] = edit(
        target,
        (r) => {
          let node = r as Record<string | number, unknown>;
          for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
          const last = path.at(-1) as string | number;
          const v = node[last];
          node[last] = typeof v === 'number' ? v + 1 : typeof v === 'boolean' ? !v : `${String(v)}x`;
        },
        false,
      );
      if (m.retext) {
        try {
          copy[m.index] = {
            ...(copy[m.index] as JournalRecord),
            signedText: buildSignedText(copy[m.index] as JournalRecord),
          };
        } catch {
          // Fields that cannot even be written: the verifier must report them too.
        }
      }
      return copy;
    }
    case 'char': {
      const text = target[m.field];
      const p = m.position % text.length;
      const c = text[p] === 'A' ? 'B' : 'A';
      copy[m.index] = { ...target, [m.field]: text.slice(0, p) + c + text.slice(p + 1) };
      return copy;
    }
  }
}

describe('verifyJournal: property', () => {
  test('any single mutation of a valid journal is detected', () => {
    const n = records.length;
    const index = fc.integer({ min: 0, max: n - 1 });
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ kind: fc.constant('delete' as const), index }),
      fc.record({ kind: fc.constant('duplicate' as const), index, to: fc.integer({ min: 0, max: n }) }),
      fc.record({ kind: fc.constant('swap' as const), index, other: index }),
      fc.record({ kind: fc.constant('leaf' as const), index, leaf: fc.nat(), retext: fc.boolean() }),
      fc.record({
        kind: fc.constant('char' as const),
        index,
        field: fc.constantFrom('signature' as const, 'signedText' as const),
        position: fc.nat(),
      }),
    );
    fc.assert(
      fc.property(mutation, (m) => {
        const mutated = apply(records, m);
        fc.pre(mutated !== undefined);
        const report = verifyJournal(mutated as JournalRecord[], keysById, heads);
        return !report.ok && report.problems.length > 0;
      }),
      { numRuns: 300 },
    );
  });
});
