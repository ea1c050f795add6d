/** Exponential backoff with full jitter (a random wait between 0 and base × 2^attempt, capped). */

export interface RetryOptions {
  /** Total tries, the first included. Default 4. */
  attempts?: number;
  /** Default 100 ms. */
  baseDelayMs?: number;
  /** Default 5 s. */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY = { attempts: 4, baseDelayMs: 100, maxDelayMs: 5_000 } as const;

/** The wait before try `retry` (1 for the first retry). */
export function backoffDelay(retry: number, options: RetryOptions, random: () => number): number {
  const base = options.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs;
  const cap = options.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs;
  return Math.floor(random() * Math.min(cap, base * 2 ** (retry - 1)));
}

export const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
