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
  if (pretty) {
    return pino({
      level: config.logLevel,
      transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss.l', destination: fd } },
    });
  }
  return pino({ level: config.logLevel }, pino.destination({ fd, sync: true }));
}
