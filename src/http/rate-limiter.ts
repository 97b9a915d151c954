export type RateDecision = { allowed: boolean; limit: number; remaining: number; resetSeconds: number };

/**
 * A fixed-window request counter per key (per API key, like Close's per-key limit). In memory,
 * so with several API processes each one counts on its own: the effective limit is per process.
 */
export function createRateLimiter(options: { limit: number; windowSeconds: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  const windowMs = options.windowSeconds * 1000;
  const windows = new Map<string, { start: number; count: number }>();
  let lastSweep = now();

  return {
    windowSeconds: options.windowSeconds,
    take(key: string): RateDecision {
      const t = now();
      if (t - lastSweep > 10 * windowMs) {
        for (const [k, w] of windows) if (t - w.start >= windowMs) windows.delete(k);
        lastSweep = t;
      }
      let window = windows.get(key);
      if (!window || t - window.start >= windowMs) {
        window = { start: t, count: 0 };
        windows.set(key, window);
      }
      window.count += 1;
      const resetSeconds = Math.max(1, Math.ceil((window.start + windowMs - t) / 1000));
      return {
        allowed: window.count <= options.limit,
        limit: options.limit,
        remaining: Math.max(0, options.limit - window.count),
        resetSeconds,
      };
    },
  };
}
