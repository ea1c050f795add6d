import { readAwsErrorFields } from '../aws/sdk-error.js';

/** What S3 holds after the writes is not what was planned: someone else wrote at the same time, or S3 rewrote it. */
export class EnrolVerificationError extends Error {
  override readonly name = 'EnrolVerificationError';
  constructor(
    readonly bucket: string,
    readonly document: 'notification' | 'replication',
    readonly differences: string[],
  ) {
    super(
      `s3://${bucket}: the ${document} configuration read back differs from the plan at ${differences.join(', ')}`,
    );
  }
}

/** An S3 call failed; `code` is S3's error code (`NoSuchBucket`, `AccessDenied`, ...). */
export class EnrolS3Error extends Error {
  override readonly name = 'EnrolS3Error';
  readonly code: string;
  constructor(
    readonly bucket: string,
    readonly operation: string,
    options: { cause: unknown },
  ) {
    const fields = readAwsErrorFields(options.cause);
    super(
      `s3://${bucket}: ${operation} failed: ${fields.name}${fields.message ? `: ${fields.message}` : ''}`,
      options,
    );
    this.code = fields.name;
  }
}

/** Enrolment would break what the bucket has (see the plan's conflicts); nothing was written. */
export class EnrolRefusedError extends Error {
  override readonly name = 'EnrolRefusedError';
  constructor(
    readonly bucket: string,
    readonly conflicts: string[],
  ) {
    super(`s3://${bucket}: not enrolled: ${conflicts.join('; ')}`);
  }
}

/** CloudFormation's response URL did not take the answer; thrown so Lambda retries the invocation. */
export class CustomResourceResponseError extends Error {
  override readonly name = 'CustomResourceResponseError';
}
