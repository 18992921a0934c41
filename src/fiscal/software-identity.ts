/**
 * The identity and integrity of the installed software (checklist items 51 and 53): a release carries
 * a manifest (every shipped file's SHA-256 and size, and one digest over them all), optionally signed
 * by the publisher (ECDSA P-256 / SHA-256 over the manifest file's exact bytes). Comparing the files on
 * disk with it shows whether the running code is the released one. Pure: the files' hashes, the keys
 * and the manifest text are passed in.
 */
import { createHash, type KeyObject, sign, verify } from 'node:crypto';

export const MANIFEST_FORMAT = 'comptoir-software-manifest/1';

/** How Comptoir stands with the NF525 certification: shown on the info screen, never faked. */
export const CERTIFICATION = {
  /** Category B: software with closures (not exempted from periodic closures, item 54). */
  category: 'B',
  status: 'non certifié',
  statusText:
    'Logiciel non certifié NF525 : aucun certificat ni attestation individuelle n’a été délivré pour cette version.',
} as const;

export interface SoftwareFile {
  /** Relative to the installation's root, with `/` separators. */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface SoftwareManifest {
  readonly format: typeof MANIFEST_FORMAT;
  readonly product: string;
  readonly version: string;
  /** The major version: a change of it marks a fiscally relevant change (item 52). */
  readonly fiscalVersion: number;
  readonly files: readonly SoftwareFile[];
  readonly digest: string;
}

export class SoftwareIdentityError extends Error {
  constructor(
    readonly code: 'BAD_MANIFEST' | 'BAD_PATH' | 'BAD_VERSION',
    message: string,
  ) {
    super(message);
  }
}

const SHA256 = /^[0-9a-f]{64}$/;

/** The major number of a semantic version (`0.4.1` → 0, `2.0.0` → 2). */
export function fiscalVersionOf(version: string): number {
  const match = /^(\d+)\.\d+\.\d+(?:[-+].*)?$/.exec(version);
  if (match === null) throw new SoftwareIdentityError('BAD_VERSION', `Version illisible : « ${version} »`);
  return Number(match[1]);
}

function checkPath(path: string): void {
  if (
    path === '' ||
    path.startsWith('/') ||
    path.includes('\\') ||
    path.split('/').some((part) => part === '' || part === '.' || part === '..')
  ) {
    throw new SoftwareIdentityError('BAD_PATH', `Chemin de fichier refusé dans le manifeste : « ${path} »`);
  }
}

const byPath = (a: SoftwareFile, b: SoftwareFile): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** One SHA-256 over the sorted `sha256 size path` lines: the software's fingerprint. */
export function softwareDigest(files: readonly SoftwareFile[]): string {
  const hash = createHash('sha256');
  for (const file of [...files].sort(byPath)) hash.update(`${file.sha256} ${file.size} ${file.path}\n`);
  return hash.digest('hex');
}

export function buildManifest(
  product: string,
  version: string,
  files: readonly SoftwareFile[],
): SoftwareManifest {
  const sorted = [...files].sort(byPath);
  const seen = new Set<string>();
  for (const file of sorted) {
    checkPath(file.path);
    if (seen.has(file.path)) throw new SoftwareIdentityError('BAD_PATH', `Fichier en double : ${file.path}`);
    seen.add(file.path);
    if (!SHA256.test(file.sha256) || !Number.isSafeInteger(file.size) || file.size < 0) {
      throw new SoftwareIdentityError('BAD_MANIFEST', `Empreinte ou taille invalide pour ${file.path}`);
    }
  }
  return {
    format: MANIFEST_FORMAT,
    product,
    version,
    fiscalVersion: fiscalVersionOf(version),
    files: sorted,
    digest: softwareDigest(sorted),
  };
}

/** The manifest file's text: stable JSON, one file per line, so that a diff reads well. */
export function manifestText(manifest: SoftwareManifest): string {
  const head = JSON.stringify({
    format: manifest.format,
    product: manifest.product,
    version: manifest.version,
    fiscalVersion: manifest.fiscalVersion,
    digest: manifest.digest,
  }).slice(0, -1);
  const files = manifest.files.map(
    (f) => `    ${JSON.stringify({ path: f.path, sha256: f.sha256, size: f.size })}`,
  );
  return `${head},"files":[\n${files.join(',\n')}\n]}\n`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Reads a manifest file; refuses one whose digest does not match its own file list. */
export function parseManifest(text: string): SoftwareManifest {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new SoftwareIdentityError('BAD_MANIFEST', 'Manifeste illisible (JSON invalide).');
  }
  if (!isRecord(value) || value.format !== MANIFEST_FORMAT) {
    throw new SoftwareIdentityError(
      'BAD_MANIFEST',
      `Manifeste inconnu : le format attendu est ${MANIFEST_FORMAT}.`,
    );
  }
  const { product, version, files, digest } = value;
  if (typeof product !== 'string' || typeof version !== 'string' || typeof digest !== 'string') {
    throw new SoftwareIdentityError('BAD_MANIFEST', 'Manifeste incomplet (produit, version ou empreinte).');
  }
  if (!Array.isArray(files) || !files.every(isRecord)) {
    throw new SoftwareIdentityError('BAD_MANIFEST', 'Manifeste sans liste de fichiers.');
  }
  const list = files.map((f) => ({ path: String(f.path), sha256: String(f.sha256), size: Number(f.size) }));
  const manifest = buildManifest(product, version, list);
  if (manifest.digest !== digest) {
    throw new SoftwareIdentityError(
      'BAD_MANIFEST',
      'Manifeste altéré : son empreinte globale ne correspond pas à sa liste de fichiers.',
    );
  }
  return manifest;
}

export interface IntegrityReport {
  /** `intact`: every listed file is there, unchanged, and nothing was added. */
  readonly status: 'intact' | 'modified';
  readonly changed: readonly string[];
  readonly missing: readonly string[];
  readonly added: readonly string[];
  /** The digest of the files on disk. */
  readonly digest: string;
  readonly expectedDigest: string;
}

/** Compares the files on disk with the release's manifest. */
export function compareWithManifest(
  manifest: SoftwareManifest,
  onDisk: readonly SoftwareFile[],
): IntegrityReport {
  const actual = new Map(onDisk.map((f) => [f.path, f]));
  const expected = new Map(manifest.files.map((f) => [f.path, f]));
  const changed: string[] = [];
  const missing: string[] = [];
  for (const file of manifest.files) {
    const found = actual.get(file.path);
    if (found === undefined) missing.push(file.path);
    else if (found.sha256 !== file.sha256 || found.size !== file.size) changed.push(file.path);
  }
  const added = onDisk.filter((f) => !expected.has(f.path)).map((f) => f.path);
  added.sort();
  const status = changed.length + missing.length + added.length === 0 ? 'intact' : 'modified';
  return { status, changed, missing, added, digest: softwareDigest(onDisk), expectedDigest: manifest.digest };
}

/** The publisher's detached signature of the manifest file's bytes, base64. */
export function signManifest(text: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(text, 'utf8'), { key: privateKey, dsaEncoding: 'der' }).toString(
    'base64',
  );
}

export function manifestSignatureValid(text: string, signature: string, publicKey: KeyObject): boolean {
  try {
    return verify(
      'sha256',
      Buffer.from(text, 'utf8'),
      { key: publicKey, dsaEncoding: 'der' },
      Buffer.from(signature.trim(), 'base64'),
    );
  } catch {
    return false;
  }
}
