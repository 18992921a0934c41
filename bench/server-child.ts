/** The server of `npm run bench:server`, in its own process: serves the store in argv[2]. */
import { startTestServer } from '../src/server/testing.ts';

const dir = process.argv[2];
if (dir === undefined) throw new Error('dossier manquant');
const server = await startTestServer({ dir });
process.stdout.write(`URL ${server.url}\n`);
process.once('SIGTERM', () => {
  server.close(true).then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
