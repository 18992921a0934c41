/**
 * The installed software's files, hashed, and its identity checked against the release manifest
 * (`software-manifest.json`, signed by `software-manifest.sig` when the publisher signed it): the edge
 * part of checklist items 51 and 53. What is covered: the code that runs (bin/, src/, scripts/, the
 * browser sources in web/, and the command's compiled bundle in dist/cli/, which is what `comptoir`
 * runs: esbuild's output is the same bytes for the same sources and the locked esbuild) and
 * package.json with package-lock.json, whose integrity hashes pin every dependency that `npm ci`
 * installs. Tests, golden files, the browser bundle (rebuilt from web/ at start), node_modules and
 * the data are not.
 */
import { createHash, createPublicKey } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CERTIFICATION,
  compareWithManifest,
  fiscalVersionOf,
  type IntegrityReport,
  manifestSignatureValid,
  parseManifest,
  type SoftwareFile,
  SoftwareIdentityError,
  softwareDigest,
} from '../fiscal/software-identity.ts';

/** The installation's root: the folder holding package.json. */
export const SOFTWARE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MANIFEST_FILE = 'software-manifest.json';
export const SIGNATURE_FILE = 'software-manifest.sig';

const COVERED_DIRS = ['bin', 'src', 'scripts', 'web', 'dist/cli'];
const COVERED_FILES = ['package.json', 'package-lock.json'];
const SKIPPED_DIRS = new Set(['node_modules', 'dist', '__golden__', 'e2e']);
const isTest = (name: string): boolean => /\.test\.[cm]?[jt]sx?$/.test(name);
/** The bundle's build notes (its sources and build time, read to tell a stale bundle): not code. */
const SKIPPED_FILES = new Set(['dist/cli/build.json']);

/** The covered files under `root`, relative with `/` separators, sorted. */
export function listSoftwareFiles(root: string = SOFTWARE_ROOT): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name) && !entry.name.startsWith('.')) walk(full);
      } else if (entry.isFile() && !isTest(entry.name)) {
        const path = relative(root, full).split(sep).join('/');
        if (!SKIPPED_FILES.has(path)) found.push(path);
      }
    }
  };
  for (const dir of COVERED_DIRS) if (existsSync(join(root, dir))) walk(join(root, dir));
  for (const file of COVERED_FILES) if (existsSync(join(root, file))) found.push(file);
  return found.sort();
}

/** Each covered file's SHA-256 and size. */
export function hashSoftwareFiles(root: string = SOFTWARE_ROOT): SoftwareFile[] {
  return listSoftwareFiles(root).map((path) => {
    const bytes = readFileSync(join(root, path));
    return { path, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  });
}

export type SignatureState = 'valid' | 'invalid' | 'unsigned' | 'no-key';

export interface SoftwareIdentity {
  readonly product: string;
  readonly version: string;
  readonly fiscalVersion: number;
  readonly licence: string;
  readonly category: string;
  readonly certification: string;
  readonly certificationText: string;
  /** The fingerprint of the files on disk. */
  readonly digest: string;
  readonly files: number;
  /**
   * `intact` / `modified` against the release manifest; `no-manifest` for a copy that is not a
   * release (a development clone); `bad-manifest` when the manifest itself is unreadable or altered.
   */
  readonly integrity: 'intact' | 'modified' | 'no-manifest' | 'bad-manifest';
  readonly report?: IntegrityReport;
  readonly manifestProblem?: string;
  readonly manifestVersion?: string;
  readonly signature: SignatureState;
}

export interface IdentityOptions {
  readonly root?: string;
  /** The manifest to compare with (default: the root's software-manifest.json). */
  readonly manifestFile?: string;
  /** The publisher's public key (PEM) to check the manifest's signature with. */
  readonly publicKeyPem?: string;
}

/** Reads package.json, hashes the files and compares them with the manifest. */
export function identifySoftware(options: IdentityOptions = {}): SoftwareIdentity {
  const root = options.root ?? SOFTWARE_ROOT;
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
    version?: string;
    license?: string;
  };
  const version = pkg.version ?? '0.0.0';
  const files = hashSoftwareFiles(root);
  const base = {
    product: 'Comptoir',
    version,
    fiscalVersion: fiscalVersionOf(version),
    licence: pkg.license ?? 'inconnue',
    category: CERTIFICATION.category,
    certification: CERTIFICATION.status,
    certificationText: CERTIFICATION.statusText,
    digest: softwareDigest(files),
    files: files.length,
  };
  const manifestFile = options.manifestFile ?? join(root, MANIFEST_FILE);
  if (!existsSync(manifestFile)) return { ...base, integrity: 'no-manifest', signature: 'unsigned' };
  const text = readFileSync(manifestFile, 'utf8');
  let manifest: ReturnType<typeof parseManifest>;
  try {
    manifest = parseManifest(text);
  } catch (error) {
    if (!(error instanceof SoftwareIdentityError)) throw error;
    return { ...base, integrity: 'bad-manifest', manifestProblem: error.message, signature: 'invalid' };
  }
  const signatureFile = `${manifestFile.replace(/\.json$/, '')}.sig`;
  let signature: SignatureState = 'unsigned';
  if (existsSync(signatureFile)) {
    signature =
      options.publicKeyPem === undefined
        ? 'no-key'
        : manifestSignatureValid(
              text,
              readFileSync(signatureFile, 'utf8'),
              createPublicKey(options.publicKeyPem),
            )
          ? 'valid'
          : 'invalid';
  }
  const report = compareWithManifest(manifest, files);
  return { ...base, integrity: report.status, report, manifestVersion: manifest.version, signature };
}

const SIGNATURE_TEXT: Readonly<Record<SignatureState, string>> = {
  valid: 'signature de l’éditeur valide',
  invalid: 'SIGNATURE DE L’ÉDITEUR INVALIDE',
  unsigned: 'manifeste non signé',
  'no-key': 'manifeste signé (indiquez la clé publique de l’éditeur pour contrôler la signature)',
};

/** The French lines of the info screen (also printed by `comptoir info`). */
export function identityLines(identity: SoftwareIdentity): string[] {
  const lines = [
    `${identity.product} ${identity.version} — logiciel de caisse (catégorie ${identity.category})`,
    `Version fiscale (majeure) : ${identity.fiscalVersion}`,
    `Licence : ${identity.licence}`,
    `Certification NF525 : ${identity.certificationText}`,
    `Empreinte du logiciel : sha256:${identity.digest} (${identity.files} fichiers)`,
  ];
  switch (identity.integrity) {
    case 'no-manifest':
      lines.push('Intégrité : aucun manifeste de version (copie de développement, non publiée).');
      break;
    case 'bad-manifest':
      lines.push(`Intégrité : MANIFESTE INVALIDE — ${identity.manifestProblem ?? ''}`);
      break;
    case 'intact':
      lines.push(
        `Intégrité : conforme au manifeste de la version ${identity.manifestVersion ?? '?'} (${SIGNATURE_TEXT[identity.signature]}).`,
      );
      break;
    case 'modified': {
      const r = identity.report;
      lines.push(
        `Intégrité : LOGICIEL MODIFIÉ par rapport au manifeste de la version ${identity.manifestVersion ?? '?'} (${SIGNATURE_TEXT[identity.signature]}).`,
      );
      for (const path of r?.changed ?? []) lines.push(`  modifié : ${path}`);
      for (const path of r?.missing ?? []) lines.push(`  manquant : ${path}`);
      for (const path of r?.added ?? []) lines.push(`  ajouté : ${path}`);
      break;
    }
  }
  return lines;
}

/** Whether the identity is one an auditor can accept: the released files, signature not refuted. */
export function identityTrusted(identity: SoftwareIdentity): boolean {
  return identity.integrity === 'intact' && identity.signature !== 'invalid';
}
