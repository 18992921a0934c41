/**
 * CSV import from the back office (issue 8): `POST /api/import/:kind` takes the file itself as the
 * request's body (`content-type: text/csv`, at most `IMPORT_LIMIT` bytes), writes it to a temporary file
 * and checks it whole first (encoding, quoting, header: a broken file is refused with a 4xx and nothing
 * is written). It then answers 202 with a job, which imports in batches in the background; the back office
 * polls `GET /api/import/jobs/:id` for `{ done, total, finished, report? }`. A job rather than a stream of
 * progress lines: the answer does not depend on a connection held open for the length of a long import,
 * and the page can ask again after a reload. One import runs at a time (409 `IMPORT_RUNNING` otherwise).
 * Like `comptoir import`, every import is journaled as a JET 1050 IMPORT on every register.
 */
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { type CsvKind, checkCsvFile } from '../../store/csv.ts';
import { importAndJournal } from '../../store/import-journal.ts';
import type { JournalContext } from '../../store/journal/core.ts';
import type { AppContext } from '../context.ts';
import { sessionOf } from '../context.ts';
import { ApiError, notFound, toApiError } from '../errors.ts';
import {
  authorizationOfQuery,
  CSV_KINDS,
  errorSchema,
  importJobView,
  queryAuthorization,
} from '../schemas.ts';
import { type Api, answers } from './kit.ts';

/** The largest CSV file accepted, bytes. */
export const IMPORT_LIMIT = 50 * 1024 * 1024;
/** Finished jobs kept for their report. */
const KEPT_JOBS = 20;

type JobView = z.output<typeof importJobView>;

interface Job {
  view: JobView;
  run: Promise<void>;
}

class TooLarge extends Error {}

/** Copies `source` to `file`, refusing past `limit` bytes. */
async function saveBody(source: Readable, file: string, limit: number): Promise<void> {
  let size = 0;
  await pipeline(
    source,
    async function* (chunks: AsyncIterable<Buffer>) {
      for await (const chunk of chunks) {
        size += chunk.length;
        if (size > limit) throw new TooLarge();
        yield chunk;
      }
    },
    createWriteStream(file, { flags: 'wx' }),
  );
}

const isCsv = (contentType: string | undefined) =>
  (contentType ?? '').split(';')[0]?.trim().toLowerCase() === 'text/csv';

export function importRoutes(api: Api, ctx: AppContext, journal: JournalContext): void {
  const jobs = new Map<string, Job>();
  let running: Job | null = null;

  const forgetOld = () => {
    const finished = [...jobs.values()].filter((j) => j.view.finished);
    for (const job of finished.slice(0, Math.max(0, finished.length - KEPT_JOBS))) jobs.delete(job.view.id);
  };

  const start = (kind: CsvKind, name: string, dir: string, file: string, total: number, operator: string) => {
    const view: JobView = { id: randomUUID(), kind, file: name, total, done: 0, finished: false };
    const run = (async () => {
      try {
        const { report, failures } = await importAndJournal(ctx.db, journal, {
          kind,
          file,
          name,
          operator,
          options: {
            now: ctx.clock(),
            onProgress: (done) => {
              view.done = done;
            },
          },
        });
        for (const { register, error } of failures) {
          process.stderr.write(
            `Attention : import non journalisé pour la caisse ${register} (${error.message}).\n`,
          );
        }
        view.report = { ...report, rejected: [...report.rejected] };
      } catch (error) {
        const known = toApiError(error);
        if (known === undefined) process.stderr.write(`Import interrompu : ${(error as Error).stack}\n`);
        view.error = (
          known ?? new ApiError(500, 'IMPORT_FAILED', 'L’import s’est arrêté sur une erreur interne')
        ).body();
      } finally {
        view.finished = true;
        running = null;
        await rm(dir, { recursive: true, force: true });
        forgetOld();
      }
    })();
    const job = { view, run };
    jobs.set(view.id, job);
    running = job;
    return job;
  };

  api.addHook('onClose', async () => {
    await running?.run;
  });

  // The CSV body is handed over as a stream, in this scope only: every other route takes JSON.
  api.register(async (scope) => {
    scope.addContentTypeParser('text/csv', (_request, payload, done) => done(null, payload));
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/import/:kind',
      {
        schema: {
          tags: ['articles'],
          summary:
            'Importer un fichier CSV d’articles ou de clients (corps text/csv) : 202 et une tâche à suivre',
          description:
            'Le corps est le fichier lui-même (UTF-8, « ; » ou « , », 50 Mo au plus). Un fichier illisible est refusé sans rien écrire ; sinon la réponse 202 donne la tâche, à suivre par GET /api/import/jobs/:id.',
          params: z.strictObject({ kind: z.enum(CSV_KINDS) }),
          querystring: z.strictObject({
            ...queryAuthorization,
            name: z.string().max(200).optional().describe('Nom du fichier, pour le journal'),
          }),
          response: { 202: importJobView, '4xx': errorSchema, '5xx': errorSchema },
        },
      },
      async (request, reply) => {
        const body = request.body as unknown;
        const stream =
          body !== null && typeof body === 'object' && 'pipe' in body ? (body as Readable) : null;
        try {
          if (stream === null || !isCsv(request.headers['content-type'])) {
            throw new ApiError(
              415,
              'UNSUPPORTED_MEDIA_TYPE',
              'Type de contenu non pris en charge : envoyez le fichier CSV (text/csv)',
            );
          }
          const session = sessionOf(request);
          const { kind } = request.params;
          const name = (request.query.name ?? `${kind}.csv`).replace(/[\\/]/g, '_');
          const granted = await ctx.rights.require(
            session,
            'manage_catalogue',
            authorizationOfQuery(request.query),
            request.ip,
            `import CSV (${kind})`,
          );
          if (running !== null) {
            throw new ApiError(409, 'IMPORT_RUNNING', 'Un import est déjà en cours : attendez qu’il finisse');
          }
          const dir = await mkdtemp(join(tmpdir(), 'comptoir-import-'));
          const file = join(dir, 'import.csv');
          let total: number;
          try {
            await saveBody(stream, file, IMPORT_LIMIT).catch((error: unknown) => {
              if (error instanceof TooLarge) {
                throw new ApiError(413, 'BODY_TOO_LARGE', 'Fichier trop volumineux (50 Mo au plus)');
              }
              throw error;
            });
            ({ records: total } = await checkCsvFile(file, kind));
          } catch (error) {
            await rm(dir, { recursive: true, force: true });
            throw error;
          }
          if (running !== null) {
            await rm(dir, { recursive: true, force: true });
            throw new ApiError(409, 'IMPORT_RUNNING', 'Un import est déjà en cours : attendez qu’il finisse');
          }
          const job = start(kind, name, dir, file, total, granted.authorizer ?? granted.operator);
          return reply.code(202).send(job.view);
        } finally {
          // A refused upload is read to its end, so that the answer reaches the client.
          if (stream !== null && !stream.readableEnded) stream.resume();
        }
      },
    );
  });

  api.get(
    '/api/import/jobs/:id',
    {
      schema: {
        tags: ['articles'],
        summary: 'Où en est un import CSV : lignes traitées, et le compte rendu une fois fini',
        params: z.strictObject({ id: z.string().max(64) }),
        querystring: z.strictObject({}),
        response: answers(importJobView),
      },
    },
    async (request) => {
      const job = jobs.get(request.params.id);
      if (job === undefined) throw notFound('UNKNOWN_IMPORT_JOB', `Import inconnu : ${request.params.id}`);
      return job.view;
    },
  );
}
