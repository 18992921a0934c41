/**
 * Sending through SMTP with nodemailer, and telling SMTP answers apart: 2xx sent, 4xx temporary (the
 * outbox retries), 5xx permanent (definitive failure). A connection that cannot be made, a timeout or
 * refused credentials count as temporary: the message waits until the server or the settings are fixed.
 */
import nodemailer from 'nodemailer';
import type { Sender, SendOutcome } from './outbox.ts';
import type { SmtpSettings } from './store-settings.ts';

export interface OutgoingMail {
  readonly messageId: string;
  readonly date: Date;
  readonly from: Sender;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly attachment?: { readonly name: string; readonly content: Uint8Array };
}

export interface MailTransport {
  send(mail: OutgoingMail): Promise<SendOutcome>;
  close(): void;
  /** Where it sends, for logs: never a password. */
  readonly description: string;
}

export interface TransportTuning {
  /** Keep connections open and reuse them (the worker sends in bulk). */
  readonly pool?: boolean;
  readonly maxConnections?: number;
}

function codeOf(response: string): number | null {
  const match = /^(\d{3})/.exec(response.trim());
  return match === null ? null : Number(match[1]);
}

interface SmtpFailure {
  readonly responseCode?: number;
  readonly response?: string;
  readonly code?: string;
  readonly message?: string;
}

/** How an error of nodemailer is recorded. */
export function classifyError(error: unknown): SendOutcome {
  const failure = (typeof error === 'object' && error !== null ? error : {}) as SmtpFailure;
  const response = failure.response ?? failure.message ?? String(error);
  const code = typeof failure.responseCode === 'number' ? failure.responseCode : codeOf(response);
  if (failure.code === 'EAUTH') return { kind: 'temporary', code, response };
  if (code !== null && code >= 500 && code < 600) return { kind: 'permanent', code, response };
  return { kind: 'temporary', code, response };
}

const TIMEOUTS = { connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 };

type NodemailerOptions = Parameters<typeof nodemailer.createTransport>[0];

/** `smtp://user:pass@host:port` (STARTTLS when offered) or `smtps://…` (implicit TLS). */
function urlOptions(url: string): NodemailerOptions {
  const parsed = new URL(url);
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL doit commencer par smtp:// ou smtps:// (reçu ${parsed.protocol})`);
  }
  const secure = parsed.protocol === 'smtps:';
  return {
    host: parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port),
    secure,
    ...(parsed.username === ''
      ? {}
      : { auth: { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) } }),
  };
}

function settingsOptions(smtp: SmtpSettings): NodemailerOptions {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.user === '' ? {} : { auth: { user: smtp.user, pass: smtp.password } }),
  };
}

/** A URL without its password, for logs and the CLI. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'SMTP_URL illisible';
  }
}

export function smtpTransport(config: string | SmtpSettings, tuning: TransportTuning = {}): MailTransport {
  const base = typeof config === 'string' ? urlOptions(config) : settingsOptions(config);
  const description =
    typeof config === 'string' ? redactUrl(config) : `${config.host}:${config.port} (${config.security})`;
  const transporter = nodemailer.createTransport({
    ...(base as object),
    ...TIMEOUTS,
    ...(tuning.pool === true
      ? { pool: true, maxConnections: tuning.maxConnections ?? 5, maxMessages: 1000 }
      : {}),
  } as NodemailerOptions);
  return {
    description,
    async send(mail: OutgoingMail): Promise<SendOutcome> {
      try {
        const info = await transporter.sendMail({
          messageId: mail.messageId,
          date: mail.date,
          from: { name: mail.from.name, address: mail.from.address },
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          ...(mail.attachment === undefined
            ? {}
            : {
                attachments: [
                  {
                    filename: mail.attachment.name,
                    content: Buffer.from(mail.attachment.content),
                    contentType: 'application/pdf',
                  },
                ],
              }),
        });
        const response = String((info as { response?: unknown }).response ?? '250');
        return { kind: 'sent', code: codeOf(response), response };
      } catch (error) {
        return classifyError(error);
      }
    },
    close() {
      transporter.close();
    },
  };
}
