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
});

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
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    embeddedPgPort: e.EMBEDDED_PG_PORT,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    demoLeads: e.DEMO_LEADS,
    demoSeed: e.DEMO_SEED,
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    dbPoolMax: e.DB_POOL_MAX,
  });
}
