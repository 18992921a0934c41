import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, test } from 'node:test';
import {
  buildManifest,
  compareWithManifest,
  fiscalVersionOf,
  manifestSignatureValid,
  manifestText,
  parseManifest,
  type SoftwareFile,
  SoftwareIdentityError,
  signManifest,
  softwareDigest,
} from './software-identity.ts';

const hex = (c: string): string => c.repeat(64);
const FILES: SoftwareFile[] = [
  { path: 'src/b.ts', sha256: hex('b'), size: 20 },
  { path: 'bin/comptoir.js', sha256: hex('a'), size: 10 },
  { path: 'package.json', sha256: hex('c'), size: 30 },
];

const refused = (run: () => unknown, code: string, message: RegExp) =>
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof SoftwareIdentityError, String(error));
    assert.equal(error.code, code);
    assert.match(error.message, message);
    return true;
  });

describe('software identity: the release manifest and its signature (items 51–53)', () => {
  test('the manifest sorts the files, and its digest does not depend on their order', () => {
    const m = buildManifest('Comptoir', '1.4.2', FILES);
    assert.deepEqual(
      m.files.map((f) => f.path),
      ['bin/comptoir.js', 'package.json', 'src/b.ts'],
    );
    assert.equal(m.fiscalVersion, 1);
    assert.equal(m.digest, softwareDigest([...FILES].reverse()));
    assert.match(m.digest, /^[0-9a-f]{64}$/);
    assert.notEqual(m.digest, softwareDigest([{ ...FILES[0], size: 21 } as SoftwareFile, ...FILES.slice(1)]));
  });

  test('the manifest text reads back to the same manifest, one file per line', () => {
    const m = buildManifest('Comptoir', '0.1.0', FILES);
    const text = manifestText(m);
    assert.deepEqual(parseManifest(text), m);
    assert.equal(text.split('\n').filter((l) => l.includes('"sha256"')).length, 3);
  });

  test('a manifest whose list was edited without its digest is refused', () => {
    const text = manifestText(buildManifest('Comptoir', '0.1.0', FILES)).replace(hex('b'), hex('d'));
    refused(() => parseManifest(text), 'BAD_MANIFEST', /altéré/);
    refused(() => parseManifest('{'), 'BAD_MANIFEST', /JSON invalide/);
    refused(() => parseManifest('{"format":"autre"}'), 'BAD_MANIFEST', /format attendu/);
  });

  test('paths that leave the installation, duplicates and bad hashes are refused', () => {
    for (const path of ['../etc/passwd', '/abs', 'src//x', 'src\\x', './a']) {
      refused(
        () => buildManifest('Comptoir', '0.1.0', [{ path, sha256: hex('a'), size: 1 }]),
        'BAD_PATH',
        /refusé/,
      );
    }
    refused(
      () => buildManifest('Comptoir', '0.1.0', [FILES[0] as SoftwareFile, FILES[0] as SoftwareFile]),
      'BAD_PATH',
      /en double/,
    );
    refused(
      () => buildManifest('Comptoir', '0.1.0', [{ path: 'a', sha256: 'xyz', size: 1 }]),
      'BAD_MANIFEST',
      /invalide/,
    );
    refused(() => fiscalVersionOf('v1'), 'BAD_VERSION', /illisible/);
  });

  test('comparing with the files on disk names each changed, missing and added file', () => {
    const m = buildManifest('Comptoir', '0.1.0', FILES);
    assert.equal(compareWithManifest(m, [...FILES].reverse()).status, 'intact');
    const onDisk: SoftwareFile[] = [
      { path: 'src/b.ts', sha256: hex('e'), size: 20 },
      { path: 'package.json', sha256: hex('c'), size: 30 },
      { path: 'src/extra.ts', sha256: hex('f'), size: 5 },
    ];
    const report = compareWithManifest(m, onDisk);
    assert.equal(report.status, 'modified');
    assert.deepEqual(report.changed, ['src/b.ts']);
    assert.deepEqual(report.missing, ['bin/comptoir.js']);
    assert.deepEqual(report.added, ['src/extra.ts']);
    assert.equal(report.expectedDigest, m.digest);
    assert.equal(report.digest, softwareDigest(onDisk));
  });

  test('the publisher’s signature holds for the exact text and the right key only', () => {
    const publisher = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const text = manifestText(buildManifest('Comptoir', '0.1.0', FILES));
    const signature = signManifest(text, publisher.privateKey);
    assert.equal(manifestSignatureValid(text, signature, publisher.publicKey), true);
    assert.equal(manifestSignatureValid(`${text} `, signature, publisher.publicKey), false);
    assert.equal(manifestSignatureValid(text, signature, other.publicKey), false);
    assert.equal(manifestSignatureValid(text, 'pas une signature', publisher.publicKey), false);
  });
});
