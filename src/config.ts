import path from 'node:path';
import { z } from 'zod';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: optionalString.pipe(z.url().optional()),
  DATA_DIR: z.string().default('./.data'),
  DATABASE_URL: optionalString.pipe(z.url().optional()),
  EMBEDDED_PG_PORT: z.coerce.number().int().min(1).max(65535).default(54329),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  DEMO_LEADS: z.coerce.number().int().min(0).default(3000),
  DEMO_SEED: z.coerce.number().int().default(42),
  SMTP_URL: optionalString.pipe(z.url().optional()),
  MAIL_FROM: z.string().default('Lead Export Gateway <exports@localhost>'),
  DB_POOL_MAX: z.coerce.number().int().min(2).default(10),
  SIGNING_SECRET: optionalString,
  EXPORTS_DIR: optionalString,
  EXPORT_RETENTION: z.string().default('7d'),
  DOWNLOAD_LINK_TTL: z.string().default('10m'),
  EXPORT_CONCURRENCY_PER_ORG: z.coerce.number().int().min(1).default(2),
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).default(4),
  EXPORT_LOCK_LIFETIME: z.string().default('30s'),
  JOB_POLL_INTERVAL: z.string().default('5s'),
  MAINTENANCE_INTERVAL: z.string().default('1m'),
  EXPORT_GZIP_LEVEL: z.coerce.number().int().min(1).max(9).default(6),
  RATE_LIMIT_PER_SECOND: z.coerce.number().int().min(1).default(20),
  RATE_LIMIT_WINDOW: z.string().default('1s'),
});

function atLeast(name: string, ms: number, minimumMs: number): number {
  if (ms < minimumMs) throw new ConfigError(`Invalid configuration: ${name}: must be at least ${minimumMs / 1000}s`);
  return ms;
}

/** "90s", "15m", "12h", "7d", or a plain number of seconds. */
function parseDuration(name: string, text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!match) throw new ConfigError(`Invalid configuration: ${name}: "${text}" is not a duration like 90s, 15m, 12h or 7d`);
  const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const unitMs = units[match[2] ?? 's']!;
  return Math.round(Number(match[1]) * unitMs);
}

export type Config = Readonly<{
  port: number;
  host: string;
  /** Base of links we hand out (download URLs, emails); defaults to http://localhost:PORT. */
  publicUrl: string | undefined;
  dataDir: string;
  /** When unset, an embedded PostgreSQL is started under `dataDir`. */
  databaseUrl: string | undefined;
  embeddedPgPort: number;
  logLevel: z.infer<typeof schema>['LOG_LEVEL'];
  logFormat: z.infer<typeof schema>['LOG_FORMAT'];
  demoLeads: number;
  demoSeed: number;
  smtpUrl: string | undefined;
  mailFrom: string;
  dbPoolMax: number;
  /** Signs download links; when unset, a secret is generated once and shared through the database. */
  signingSecret: string | undefined;
  exportsDir: string;
  exportRetentionMs: number;
  /** Lifetime of the download URLs in API responses (minted fresh on every read). */
  downloadLinkTtlMs: number;
  exportConcurrencyPerOrg: number;
  workerConcurrency: number;
  /** A worker that stops touching a running export for this long loses it to another worker. */
  exportLockLifetimeMs: number;
  jobPollIntervalMs: number;
  /** How often expired files are deleted and lost jobs re-queued. */
  maintenanceIntervalMs: number;
  exportGzipLevel: number;
  /** REST requests one API key may make per window (`rateLimitWindowMs`); Close allows about 20 a second. */
  rateLimitPerSecond: number;
  rateLimitWindowMs: number;
}>;

/** Thrown when the environment does not describe a runnable gateway; says which variable to fix. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * The one reader of the environment. Entry points call it once with `process.env`; tests call
 * it with a literal object.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new ConfigError(`Invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir,
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    demoLeads: e.DEMO_LEADS,
    demoSeed: e.DEMO_SEED,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    dbPoolMax: e.DB_POOL_MAX,
    signingSecret: e.SIGNING_SECRET,
    exportsDir: path.resolve(e.EXPORTS_DIR ?? path.join(dataDir, 'exports')),
    exportRetentionMs: parseDuration('EXPORT_RETENTION', e.EXPORT_RETENTION),
    downloadLinkTtlMs: parseDuration('DOWNLOAD_LINK_TTL', e.DOWNLOAD_LINK_TTL),
    exportConcurrencyPerOrg: e.EXPORT_CONCURRENCY_PER_ORG,
    workerConcurrency: e.WORKER_CONCURRENCY,
    exportLockLifetimeMs: atLeast('EXPORT_LOCK_LIFETIME', parseDuration('EXPORT_LOCK_LIFETIME', e.EXPORT_LOCK_LIFETIME), 3000),
    jobPollIntervalMs: parseDuration('JOB_POLL_INTERVAL', e.JOB_POLL_INTERVAL),
    maintenanceIntervalMs: parseDuration('MAINTENANCE_INTERVAL', e.MAINTENANCE_INTERVAL),
    exportGzipLevel: e.EXPORT_GZIP_LEVEL,
    rateLimitPerSecond: e.RATE_LIMIT_PER_SECOND,
    rateLimitWindowMs: atLeast('RATE_LIMIT_WINDOW', parseDuration('RATE_LIMIT_WINDOW', e.RATE_LIMIT_WINDOW), 1000),
  });
}
