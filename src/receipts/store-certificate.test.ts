import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CertificateError, makeSelfSignedStoreCertificate } from './pdf-signature.ts';
import {
  ensureStoreCertificate,
  importStoreCertificate,
  storeCertificatePaths,
} from './store-certificate.ts';

const root = mkdtempSync(join(tmpdir(), 'comptoir-store-cert-'));
after(() => rmSync(root, { recursive: true, force: true }));
const now = new Date('2026-11-23T08:00:00Z');

describe('store certificate in <data>/keys', () => {
  test('made once (self-signed, key 0600), then loaded from the files and kept in memory', async () => {
    const data = join(root, 'a');
    const made = await ensureStoreCertificate(data, {
      commonName: 'CHAUSSURES',
      organization: 'Ste chaussures',
      now,
    });
    assert.equal(made.created, true);
    assert.match(made.certificate.subject, /CN=CHAUSSURES/);
    assert.equal(statSync(made.paths.privateKey).mode & 0o777, 0o600);
    assert.match(readFileSync(made.paths.certificate, 'utf8'), /^-----BEGIN CERTIFICATE-----/);
    const again = await ensureStoreCertificate(data);
    assert.equal(again.created, false);
    assert.ok(again.certificate.certificateDer.equals(made.certificate.certificateDer));
    assert.equal(again.certificate, made.certificate, 'the loaded certificate is cached');
  });

  test("the shop's own certificate replaces it; a key that does not match is refused", async () => {
    const data = join(root, 'b');
    const first = await ensureStoreCertificate(data, { now });
    const own = await makeSelfSignedStoreCertificate({
      commonName: 'AC Shop',
      organization: 'Shop',
      notBefore: now,
    });
    const other = await makeSelfSignedStoreCertificate({
      commonName: 'X',
      organization: 'X',
      notBefore: now,
    });
    await assert.rejects(
      importStoreCertificate(data, {
        certificatePem: own.certificatePem,
        privateKeyPem: other.privateKeyPem,
      }),
      new CertificateError('La clé privée ne correspond pas au certificat'),
    );
    assert.equal((await ensureStoreCertificate(data)).certificate.subject, first.certificate.subject);
    await importStoreCertificate(data, own);
    const loaded = await ensureStoreCertificate(data);
    assert.match(loaded.certificate.subject, /CN=AC Shop/);
    assert.equal(loaded.created, false);
  });

  test('a certificate without its key is refused, and nothing is made', async () => {
    const data = join(root, 'c');
    await ensureStoreCertificate(data, { now });
    const paths = storeCertificatePaths(data);
    rmSync(paths.privateKey);
    await assert.rejects(ensureStoreCertificate(data), /Clé privée du certificat du magasin absente/);
    writeFileSync(paths.privateKey, 'pas une clé');
    await assert.rejects(ensureStoreCertificate(data), /Clé privée illisible/);
  });
});
