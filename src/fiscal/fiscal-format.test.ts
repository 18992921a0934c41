import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { canonicalJson } from './canonical-json.ts';
import type { RecordFields } from './record.ts';
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
