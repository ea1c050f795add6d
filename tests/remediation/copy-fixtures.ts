/** Shared pieces of the copy-in-place tests: seed names, SDK-shaped errors, a clock that never really waits. */
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { createSdkError } from '../../shared/aws/sdk-error.js';
import type { Clock } from '../../shared/remediation/pacing.js';
import { RequestPacer } from '../../shared/remediation/pacing.js';

export const SOURCE_BUCKET = 'my-source-bucket-use1';
export const SOURCE_ACCOUNT = '123456789012';
export const KEY = 'reports/2024/q1 summary.pdf';
export const FAILED_VERSION = 'v1-failed-version';
export const ETAG = '"9b2cf535f27731c974343645a3985328"';
export const KMS_KEY_ARN = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
export const GIB = 1024 ** 3;
export const MIB = 1024 ** 2;

export const target = { bucket: SOURCE_BUCKET, key: KEY, versionId: FAILED_VERSION };

/** The current version of the failed object, as HeadObject returns it (the SDK lowercases metadata keys). */
export function currentHead(overrides: Partial<HeadObjectCommandOutput> = {}): HeadObjectCommandOutput {
  return {
    $metadata: { httpStatusCode: 200 },
    VersionId: FAILED_VERSION,
    ETag: ETAG,
    ContentLength: 2048,
    ContentType: 'application/pdf',
    CacheControl: 'max-age=3600',
    ContentDisposition: 'attachment; filename="q1 summary.pdf"',
    ContentEncoding: 'identity',
    ContentLanguage: 'en-GB',
    Expires: new Date('2030-01-01T00:00:00.000Z'),
    ExpiresString: 'Tue, 01 Jan 2030 00:00:00 GMT',
    Metadata: { owner: 'finance', 'review-state': 'approved' },
    WebsiteRedirectLocation: '/reports/latest.pdf',
    ReplicationStatus: 'FAILED',
    ...overrides,
  };
}

export interface SdkErrorOptions {
  name: string;
  status: number;
  message?: string;
  headers?: Record<string, string>;
}

/** An error shaped like the SDK's, with the raw response headers the SDK keeps on `$response`. */
export function sdkError({ name, status, message = name, headers = {} }: SdkErrorOptions): Error {
  const error = createSdkError({ name, message, httpStatusCode: status });
  Object.defineProperty(error, '$response', { value: { statusCode: status, headers }, enumerable: false });
  return error;
}

export const slowDown = () =>
  sdkError({ name: 'SlowDown', status: 503, message: 'Please reduce your request rate.' });

/**
 * A clock whose sleeps return at once, recording how long each would have been. Time moves only by
 * `advance`, so concurrent waiters see the same "now", as they would in the instant they all arrive.
 */
export function fakeClock(start = 1_000_000): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** A pacer that never waits for real, so tests run at full speed. */
export function instantPacer(clock: Clock = fakeClock()): RequestPacer {
  return new RequestPacer({ ratePerSecond: 1_000_000, burst: 1_000_000, clock, random: () => 0.5 });
}
