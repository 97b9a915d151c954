import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from './helpers/process.js';

/** Logs one error the way a dropped pg connection reports it, in a child process; returns the parsed lines of stdout and stderr. */
async function logInChild(to: 'stdout' | 'stderr') {
  const script = `
    import { createLogger } from './src/logger.ts';
    const error = Object.assign(new Error('terminating connection'), { code: '57P01', client: { connection: 'x'.repeat(5000) } });
    createLogger({ logLevel: 'info', logFormat: 'json' }, { to: '${to}' }).warn({ err: error }, 'connection lost');`;
  const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: PROJECT_ROOT });
  const parse = (text: string) => text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as Record<string, any>);
  return { stdout: parse(stdout), stderr: parse(stderr) };
}

describe('the logger', () => {
  it('writes JSON lines to stdout, or to stderr for the command-line tools', async () => {
    const toStdout = await logInChild('stdout');
    expect(toStdout.stderr).toEqual([]);
    expect(toStdout.stdout).toHaveLength(1);
    const toStderr = await logInChild('stderr');
    expect(toStderr.stdout).toEqual([]);
    expect(toStderr.stderr[0].msg).toBe('connection lost');
  });

  it("keeps an error's message and code but not the pg client hung on it", async () => {
    const [line] = (await logInChild('stdout')).stdout;
    expect(line.err).toMatchObject({ type: 'Error', message: 'terminating connection', code: '57P01' });
    expect(line.err).not.toHaveProperty('client');
  });
});
