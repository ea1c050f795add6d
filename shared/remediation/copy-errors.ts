/**
 * Unexpected outcomes of a copy in place. Expected ones (the version moved on, the object is archived)
 * are refusals in the plan; these are what can still go wrong once a request is sent.
 */

export interface CopyErrorLocation {
  bucket: string;
  key: string;
}

/**
 * S3 refused a conditional copy (412, or 409 for a concurrent write), or the source went away between the
 * plan and the copy: the object changed under us. Retrying the same request cannot succeed; the caller plans
 * again from a fresh HeadObject, which decides whether a copy is still right.
 */
export class CopyPreconditionError extends Error {
  override readonly name = 'CopyPreconditionError';
  readonly bucket: string;
  readonly key: string;
  readonly operation: string;

  constructor(location: CopyErrorLocation, operation: string, cause: unknown) {
    super(
      `${operation} on s3://${location.bucket}/${location.key} was refused because the object changed since it was planned; plan again`,
      { cause },
    );
    this.bucket = location.bucket;
    this.key = location.key;
    this.operation = operation;
  }
}

/** S3 kept answering SlowDown (503) after backing off: the record goes back to its queue to be tried later. */
export class CopyThrottledError extends Error {
  override readonly name = 'CopyThrottledError';
  readonly scope: string;
  readonly attempts: number;

  constructor(scope: string, operation: string, attempts: number, cause: unknown) {
    super(`${operation} was throttled by S3 (${scope}) ${attempts} times in a row; retry later`, { cause });
    this.scope = scope;
    this.attempts = attempts;
  }
}

/** Any other failure of a request in a copy in place (denied, missing bucket, server fault, network). */
export class CopyFailedError extends Error {
  override readonly name = 'CopyFailedError';
  readonly operation: string;
  /** The AWS error code (`AccessDenied`, `NoSuchBucket`...), when S3 gave one. */
  readonly code: string;
  readonly httpStatusCode: number | undefined;

  constructor(
    location: CopyErrorLocation,
    operation: string,
    fields: { name: string; message: string; httpStatusCode?: number },
    cause: unknown,
  ) {
    const status = fields.httpStatusCode === undefined ? '' : ` (HTTP ${fields.httpStatusCode})`;
    super(
      `${operation} on s3://${location.bucket}/${location.key} failed: ${fields.name}${status}${fields.message ? `: ${fields.message}` : ''}`,
      { cause },
    );
    this.operation = operation;
    this.code = fields.name;
    this.httpStatusCode = fields.httpStatusCode;
  }
}

/**
 * A multipart copy failed and its upload could not be aborted either: its parts stay billed until an
 * `AbortIncompleteMultipartUpload` lifecycle rule or a manual abort removes them. `cause` is the abort's
 * last error; `failure` is what made the copy stop.
 */
export class MultipartAbortError extends Error {
  override readonly name = 'MultipartAbortError';
  readonly uploadId: string;
  readonly failure: unknown;

  constructor(location: CopyErrorLocation, uploadId: string, failure: unknown, cause: unknown) {
    super(
      `a multipart copy of s3://${location.bucket}/${location.key} failed and upload ${uploadId} could not be aborted; its parts remain until aborted`,
      { cause },
    );
    this.uploadId = uploadId;
    this.failure = failure;
  }
}
