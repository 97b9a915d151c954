import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

export const PROJECT_ROOT = path.resolve(import.meta.dirname, '../..');

export type GatewayProcess = {
  child: ChildProcess;
  output(): string;
  /** Resolves with the first match of `pattern` in stdout+stderr, or rejects at the deadline. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

/**
 * Runs the gateway in a real child process: `src/main.ts` the way `npm start` does (tsx), or with
 * `compiled` the build in `dist/` the way `npm run start:prod` does (plain Node).
 */
export function spawnGateway(args: string[], env: Record<string, string>, options: { compiled?: boolean } = {}): GatewayProcess {
  const entry = options.compiled
    ? ['--enable-source-maps', path.join(PROJECT_ROOT, 'dist/src/main.js')]
    : ['--import', 'tsx', path.join(PROJECT_ROOT, 'src/main.ts')];
  const child = spawn(process.execPath, [...entry, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const listeners = new Set<() => void>();
  const append = (chunk: Buffer) => {
    output += chunk.toString('utf8');
    for (const listener of listeners) listener();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const listener of listeners) listener();
    }),
  );
  return {
    child,
    output: () => output,
    exited,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            cleanup();
            resolve(match);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            cleanup();
            reject(new Error(`process exited before printing ${pattern}:\n${output}`));
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${pattern}:\n${output}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
  };
}

export type CommandRun = { code: number | null; stdout: string; stderr: string };

/**
 * Runs one of the command-line tools (`src/cli/<name>.ts`) to completion as `npm run <name>`
 * does (tsx), in a real child process. `tty: true` gives it a terminal (through script(1), which
 * merges the terminal's output into stdout).
 */
export function runCli(name: string, args: string[], env: Record<string, string>, options: { tty?: boolean } = {}): Promise<CommandRun> {
  const command = [process.execPath, '--import', 'tsx', path.join(PROJECT_ROOT, `src/cli/${name}.ts`), ...args];
  const [file, argv] = options.tty
    ? ['script', ['-qefc', command.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' '), '/dev/null']]
    : [command[0], command.slice(1)];
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd: PROJECT_ROOT, env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
