/**
 * The layer between the diagnosis reads and an `AwsCaller`: classifies each answer, retries what is
 * transient, caches settled answers for a while, shares identical in-flight calls, and counts real calls.
 */
import { TransientReadError } from '../diagnosis/reads.js';
import type { AwsCaller, AwsCallOptions, AwsService } from './caller.js';
import { classifyAwsError } from './classify-error.js';
import { stableStringify } from './json-values.js';
import { backoffDelay, DEFAULT_RETRY, type RetryOptions, realSleep } from './retry.js';

export type CallOutcome =
  | { status: 'ok'; output: Record<string, unknown> }
  | {
      status: 'absent' | 'not-found' | 'denied';
      /** For people: the error name, the call and the message. */
      error: string;
      errorName: string;
      httpStatusCode?: number;
    };

export interface CallReaderOptions {
  /** How long a settled answer is reused. Default 30 s; 0 turns caching (and in-flight sharing) off. */
  cacheTtlMs?: number;
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** For the backoff jitter; `Math.random` by default. */
  random?: () => number;
}

export interface ReadStats {
  /** Calls really sent to the caller (each retry counts; cache hits do not). */
  calls: number;
  byCommand: Record<string, number>;
  /** Answers served from the cache or shared with an identical call in flight. */
  cacheHits: number;
}

export interface CallReader {
  read(
    service: AwsService,
    command: string,
    input: Record<string, unknown>,
    options?: AwsCallOptions,
  ): Promise<CallOutcome>;
  stats(): ReadStats;
  clearCache(): void;
}

export const DEFAULT_CACHE_TTL_MS = 30_000;

interface CacheEntry {
  promise: Promise<CallOutcome>;
  settledAt?: number;
}

export function createCallReader(caller: AwsCaller, options: CallReaderOptions = {}): CallReader {
  const ttl = options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS;
  const retry = options.retry ?? {};
  const attempts = Math.max(1, retry.attempts ?? DEFAULT_RETRY.attempts);
  const sleep = options.sleep ?? realSleep;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  const cache = new Map<string, CacheEntry>();
  const counts = { calls: 0, cacheHits: 0, byCommand: {} as Record<string, number> };

  async function send(
    service: AwsService,
    command: string,
    input: Record<string, unknown>,
    callOptions: AwsCallOptions | undefined,
  ): Promise<CallOutcome> {
    const call = `${service}:${command}`;
    for (let attempt = 1; ; attempt += 1) {
      counts.calls += 1;
      counts.byCommand[command] = (counts.byCommand[command] ?? 0) + 1;
      try {
        return { status: 'ok', output: await caller.send(service, command, input, callOptions) };
      } catch (error) {
        const classified = classifyAwsError(error);
        const detail = `${classified.name}${classified.message ? `: ${classified.message}` : ''}`;
        switch (classified.class) {
          case 'absent':
          case 'not-found':
          case 'denied':
            return {
              status: classified.class,
              error: `${classified.name} from ${service} ${command}${classified.message ? `: ${classified.message}` : ''}`,
              errorName: classified.name,
              ...(classified.httpStatusCode === undefined
                ? {}
                : { httpStatusCode: classified.httpStatusCode }),
            };
          case 'transient':
            if (attempt < attempts) {
              await sleep(backoffDelay(attempt, retry, random));
              continue;
            }
            throw new TransientReadError(
              `${service} ${command} failed after ${attempt} attempts: ${detail}`,
              call,
              {
                cause: error,
              },
            );
          case 'unexpected':
            throw new TransientReadError(`${service} ${command} failed: ${detail}`, call, { cause: error });
          default: {
            const unhandled: never = classified.class;
            throw new Error(`unhandled error class ${String(unhandled)}`);
          }
        }
      }
    }
  }

  return {
    read(service, command, input, callOptions) {
      if (ttl <= 0) return send(service, command, input, callOptions);
      const key = stableStringify([
        service,
        command,
        input,
        callOptions?.region ?? null,
        callOptions?.side ?? 'source',
      ]);
      const cached = cache.get(key);
      if (cached && (cached.settledAt === undefined || now() - cached.settledAt < ttl)) {
        counts.cacheHits += 1;
        return cached.promise;
      }
      const entry: CacheEntry = { promise: send(service, command, input, callOptions) };
      cache.set(key, entry);
      entry.promise.then(
        () => {
          entry.settledAt = now();
        },
        () => {
          // A transient failure is never an answer: the next read tries again.
          if (cache.get(key) === entry) cache.delete(key);
        },
      );
      return entry.promise;
    },
    stats: () => ({ calls: counts.calls, byCommand: { ...counts.byCommand }, cacheHits: counts.cacheHits }),
    clearCache: () => cache.clear(),
  };
}
