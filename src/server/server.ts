/**
 * `comptoir serve`: opens (and on first run creates, with the demo shop) the store in the data
 * directory, serves the API, and stops cleanly on SIGTERM or SIGINT: no new request is taken, the
 * validations under way finish, background work stops, the database closes.
 */
import { randomInt } from 'node:crypto';
import { scheduleSync, syncPeriodMs } from '../central/schedule.ts';
import { HeadsError } from '../fiscal/heads.ts';
import { countByStatus } from '../mail/outbox.ts';
import { DEMO_SIRET } from '../store/demo.ts';
import { initStore, isInitialised } from '../store/init.ts';
import { anchorHeads, type HeadsWitness, startProblems, witnessesFromEnv } from '../store/journal/anchors.ts';
import {
  appendJet,
  flushHeads,
  type JournalContext,
  journalRegisters,
  openTillDay,
} from '../store/journal/index.ts';
import { checkRunningStates } from '../store/journal/running-state.ts';
import { openDatabase, resolveDatabaseConfig } from '../store/open-database.ts';
import { printOnlyReceipts } from './adapters.ts';
import { type App, buildApp } from './app.ts';
import { ConfigError, loadConfig, type ServerConfigInput } from './config.ts';
import type { HealthProbes } from './context.ts';
import { type DemoHardware, startDemoHardware } from './demo-hardware.ts';
import { journalBooks, journalEvents, journalHeads, journalHeldTickets } from './journal-adapters.ts';
import { assertPortFree, jsonLine, type LogFormat, logStream, portUnavailable } from './log-format.ts';
import { mailReceipts } from './mail-adapter.ts';
import type { Books, Db, EventJournal, HeldTickets, ReceiptDelivery } from './ports.ts';
import { defaultWebDir } from './static.ts';
import { softwareIdentity, VERSION } from './version.ts';

export interface ServeOptions {
  readonly dataDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly overrides?: ServerConfigInput;
  /** Where the lines for the person at the terminal go. */
  readonly print: (line: string) => void;
  /** One readable line per event (default), or one JSON object per line (`comptoir serve --log`). */
  readonly logFormat?: LogFormat;
  /** The journal's and the server's clock (the end-to-end tests move it past a month's end). */
  readonly clock?: () => Date;
  /** Run a card terminal simulator and a fake printer for register 1 (the demo, `npm start`). */
  readonly demoHardware?: boolean;
}

export interface Plugged {
  readonly books: Books;
  readonly events: EventJournal;
  readonly held: HeldTickets;
  readonly receipts: ReceiptDelivery;
  readonly probes: HealthProbes;
}

/** The capabilities plugged into the server: the fiscal journal, and receipts on paper (`serve` adds e-mail). */
export function plug(journal: JournalContext): Plugged {
  return {
    books: journalBooks(journal),
    events: journalEvents(journal),
    held: journalHeldTickets,
    receipts: printOnlyReceipts(journal),
    probes: { journalHead: journalHeads },
  };
}

function randomPin(): string {
  return randomInt(0, 10_000).toString().padStart(4, '0');
}

export interface RunningServer {
  readonly app: App;
  readonly url: string;
  close(): Promise<void>;
}

function webDirOption(): { webDir?: string } {
  const webDir = defaultWebDir();
  return webDir === undefined ? {} : { webDir };
}

/** How often the server anchors the heads (when they moved: a witness keeps one copy of each). */
export const ANCHOR_EVERY_MS = 5 * 60_000;

/** Sends every register's heads to the witnesses; a failure is journaled (JET 1123), never thrown. */
export async function anchorNow(db: Db, journal: JournalContext): Promise<void> {
  const witnesses = journal.witnesses ?? [];
  if (witnesses.length === 0) return;
  try {
    const failures = await anchorHeads(journal.dataDir, witnesses, await journalRegisters(db));
    for (const { register, failure } of failures) {
      await appendJet(db, journal, Number(register), 'ANCHOR_FAILED', failure, 'SYSTEME');
    }
  } catch (error) {
    process.stderr.write(`Ancrage des têtes de chaîne impossible : ${String(error)}\n`);
  }
}

export async function serve(options: ServeOptions): Promise<RunningServer> {
  const config = loadConfig(options.dataDir, options.env, options.overrides);
  let syncEveryMs: number;
  try {
    syncEveryMs = syncPeriodMs(options.env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  const format = options.logFormat ?? 'text';
  const clock = options.clock ?? (() => new Date());
  const print = format === 'json' ? (line: string) => options.print(jsonLine(line)) : options.print;
  // A busy port is said before anything is created (no demo store, no PINs printed for nothing).
  await assertPortFree(config.host, config.port);
  const { config: dbConfig, notice } = await resolveDatabaseConfig(options.dataDir, options.env);
  if (notice !== undefined) print(notice);
  const db = await openDatabase(dbConfig);
  try {
    if (!(await isInitialised(db))) {
      const pins = { admin: randomPin(), cashier: randomPin(), seller: randomPin() };
      // The demo store has a sender address, so that an e-mailed receipt can leave (seed 000), and a
      // demonstration SIRET (999… : no real company), so that its receipts pass `receipt verify`.
      const summary = await initStore(db, {
        now: new Date(),
        pins,
        demoSeed: config.demoSeed,
        store: {
          name: 'Comptoir démo',
          email: 'magasin@example.fr',
          siret: DEMO_SIRET,
          address1: '12 rue du Commerce',
          postalCode: '75015',
          city: 'Paris',
        },
      });
      print(
        `Premier démarrage : magasin de démonstration créé dans ${options.dataDir} (${summary.articles} articles, ${summary.customers} clients).`,
      );
      print('Utilisateurs de démonstration (notez les codes PIN, ils ne seront plus affichés) :');
      for (const user of summary.users)
        print(`  ${user.code.padEnd(8)} ${user.role.padEnd(8)} PIN ${user.pin}`);
      // The demo register's day opens at once (empty float), so that it sells from the first minute.
      await openTillDay(
        db,
        { dataDir: options.dataDir, now: () => new Date(), softwareVersion: VERSION },
        {
          register: 1,
          operator: 'ADMIN',
          count: { total: 0 },
        },
      );
      print('Journée de la caisse 1 ouverte (fonds de caisse 0,00).');
    }
  } catch (error) {
    await db.destroy();
    throw error;
  }
  let witnesses: HeadsWitness[];
  try {
    witnesses = witnessesFromEnv(options.env, options.dataDir);
    // The journal against its signed heads file and the newest anchors (issue 11 item 2): a database
    // behind, ahead of or other than its heads does not serve until a manager acknowledged it.
    const found = await startProblems(db, options.dataDir, witnesses, await journalRegisters(db));
    if (found.length > 0) {
      throw new ConfigError(
        [
          'Démarrage refusé : le journal fiscal ne correspond pas à ses têtes de chaîne.',
          ...found.map((line) => `  ${line}`),
          'Examinez l’écart (comptoir heads show), puis faites-le reconnaître par un responsable :',
          '  comptoir heads acknowledge --reason "…" --user CODE',
        ].join('\n'),
      );
    }
  } catch (error) {
    await db.destroy();
    throw error instanceof HeadsError ? new ConfigError(error.message) : error;
  }
  let hardware: DemoHardware | undefined;
  if (options.demoHardware === true) hardware = await startDemoHardware(db, print);
  const journal: JournalContext = {
    dataDir: options.dataDir,
    now: clock,
    softwareVersion: VERSION,
    witnesses,
  };
  // The unsigned running columns checked against the signed records (rebuilt, JET 1122).
  for (const register of await checkRunningStates(db, journal)) {
    print(`Caisse ${register} : état courant reconstruit d’après les enregistrements signés (JET 1122).`);
  }
  // E-mailed receipts go through the durable outbox; its worker sends them while the server runs
  // (SMTP_URL, else the store's SMTP settings; without either, messages wait and are retried).
  const plugged: Plugged = {
    ...plug(journal),
    receipts: mailReceipts(db, {
      journal,
      software: { name: 'Comptoir', version: VERSION },
      env: options.env,
      log: (line) => {
        if (config.logLevel !== 'silent') print(line);
      },
    }),
    // Monitoring sees the e-mails still to send (queued, being sent, waiting for a retry).
    probes: {
      journalHead: journalHeads,
      outboxBacklog: async (database) => {
        const counts = await countByStatus(database);
        return counts.queued + counts.sending + counts.retrying;
      },
    },
  };
  const { app } = await buildApp({
    db,
    engine: dbConfig.engine,
    config,
    ...plugged,
    journal,
    clock,
    logger: config.logLevel !== 'silent',
    logStream: logStream(format, options.print),
    ...webDirOption(),
  });
  let url: string;
  try {
    url = await app.listen({ host: config.host, port: config.port });
  } catch (error) {
    await app.close();
    await hardware?.stop();
    await db.destroy();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') throw portUnavailable(config.host, config.port, code);
    throw error;
  }
  const registers = (await db.selectFrom('registers').select('number').orderBy('number').execute()).map(
    (r) => r.number,
  );
  const identity = softwareIdentity();
  const announce = async (kind: 'APPLICATION_START' | 'APPLICATION_STOP') => {
    for (const register of registers) {
      await plugged.events.record(db, {
        kind,
        register,
        operator: 'SYSTEME',
        detail: `version ${VERSION}, empreinte du logiciel sha256:${identity.digest.slice(0, 16)} (${identity.integrity})`,
        at: clock(),
      });
    }
  };
  await announce('APPLICATION_START');
  // The heads sent to the witnesses every 5 minutes (and at each closure, by the journal).
  const anchoring = setInterval(() => void anchorNow(db, journal), ANCHOR_EVERY_MS);
  anchoring.unref();
  // An enrolled store uploads its journal to the head office by itself (docs/multi-store.md).
  const syncing = scheduleSync(db, options.dataDir, { everyMs: syncEveryMs, log: print });
  if (syncing !== undefined) void syncing.runNow();
  print(`Comptoir écoute sur ${url} (API : ${url}/api, OpenAPI : ${url}/api/openapi.json)`);
  let closing: Promise<void> | undefined;
  return {
    app,
    url,
    close() {
      closing ??= (async () => {
        clearInterval(anchoring);
        await syncing?.stop();
        await app.close();
        await announce('APPLICATION_STOP');
        // The chain heads of those last events are on disk before `close` says it is done.
        await flushHeads();
        await hardware?.stop();
        await db.destroy();
      })();
      return closing;
    },
  };
}
