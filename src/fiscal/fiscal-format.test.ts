import assert from 'node:assert/strict';
import { createHash, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { strFromU8, unzipSync } from 'fflate';
import { type ArchiveManifest, buildArchive, isKeyHistory, planArchive, TIME_CUT_CHAINS } from './archive.ts';
import { CLOSURE_CSV_HEADER } from './archive-csv.ts';
import { canonicalJson } from './canonical-json.ts';
import {
  type Chain,
  type ChainHead,
  JET_CODES,
  JET_LABELS,
  type JetCodeName,
  type JournalRecord,
  type RecordFields,
} from './record.ts';
import { buildSignedText } from './signed-text.ts';
import { importPublicKeyPem, keyIdOf, shortCodeOf, verifyText } from './signing.ts';
import { verifyJournal } from './verify.ts';

const page = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'fiscal-format.md'), 'utf8');

/** The code block that follows `<!-- example:NAME -->` in docs/fiscal-format.md. */
function block(name: string): string {
  const match = new RegExp(`<!-- example:${name} -->\\n\`\`\`\\w*\\n([\\s\\S]*?)\\n\`\`\``).exec(page);
  assert.ok(match?.[1] !== undefined, `bloc ${name} introuvable dans docs/fiscal-format.md`);
  return match[1];
}

test('docs/fiscal-format.md: the worked example is still valid, byte for byte', () => {
  const fields = JSON.parse(block('fields')) as RecordFields;
  const text = block('text');
  const signature = block('signature');
  const publicKey = importPublicKeyPem(`${block('public-key')}\n`);

  assert.equal(buildSignedText(fields), text);
  assert.equal(Buffer.byteLength(text, 'utf8'), 386);
  assert.ok(fields.type === 'TICKET' && fields.payload.detail !== undefined, 'the example has a detail');
  const detailJson = block('detail-json');
  assert.equal(canonicalJson(fields.payload.detail), detailJson);
  assert.equal(Buffer.byteLength(detailJson, 'utf8'), 796);
  assert.equal(createHash('sha256').update(detailJson, 'utf8').digest('hex'), block('detail-sha256'));
  assert.ok(text.includes(`|${block('detail-sha256')}|N|`), 'the detail hash is the last payload field');
  assert.equal(createHash('sha256').update(text, 'utf8').digest('hex'), block('sha256'));
  assert.equal(keyIdOf(publicKey), fields.keyId);
  assert.equal(verifyText(publicKey, text, signature), true);
  assert.equal(shortCodeOf(signature), block('short-code'));

  // The example verifies as a record; its previous record is not in this one-record journal.
  const report = verifyJournal(
    [{ ...fields, signedText: text, signature }],
    new Map([[fields.keyId, publicKey]]),
  );
  assert.deepEqual(
    report.problems.map((p) => p.code),
    ['SEQUENCE_GAP', 'BROKEN_LINK'],
  );
});

/** The example journal of § 6.2: one stored record per line (the form of an archive's records.jsonl). */
function exampleJournal(): JournalRecord[] {
  return block('journal')
    .split('\n')
    .map((line) => JSON.parse(line) as JournalRecord);
}

function exampleKeys(): Map<string, KeyObject> {
  const pems = JSON.parse(block('journal-keys')) as Record<string, string>;
  return new Map(Object.entries(pems).map(([id, pem]) => [id, importPublicKeyPem(pem)]));
}

function recordOf(journal: readonly JournalRecord[], chain: string, sequence: number): JournalRecord {
  return (
    journal.find((r) => r.chain === chain && r.sequence === sequence) ?? assert.fail(`${chain} ${sequence}`)
  );
}

test('docs/fiscal-format.md § 6.2: every record of the example journal, rebuilt and verified', () => {
  const journal = exampleJournal();
  const keys = exampleKeys();
  for (const [id, key] of keys) assert.equal(keyIdOf(key), id);
  for (const r of journal) {
    const { signedText, signature, ...fields } = r;
    assert.equal(buildSignedText(fields as RecordFields), signedText, `${r.chain} ${r.sequence}`);
    const key = keys.get(r.keyId) ?? assert.fail(`clé ${r.keyId}`);
    assert.equal(verifyText(key, signedText, signature), true, `${r.chain} ${r.sequence}`);
  }
  // Every chain complete from 1, linked, closures recomputed, heads reached: no problem at all.
  const heads = new Map<string, ChainHead>();
  for (const r of journal) {
    heads.set(r.chain, {
      register: r.register,
      chain: r.chain,
      sequence: r.sequence,
      signature: r.signature,
    });
  }
  assert.deepEqual(verifyJournal(journal, keys, [...heads.values()]).problems, []);

  // The readable blocks are the records of the journal, byte for byte.
  const texts: [string, string, number][] = [
    ['text-cancellation', 'TICKET', 3],
    ['text-rotation', 'JET', 2],
    ['text-after-rotation', 'TICKET', 2],
    ['text-duplicate-gift', 'DUPLICATE', 2],
    ['text-movement', 'MOVEMENT', 1],
    ['text-closure-day', 'CLOSURE', 1],
    ['text-closure-empty-day', 'CLOSURE', 2],
    ['text-closure-month', 'CLOSURE', 3],
    ['text-closure-next-month', 'CLOSURE', 4],
    ['text-archive', 'ARCHIVE', 1],
  ];
  for (const [name, chain, sequence] of texts) {
    assert.equal(block(name), recordOf(journal, chain, sequence).signedText, name);
  }
  const fields: [string, string, number][] = [
    ['fields-movement', 'MOVEMENT', 1],
    ['fields-closure-day', 'CLOSURE', 1],
    ['fields-rotation', 'JET', 2],
    ['fields-archive', 'ARCHIVE', 1],
  ];
  for (const [name, chain, sequence] of fields) {
    const { signedText: _t, signature: _s, ...stored } = recordOf(journal, chain, sequence);
    assert.deepEqual(JSON.parse(block(name)), stored, name);
  }

  // What the page says of them, checked on the records themselves.
  const rotation = recordOf(journal, 'JET', 2);
  const after = recordOf(journal, 'TICKET', 2);
  assert.equal(rotation.timestamp.utc, after.timestamp.utc, 'the same second');
  assert.notEqual(rotation.keyId, after.keyId, 'the old key signs the rotation, the new one what follows');
  const sale = recordOf(journal, 'TICKET', 1);
  assert.ok(sale.type === 'TICKET');
  const line20 = sale.payload.lines.filter((l) => l.vatRate === 2000).reduce((s, l) => s + l.totalHt, 0);
  assert.deepEqual([line20, sale.payload.perRate.find((r) => r.rate === 2000)?.ht], [957, 958]);
});

/**
 * The archive of a closed period rebuilt from the example journal by the rules of § 7.1 (ranges of the
 * closures, time cut of the other chains, context, anchors), with the manifest's own inputs (creation
 * stamp, operator, company). The manifest holds no signature: a stand-in signer gives the same bytes.
 */
function exampleArchive(label: string, kind: 'MONTH' | 'YEAR', meta: ArchiveManifest) {
  const journal = exampleJournal();
  const closureChain = journal.filter((r) => r.chain === 'CLOSURE');
  const plan = planArchive('1', { kind, label }, closureChain);
  const records: JournalRecord[] = [];
  const previousSignatures = new Map<Chain, string>();
  const anchor = (chain: Chain, from: number) => {
    const before = journal.find((r) => r.chain === chain && r.sequence === from - 1);
    if (before !== undefined) previousSignatures.set(chain, before.signature);
  };
  for (const range of plan.ranges) {
    records.push(
      ...journal.filter((r) => r.chain === range.chain && r.sequence >= range.from && r.sequence <= range.to),
    );
    anchor(range.chain, range.from);
  }
  for (const chain of TIME_CUT_CHAINS) {
    const cut = journal.filter(
      (r) => r.chain === chain && r.timestamp.utc > plan.afterUtc && r.timestamp.utc <= plan.untilUtc,
    );
    records.push(...cut);
    if (cut[0] !== undefined) anchor(chain, cut[0].sequence);
  }
  const context = [
    ...closureChain.filter((r) => plan.contextClosures.includes(r.sequence)),
    ...journal.filter(isKeyHistory),
  ];
  const pems = JSON.parse(block('journal-keys')) as Record<string, string>;
  return buildArchive({
    plan,
    records,
    context,
    previousSignatures,
    publicKeys: new Map(Object.entries(pems)),
    signer: { keyId: meta.signatureKeyId, sign: () => 'A'.repeat(86) },
    createdAt: meta.createdAt,
    softwareVersion: meta.softwareVersion,
    operator: meta.operator,
    company: meta.company,
  });
}

test('docs/fiscal-format.md § 7: the example manifests and closures.csv, rebuilt from the example journal', () => {
  const november = JSON.parse(block('manifest')) as ArchiveManifest;
  const built = exampleArchive('2026-11', 'MONTH', november);
  assert.equal(`${JSON.stringify(built.manifest, null, 2)}`, block('manifest'));
  const files = unzipSync(built.bytes);
  const csvOf = (name: string) =>
    strFromU8(files[name] ?? new Uint8Array())
      .replace(/^\uFEFF/, '')
      .replaceAll('\r\n', '\n')
      .trimEnd();
  assert.equal(csvOf('closures.csv'), block('closures-csv'));
  // context.jsonl repeats the key history found in the period: JET 1 and the rotation JET 2.
  const context = strFromU8(files['context.jsonl'] ?? new Uint8Array())
    .trimEnd()
    .split('\n');
  const records = strFromU8(files['records.jsonl'] ?? new Uint8Array());
  assert.deepEqual(
    context.map((line) => JSON.parse(line) as JournalRecord).map((r) => `${r.chain} ${r.sequence}`),
    ['JET 1', 'JET 2'],
  );
  for (const line of context) assert.ok(records.includes(line), 'in records.jsonl too');

  // December: empty TICKET and DUPLICATE ranges anchored on the last November records.
  const december = exampleArchive('2026-12', 'MONTH', { ...november, operator: 'ADMIN' });
  assert.equal(
    JSON.stringify({ chains: december.manifest.chains, counts: december.manifest.counts }, null, 2),
    block('manifest-december'),
  );
});

/** The lines of the page's section that starts with `heading`, up to the next heading. */
function section(heading: string): string[] {
  const start = page.indexOf(`\n${heading}`);
  assert.ok(start >= 0, `section ${heading}`);
  const rest = page.slice(start + heading.length + 1);
  const end = rest.search(/\n#{2,3} /);
  return (end < 0 ? rest : rest.slice(0, end)).split('\n');
}

/** The cells of the table rows of `lines` (header and rule rows left out), trimmed. */
function rows(lines: readonly string[]): string[][] {
  return lines
    .filter((l) => l.startsWith('|') && !/^\|\s*-/.test(l))
    .map((l) =>
      l
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    )
    .slice(1);
}

/** The fields of a signed text: split on the `|` that are not escaped. */
function textFields(text: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\') {
      current += c + (text[i + 1] ?? '');
      i++;
    } else if (c === '|') {
      out.push(current);
      current = '';
    } else current += c;
  }
  out.push(current);
  return out;
}

/** Another valid value of the same shape, so that the field it is written to changes. */
function changed(value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (typeof value === 'string') return value === 'gift' ? 'invoice' : `${value}x`;
  if (Array.isArray(value)) return [changed(value[0]), ...value.slice(1)];
  const object = value as Record<string, unknown>;
  if ('utc' in object) return { ...object, offset: object.offset === '+0200' ? '+0100' : '+0200' };
  const [first] = Object.keys(object);
  assert.ok(first !== undefined);
  return { ...object, [first]: changed(object[first]) };
}

test('docs/fiscal-format.md § 3: each table names the JSON member written at each position', () => {
  const journal = exampleJournal();
  const cases: [string, string, number][] = [
    ['### 3.1 ', 'TICKET', 3],
    ['### 3.2 ', 'MOVEMENT', 1],
    ['### 3.3 ', 'DUPLICATE', 2],
    ['### 3.4 ', 'CLOSURE', 1],
    ['### 3.5 ', 'ARCHIVE', 1],
    ['### 3.6 ', 'JET', 2],
  ];
  for (const [heading, chain, sequence] of cases) {
    const heading3 = page.split('\n').find((l) => l.startsWith(heading)) ?? assert.fail(heading);
    const table = rows(section(heading3)).filter((r) => /^\d+$/.test(r[0] ?? '') && r.length === 4);
    const record = recordOf(journal, chain, sequence);
    const { signedText, signature: _s, ...fields } = record;
    const payload = fields.payload as unknown as Record<string, unknown>;
    assert.equal(table.length, Object.keys(payload).length, `${chain}: one row per payload member`);
    for (const row of table) {
      const position = Number(row[0]);
      const member = /^`(\w+)`/.exec(row[2] ?? '')?.[1] ?? assert.fail(`${chain} row ${position}`);
      assert.ok(member in payload, `${chain}: ${member}`);
      const text = buildSignedText({
        ...fields,
        payload: { ...payload, [member]: changed(payload[member]) },
      } as unknown as RecordFields);
      const before = textFields(signedText);
      const after = textFields(text);
      const differ = before.flatMap((f, i) => (f === after[i] ? [] : [i]));
      assert.deepEqual(differ, [9 + position - 1], `${chain}: ${member} is payload field ${position}`);
    }
  }
});

test('docs/fiscal-format.md: the JET codes, the JSON members and the CSV columns are the code’s', () => {
  const codes = rows(section('### 3.6 `JET` (4 fields)')).filter(
    (r) => /^\d+$/.test(r[0] ?? '') && r.length === 3,
  );
  assert.deepEqual(
    codes.map((r) => [Number(r[0]), r[1]]),
    (Object.keys(JET_CODES) as JetCodeName[]).map((name) => [JET_CODES[name], JET_LABELS[name]]),
  );
  const stored = rows(section('### 1.1 The stored record as JSON')).map((r) => r[0]?.replaceAll('`', ''));
  assert.deepEqual(stored, Object.keys(exampleJournal()[0] ?? {}));
  const manifest = rows(section('### 7.3 Manifest')).map((r) => r[0]?.replaceAll('`', ''));
  assert.deepEqual(manifest, Object.keys(JSON.parse(block('manifest')) as object));
  const csvRows = section('### 7.2 Container and parts');
  const from = csvRows.findIndex((l) => l.startsWith('| column'));
  const columns = rows(csvRows.slice(from)).map((r) => r[0]);
  assert.deepEqual(columns.slice(0, CLOSURE_CSV_HEADER.length), [...CLOSURE_CSV_HEADER]);
});
