/**
 * The register's side of Caisse-AP over IP (issue 15): the server connects to the terminal (a browser
 * cannot open raw TCP), sends one payment request and reads the answer as it comes (a terminal may
 * split it over several segments) until the fields of an answer are all there. It never sends the
 * request twice: a timeout, a dropped connection or an unreadable answer is « no answer », and the
 * register asks whether the payment went through anyway. Edge: a socket.
 */
import { connect, type Socket } from 'node:net';
import {
  CaisseApError,
  encodeMessage,
  MessageReader,
  type PaymentAnswer,
  type PaymentRequest,
  paymentRequestFields,
  readPaymentAnswer,
} from './caisse-ap.ts';

export interface TerminalAddress {
  readonly host: string;
  readonly port: number;
}

export type CardOutcome =
  | { readonly kind: 'answered'; readonly answer: PaymentAnswer }
  | {
      readonly kind: 'no-answer';
      /** `unreachable` (nothing sent: safe), the others after the request left (the payment may be done). */
      readonly why: 'unreachable' | 'timeout' | 'dropped' | 'bad-answer';
      readonly message: string;
    };

/** `HOST:PORT` (port 8888 when absent). */
export function parseTerminalAddress(text: string): TerminalAddress {
  const match = /^([^\s:/]+)(?::(\d{1,5}))?$/.exec(text.trim());
  const port = Number(match?.[2] ?? 8888);
  if (match === null || port < 1 || port > 65_535) {
    throw new CaisseApError(`Adresse de terminal invalide : « ${text} » (HÔTE:PORT attendu)`);
  }
  return { host: match[1] as string, port };
}

/** An answer is whole once its result and the echoed tags are in, at a field boundary. */
function answerComplete(reader: MessageReader): boolean {
  if (!reader.atBoundary || !reader.has('CZ', 'AE', 'CJ', 'CA', 'CD', 'CE')) return false;
  const result = reader.message.get('AE');
  return result !== '10' || reader.has('CB');
}

/**
 * Sends `request` to the terminal and waits `timeoutMs` at most (from the connection) for its answer.
 * `onSent` is called once the request has left (the attempt is then « maybe paid »).
 */
export function requestPayment(
  address: TerminalAddress,
  request: PaymentRequest,
  options: { readonly timeoutMs: number; readonly connectTimeoutMs?: number; readonly onSent?: () => void },
): Promise<CardOutcome> {
  const text = encodeMessage(paymentRequestFields(request));
  return new Promise((resolve) => {
    const where = `${address.host}:${address.port}`;
    let sent = false;
    let done = false;
    const reader = new MessageReader();
    const socket: Socket = connect({ host: address.host, port: address.port });
    socket.setNoDelay(true);
    const finish = (outcome: CardOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const noAnswer = (why: 'timeout' | 'dropped' | 'bad-answer', message: string) =>
      finish(sent ? { kind: 'no-answer', why, message } : { kind: 'no-answer', why: 'unreachable', message });
    let timer = setTimeout(
      () => noAnswer('timeout', `Terminal ${where} injoignable (délai de connexion dépassé)`),
      options.connectTimeoutMs ?? Math.min(options.timeoutMs, 5000),
    );
    socket.on('connect', () => {
      clearTimeout(timer);
      // From the connection, the whole transaction (the customer's PIN included) has timeoutMs.
      timer = setTimeout(
        () =>
          noAnswer(
            'timeout',
            `Le terminal ${where} n'a pas répondu en ${Math.round(options.timeoutMs / 1000)} s`,
          ),
        options.timeoutMs,
      );
      // Once written, the request may reach the terminal: from here a failure is « maybe paid ».
      sent = true;
      options.onSent?.();
      socket.write(text, 'ascii');
    });
    socket.on('data', (chunk: Buffer) => {
      if (!reader.push(chunk.toString('latin1'))) {
        noAnswer('bad-answer', `Réponse illisible du terminal ${where} : ${reader.error ?? ''}`);
        return;
      }
      if (!answerComplete(reader)) return;
      try {
        finish({ kind: 'answered', answer: readPaymentAnswer(request, reader.message) });
      } catch (error) {
        noAnswer('bad-answer', (error as Error).message);
      }
    });
    socket.on('error', (error: NodeJS.ErrnoException) =>
      noAnswer('dropped', `Terminal ${where} injoignable ou déconnecté (${error.code ?? error.message})`),
    );
    socket.on('close', () => noAnswer('dropped', `Le terminal ${where} a coupé la connexion sans répondre`));
  });
}
