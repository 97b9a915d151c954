import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { ShutdownStack } from '../src/shutdown-stack.js';

/** A real pino logger whose JSON lines land in `lines`. */
function capturingLogger() {
  const lines: { level: number; msg: string; step?: string; waitingMs?: number }[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, sink), lines };
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

describe('ShutdownStack', () => {
  it('stops the parts in reverse order, and every part even when one fails; the failure is thrown after', async () => {
    const { logger, lines } = capturingLogger();
    const stack = new ShutdownStack(logger);
    const stopped: string[] = [];
    stack.push('database', async () => void stopped.push('database'));
    stack.push('job queue', async () => {
      throw new Error('pool exploded');
    });
    stack.push('HTTP server', async () => void stopped.push('HTTP server'));

    await expect(stack.stopAll()).rejects.toThrow('pool exploded');
    expect(stopped).toEqual(['HTTP server', 'database']);
    expect(lines.find((l) => l.level === 50)).toMatchObject({ msg: 'stopping the job queue failed', step: 'job queue' });
    await stack.stopAll(); // nothing is stopped twice
    expect(stopped).toEqual(['HTTP server', 'database']);
  });

  it('names a part that takes long to stop, while it does', async () => {
    const { logger, lines } = capturingLogger();
    const stack = new ShutdownStack(logger, 50);
    stack.push('database', async () => {});
    stack.push('job queue', () => pause(200));
    await stack.stopAll();

    const waits = lines.filter((l) => l.msg === 'still stopping the job queue');
    expect(waits.length).toBeGreaterThanOrEqual(1); // about 4; fewer when the machine is busy
    expect(waits.every((l) => l.level === 40 && l.step === 'job queue' && l.waitingMs! >= 50)).toBe(true);
    expect(lines.some((l) => l.msg === 'still stopping the database')).toBe(false);
    expect(lines.filter((l) => l.level === 20).map((l) => l.msg)).toEqual(['stopped the job queue', 'stopped the database']);
  });
});
