/**
 * A signature-verification worker of the journal verify pool (journal-verify-pool.ts). It loads the
 * public keys once, then answers batches with one status per item (`verifySignatures`).
 */
import { createPublicKey, type KeyObject } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import { type SignatureItem, verifySignatures } from '../fiscal/verify.ts';

export type ToWorker =
  | { readonly kind: 'keys'; readonly keys: readonly (readonly [string, Uint8Array])[] }
  | { readonly kind: 'batch'; readonly id: number; readonly items: readonly SignatureItem[] };

export type FromWorker =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly id: number; readonly statuses: Uint8Array }
  | { readonly kind: 'failed'; readonly id: number; readonly message: string };

const port = parentPort;
if (port !== null) {
  let keys: ReadonlyMap<string, KeyObject> = new Map();
  port.on('message', (message: ToWorker) => {
    if (message.kind === 'keys') {
      keys = new Map(
        message.keys.map(([id, der]) => [
          id,
          createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' }),
        ]),
      );
      port.postMessage({ kind: 'ready' } satisfies FromWorker);
      return;
    }
    try {
      const statuses = verifySignatures(message.items, keys);
      port.postMessage({ kind: 'result', id: message.id, statuses } satisfies FromWorker, [
        statuses.buffer as ArrayBuffer,
      ]);
    } catch (error) {
      port.postMessage({
        kind: 'failed',
        id: message.id,
        message: (error as Error).message,
      } satisfies FromWorker);
    }
  });
}
