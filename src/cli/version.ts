import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { name: string; version: string };

/** The software name and version, recorded in every fiscal record and printed on receipts. */
export const SOFTWARE_NAME = 'Comptoir';
export const VERSION: string = pkg.version;
