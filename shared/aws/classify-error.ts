/**
 * What an AWS error means to a diagnosis. Expected answers (denied, not found, configuration absent) become
 * data; throttling, 5xx and network failures are worth retrying; anything else unknown is conservative:
 * an unknown 4xx is "could not read", never a verdict.
 */
import { type AwsErrorFields, isMarkedRetryable, readAwsErrorFields } from './sdk-error.js';

export type ErrorClass =
  /** The diagnoser may not read it (or the snapshot has no record): the check is inconclusive. */
  | 'denied'
  /** The thing read does not exist. */
  | 'not-found'
  /** The bucket simply has no such configuration: a value (`null`), not a failure. */
  | 'absent'
  /** Throttling, a server fault or the network: retry, then give up with `TransientReadError`. */
  | 'transient'
  /** Not an AWS answer at all (no status, unknown name): surfaced at once as `TransientReadError`. */
  | 'unexpected';

const ABSENT = new Set([
  'NoSuchBucketPolicy',
  'ReplicationConfigurationNotFoundError',
  'ServerSideEncryptionConfigurationNotFoundError',
  'ObjectLockConfigurationNotFoundError',
  'OwnershipControlsNotFoundError',
]);

const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AllAccessDisabled',
  'UnauthorizedOperation',
  // A snapshot without the record: to the diagnosis, the same as a read it may not make.
  'NotRecorded',
]);

const NOT_FOUND = new Set([
  'NoSuchBucket',
  'NoSuchEntity',
  'NotFoundException',
  'NoSuchKey',
  'NoSuchVersion',
  // HeadObject has no error body: the SDK names a 404 after the status.
  'NotFound',
  // DescribeOrganization from an account that is in no organization.
  'AWSOrganizationsNotInUseException',
]);

const TRANSIENT = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'SlowDown',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'PriorRequestNotComplete',
  'EC2ThrottledException',
  'InternalError',
  'InternalFailure',
  'InternalServerError',
  'ServiceFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'KMSInternalException',
  'DependencyTimeoutException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'AbortError',
  'NetworkingError',
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
]);

export interface ClassifiedError extends AwsErrorFields {
  class: ErrorClass;
}

export function classifyAwsError(error: unknown): ClassifiedError {
  const fields = readAwsErrorFields(error);
  return { ...fields, class: classOf(fields, error) };
}

function classOf({ name, httpStatusCode: status }: AwsErrorFields, error: unknown): ErrorClass {
  // Names first: a named answer is more precise than its status (S3's RequestTimeout is a 400).
  if (ABSENT.has(name)) return 'absent';
  if (DENIED.has(name)) return 'denied';
  if (NOT_FOUND.has(name)) return 'not-found';
  if (TRANSIENT.has(name)) return 'transient';
  if (status !== undefined) {
    if (status === 429 || status >= 500) return 'transient';
    if (status === 403) return 'denied';
    if (status === 404) return 'not-found';
    if (status >= 400) return 'denied';
  }
  if (isMarkedRetryable(error)) return 'transient';
  return 'unexpected';
}
