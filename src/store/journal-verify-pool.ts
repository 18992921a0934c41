/**
 * A pool of worker threads that verifies journal signatures on every core.
 *
 * Verifying a record's signature needs nothing but the record (src/fiscal/verify.ts), so the records
 * are cut into batches of their signed text, signature and key id, and each idle worker takes the
 * next batch. The cheap sequential checks (links, sequences, closures, heads) then run on the calling
 * thread with `checkJournal`. The pool lives at the edge because src/fiscal/ stays free of threads.
 */
import type { KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { ChainHead, JournalRecord } from '../fiscal/record.ts';
import {
  checkJournal,
  checkSignedTexts,
  type SignatureItem,
  type VerificationReport,
} from '../fiscal/verify.ts';
import type { FromWorker, ToWorker } from './journal-verify-worker.ts';

export interface VerifyPoolOptions {
  /** Number of workers; by default one per available core. */
  readonly size?: number;
  /** Records per batch sent to a worker. */
  readonly batchSize?: number;
}

export type ProgressListener = (done: number, total: number) => void;

export interface VerifyPool {
  readonly size: number;
  /** One status per item, as `verifySignatures` gives them, computed over all the workers. */
  verifySignatures(items: readonly SignatureItem[], onProgress?: ProgressListener): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** The pool failed (a worker crashed or refused a batch): French message. */
export class VerifyPoolError extends Error {
  override name = 'VerifyPoolError';
}

/**
 * In the compiled command (dist/cli, scripts/build-cli.mjs) the worker is its own bundle beside this
 * one. From the sources, workers run TypeScript: each one registers tsx first, then imports the
 * worker module (a worker does not inherit the loader of the main thread).
 */
function spawnWorker(): Worker {
  if (import.meta.url.endsWith('.js')) {
    return new Worker(new URL('./journal-verify-worker.js', import.meta.url));
  }
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./journal-verify-worker.ts', import.meta.url).href;
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`));
}

interface Job {
  readonly id: number;
  readonly start: number;
  readonly items: readonly SignatureItem[];
}

const TEXT_SLICE = 2000;

/** Starts the workers and hands them the public keys (once). */
export async function startVerifyPool(
  publicKeysById: ReadonlyMap<string, KeyObject>,
  options: VerifyPoolOptions = {},
): Promise<VerifyPool> {
  const size = Math.max(1, options.size ?? availableParallelism());
  const batchSize = Math.max(1, options.batchSize ?? 2000);
  const keys = [...publicKeysById].map(
    ([id, key]) => [id, new Uint8Array(key.export({ type: 'spki', format: 'der' }))] as const,
  );
  const workers = Array.from({ length: size }, spawnWorker);
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await Promise.all(workers.map((w) => w.terminate()));
  };
  try {
    await Promise.all(
      workers.map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.once('error', reject);
            worker.once('message', (m: FromWorker) => {
              worker.off('error', reject);
              if (m.kind === 'ready') resolve();
              else reject(new VerifyPoolError('Réponse inattendue du processus de vérification.'));
            });
            worker.postMessage({ kind: 'keys', keys } satisfies ToWorker);
          }),
      ),
    );
  } catch (error) {
    await close();
    throw new VerifyPoolError(
      `Impossible de démarrer la vérification parallèle : ${(error as Error).message}`,
    );
  }

  /**
   * Calls may overlap (a streaming verifier keeps a few pages in flight): their batches share one
   * queue, and each idle worker takes the next batch, whoever asked for it.
   */
  interface Request {
    readonly items: readonly SignatureItem[];
    readonly statuses: Uint8Array;
    readonly onProgress: ProgressListener | undefined;
    done: number;
    settled: boolean;
    resolve(statuses: Uint8Array): void;
    reject(error: Error): void;
  }
  const queue: { request: Request; start: number; end: number }[] = [];
  const pending = new Map<number, Job & { request: Request }>();
  const inFlight = new Map<Worker, number>();
  let nextId = 0;
  const failAll = (error: Error): void => {
    const requests = new Set<Request>([
      ...[...pending.values()].map((j) => j.request),
      ...queue.map((q) => q.request),
    ]);
    for (const request of requests) {
      if (request.settled) continue;
      request.settled = true;
      request.reject(error);
    }
    pending.clear();
    queue.length = 0;
  };
  const pump = (): void => {
    for (const worker of workers) {
      while ((inFlight.get(worker) ?? 0) < 2 && queue.length > 0) {
        const next = queue.shift() as (typeof queue)[number];
        if (next.request.settled) continue;
        const batch: SignatureItem[] = [];
        for (let i = next.start; i < next.end; i++) {
          const r = next.request.items[i] as SignatureItem;
          batch.push({ signedText: r.signedText, signature: r.signature, keyId: r.keyId });
        }
        const job = { id: nextId++, start: next.start, items: batch, request: next.request };
        pending.set(job.id, job);
        inFlight.set(worker, (inFlight.get(worker) ?? 0) + 1);
        worker.postMessage({ kind: 'batch', id: job.id, items: batch } satisfies ToWorker);
      }
    }
  };
  for (const worker of workers) {
    worker.on('message', (m: FromWorker) => {
      if (m.kind === 'ready') return;
      const job = pending.get(m.id);
      inFlight.set(worker, Math.max(0, (inFlight.get(worker) ?? 1) - 1));
      if (job === undefined) return;
      pending.delete(m.id);
      const request = job.request;
      if (m.kind === 'failed') {
        failAll(new VerifyPoolError(`Vérification des signatures impossible : ${m.message}`));
        return;
      }
      if (!request.settled) {
        request.statuses.set(m.statuses, job.start);
        request.done += job.items.length;
        request.onProgress?.(request.done, request.items.length);
        if (request.done === request.items.length) {
          request.settled = true;
          request.resolve(request.statuses);
        }
      }
      pump();
    });
    worker.on('error', (error: Error) => {
      failAll(new VerifyPoolError(`Un processus de vérification s'est arrêté : ${error.message}`));
    });
  }
  const verifySignatures = (
    items: readonly SignatureItem[],
    onProgress?: ProgressListener,
  ): Promise<Uint8Array> => {
    if (closed) return Promise.reject(new VerifyPoolError('La vérification parallèle est arrêtée.'));
    return new Promise<Uint8Array>((resolve, reject) => {
      const request: Request = {
        items,
        statuses: new Uint8Array(items.length),
        onProgress,
        done: 0,
        settled: false,
        resolve,
        reject,
      };
      if (items.length === 0) {
        request.settled = true;
        resolve(request.statuses);
        return;
      }
      for (let start = 0; start < items.length; start += batchSize) {
        queue.push({ request, start, end: Math.min(items.length, start + batchSize) });
      }
      pump();
    });
  };
  const stop = async (): Promise<void> => {
    failAll(new VerifyPoolError('La vérification parallèle est arrêtée.'));
    await close();
  };
  return { size, verifySignatures, close: stop };
}

/**
 * Verifies a journal with the signature checks spread over a worker pool, then the sequential checks
 * on this thread. Same report as `verifyJournal` from src/fiscal/verify.ts.
 */
export async function verifyJournalInParallel(
  records: readonly JournalRecord[],
  publicKeysById: ReadonlyMap<string, KeyObject>,
  expectedHeads: readonly ChainHead[] = [],
  options: VerifyPoolOptions & { readonly onProgress?: ProgressListener } = {},
): Promise<VerificationReport> {
  const pool = await startVerifyPool(publicKeysById, options);
  try {
    const signatures = pool.verifySignatures(records, options.onProgress);
    // While the workers check signatures, this thread rebuilds the signed texts, in slices so that it
    // keeps answering the workers.
    const texts = new Uint8Array(records.length);
    for (let from = 0; from < records.length; from += TEXT_SLICE) {
      checkSignedTexts(records, from, Math.min(records.length, from + TEXT_SLICE), texts);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    return checkJournal(records, await signatures, publicKeysById, expectedHeads, texts);
  } finally {
    await pool.close();
  }
}
