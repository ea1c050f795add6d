/**
 * Pacing for copy-in-place requests. S3 sustains at least 3,500 PUT/COPY and 5,500 GET/HEAD requests per
 * second per prefix and answers 503 SlowDown above that (or on a sudden spike while it scales). A storm of
 * failures must not turn the doctor into the cause of more, so requests go through a token bucket per
 * bucket/prefix set well under those rates, and SlowDown is retried with exponential backoff and jitter.
 */
import { backoffDelay, realSleep } from '../aws/retry.js';
import { readAwsErrorFields } from '../aws/sdk-error.js';
import { CopyThrottledError } from './copy-errors.js';

export { CopyThrottledError } from './copy-errors.js';

/** Time, injectable so tests decide how long a wait lasts. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = { now: () => Date.now(), sleep: realSleep };

export interface PacingOptions {
  /** Sustained requests per second per scope. Default 100: a few percent of S3's per-prefix rate. */
  ratePerSecond?: number;
  /** Requests a scope may send at once after being idle. Default 10. */
  burst?: number;
  /** Tries per request, the first included, while S3 answers SlowDown. Default 5. */
  attempts?: number;
  /** First backoff ceiling; doubles per retry. Default 200 ms. */
  baseDelayMs?: number;
  /** Largest backoff ceiling. Default 10 s. */
  maxDelayMs?: number;
  clock?: Clock;
  /** Jitter source in [0, 1). */
  random?: () => number;
}

export const DEFAULT_PACING = {
  ratePerSecond: 100,
  burst: 10,
  attempts: 5,
  baseDelayMs: 200,
  maxDelayMs: 10_000,
} as const;

/** Beyond this many scopes, idle ones are forgotten, so a warm function does not grow without bound. */
const MAX_SCOPES = 10_000;

const THROTTLE_NAMES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ServiceUnavailable',
]);

/** Whether S3 asked us to slow down: `SlowDown`, or any 503 (which is how S3 and KMS throttling surface). */
export function isSlowDown(error: unknown): boolean {
  const { name, httpStatusCode } = readAwsErrorFields(error);
  return THROTTLE_NAMES.has(name) || httpStatusCode === 503;
}

/**
 * The scope S3 scales by: the bucket and the key's prefix (everything up to the last `/`). Keys in one
 * "folder" share a rate; keys spread over prefixes do not slow each other.
 */
export function pacingScope(bucket: string, key: string): string {
  const slash = key.lastIndexOf('/');
  return `${bucket}/${slash < 0 ? '' : key.slice(0, slash + 1)}`;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

export class RequestPacer {
  private readonly rate: number;
  private readonly burst: number;
  private readonly attempts: number;
  private readonly retry: { baseDelayMs: number; maxDelayMs: number };
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: PacingOptions = {}) {
    this.rate = positive(options.ratePerSecond ?? DEFAULT_PACING.ratePerSecond, 'ratePerSecond');
    this.burst = Math.max(1, positive(options.burst ?? DEFAULT_PACING.burst, 'burst'));
    this.attempts = Math.max(1, Math.floor(options.attempts ?? DEFAULT_PACING.attempts));
    this.retry = {
      baseDelayMs: options.baseDelayMs ?? DEFAULT_PACING.baseDelayMs,
      maxDelayMs: options.maxDelayMs ?? DEFAULT_PACING.maxDelayMs,
    };
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
  }

  /**
   * Takes a token for `scope`, waiting until one is due. The token is reserved before waiting (the count
   * may go negative), so concurrent callers queue behind each other instead of all waking at once.
   */
  async acquire(scope: string): Promise<void> {
    const now = this.clock.now();
    const bucket = this.refilled(scope, now);
    bucket.tokens -= 1;
    if (bucket.tokens >= 0) return;
    await this.clock.sleep(Math.ceil((-bucket.tokens * 1000) / this.rate));
  }

  /**
   * Sends one request at the scope's pace; on SlowDown waits (exponential backoff, full jitter) and sends
   * again, up to the configured tries, then throws `CopyThrottledError`. Other errors pass through untouched.
   * `onAttempt` sees every request actually sent, retries included.
   */
  async run<T>(scope: string, operation: string, send: () => Promise<T>, onAttempt?: () => void): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.acquire(scope);
      try {
        onAttempt?.();
        return await send();
      } catch (error) {
        if (!isSlowDown(error)) throw error;
        if (attempt >= this.attempts) throw new CopyThrottledError(scope, operation, attempt, error);
        await this.clock.sleep(backoffDelay(attempt, this.retry, this.random));
      }
    }
  }

  private refilled(scope: string, now: number): Bucket {
    let bucket = this.buckets.get(scope);
    if (!bucket) {
      if (this.buckets.size >= MAX_SCOPES) this.forgetIdle(now);
      bucket = { tokens: this.burst, updatedAt: now };
      this.buckets.set(scope, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(this.burst, bucket.tokens + (elapsed * this.rate) / 1000);
    bucket.updatedAt = now;
    return bucket;
  }

  private forgetIdle(now: number): void {
    for (const [scope, bucket] of this.buckets) {
      const tokens = bucket.tokens + ((now - bucket.updatedAt) * this.rate) / 1000;
      if (tokens >= this.burst) this.buckets.delete(scope);
    }
  }
}

function positive(value: number, name: string): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number`);
  return value;
}

let sharedPacer: RequestPacer | undefined;

/** One pacer per process, so every copy a warm function makes shares the same budget per prefix. */
export function defaultPacer(): RequestPacer {
  sharedPacer ??= new RequestPacer();
  return sharedPacer;
}
