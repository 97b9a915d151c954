/** What the command-line tools (seed, import) share: usage errors, Ctrl-C handling, formatting. */

/** A problem with the command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/** The message for a bad command line (ours, or node:util parseArgs'), or undefined for other errors. */
export function usageProblem(error: unknown): string | undefined {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return (error as Error).message;
  return undefined;
}

/**
 * The first Ctrl-C (or SIGTERM) aborts the returned signal, so the work rolls back cleanly; a
 * second one exits at once with 130.
 */
export function abortOnInterrupt(): AbortController {
  const abort = new AbortController();
  const interrupted = () => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\ninterrupted: rolling back…\n');
    abort.abort(new Error('interrupted'));
  };
  process.on('SIGINT', interrupted);
  process.on('SIGTERM', interrupted);
  return abort;
}

/** "1m 05s", "12.3s". */
export function duration(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m ${String(Math.floor(seconds % 60)).padStart(2, '0')}s`;
}

/** 1,234,567 */
export const count = (n: number): string => n.toLocaleString('en-US');
