/**
 * The store's certificate for signing PDFs (PAdES), kept in the data directory:
 *
 * - `<data>/keys/pdf/store-certificate.pem`: the X.509 certificate (PEM), public;
 * - `<data>/keys/pdf/store-certificate.key.pem`: its ECDSA P-256 private key (PEM, mode 0600).
 *
 * (`<data>/keys/<register>/` holds the journal's keys; `pdf` has no `*.pub.pem` file, so the journal's
 * key listing finds nothing there.)
 *
 * `ensureStoreCertificate(dataDir)` loads them, or makes a self-signed pair when neither file exists
 * (`comptoir init` calls it). A shop that has a certificate from a certification authority installs
 * it with `comptoir receipt certificate --import CERT.pem --key KEY.pem` (checked, then copied to the
 * same two files); from then on every PDF is signed with it.
 *
 * A loaded certificate is kept for the life of the process, per directory, and read again only when
 * one of its files changes: parsing the PEM, the private key and the pkijs structures on every PDF
 * would cost more than signing it.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CertificateError,
  loadStoreCertificate,
  makeSelfSignedStoreCertificate,
  type StoreCertificate,
  type StoreCertificatePem,
} from './pdf-signature.ts';

export const KEYS_DIRECTORY = join('keys', 'pdf');
export const STORE_CERTIFICATE_FILE = 'store-certificate.pem';
export const STORE_CERTIFICATE_KEY_FILE = 'store-certificate.key.pem';

export interface StoreCertificatePaths {
  readonly certificate: string;
  readonly privateKey: string;
}

export function storeCertificatePaths(dataDir: string): StoreCertificatePaths {
  const keys = join(dataDir, KEYS_DIRECTORY);
  return {
    certificate: join(keys, STORE_CERTIFICATE_FILE),
    privateKey: join(keys, STORE_CERTIFICATE_KEY_FILE),
  };
}

export interface EnsureCertificateOptions {
  /** The certificate's common name when one is made: the store's sign (default `Comptoir`). */
  readonly commonName?: string;
  /** Legal name and SIRET, e.g. `Ste chaussures (SIRET 48854988500030)` (default: the common name). */
  readonly organization?: string;
  /** Start of validity of a new certificate (the clock is passed in; default: now). */
  readonly now?: Date;
  readonly validityYears?: number;
}

export interface EnsuredCertificate {
  readonly certificate: StoreCertificate;
  readonly paths: StoreCertificatePaths;
  /** True when this call made a new self-signed certificate. */
  readonly created: boolean;
}

interface CacheEntry {
  readonly stamp: string;
  readonly certificate: StoreCertificate;
}

const cache = new Map<string, CacheEntry>();

function fileStamp(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.mtimeMs}:${s.size}:${s.ino}`;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes a file whole or not at all (temporary file renamed into place). */
function writeAtomic(path: string, text: string, mode: number): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { mode });
    chmodSync(temporary, mode);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

async function loadFrom(paths: StoreCertificatePaths): Promise<StoreCertificate> {
  const stamp = `${fileStamp(paths.certificate)}|${fileStamp(paths.privateKey)}`;
  const cached = cache.get(paths.certificate);
  if (cached !== undefined && cached.stamp === stamp) return cached.certificate;
  const certificate = await loadStoreCertificate({
    certificatePem: readFileSync(paths.certificate, 'utf8'),
    privateKeyPem: readFileSync(paths.privateKey, 'utf8'),
  });
  cache.set(paths.certificate, { stamp, certificate });
  return certificate;
}

/** Writes a certificate and its key into `<data>/keys/` (the key readable by its owner only). */
function install(dataDir: string, pem: StoreCertificatePem): StoreCertificatePaths {
  const paths = storeCertificatePaths(dataDir);
  mkdirSync(join(dataDir, KEYS_DIRECTORY), { recursive: true, mode: 0o700 });
  writeAtomic(paths.privateKey, pem.privateKeyPem, 0o600);
  writeAtomic(paths.certificate, pem.certificatePem, 0o644);
  return paths;
}

/**
 * The store certificate of `dataDir`: loaded from `<data>/keys/`, or made (self-signed, ECDSA P-256,
 * 10 years) when neither file exists. A certificate without its key (or the reverse), or a key that
 * does not match, is refused with a `CertificateError` and nothing is written.
 */
export async function ensureStoreCertificate(
  dataDir: string,
  options: EnsureCertificateOptions = {},
): Promise<EnsuredCertificate> {
  const paths = storeCertificatePaths(dataDir);
  const hasCertificate = fileStamp(paths.certificate) !== undefined;
  const hasKey = fileStamp(paths.privateKey) !== undefined;
  if (hasCertificate !== hasKey) {
    throw new CertificateError(
      hasCertificate
        ? `Clé privée du certificat du magasin absente (${paths.privateKey})`
        : `Certificat du magasin absent alors que sa clé existe (${paths.certificate})`,
    );
  }
  if (hasCertificate) return { certificate: await loadFrom(paths), paths, created: false };
  const commonName = options.commonName ?? 'Comptoir';
  const pem = await makeSelfSignedStoreCertificate({
    commonName,
    organization: options.organization ?? commonName,
    notBefore: options.now ?? new Date(),
    ...(options.validityYears === undefined ? {} : { validityYears: options.validityYears }),
  });
  install(dataDir, pem);
  return { certificate: await loadFrom(paths), paths, created: true };
}

/**
 * Installs the shop's own certificate (from a certification authority, or made elsewhere) in place of
 * the current one, after checking that the key is an ECDSA P-256 key matching the certificate.
 */
export async function importStoreCertificate(
  dataDir: string,
  pem: StoreCertificatePem,
): Promise<EnsuredCertificate> {
  await loadStoreCertificate(pem);
  const paths = install(dataDir, pem);
  return { certificate: await loadFrom(paths), paths, created: false };
}
