import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/**
 * Pretty, human-readable lines on a terminal; JSON lines everywhere else (or as configured).
 * The gateway logs to stdout; the command-line tools to stderr (`to: 'stderr'`), which keeps
 * their stdout for the result a script reads.
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, options: { to?: 'stdout' | 'stderr' } = {}): Logger {
  const fd = options.to === 'stderr' ? 2 : 1;
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && (fd === 2 ? process.stderr : process.stdout).isTTY === true);
  const serializers = { err: errorWithoutClient };
  if (pretty) {
    return pino({
      level: config.logLevel,
      serializers,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l', destination: fd } },
    });
  }
  return pino({ level: config.logLevel, serializers }, pino.destination({ fd, sync: true }));
}

/**
 * pino's error serializer, minus the `client` that pg-pool hangs on a connection's error: it
 * would put the whole connection object (kilobytes) into the log line.
 */
function errorWithoutClient(error: Error): Record<string, unknown> {
  const { client: _client, ...serialized } = pino.stdSerializers.err(error) as Record<string, unknown>;
  return serialized;
}
