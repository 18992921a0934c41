import { createRequire } from 'node:module';
import { identifySoftware, type SoftwareIdentity } from '../store/software-files.ts';

const require = createRequire(import.meta.url);
const pkg = require('../../package.json') as { version: string };

/** The software version, as package.json gives it. */
export const VERSION: string = pkg.version;

let identity: SoftwareIdentity | undefined;

/**
 * The installed software's identity and integrity (checklist items 51, 53), computed once per process:
 * the files do not change under a running server, and hashing them takes a few tens of milliseconds.
 */
export function softwareIdentity(): SoftwareIdentity {
  identity ??= identifySoftware();
  return identity;
}
