import 'reflect-metadata';
import { ROLES, startGateway, type Role } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';

/**
 * `npm start` (api + worker), `npm run api`, `npm run worker`. Ctrl-C / SIGTERM stop everything
 * cleanly; the exit code is 0 after a clean stop and 1 when starting or stopping failed.
 */
async function main(): Promise<number> {
  const role = (process.argv[2] ?? 'all') as Role;
  if (!ROLES.includes(role)) {
    process.stderr.write(`Unknown role "${role}". Use one of: ${ROLES.join(', ')}.\n`);
    return 2;
  }
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return 2;
  }
  const logger = createLogger(config);
  const started = Date.now();
  // Listen before starting: a Ctrl-C during a long first start (demo data) still stops cleanly.
  const stopSignal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  let gateway;
  try {
    gateway = await startGateway(config, logger, role);
  } catch (error) {
    logger.fatal({ err: error }, 'the gateway could not start');
    return 1;
  }
  printBanner(role, gateway.url, gateway.demoApiKey, Date.now() - started);

  const signal = await stopSignal;
  logger.info({ signal }, 'stopping');
  // A second signal while stopping means "now".
  const force = () => process.exit(130);
  process.once('SIGINT', force).once('SIGTERM', force);
  try {
    await gateway.stop();
    logger.info('stopped cleanly');
    return 0;
  } catch (error) {
    logger.error({ err: error }, 'stopping failed');
    return 1;
  }
}

function printBanner(role: Role, url: string | undefined, apiKey: string | undefined, ms: number): void {
  const lines = [``, `Lead export gateway is running (${role === 'all' ? 'API + worker' : role}), started in ${ms} ms`];
  if (url) {
    lines.push(`GraphQL:  ${url}/graphql   (HTTP, and graphql-ws on the same path)`);
    lines.push(`REST:     ${url}/api/v1/`);
  }
  if (apiKey) {
    lines.push(`API key: ${apiKey}`);
    if (url) {
      lines.push(
        `Try:      curl -s -u '${apiKey}:' -H 'Content-Type: application/json' \\`,
        `            -d '{"query":"{ me { user { email } organization { name } } }"}' ${url}/graphql`,
      );
    }
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
