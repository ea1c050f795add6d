/**
 * One request of a copy in place: paced per bucket/prefix, counted, and its failure turned into a typed
 * error (`CopyPreconditionError`, `CopyThrottledError`, `CopyFailedError`).
 */
import { readAwsErrorFields } from '../aws/sdk-error.js';
import { CopyFailedError, CopyPreconditionError, CopyThrottledError } from './copy-errors.js';
import { pacingScope, type RequestPacer } from './pacing.js';

export interface RequestContext {
  bucket: string;
  key: string;
  pacer: RequestPacer;
  /** Incremented for every request sent, retries included. */
  counter: { requests: number };
}

/** Sends with pacing and SlowDown retries; other errors are returned to the caller raw. */
export function sendPacedRaw<T>(
  context: RequestContext,
  operation: string,
  send: () => Promise<T>,
): Promise<T> {
  return context.pacer.run(pacingScope(context.bucket, context.key), operation, send, () => {
    context.counter.requests += 1;
  });
}

/** Sends with pacing and SlowDown retries; any failure becomes a typed copy error. */
export async function sendPaced<T>(
  context: RequestContext,
  operation: string,
  send: () => Promise<T>,
): Promise<T> {
  try {
    return await sendPacedRaw(context, operation, send);
  } catch (error) {
    throw toCopyError(context, operation, error);
  }
}

const CHANGED = new Set(['PreconditionFailed', 'ConditionalRequestConflict', 'NoSuchKey', 'NoSuchVersion']);

export function toCopyError(
  location: { bucket: string; key: string },
  operation: string,
  error: unknown,
): Error {
  if (
    error instanceof CopyThrottledError ||
    error instanceof CopyPreconditionError ||
    error instanceof CopyFailedError
  ) {
    return error;
  }
  const fields = readAwsErrorFields(error);
  // 412: an `If-Match` did not hold; 409: a concurrent write to the key; NoSuch*: the source version went away.
  if (fields.httpStatusCode === 412 || CHANGED.has(fields.name)) {
    return new CopyPreconditionError(location, operation, error);
  }
  return new CopyFailedError(location, operation, fields, error);
}
