/**
 * The server's configuration: defaults that work out of the box, then a JSON file
 * (`<data>/comptoir.json`, or `COMPTOIR_CONFIG`), then environment variables, then command-line
 * options. Every value is checked: a bad one stops the start with a French message.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const serverConfigSchema = z.strictObject({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(3000),
  /** Largest request body, bytes. */
  bodyLimit: z.number().int().min(1024).max(10_485_760).default(65_536),
  /** Sessions last this many hours after login. */
  sessionHours: z.number().int().min(1).max(168).default(12),
  /** Failed PIN attempts allowed per user and register (and per client address) in the window. */
  pinMaxAttempts: z.number().int().min(1).max(100).default(5),
  pinWindowSeconds: z.number().int().min(1).max(86_400).default(300),
  pinLockSeconds: z.number().int().min(1).max(86_400).default(300),
  /** Seed of the demo shop created on first run. */
  demoSeed: z.number().int().min(0).default(1),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

export class ConfigError extends Error {}

const ENV: Readonly<Record<string, keyof ServerConfig>> = {
  COMPTOIR_HOST: 'host',
  COMPTOIR_PORT: 'port',
  PORT: 'port',
  COMPTOIR_BODY_LIMIT: 'bodyLimit',
  COMPTOIR_SESSION_HOURS: 'sessionHours',
  COMPTOIR_PIN_MAX_ATTEMPTS: 'pinMaxAttempts',
  COMPTOIR_PIN_WINDOW_SECONDS: 'pinWindowSeconds',
  COMPTOIR_PIN_LOCK_SECONDS: 'pinLockSeconds',
  COMPTOIR_DEMO_SEED: 'demoSeed',
  COMPTOIR_LOG_LEVEL: 'logLevel',
};
const TEXT_KEYS: ReadonlySet<keyof ServerConfig> = new Set(['host', 'logLevel']);

export function parseConfig(input: unknown, origin: string): ServerConfig {
  const result = serverConfigSchema.safeParse(input, { error: z.locales.fr().localeError });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw new ConfigError(`Configuration invalide (${origin}) : ${issue?.path.join('.')} : ${issue?.message}`);
}

/** Reads the configuration for the data directory `dataDir`. */
export function loadConfig(
  dataDir: string,
  env: Readonly<Record<string, string | undefined>>,
  overrides: ServerConfigInput = {},
): ServerConfig {
  const file = env.COMPTOIR_CONFIG ?? join(dataDir, 'comptoir.json');
  let fromFile: Record<string, unknown> = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`Fichier de configuration illisible (${file}) : ${String(error)}`);
    }
    parseConfig(fromFile, file);
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) {
    const value = env[name];
    if (value === undefined || value === '') continue;
    fromEnv[key] = TEXT_KEYS.has(key) ? value : Number(value);
  }
  parseConfig({ ...fromFile, ...fromEnv }, 'variables d’environnement');
  return parseConfig({ ...fromFile, ...fromEnv, ...overrides }, 'options');
}
