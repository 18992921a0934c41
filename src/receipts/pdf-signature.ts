/**
 * PAdES signature of a PDF with the store's certificate: `@signpdf/placeholder-plain` reserves the
 * signature dictionary, `@signpdf/signpdf` computes the byte ranges, and our `StoreCmsSigner` builds the
 * CMS (ETSI.CAdES.detached) with pkijs: ECDSA P-256 / SHA-256, signed attributes content-type,
 * message-digest and signing-certificate-v2 (the CAdES attribute that binds the certificate).
 *
 * The certificate is either self-signed by `comptoir init` (`makeSelfSignedStoreCertificate`) or the
 * shop's own (PEM certificate + PEM private key, `loadStoreCertificate`).
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  randomBytes,
  sign,
  webcrypto,
  X509Certificate,
} from 'node:crypto';
import { plainAddPlaceholder } from '@signpdf/placeholder-plain';
import { SignPdf } from '@signpdf/signpdf';
import { Signer, SUBFILTER_ETSI_CADES_DETACHED } from '@signpdf/utils';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';
import type { ReceiptDocument } from './document.ts';
import { type PdfOptions, renderPdf } from './pdf.ts';

const crypto = webcrypto;
pkijs.setEngine('node', new pkijs.CryptoEngine({ name: 'node', crypto }));

export const OID = {
  data: '1.2.840.113549.1.7.1',
  sha256: '2.16.840.1.101.3.4.2.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  signedData: '1.2.840.113549.1.7.2',
  contentType: '1.2.840.113549.1.9.3',
  messageDigest: '1.2.840.113549.1.9.4',
  signingCertificateV2: '1.2.840.113549.1.9.16.2.47',
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  country: '2.5.4.6',
  keyUsage: '2.5.29.15',
  basicConstraints: '2.5.29.19',
} as const;

export class CertificateError extends Error {}

/** A store certificate as files hold it. */
export interface StoreCertificatePem {
  readonly certificatePem: string;
  readonly privateKeyPem: string;
}

/** A store certificate ready to sign. */
export interface StoreCertificate {
  readonly certificate: pkijs.Certificate;
  readonly certificateDer: Buffer;
  readonly privateKey: KeyObject;
  /** The certificate's subject, as a readable text. */
  readonly subject: string;
}

function toPem(der: ArrayBuffer | Buffer, label: string): string {
  const base64 = Buffer.from(der as ArrayBuffer).toString('base64');
  return `-----BEGIN ${label}-----\n${base64.replace(/.{64}/g, '$&\n').replace(/\n$/, '')}\n-----END ${label}-----\n`;
}

/** `C=…, O=…, CN=…`, one attribute per RDN (pkijs alone would put them all in one multi-valued RDN). */
function name(cn: string, organization: string, country: string): pkijs.RelativeDistinguishedNames {
  const attributes = [
    new pkijs.AttributeTypeAndValue({
      type: OID.country,
      value: new asn1js.PrintableString({ value: country }),
    }),
    new pkijs.AttributeTypeAndValue({
      type: OID.organization,
      value: new asn1js.Utf8String({ value: organization }),
    }),
    new pkijs.AttributeTypeAndValue({ type: OID.commonName, value: new asn1js.Utf8String({ value: cn }) }),
  ];
  const der = new asn1js.Sequence({
    value: attributes.map((a) => new asn1js.Set({ value: [a.toSchema()] })),
  });
  return pkijs.RelativeDistinguishedNames.fromBER(der.toBER(false));
}

export interface SelfSignedOptions {
  /** The store's sign, as the certificate's common name. */
  readonly commonName: string;
  /** Legal name and SIRET, e.g. `Ste chaussures (SIRET 48854988500030)`. */
  readonly organization: string;
  readonly country?: string;
  readonly notBefore: Date;
  readonly validityYears?: number;
}

/** Makes an ECDSA P-256 key pair and a self-signed certificate for signing the store's PDFs. */
export async function makeSelfSignedStoreCertificate(
  options: SelfSignedOptions,
): Promise<StoreCertificatePem> {
  const keys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const cert = new pkijs.Certificate();
  cert.version = 2;
  const serial = randomBytes(16);
  // Positive and minimal in DER: the first byte is 0x40..0x7f (a leading 0x00 would be invalid DER).
  serial[0] = ((serial[0] ?? 0) & 0x3f) | 0x40;
  cert.serialNumber = new asn1js.Integer({ valueHex: serial });
  const subject = name(options.commonName, options.organization, options.country ?? 'FR');
  cert.subject = subject;
  cert.issuer = name(options.commonName, options.organization, options.country ?? 'FR');
  cert.notBefore.value = options.notBefore;
  const notAfter = new Date(options.notBefore);
  notAfter.setUTCFullYear(notAfter.getUTCFullYear() + (options.validityYears ?? 10));
  cert.notAfter.value = notAfter;
  cert.extensions = [
    new pkijs.Extension({
      extnID: OID.basicConstraints,
      critical: true,
      extnValue: new pkijs.BasicConstraints({ cA: false }).toSchema().toBER(false),
      parsedValue: new pkijs.BasicConstraints({ cA: false }),
    }),
    new pkijs.Extension({
      extnID: OID.keyUsage,
      critical: true,
      // digitalSignature (bit 0) and nonRepudiation (bit 1): 0b11000000, 6 unused bits.
      extnValue: new asn1js.BitString({ valueHex: Uint8Array.from([0xc0]).buffer, unusedBits: 6 }).toBER(
        false,
      ),
    }),
  ];
  await cert.subjectPublicKeyInfo.importKey(keys.publicKey, pkijs.getCrypto(true));
  await cert.sign(keys.privateKey, 'SHA-256', pkijs.getCrypto(true));
  const pkcs8 = await crypto.subtle.exportKey('pkcs8', keys.privateKey);
  return {
    certificatePem: toPem(cert.toSchema(true).toBER(false), 'CERTIFICATE'),
    privateKeyPem: toPem(pkcs8, 'PRIVATE KEY'),
  };
}

/** Reads a PEM certificate and its PEM private key (PKCS#8 or SEC1), checking that they belong together. */
export async function loadStoreCertificate(pem: StoreCertificatePem): Promise<StoreCertificate> {
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(pem.certificatePem);
  } catch {
    throw new CertificateError('Certificat illisible : un certificat X.509 au format PEM est attendu');
  }
  let privateKey: KeyObject;
  let publicDer: Buffer;
  try {
    privateKey = createPrivateKey(pem.privateKeyPem);
    if (
      privateKey.asymmetricKeyType !== 'ec' ||
      privateKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1'
    ) {
      throw new CertificateError('La clé privée doit être une clé ECDSA P-256');
    }
    publicDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  } catch (error) {
    if (error instanceof CertificateError) throw error;
    throw new CertificateError('Clé privée illisible : une clé PEM (PKCS#8 ou EC) est attendue');
  }
  if (!publicDer.equals(x509.publicKey.export({ type: 'spki', format: 'der' }))) {
    throw new CertificateError('La clé privée ne correspond pas au certificat');
  }
  const certificateDer = Buffer.from(x509.raw);
  const certificate = pkijs.Certificate.fromBER(certificateDer);
  return { certificate, certificateDer, privateKey, subject: x509.subject.replaceAll('\n', ', ') };
}

/** A DER TLV: tag, definite length, content. */
function tlv(tag: number, ...parts: readonly Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const length =
    n < 0x80
      ? [n]
      : n < 0x100
        ? [0x81, n]
        : n < 0x10000
          ? [0x82, n >> 8, n & 0xff]
          : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Buffer.from([tag, ...length]), body]);
}

const oid = (value: string): Buffer => Buffer.from(new asn1js.ObjectIdentifier({ value }).toBER(false));
const SEQUENCE = 0x30;
const SET = 0x31;
const OCTET_STRING = 0x04;
const CONTEXT_0 = 0xa0;

/** The parts of the CMS that are the same for every PDF signed with one certificate, DER-encoded once. */
interface CmsTemplate {
  readonly version1: Buffer;
  readonly digestAlgorithms: Buffer;
  readonly encapContentInfo: Buffer;
  readonly certificates: Buffer;
  readonly signerId: Buffer;
  readonly digestAlgorithm: Buffer;
  readonly signatureAlgorithm: Buffer;
  readonly contentTypeAttribute: Buffer;
  readonly messageDigestOid: Buffer;
  readonly signingCertificateAttribute: Buffer;
  readonly signedDataOid: Buffer;
}

const templates = new WeakMap<StoreCertificate, CmsTemplate>();

function cmsTemplate(store: StoreCertificate): CmsTemplate {
  const cached = templates.get(store);
  if (cached !== undefined) return cached;
  // The issuer and serial number exactly as the certificate encodes them (tbsCertificate fields).
  const parsed = asn1js.fromBER(new Uint8Array(store.certificateDer));
  const tbs = (parsed.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
  const fields = tbs.valueBlock.value;
  const skip = fields[0]?.idBlock.tagClass === 3 ? 1 : 0; // [0] version present (v3)
  const serial = fields[skip]?.valueBeforeDecodeView;
  const issuer = fields[skip + 2]?.valueBeforeDecodeView;
  if (serial === undefined || issuer === undefined) throw new CertificateError('Certificat illisible');
  const sha256 = tlv(SEQUENCE, oid(OID.sha256));
  // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with the default
  // hash algorithm (SHA-256) is SEQUENCE { certHash OCTET STRING }.
  const certHash = createHash('sha256').update(store.certificateDer).digest();
  const template: CmsTemplate = {
    version1: Buffer.from([0x02, 0x01, 0x01]),
    digestAlgorithms: tlv(SET, sha256),
    encapContentInfo: tlv(SEQUENCE, oid(OID.data)),
    certificates: tlv(CONTEXT_0, store.certificateDer),
    signerId: tlv(SEQUENCE, issuer, serial),
    digestAlgorithm: sha256,
    signatureAlgorithm: tlv(SEQUENCE, oid(OID.ecdsaWithSha256)),
    contentTypeAttribute: tlv(SEQUENCE, oid(OID.contentType), tlv(SET, oid(OID.data))),
    messageDigestOid: oid(OID.messageDigest),
    signingCertificateAttribute: tlv(
      SEQUENCE,
      oid(OID.signingCertificateV2),
      tlv(SET, tlv(SEQUENCE, tlv(SEQUENCE, tlv(SEQUENCE, tlv(OCTET_STRING, certHash))))),
    ),
    signedDataOid: oid(OID.signedData),
  };
  templates.set(store, template);
  return template;
}

/**
 * A `@signpdf` signer producing a CAdES-detached CMS: SignedData (RFC 5652) with one SignerInfo whose
 * signed attributes are content-type, message-digest and signing-certificate-v2. Everything but the
 * digest and the signature is DER-encoded once per certificate (`cmsTemplate`); building the whole
 * structure with pkijs on every PDF cost about a tenth of a signed PDF.
 */
export class StoreCmsSigner extends Signer {
  constructor(private readonly store: StoreCertificate) {
    super();
  }

  override sign(content: Buffer): Promise<Buffer> {
    const t = cmsTemplate(this.store);
    const digest = createHash('sha256').update(content).digest();
    const attributes = Buffer.concat([
      t.contentTypeAttribute,
      tlv(SEQUENCE, t.messageDigestOid, tlv(SET, tlv(OCTET_STRING, digest))),
      t.signingCertificateAttribute,
    ]);
    // The signature covers the signed attributes encoded as a SET OF (tag 0x31), not as the [0] they
    // are inside SignerInfo.
    const signature = sign('sha256', tlv(SET, attributes), {
      key: this.store.privateKey,
      dsaEncoding: 'der',
    });
    const signerInfo = tlv(
      SEQUENCE,
      t.version1,
      t.signerId,
      t.digestAlgorithm,
      tlv(CONTEXT_0, attributes),
      t.signatureAlgorithm,
      tlv(OCTET_STRING, signature),
    );
    const signedData = tlv(
      SEQUENCE,
      t.version1,
      t.digestAlgorithms,
      t.encapContentInfo,
      t.certificates,
      tlv(SET, signerInfo),
    );
    return Promise.resolve(tlv(SEQUENCE, t.signedDataOid, tlv(CONTEXT_0, signedData)));
  }
}

export interface PdfSignatureOptions {
  /** The signing time written in the signature dictionary (/M): the clock is passed in. */
  readonly now: Date;
  readonly name: string;
  readonly location: string;
  readonly contactInfo?: string;
  readonly reason?: string;
}

const signPdf = new SignPdf();

/** Signs a PDF (pdfkit output) with the store certificate: an invisible PAdES signature. */
export async function signPdfWithStoreCertificate(
  pdf: Buffer,
  store: StoreCertificate,
  options: PdfSignatureOptions,
): Promise<Buffer> {
  const withPlaceholder = plainAddPlaceholder({
    pdfBuffer: pdf,
    reason: options.reason ?? 'Ticket émis par la caisse (NF525)',
    contactInfo: options.contactInfo ?? '',
    name: options.name,
    location: options.location,
    signingTime: options.now,
    signatureLength: 4096,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
    appName: 'Comptoir',
  });
  return signPdf.sign(withPlaceholder, new StoreCmsSigner(store), options.now);
}

/** Renders a document as PDF and signs it with the store certificate, in one step. */
export async function renderSignedPdf(
  doc: ReceiptDocument,
  store: StoreCertificate,
  options: PdfOptions,
): Promise<Buffer> {
  const pdf = await renderPdf(doc, options);
  return signPdfWithStoreCertificate(pdf, store, {
    now: options.now,
    name: doc.store.sign,
    location: `${doc.store.postalCode} ${doc.store.city}`,
    ...(doc.store.email === undefined ? {} : { contactInfo: doc.store.email }),
  });
}
