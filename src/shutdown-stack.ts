import type { Logger } from './logger.js';

/** What a step is called in the logs ("HTTP server", "job queue", …) and how it stops. */
type Step = { name: string; stop: () => Promise<void> };

/**
 * The parts of a running process, stopped in the reverse order they were started. Every part is
 * stopped even when one fails (a failed HTTP close must not leave PostgreSQL running); the first
 * failure is thrown once all are done. A part that takes long is named in the log every
 * `warnEveryMs`, so a stop that hangs says where.
 */
export class ShutdownStack {
  private readonly steps: Step[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly warnEveryMs = 10_000,
  ) {}

  push(name: string, stop: () => Promise<void>): void {
    this.steps.push({ name, stop });
  }

  async stopAll(): Promise<void> {
    const failures: unknown[] = [];
    for (let step = this.steps.pop(); step; step = this.steps.pop()) {
      const started = Date.now();
      const { name } = step;
      const timer = setInterval(() => this.logger.warn({ step: name, waitingMs: Date.now() - started }, `still stopping the ${name}`), this.warnEveryMs);
      try {
        await step.stop();
        this.logger.debug({ step: name, ms: Date.now() - started }, `stopped the ${name}`);
      } catch (error) {
        this.logger.error({ err: error, step: name }, `stopping the ${name} failed`);
        failures.push(error);
      } finally {
        clearInterval(timer);
      }
    }
    if (failures.length > 0) throw failures[0];
  }
}
