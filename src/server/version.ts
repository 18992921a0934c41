import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { version: string };

/** The software version, as package.json gives it. */
export const VERSION: string = pkg.version;
