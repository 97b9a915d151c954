import type { Knex } from '../db/knex.js';
import type { Logger } from '../logger.js';

export type RateDecision = { allowed: boolean; limit: number; remaining: number; resetSeconds: number };

/** How much more an organization may make than one of its keys (Close: org limit = 3 × key limit). */
export const ORGANIZATION_LIMIT_FACTOR = 3;

const SWEEP_EVERY_MS = 60_000;

/**
 * Close's REST rate limit: a fixed window of `windowSeconds`, starting at a key's first request,
 * in which one API key may make `limit` requests and its organization `3 × limit`. The counters
 * live in PostgreSQL (`rate_limit_windows`), so every API process counts against the same
 * limits, on the database's clock.
 *
 * If the counters cannot be reached the request is let through: a limiter must not turn a
 * database hiccup into refused requests on top of the failure.
 */
export function createRateLimiter(options: { knex: Knex; limit: number; windowSeconds: number; logger?: Logger }) {
  const { knex, limit, windowSeconds } = options;
  let lastSweep = 0;

  return {
    windowSeconds,
    async take(key: { credentialId: string; organizationId: string }): Promise<RateDecision> {
      const keyLimit = { name: `key:${key.credentialId}`, limit };
      const orgLimit = { name: `org:${key.organizationId}`, limit: limit * ORGANIZATION_LIMIT_FACTOR };
      let counts: { key: string; count: number; ms_left: number }[];
      try {
        // Keys in a fixed order (key, then organization): concurrent upserts never deadlock.
        const result = await knex.raw<{ rows: { key: string; count: number; ms_left: number }[] }>(
          `INSERT INTO rate_limit_windows AS r (key, window_end, count)
           SELECT k.key, now() + make_interval(secs => ?), 1
           FROM unnest(CAST(? AS text[])) WITH ORDINALITY AS k(key, n)
           ORDER BY k.n
           ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN r.window_end <= now() THEN 1 ELSE r.count + 1 END,
             window_end = CASE WHEN r.window_end <= now() THEN excluded.window_end ELSE r.window_end END
           RETURNING r.key, r.count, (extract(epoch FROM r.window_end - now()) * 1000)::bigint AS ms_left`,
          [windowSeconds, [keyLimit.name, orgLimit.name]],
        );
        counts = result.rows;
      } catch (error) {
        options.logger?.warn({ err: error }, 'rate limit counters unavailable; letting the request through');
        return { allowed: true, limit, remaining: limit, resetSeconds: windowSeconds };
      }
      sweepOldWindows();

      const decisions = [keyLimit, orgLimit].map(({ name, limit: max }) => {
        const row = counts.find((r) => r.key === name)!;
        return {
          allowed: row.count <= max,
          limit: max,
          remaining: Math.max(0, max - row.count),
          resetSeconds: Math.max(1, Math.ceil(Number(row.ms_left) / 1000)),
        };
      });
      // The headers describe the limit that binds: the one refusing, else the key's.
      return decisions.find((d) => !d.allowed) ?? decisions[0];
    },
  };

  /** Drops windows that ended a while ago, at most once a minute per process, in the background. */
  function sweepOldWindows(): void {
    const now = Date.now();
    if (now - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now;
    knex('rate_limit_windows')
      .where('window_end', '<', knex.raw(`now() - interval '1 minute'`))
      .delete()
      .catch((error: unknown) => options.logger?.warn({ err: error }, 'could not sweep old rate limit windows'));
  }
}
