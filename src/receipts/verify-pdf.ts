/**
 * `comptoir receipt verify FILE.pdf --keys KEYS`: checks a ticket PDF offline, with no database, from
 * the PDF alone and the journal's public keys (seed 000, « Vérifier un PDF Ticket »).
 *
 * 1. The PDF's own signature (PAdES / CMS): one signature whose byte ranges cover the whole file, whose
 *    message digest is the SHA-256 of those ranges, and whose ECDSA signature verifies with the
 *    certificate it carries. Any byte changed after signing fails here.
 * 2. The receipt data (`receipt-data.ts`): read from the information dictionary (`/ComptoirReceipt`),
 *    not from the QR image, and validated against the document schema.
 * 3. The visible content: the document drawn again with the recorded parameters gives the very bytes
 *    the PDF starts with.
 * 4. The QR payload agrees with the document (register, number, sequence, date, total, signature).
 * 5. The ticket's fiscal signature: ECDSA P-256 / SHA-256 of the signed text with the journal key named
 *    by the payload, and the signed text holds the document's register, sequence number, timestamp and
 *    (for a sale, invoice, voucher or closure) its total, as separate fields (checklist C.12). A PDF
 *    re-made with one changed amount, even validly re-signed with another certificate, fails here.
 */
import { createHash, createPublicKey, type KeyObject, verify, X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { JournalRecord } from '../fiscal/record.ts';
import { buildSignedText } from '../fiscal/signed-text.ts';
import { keyIdOf, verifyText } from '../fiscal/signing.ts';
import { type ReceiptDocument, shortCodeOf } from './document.ts';
import { parseReceiptDocument } from './document-schema.ts';
import { type DocumentSource, documentFromRecord } from './from-journal.ts';
import { type PdfFormat, pdfFonts, renderPdf } from './pdf.ts';
import { decodeQrPayload, documentTotal, qrPayloadOf } from './qr-payload.ts';
import {
  decodeReceiptDataJson,
  RECEIPT_DATA_FORMAT,
  RECEIPT_DATA_KEY,
  type RenderParams,
} from './receipt-data.ts';

export interface JournalKey {
  readonly id: string;
  readonly key: KeyObject;
}

export class KeysFileError extends Error {}

/**
 * Reads the journal public keys: a JSON object `{ "keys": [{ "id": "k1", "pem": "-----BEGIN PUBLIC KEY-----…" }] }`
 * (`comptoir keys export` output, with `keyId`, is accepted as is)
 * or `{ "k1": "-----BEGIN PUBLIC KEY-----…" }`, or PEM text (each key preceded by a `# id: k1` line;
 * a lone key without one gets the id `*` and is tried for any key id).
 */
export function parseJournalKeys(text: string): JournalKey[] {
  const entries: [string, string][] = [];
  const trimmed = text.trim();
  if (trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch {
      throw new KeysFileError('Fichier de clés illisible : JSON invalide');
    }
    const record = json as Record<string, unknown>;
    if (Array.isArray(record.keys)) {
      for (const item of record.keys as unknown[]) {
        // `comptoir keys export` writes `keyId`; older files `id`.
        const { id: givenId, keyId, pem } = (item ?? {}) as { id?: unknown; keyId?: unknown; pem?: unknown };
        const id = givenId ?? keyId;
        if (typeof id !== 'string' || typeof pem !== 'string') {
          throw new KeysFileError('Fichier de clés : chaque clé doit avoir un « id » et un « pem »');
        }
        entries.push([id, pem]);
      }
    } else {
      for (const [id, pem] of Object.entries(record)) {
        if (typeof pem !== 'string')
          throw new KeysFileError(`Fichier de clés : la clé « ${id} » n'est pas un PEM`);
        entries.push([id, pem]);
      }
    }
  } else {
    const pattern =
      /(?:#\s*id\s*:\s*(\S+)\s*\n)?(-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----)/g;
    for (const match of trimmed.matchAll(pattern)) entries.push([match[1] ?? '*', match[2] ?? '']);
  }
  if (entries.length === 0) throw new KeysFileError('Fichier de clés : aucune clé publique trouvée');
  return entries.map(([id, pem]) => {
    try {
      return { id, key: createPublicKey(pem) };
    } catch {
      throw new KeysFileError(`Fichier de clés : la clé « ${id} » est illisible`);
    }
  });
}

/**
 * The journal's public keys from a directory: `<data>/keys` (one folder per register holding
 * `<keyId>.pub.pem`) or an export of them. Every P-256 public key found (`*.pem`, two levels deep) is
 * named by its key id, the SHA-256 of its SPKI (`keyIdOf`), whatever its file is called.
 */
export function readJournalKeysDir(dir: string): JournalKey[] {
  const found = new Map<string, KeyObject>();
  const walk = (path: string, depth: number): void => {
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const file = join(path, entry.name);
      if (entry.isDirectory() && depth < 2) walk(file, depth + 1);
      else if (entry.isFile() && entry.name.endsWith('.pem')) {
        const text = readFileSync(file, 'utf8');
        if (!text.includes('-----BEGIN PUBLIC KEY-----')) continue;
        try {
          const key = createPublicKey(text);
          found.set(keyIdOf(key), key);
        } catch {
          // not a P-256 public key: not a journal key
        }
      }
    }
  };
  try {
    if (!statSync(dir).isDirectory()) throw new KeysFileError(`${dir} n'est pas un dossier`);
    walk(dir, 0);
  } catch (error) {
    if (error instanceof KeysFileError) throw error;
    throw new KeysFileError(
      `Dossier de clés illisible : ${dir} (${(error as NodeJS.ErrnoException).code ?? error})`,
    );
  }
  if (found.size === 0) throw new KeysFileError(`Aucune clé publique du journal dans ${dir}`);
  return [...found].map(([id, key]) => ({ id, key }));
}

export interface Check {
  readonly label: string;
  readonly ok: boolean;
  readonly detail: string;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly checks: readonly Check[];
  /** The ticket's identity when it could be read: `TICKET 1082000000825, caisse C1, 23/11/2026 14:40:58`. */
  readonly summary?: string;
}

interface PdfSignature {
  readonly byteRange: readonly [number, number, number, number];
  readonly cms: Buffer;
}

function findSignatures(pdf: Buffer): PdfSignature[] {
  const text = pdf.toString('latin1');
  const found: PdfSignature[] = [];
  for (const match of text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)) {
    const [a, b, c, d] = [match[1], match[2], match[3], match[4]].map(Number) as [
      number,
      number,
      number,
      number,
    ];
    const hex = text.slice(b + 1, c - 1);
    if (text[b] !== '<' || text[c - 1] !== '>' || !/^[0-9a-fA-F]*$/.test(hex)) continue;
    found.push({ byteRange: [a, b, c, d], cms: Buffer.from(hex, 'hex') });
  }
  return found;
}

/**
 * Whom the verifier trusts to have signed the PDF: the store certificates' fingerprints (SHA-256 of
 * the certificate's DER, hex, 16 to 64 digits: `--fingerprint`, or the certificate kept beside the
 * journal's public keys in `<data>/keys/pdf/`). Without it, any certificate on an unchanged PDF passes.
 */
export interface ReceiptTrust {
  readonly certificateFingerprints: readonly string[];
}

/** The fingerprint of a certificate (PEM or DER): SHA-256 of its DER, 64 hex digits. */
export function certificateFingerprint(certificate: string | Buffer): string {
  return new X509Certificate(certificate).fingerprint256.replace(/:/g, '').toLowerCase();
}

function checkCertificate(der: Buffer | undefined, trust: ReceiptTrust): Check {
  const label = 'Certificat du magasin';
  if (der === undefined) return { label, ok: false, detail: 'aucun certificat lisible dans la signature' };
  const print = createHash('sha256').update(der).digest('hex');
  if (trust.certificateFingerprints.length === 0) {
    return {
      label,
      ok: false,
      detail: `non vérifié : aucun certificat de confiance (empreinte ${print}) ; donnez --fingerprint ou le dossier keys/ des données`,
    };
  }
  return trust.certificateFingerprints.some((p) => print.startsWith(p))
    ? { label, ok: true, detail: `celui du magasin (empreinte ${print.slice(0, 16)}…)` }
    : {
        label,
        ok: false,
        detail: `inconnu (empreinte ${print}) : ce PDF n’a pas été signé par le certificat du magasin`,
      };
}

async function checkPdfSignature(pdf: Buffer): Promise<{ check: Check; certificate?: Buffer }> {
  const check = await checkPdfSignatureOnly(pdf);
  const signatures = findSignatures(pdf);
  if (signatures.length !== 1) return { check };
  try {
    const asn1 = asn1js.fromBER((signatures[0] as PdfSignature).cms);
    const signedData = new pkijs.SignedData({
      schema: new pkijs.ContentInfo({ schema: asn1.result }).content,
    });
    const certificate = signedData.certificates?.[0];
    if (!(certificate instanceof pkijs.Certificate)) return { check };
    return { check, certificate: Buffer.from(certificate.toSchema().toBER()) };
  } catch {
    return { check };
  }
}

async function checkPdfSignatureOnly(pdf: Buffer): Promise<Check> {
  const label = 'Signature du PDF (CMS)';
  const signatures = findSignatures(pdf);
  if (signatures.length !== 1) {
    return { label, ok: false, detail: `${signatures.length} signature(s) trouvée(s), une seule attendue` };
  }
  const [signature] = signatures as [PdfSignature];
  const [a, b, c, d] = signature.byteRange;
  if (a !== 0 || c + d !== pdf.length || b >= c) {
    return {
      label,
      ok: false,
      detail: 'la signature ne couvre pas tout le fichier (ajout ou coupure après signature)',
    };
  }
  const signed = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  try {
    const asn1 = asn1js.fromBER(signature.cms);
    const contentInfo = new pkijs.ContentInfo({ schema: asn1.result });
    const signedData = new pkijs.SignedData({ schema: contentInfo.content });
    const digest = createHash('sha256').update(signed).digest();
    const attribute = signedData.signerInfos[0]?.signedAttrs?.attributes.find(
      (x) => x.type === '1.2.840.113549.1.9.4',
    );
    const stored = attribute?.values[0] as asn1js.OctetString | undefined;
    if (stored === undefined || !Buffer.from(stored.valueBlock.valueHexView).equals(digest)) {
      return {
        label,
        ok: false,
        detail: 'empreinte SHA-256 différente : le fichier a été modifié après signature',
      };
    }
    const result = await signedData.verify({
      signer: 0,
      data: new Uint8Array(signed).buffer,
      checkChain: false,
    });
    if (result !== true) return { label, ok: false, detail: 'signature CMS invalide' };
    const certificate = signedData.certificates?.[0];
    const subject =
      certificate instanceof pkijs.Certificate
        ? certificate.subject.typesAndValues
            .map((t) => (t.value.valueBlock as { value?: string }).value ?? '')
            .filter((v) => v !== '')
            .join(', ')
        : '?';
    return { label, ok: true, detail: `intacte, signée par « ${subject} »` };
  } catch (error) {
    return { label, ok: false, detail: `signature CMS illisible ou invalide (${(error as Error).message})` };
  }
}

/** Reads `/ComptoirReceipt` from the information dictionary: `/ComptoirReceipt N 0 R` then `N 0 obj (…)`. */
export function extractReceiptData(pdf: Buffer): string | undefined {
  const text = pdf.toString('latin1');
  const refs = [...text.matchAll(new RegExp(`/${RECEIPT_DATA_KEY}\\s+(\\d+)\\s+0\\s+R`, 'g'))];
  const objects = new Set(refs.map((m) => m[1]));
  if (objects.size !== 1) return undefined;
  const [object] = objects;
  const body = new RegExp(`(?:^|\\n)${object} 0 obj\\s*\\(([A-Za-z0-9_-]+)\\)\\s*endobj`, 'g');
  const bodies = [...text.matchAll(body)];
  return bodies.length === 1 ? bodies[0]?.[1] : undefined;
}

/**
 * What the PDF shows must be what its data says: the document is drawn again with the recorded
 * parameters, and the signed PDF must start with exactly those bytes (the signature is an incremental
 * update appended after them). Without this, a forger could keep genuine receipt data, show other
 * amounts, and sign the PDF with a certificate of their own.
 */
async function checkVisibleContent(
  pdf: Buffer,
  doc: ReceiptDocument,
  render: unknown,
  source: DocumentSource | undefined,
): Promise<Check> {
  const label = 'Contenu visible';
  const params = render as Partial<RenderParams> | undefined;
  const at = new Date(String(params?.at));
  if (
    params === undefined ||
    !['narrow', 'a4', 'a5'].includes(String(params.format)) ||
    !['dejavu', 'courier'].includes(String(params.font)) ||
    Number.isNaN(at.getTime())
  ) {
    return { label, ok: false, detail: 'paramètres de rendu absents ou invalides' };
  }
  if (params.font === 'dejavu' && pdfFonts().regular === 'Courier') {
    return { label, ok: false, detail: 'police DejaVu Sans Mono absente ici : rendu non vérifiable' };
  }
  const again = await renderPdf(doc, {
    format: params.format as PdfFormat,
    now: at,
    font: params.font === 'dejavu' ? 'embedded' : 'standard',
    ...(source === undefined ? {} : { source }),
  });
  let end = again.length;
  while (end > 0 && (again[end - 1] === 0x0a || again[end - 1] === 0x0d)) end -= 1;
  return pdf.length >= end && pdf.subarray(0, end).equals(again.subarray(0, end))
    ? { label, ok: true, detail: 'identique aux données du ticket' }
    : {
        label,
        ok: false,
        detail: `ne correspond pas aux données du ticket (ou PDF produit par une autre version que ${doc.software.name} ${doc.software.version})`,
      };
}

function fieldsOf(signedText: string): Set<string> {
  return new Set(signedText.split(/[|;,\s]+/).filter((f) => f !== ''));
}

/** Verifies a ticket PDF; never throws for a bad PDF: the report says what failed. */
export async function verifyReceiptPdf(
  pdf: Buffer,
  keys: readonly JournalKey[],
  trust?: ReceiptTrust,
): Promise<VerifyReport> {
  const signed = await checkPdfSignature(pdf);
  const checks: Check[] = [signed.check];
  if (trust !== undefined) checks.push(checkCertificate(signed.certificate, trust));
  const finish = (summary?: string): VerifyReport => ({
    ok: checks.every((c) => c.ok),
    checks,
    ...(summary === undefined ? {} : { summary }),
  });

  const encoded = extractReceiptData(pdf);
  if (encoded === undefined) {
    checks.push({
      label: 'Données du ticket',
      ok: false,
      detail: `/${RECEIPT_DATA_KEY} absent ou en double`,
    });
    return finish();
  }
  let raw: unknown;
  try {
    raw = decodeReceiptDataJson(encoded);
  } catch {
    checks.push({ label: 'Données du ticket', ok: false, detail: 'données illisibles (JSON invalide)' });
    return finish();
  }
  const data = raw as {
    format?: unknown;
    qr?: unknown;
    render?: unknown;
    document?: unknown;
    source?: unknown;
  };
  if (data.format !== RECEIPT_DATA_FORMAT) {
    checks.push({ label: 'Données du ticket', ok: false, detail: `format inconnu : ${String(data.format)}` });
    return finish();
  }
  const parsed = parseReceiptDocument(data.document);
  if (!parsed.ok) {
    checks.push({ label: 'Données du ticket', ok: false, detail: parsed.errors.slice(0, 3).join(' ; ') });
    return finish();
  }
  const doc = parsed.document;
  const summary = `${doc.duplicate !== undefined ? 'DUPLICATA ' : ''}${doc.number}, caisse ${doc.register}, ${doc.issuedAt.date} ${doc.issuedAt.time}`;
  checks.push({ label: 'Données du ticket', ok: true, detail: summary });
  // Drawn again from the raw JSON (zod would reorder keys, and the bytes must be the same).
  const source = data.source === undefined ? undefined : (data.source as DocumentSource);
  checks.push(await checkVisibleContent(pdf, data.document as ReceiptDocument, data.render, source));

  const expected = qrPayloadOf(doc);
  if (typeof data.qr !== 'string' || expected === undefined) {
    checks.push({ label: 'QR code', ok: false, detail: 'document sans signature fiscale' });
    return finish(summary);
  }
  const payload = decodeQrPayload(data.qr);
  if ('error' in payload) {
    checks.push({ label: 'QR code', ok: false, detail: payload.error });
    return finish(summary);
  }
  const mismatches = (Object.keys(expected) as (keyof typeof expected)[]).filter(
    (k) => expected[k] !== payload[k],
  );
  if (payload.shortCode !== shortCodeOf(payload.signature)) mismatches.push('shortCode');
  checks.push(
    mismatches.length === 0
      ? { label: 'QR code', ok: true, detail: `conforme au ticket (signature ${payload.shortCode})` }
      : {
          label: 'QR code',
          ok: false,
          detail: `différent du ticket : ${[...new Set(mismatches)].join(', ')}`,
        },
  );

  if (source !== undefined) {
    checks.push(...checkJournalSource(source, data.document, keys));
    return finish(summary);
  }
  const label = 'Signature du ticket (journal)';
  const fiscal = doc.duplicate?.fiscal ?? doc.fiscal;
  const signedText = fiscal?.signedText;
  const key = keys.find((k) => k.id === payload.keyId) ?? keys.find((k) => k.id === '*');
  if (key === undefined) {
    checks.push({ label, ok: false, detail: `clé « ${payload.keyId} » absente du fichier de clés` });
  } else if (signedText === undefined) {
    checks.push({ label, ok: false, detail: 'texte signé absent du PDF' });
  } else {
    const signature = Buffer.from(payload.signature, 'base64url');
    const dsaEncoding = signature.length === 64 ? 'ieee-p1363' : 'der';
    let valid = false;
    try {
      valid = verify('sha256', Buffer.from(signedText, 'utf8'), { key: key.key, dsaEncoding }, signature);
    } catch {
      valid = false;
    }
    const fields = fieldsOf(signedText);
    const wanted: [string, string][] = [
      ['caisse', payload.register],
      ['séquence', String(payload.sequence)],
      ['horodatage', payload.stamp],
    ];
    if (['T', 'F', 'V', 'Z'].includes(payload.type)) wanted.push(['total', String(documentTotal(doc))]);
    const missing = wanted.filter(([, value]) => !fields.has(value)).map(([name]) => name);
    if (!valid) checks.push({ label, ok: false, detail: `signature invalide pour la clé « ${key.id} »` });
    else if (missing.length > 0) {
      checks.push({
        label,
        ok: false,
        detail: `le texte signé ne correspond pas au ticket : ${missing.join(', ')}`,
      });
    } else
      checks.push({ label, ok: true, detail: `valide (clé « ${key.id} », n° d'ordre ${payload.sequence})` });
  }
  return finish(summary);
}

/**
 * A document built from the journal: each record's signed text is rebuilt from its fields and its
 * signature checked with the journal key it names (the real CPT1 text of docs/fiscal-format.md), then
 * the document is built again from those records and must be the one the PDF carries and shows.
 */
function checkJournalSource(source: DocumentSource, document: unknown, keys: readonly JournalKey[]): Check[] {
  const label = 'Signature du ticket (journal)';
  const records: readonly JournalRecord[] = Array.isArray(source.records) ? source.records : [];
  if (records.length === 0) return [{ label, ok: false, detail: 'enregistrements du journal absents' }];
  const problems: string[] = [];
  for (const record of records) {
    const name = `${String(record?.chain)} n° ${String(record?.sequence)}`;
    let rebuilt: string;
    try {
      rebuilt = buildSignedText(record);
    } catch (error) {
      problems.push(`${name} : champs illisibles (${(error as Error).message})`);
      continue;
    }
    if (rebuilt !== record.signedText) {
      problems.push(`${name} : le texte signé ne correspond pas aux données du ticket`);
      continue;
    }
    const key = keys.find((k) => k.id === record.keyId) ?? keys.find((k) => k.id === '*');
    if (key === undefined) problems.push(`${name} : clé « ${record.keyId} » absente des clés du journal`);
    else if (!verifyText(key.key, record.signedText, String(record.signature))) {
      problems.push(`${name} : signature invalide pour la clé « ${record.keyId} »`);
    }
  }
  const checks: Check[] = [
    problems.length === 0
      ? {
          label,
          ok: true,
          detail: `valide (${records.map((r) => `${r.type} n° ${r.sequence}`).join(', ')} ; clé « ${records[0]?.keyId} »)`,
        }
      : { label, ok: false, detail: problems.join(' ; ') },
  ];
  const rebuiltLabel = 'Ticket reconstruit depuis le journal';
  try {
    const again = JSON.stringify(documentFromRecord(source));
    checks.push(
      again === JSON.stringify(document)
        ? { label: rebuiltLabel, ok: true, detail: 'identique au ticket imprimé' }
        : {
            label: rebuiltLabel,
            ok: false,
            detail: 'différent du ticket imprimé (montant, ligne ou mention modifiés)',
          },
    );
  } catch (error) {
    checks.push({ label: rebuiltLabel, ok: false, detail: (error as Error).message });
  }
  return checks;
}
