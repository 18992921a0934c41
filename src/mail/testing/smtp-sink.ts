/**
 * A real SMTP server over TCP for tests and the benchmark (smtp-server on 127.0.0.1, a free port):
 * it keeps every message it receives, and answers each DATA with what the test scripts (250 by
 * default, or a 4xx/5xx code). Messages are parsed back with mailparser.
 */
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface SinkReply {
  readonly code: number;
  readonly message: string;
}

export interface ReceivedMessage {
  readonly raw: Buffer;
  readonly from: string;
  readonly to: readonly string[];
  /** The answer the server gave (250 when accepted; 0 while it has not answered yet). */
  code: number;
  readonly receivedAt: number;
}

export interface SmtpSink {
  readonly url: string;
  readonly port: number;
  /** Every message that reached DATA's end, accepted or not, in order. */
  readonly messages: ReceivedMessage[];
  accepted(): ReceivedMessage[];
  /** Forgets the messages and restarts the reply numbering at 0. */
  reset(): void;
  parse(message: ReceivedMessage): Promise<ParsedMail>;
  close(): Promise<void>;
}

export interface SinkOptions {
  /** The answer to the n-th message (0-based); undefined: 250. May wait (the crash test kills a worker there). */
  readonly respond?: (raw: Buffer, index: number) => SinkReply | undefined | Promise<SinkReply | undefined>;
  /** Keep the raw bytes (default true; the benchmark only counts). */
  readonly keep?: boolean;
  readonly onAccepted?: (message: ReceivedMessage) => void;
}

class SmtpReplyError extends Error {
  constructor(
    readonly responseCode: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startSmtpSink(options: SinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMessage[] = [];
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    disableReverseLookup: true,
    size: 20 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const index = count;
        count += 1;
        const mailFrom = session.envelope.mailFrom;
        // Kept as soon as it arrives, before the answer (the crash test kills the client meanwhile).
        const message: ReceivedMessage = {
          raw: options.keep === false ? Buffer.alloc(0) : raw,
          from: mailFrom === false ? '' : mailFrom.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          code: 0,
          receivedAt: Date.now(),
        };
        messages.push(message);
        Promise.resolve(options.respond?.(raw, index))
          .then((reply) => {
            const code = reply?.code ?? 250;
            message.code = code;
            if (code >= 200 && code < 300) {
              options.onAccepted?.(message);
              callback(null, reply?.message ?? 'OK: message accepted');
            } else {
              callback(new SmtpReplyError(code, reply?.message ?? 'Refusé'));
            }
          })
          .catch((error: unknown) => callback(error instanceof Error ? error : new Error(String(error))));
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.server.address();
      if (address === null || typeof address === 'string')
        reject(new Error('adresse du serveur SMTP inconnue'));
      else resolve(address.port);
    });
  });
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,
    reset: () => {
      messages.length = 0;
      count = 0;
    },
    accepted: () => messages.filter((m) => m.code >= 200 && m.code < 300),
    parse: (message) => simpleParser(message.raw),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
