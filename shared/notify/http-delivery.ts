/**
 * One HTTP POST with the retry rules every chat channel shares: 429 waits as long as `Retry-After` asks
 * (within a bound), 5xx and network errors back off, anything else is final. The outcome is data; each
 * channel turns a failure into its own error class. Nothing here ever puts the URL or a header value into
 * a message: webhook URLs and bearer tokens are secrets.
 */

export interface DeliveryOptions {
  fetch?: typeof fetch;
  /** Injected in tests so a 429 does not make them wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Attempts in all, the first included. Default 3. */
  maxAttempts?: number;
  /** A 429 asking to wait longer than this fails at once (retryable later) rather than hold the function. Default 30. */
  maxRetryAfterSeconds?: number;
  /** First backoff after a 5xx or network error; doubled each time. Default 500 ms. */
  backoffMs?: number;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
}

export type AttemptVerdict<T> =
  | { kind: 'done'; value: T }
  /** Worth another attempt: 429, 5xx, a Slack `internal_error`. */
  | { kind: 'retry'; code: string; status?: number; retryAfterMs?: number }
  /** Final: a revoked webhook, a bad token, a rejected payload. */
  | { kind: 'fail'; code: string; status?: number };

export interface DeliveryFailure {
  code: string;
  status?: number;
  /** True when retrying later cannot help (404, invalid_auth); false for rate limits and outages. */
  permanent: boolean;
  attempts: number;
  retryAfterSeconds?: number;
  /** The network error, reduced to its name and code (its message could quote the URL). */
  cause?: Error;
}

export type DeliveryResult<T> =
  | { ok: true; value: T; attempts: number }
  | { ok: false; failure: DeliveryFailure };

/**
 * A delivery that did not go through, after the retries: what failed, with which code and status, and
 * whether trying again later can help. The message never holds the URL or a token.
 */
export class DeliveryError extends Error {
  override readonly name: string = 'DeliveryError';
  readonly code: string;
  readonly status: number | undefined;
  /** True when retrying cannot help (revoked webhook, bad token, unknown channel). */
  readonly permanent: boolean;
  readonly attempts: number;
  readonly retryAfterSeconds: number | undefined;

  constructor(what: string, failure: Omit<DeliveryFailure, 'cause'>, options?: ErrorOptions) {
    const status = failure.status !== undefined ? ` (HTTP ${failure.status})` : '';
    super(`${what} failed: ${failure.code}${status} after ${failure.attempts} attempt(s)`, options);
    this.code = failure.code;
    this.status = failure.status;
    this.permanent = failure.permanent;
    this.attempts = failure.attempts;
    this.retryAfterSeconds = failure.retryAfterSeconds;
  }
}

export interface HttpRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

const DEFAULTS = { maxAttempts: 3, maxRetryAfterSeconds: 30, backoffMs: 500, timeoutMs: 10_000 };

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A code safe to show: Slack error codes and our own (`http_404`); anything else from a body is not echoed. */
export function safeCode(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^[a-z0-9_.-]{1,64}$/i.test(value) ? value : fallback;
}

/** `Retry-After` is seconds or an HTTP date; a missing or unreadable one means "back off as usual". */
export function parseRetryAfter(header: string | null, now = Date.now()): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function sanitizedCause(error: unknown): Error {
  const name = error instanceof Error ? error.name : 'Error';
  const inner = error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  const code = safeCode((error as { code?: unknown } | null)?.code ?? inner?.code, 'network_error');
  return new Error(`${name}: ${code}`);
}

export async function postWithRetry<T>(
  request: HttpRequest,
  interpret: (response: Response) => Promise<AttemptVerdict<T>>,
  options: DeliveryOptions = {},
): Promise<DeliveryResult<T>> {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? realSleep;
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULTS.maxAttempts);
  const maxRetryAfterMs = (options.maxRetryAfterSeconds ?? DEFAULTS.maxRetryAfterSeconds) * 1000;
  const backoffMs = options.backoffMs ?? DEFAULTS.backoffMs;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;

  for (let attempt = 1; ; attempt += 1) {
    let verdict: AttemptVerdict<T>;
    let cause: Error | undefined;
    try {
      const response = await doFetch(request.url, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        redirect: 'error',
        signal: AbortSignal.timeout(timeoutMs),
      });
      verdict = await interpret(response);
    } catch (error) {
      cause = sanitizedCause(error);
      verdict = { kind: 'retry', code: 'network_error' };
    }
    if (verdict.kind === 'done') return { ok: true, value: verdict.value, attempts: attempt };
    const status = verdict.status !== undefined ? { status: verdict.status } : {};
    const because = cause ? { cause } : {};
    if (verdict.kind === 'fail') {
      return {
        ok: false,
        failure: { code: verdict.code, ...status, permanent: true, attempts: attempt, ...because },
      };
    }
    const wait = verdict.retryAfterMs ?? backoffMs * 2 ** (attempt - 1);
    const retryAfter =
      verdict.retryAfterMs !== undefined ? { retryAfterSeconds: Math.ceil(verdict.retryAfterMs / 1000) } : {};
    if (attempt >= maxAttempts || wait > maxRetryAfterMs) {
      return {
        ok: false,
        failure: {
          code: verdict.code,
          ...status,
          permanent: false,
          attempts: attempt,
          ...retryAfter,
          ...because,
        },
      };
    }
    await sleep(wait);
  }
}

/** The verdict for statuses every endpoint shares; undefined for a 2xx, which the caller reads. */
export function statusVerdict(response: Response): AttemptVerdict<never> | undefined {
  if (response.ok) return undefined;
  const { status } = response;
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
    return {
      kind: 'retry',
      code: 'rate_limited',
      status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (status >= 500 || status === 408) return { kind: 'retry', code: `http_${status}`, status };
  return undefined;
}
