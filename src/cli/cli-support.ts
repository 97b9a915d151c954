/** What the command-line tools (seed, import) share: the command line, Ctrl-C, progress, formatting. */

/** A problem with the command line: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/** The message for a bad command line (ours, or node:util parseArgs'), or undefined for other errors. */
function usageProblem(error: unknown): string | undefined {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) return (error as Error).message;
  return undefined;
}

/**
 * Parses the command line with `parse`. `--help` prints `usage` to stdout (exit code 0); a bad
 * command line prints the problem and `usage` to stderr (exit code 2).
 */
export function parseCommandLine<T>(parse: (argv: string[]) => T | 'help', usage: string): { args: T } | { exitCode: number } {
  try {
    const args = parse(process.argv.slice(2));
    if (args !== 'help') return { args };
    process.stdout.write(usage);
    return { exitCode: 0 };
  } catch (error) {
    process.stderr.write(`error: ${usageProblem(error) ?? String(error)}\n\n${usage}`);
    return { exitCode: 2 };
  }
}

/**
 * Progress lines on stderr: redrawn in place on a terminal; elsewhere (logs, CI) a line at most
 * every `everyMs`, and whenever `force` says so (a change of phase, the last line).
 */
export function progressWriter(everyMs: number) {
  const tty = process.stderr.isTTY === true;
  let lastLine = 0;
  let drawn = false;
  return {
    write(line: string, force = false): void {
      const now = Date.now();
      if (tty) {
        process.stderr.write(`\r\x1b[2K${line}`);
        drawn = true;
      } else if (force || now - lastLine >= everyMs) {
        process.stderr.write(`${line}\n`);
        lastLine = now;
      }
    },
    /** Ends the line drawn in place, so what follows starts on a line of its own. */
    end(): void {
      if (drawn) process.stderr.write('\n');
      drawn = false;
    },
  };
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
